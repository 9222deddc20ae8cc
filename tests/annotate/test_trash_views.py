import pytest
from django.urls import reverse

from annotate.models import Annotation
from annotate.services.annotations import update_annotation
from annotate.services.trash import trash_annotation
from tests.factories import make_actor, make_annotation, make_document


def url(name, project, *args):
    return reverse(f"annotate:{name}", args=[project.slug, *args])


@pytest.fixture
def trashed(cast, document):
    actor = make_actor(cast.project, "Shinzo Abe")
    annotation = make_annotation(document, actor=actor, stance="support", start=15, end=25)
    return trash_annotation(annotation=annotation, trashed_by=cast.bob)


def test_the_trash_lists_what_was_trashed_by_whom(client, cast, trashed):
    client.force_login(cast.carol)
    response = client.get(url("trash", cast.project))
    content = response.content.decode()
    assert "“Shinzo Abe”" in content
    assert "Abe and Putin" in content and "Support" in content and "bob" in content
    assert list(response.context["page"].object_list) == [trashed]


def test_live_annotations_and_other_projects_trash_stay_out_of_the_trash(
    client, cast, document, trashed
):
    make_annotation(document, start=0, end=5)
    elsewhere = make_annotation(make_document(cast.other), start=0, end=5)
    trash_annotation(annotation=elsewhere, trashed_by=cast.mallory)
    client.force_login(cast.bob)
    assert list(client.get(url("trash", cast.project)).context["page"].object_list) == [trashed]


def test_an_annotator_restores_an_annotation(client, cast, trashed):
    client.force_login(cast.bob)
    response = client.post(url("trash-restore", cast.project, trashed.pk), follow=True)
    assert "Restored “Shinzo Abe”" in response.content.decode()
    trashed.refresh_from_db()
    assert not trashed.is_trashed


def test_restoring_with_htmx_answers_with_the_row_only(client, cast, trashed):
    client.force_login(cast.alice)
    response = client.post(
        url("trash-restore", cast.project, trashed.pk), headers={"HX-Request": "true"}
    )
    assert response.content.lstrip().startswith(b"<tr") and b"Restored" in response.content
    assert b"<html" not in response.content
    # The count above the table follows, swapped out of band: the trash is now empty.
    content = response.content.decode()
    assert 'id="trash-count" hx-swap-oob="true">0 annotations in the trash.' in content
    assert "Empty trash" not in content


def test_a_viewer_sees_no_restore_button_and_cannot_restore(client, cast, trashed):
    client.force_login(cast.carol)
    content = client.get(url("trash", cast.project)).content.decode()
    assert "Restore" not in content and "Empty trash" not in content
    assert client.post(url("trash-restore", cast.project, trashed.pk)).status_code == 403
    trashed.refresh_from_db()
    assert trashed.is_trashed


def test_only_owners_empty_the_trash_after_confirming(client, cast, document, trashed):
    live = make_annotation(document, start=0, end=5)
    client.force_login(cast.bob)
    assert b"Empty trash" not in client.get(url("trash", cast.project)).content
    assert client.post(url("trash-empty", cast.project)).status_code == 403
    client.force_login(cast.alice)
    confirm = client.get(url("trash-empty", cast.project))
    assert b"Delete the 1 annotation in the trash for good?" in confirm.content
    assert Annotation.objects.filter(pk=trashed.pk).exists(), "asking is not doing"
    response = client.post(url("trash-empty", cast.project), follow=True)
    assert "1 annotation deleted for good" in response.content.decode()
    assert list(Annotation.objects.all()) == [live]


def test_a_user_of_another_project_gets_404_from_the_trash(client, cast, trashed):
    client.force_login(cast.mallory)
    assert client.get(url("trash", cast.project)).status_code == 404
    assert client.get(url("trash-empty", cast.project)).status_code == 404
    assert client.post(url("trash-empty", cast.project)).status_code == 404
    assert client.post(url("trash-restore", cast.project, trashed.pk)).status_code == 404
    assert client.get(url("annotation-history", cast.project, trashed.pk)).status_code == 404
    # Nor through her own project's address.
    assert client.post(url("trash-restore", cast.other, trashed.pk)).status_code == 404
    trashed.refresh_from_db()
    assert trashed.is_trashed


def test_the_trash_takes_the_same_number_of_queries_however_full(
    client, cast, document, django_assert_max_num_queries
):
    actor = make_actor(cast.project)

    def trash(n):
        for i in range(n):
            a = make_annotation(document, actor=actor, start=i, end=i + 3)
            trash_annotation(annotation=a, trashed_by=cast.bob)

    client.force_login(cast.bob)
    trash(2)
    with django_assert_max_num_queries(8) as small:
        client.get(url("trash", cast.project))
    trash(25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url("trash", cast.project))
    assert len(response.context["page"].object_list) == 27


def test_an_annotation_history_names_the_actors_before_and_after(client, cast, document):
    abe = make_actor(cast.project, "Shinzo Abe")
    putin = make_actor(cast.project, "Vladimir Putin")
    annotation = make_annotation(document, actor=abe, created_by=cast.bob)
    update_annotation(annotation=annotation, actor=putin, updated_by=cast.alice)
    client.force_login(cast.carol)
    response = client.get(url("annotation-history", cast.project, annotation.pk))
    newest = response.context["records"][0]
    assert newest["who"] == cast.alice
    assert {
        "field": "actor",
        "label": "actor",
        "before": "Shinzo Abe",
        "after": "Vladimir Putin",
    } in newest["changes"]


def test_an_annotation_history_names_who_trashed_it(client, cast, trashed):
    client.force_login(cast.carol)
    response = client.get(url("annotation-history", cast.project, trashed.pk))
    changes = response.context["records"][0]["changes"]
    assert {"field": "deleted_by", "label": "deleted by", "before": None, "after": "bob"} in changes


def test_restoring_twice_is_harmless(client, cast, trashed):
    client.force_login(cast.bob)
    restore = url("trash-restore", cast.project, trashed.pk)
    client.post(restore)
    response = client.post(restore, headers={"HX-Request": "true"})
    assert response.status_code == 200 and b"Restored" in response.content
    assert trashed.history.count() == 3, "created, trashed, restored: the second restore is a no-op"
