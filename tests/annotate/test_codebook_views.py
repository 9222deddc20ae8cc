import pytest
from django.urls import reverse

from annotate.models import Actor, Annotation, Claim
from tests.factories import make_actor, make_annotation, make_claim


def url(name, project, *args):
    return reverse(f"annotate:{name}", args=[project.slug, *args])


@pytest.fixture
def abe(cast):
    return make_actor(cast.project, "Shinzo Abe", kind="person", aliases=["Abe"])


@pytest.fixture
def putin(cast):
    return make_actor(cast.project, "Vladimir Putin", kind="person")


def test_the_actor_list_shows_live_annotation_and_statement_counts(
    client, cast, document, abe, putin
):
    claim = make_claim(cast.project, "Closer ties")
    make_annotation(document, actor=abe, claim=claim, stance="support", start=0, end=4)
    make_annotation(document, actor=abe, start=5, end=9)
    client.force_login(cast.carol)
    response = client.get(url("actor-list", cast.project))
    assert response.status_code == 200
    rows = {entry.name: entry for entry in response.context["entries"]}
    assert (rows["Shinzo Abe"].annotation_count, rows["Shinzo Abe"].statement_count) == (2, 1)
    assert (rows["Vladimir Putin"].annotation_count, rows["Vladimir Putin"].statement_count) == (
        0,
        0,
    )


def test_trashed_annotations_do_not_count_as_usage(client, cast, document, abe):
    from annotate.services.trash import trash_annotation

    annotation = make_annotation(document, actor=abe)
    trash_annotation(annotation=annotation, trashed_by=cast.bob)
    client.force_login(cast.bob)
    response = client.get(url("actor-list", cast.project))
    assert response.context["entries"][0].annotation_count == 0


def test_actors_are_searched_by_name_or_alias_and_filtered_by_kind(client, cast, abe, putin):
    make_actor(cast.project, "State Duma", kind="organisation")
    client.force_login(cast.bob)

    def names(**q):
        return [a.name for a in client.get(url("actor-list", cast.project), q).context["entries"]]

    assert names(q="abe") == ["Shinzo Abe"]
    assert names(kind="organisation") == ["State Duma"]
    assert names(q="putin", kind="organisation") == []


def test_claims_are_filtered_by_parent(client, cast):
    sanctions = make_claim(cast.project, "Sanctions")
    make_claim(cast.project, "Lift sanctions", parent=sanctions)
    make_claim(cast.project, "Territorial dispute")
    client.force_login(cast.bob)

    def labels(**q):
        return [c.label for c in client.get(url("claim-list", cast.project), q).context["entries"]]

    assert labels(parent=sanctions.pk) == ["Lift sanctions"]
    assert labels(parent="none") == ["Sanctions", "Territorial dispute"]


def test_an_htmx_search_gets_only_the_results_fragment(client, cast, abe):
    client.force_login(cast.bob)
    full = client.get(url("actor-list", cast.project))
    fragment = client.get(
        url("actor-list", cast.project), {"q": "abe"}, headers={"HX-Request": "true"}
    )
    assert b"<html" in full.content and b'aria-label="Project"' in full.content
    assert b"<html" not in fragment.content and b'id="results"' in fragment.content
    assert b"Shinzo Abe" in fragment.content
    assert "HX-Request" in fragment.headers["Vary"]


@pytest.mark.parametrize("name", ["actor-list", "claim-list"])
def test_codebook_lists_take_the_same_number_of_queries_however_many_rows(
    client, cast, document, django_assert_max_num_queries, name
):
    client.force_login(cast.bob)

    def grow(n):
        for _ in range(n):
            actor, claim = make_actor(cast.project), make_claim(cast.project)
            parent = make_claim(cast.project)
            claim.parent = parent
            claim.save()
            make_actor(cast.project, affiliation=actor)
            make_annotation(document, actor=actor, claim=claim, stance="oppose")

    grow(2)
    with django_assert_max_num_queries(8) as small:
        client.get(url(name, cast.project))
    grow(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(name, cast.project))
    assert len(response.context["entries"]) > 40


def test_an_annotator_creates_an_actor_with_comma_separated_aliases(client, cast):
    client.force_login(cast.bob)
    response = client.post(
        url("actor-create", cast.project),
        {
            "name": "Sergey Naryshkin",
            "kind": "person",
            "aliases": "Naryshkin, Speaker ,",
            "colour": "#aa0000",
        },
    )
    assert response.status_code == 302
    actor = Actor.objects.get(project=cast.project, name="Sergey Naryshkin")
    assert actor.aliases == ["Naryshkin", "Speaker"]
    assert actor.history.get().history_user == cast.bob


def test_a_bad_actor_is_refused_with_the_reason_next_to_the_field(client, cast, abe):
    client.force_login(cast.bob)
    response = client.post(
        url("actor-create", cast.project), {"name": "shinzo abe", "kind": "person", "colour": "red"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["colour"] == [
        "Give a colour as #rrggbb, for example #1a56a7."
    ]
    response = client.post(
        url("actor-create", cast.project), {"name": "shinzo abe", "kind": "person"}
    )
    assert "already has an actor" in response.context["form"].errors["name"][0]
    assert Actor.objects.filter(project=cast.project).count() == 1


def test_another_projects_actor_cannot_be_chosen_as_affiliation(client, cast):
    stranger = make_actor(cast.other, "Stranger")
    client.force_login(cast.bob)
    response = client.post(
        url("actor-create", cast.project),
        {"name": "X", "kind": "person", "affiliation": stranger.pk},
    )
    assert response.status_code == 400
    assert "affiliation" in response.context["form"].errors


def test_inline_edit_swaps_the_row_for_a_form_and_back(client, cast, abe):
    client.force_login(cast.bob)
    form = client.get(url("actor-edit", cast.project, abe.pk), headers={"HX-Request": "true"})
    assert form.content.lstrip().startswith(b"<tr")
    assert b'value="Shinzo Abe"' in form.content
    saved = client.post(
        url("actor-edit", cast.project, abe.pk),
        {"name": "Abe Shinzo", "kind": "person", "aliases": "Abe"},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200
    assert saved.content.lstrip().startswith(b"<tr") and b"Abe Shinzo" in saved.content
    assert b"<form" not in saved.content
    abe.refresh_from_db()
    assert abe.name == "Abe Shinzo"


def test_a_claim_is_created_and_edited_through_its_forms(client, cast):
    client.force_login(cast.bob)
    client.post(url("claim-create", cast.project), {"label": "Sanctions"})
    parent = Claim.objects.get(label="Sanctions")
    client.post(url("claim-create", cast.project), {"label": "Lift them", "parent": parent.pk})
    child = Claim.objects.get(label="Lift them")
    assert child.parent == parent
    response = client.post(
        url("claim-edit", cast.project, parent.pk), {"label": "Sanctions", "parent": child.pk}
    )
    assert response.status_code == 400
    assert "own ancestor" in response.context["form"].errors["parent"][0]


def test_an_annotator_merges_two_actors_through_the_page(client, cast, document, abe, putin):
    annotation = make_annotation(document, actor=abe)
    client.force_login(cast.bob)
    page = client.get(url("actor-merge", cast.project, abe.pk))
    assert [a.name for a in page.context["form"].fields["target"].queryset] == ["Vladimir Putin"]
    response = client.post(
        url("actor-merge", cast.project, abe.pk), {"target": putin.pk}, follow=True
    )
    assert (
        "Merged “Shinzo Abe” into “Vladimir Putin”: 1 annotation now points to it."
        in response.content.decode()
    )
    annotation.refresh_from_db()
    assert annotation.actor == putin


def test_a_merge_into_another_projects_actor_is_refused(client, cast, abe):
    stranger = make_actor(cast.other, "Stranger")
    client.force_login(cast.bob)
    response = client.post(url("actor-merge", cast.project, abe.pk), {"target": stranger.pk})
    assert response.status_code == 400
    assert Actor.objects.filter(pk=abe.pk).exists()


def test_deleting_an_actor_in_use_is_refused_and_points_to_merge(client, cast, document, abe):
    make_annotation(document, actor=abe)
    client.force_login(cast.alice)
    page = client.get(url("actor-delete", cast.project, abe.pk))
    assert b"Merge it into another actor" in page.content
    response = client.post(url("actor-delete", cast.project, abe.pk))
    assert response.status_code == 400
    assert "merge it into another actor" in response.content.decode()
    assert Actor.objects.filter(pk=abe.pk).exists()


def test_an_owner_deletes_an_unused_claim(client, cast):
    claim = make_claim(cast.project, "Unused")
    client.force_login(cast.alice)
    response = client.post(url("claim-delete", cast.project, claim.pk))
    assert response.status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_the_history_page_shows_who_changed_what_before_and_after(client, cast):
    from annotate.services.codebook import create_actor, update_actor

    duma = create_actor(project=cast.project, name="State Duma", created_by=cast.bob)
    actor = create_actor(project=cast.project, name="Naryshkin", created_by=cast.bob)
    update_actor(actor=actor, affiliation=duma, updated_by=cast.alice)
    client.force_login(cast.carol)
    response = client.get(url("actor-history", cast.project, actor.pk))
    first = response.context["records"][0]
    assert (first["who"], first["what"]) == (cast.alice, "updated")
    assert {
        "field": "affiliation",
        "label": "affiliation",
        "before": None,
        "after": "State Duma",
    } in first["changes"]
    assert b"alice" in response.content and b"State Duma" in response.content


# Permissions ---------------------------------------------------------------------------


def main_of(response):
    """The page's main region, without the site header's sign-out form."""
    return response.content.decode().split('<main id="main">', 1)[1]


def test_a_viewer_sees_the_codebook_without_any_form_or_edit_link(client, cast, abe):
    client.force_login(cast.carol)
    for name in ("actor-list", "claim-list"):
        content = main_of(client.get(url(name, cast.project)))
        assert '<form method="post"' not in content
        assert "New actor" not in content and "New claim" not in content
        assert ">Edit<" not in content and ">Merge<" not in content and ">Delete<" not in content
    assert "<form" not in main_of(client.get(url("actor-edit", cast.project, abe.pk)))
    assert "<form" not in main_of(client.get(url("actor-merge", cast.project, abe.pk)))


def test_a_viewer_cannot_create_edit_merge_or_delete(client, cast, abe, putin):
    client.force_login(cast.carol)
    attempts = [
        (url("actor-create", cast.project), {"name": "X", "kind": "person"}),
        (url("actor-edit", cast.project, abe.pk), {"name": "X", "kind": "person"}),
        (url("actor-merge", cast.project, abe.pk), {"target": putin.pk}),
        (url("actor-delete", cast.project, putin.pk), {}),
        (url("claim-create", cast.project), {"label": "X"}),
    ]
    for path, data in attempts:
        assert client.post(path, data).status_code == 403, path
    assert sorted(Actor.objects.values_list("name", flat=True)) == ["Shinzo Abe", "Vladimir Putin"]
    assert not Claim.objects.exists()


def test_an_annotator_cannot_delete_codebook_entries(client, cast, putin):
    client.force_login(cast.bob)
    assert client.post(url("actor-delete", cast.project, putin.pk)).status_code == 403
    assert b">Delete<" not in client.get(url("actor-list", cast.project)).content
    assert Actor.objects.filter(pk=putin.pk).exists()


def test_a_user_of_another_project_gets_404_on_every_codebook_page(client, cast, abe):
    claim = make_claim(cast.project)
    client.force_login(cast.mallory)
    paths = [
        url(n, cast.project) for n in ("actor-list", "actor-create", "claim-list", "claim-create")
    ]
    paths += [
        url(n, cast.project, abe.pk)
        for n in ("actor-edit", "actor-merge", "actor-delete", "actor-history")
    ]
    paths += [
        url(n, cast.project, claim.pk)
        for n in ("claim-edit", "claim-merge", "claim-delete", "claim-history")
    ]
    for path in paths:
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"name": "X", "label": "X"}).status_code in (404, 405), path
    # Nor can an entry of another project be reached through one's own project.
    mine = reverse("annotate:actor-edit", args=[cast.other.slug, abe.pk])
    assert client.get(mine).status_code == 404
    assert Annotation.objects.count() == 0


def test_a_signed_out_visitor_is_sent_to_sign_in(client, cast):
    response = client.get(url("actor-list", cast.project))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_history_pages_take_the_same_number_of_queries_however_long_the_history(
    client, cast, document, django_assert_max_num_queries
):
    from annotate.services.annotations import update_annotation
    from annotate.services.codebook import update_actor

    actors = [make_actor(cast.project, f"Actor {i}") for i in range(12)]
    subject = make_actor(cast.project, "Subject")
    annotation = make_annotation(document, actor=actors[0])
    client.force_login(cast.carol)

    def change(n):
        for i in range(n):
            update_actor(actor=subject, affiliation=actors[i], updated_by=cast.bob)
            update_annotation(annotation=annotation, actor=actors[i + 1], updated_by=cast.bob)

    paths = [
        url("actor-history", cast.project, subject.pk),
        reverse("annotate:annotation-history", args=[cast.project.slug, annotation.pk]),
    ]
    change(1)
    counts = []
    for path in paths:
        with django_assert_max_num_queries(10) as small:
            client.get(path)
        counts.append(len(small.captured_queries))
    change(10)
    for path, count in zip(paths, counts, strict=True):
        with django_assert_max_num_queries(count):
            response = client.get(path)
        assert len(response.context["records"]) >= 11


def test_actors_are_found_by_a_japanese_or_accented_alias(client, cast):
    make_actor(cast.project, "Shinzo Abe", aliases=["安倍晋三", "Shinzō Abe"])
    make_actor(cast.project, "Vladimir Putin", aliases=["Путин"])
    client.force_login(cast.bob)
    for query, expected in (
        ("安倍", "Shinzo Abe"),
        ("shinzō", "Shinzo Abe"),
        ("путин", "Vladimir Putin"),
    ):
        entries = client.get(url("actor-list", cast.project), {"q": query}).context["entries"]
        assert [a.name for a in entries] == [expected], query


def test_an_empty_submission_is_refused_with_the_missing_fields_named(client, cast, abe):
    client.force_login(cast.bob)
    response = client.post(url("actor-create", cast.project), {})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["This field is required."]
    response = client.post(url("actor-merge", cast.project, abe.pk), {})
    assert response.status_code == 400
    assert Actor.objects.filter(pk=abe.pk).exists()


def test_an_inline_edit_refused_keeps_the_entrys_own_name_in_its_heading(client, cast):
    china = make_actor(cast.project, name="China")
    make_actor(cast.project, name="Russia")
    client.force_login(cast.bob)
    response = client.post(
        url("actor-edit", cast.project, china.pk),
        {"name": "Russia", "kind": "organisation"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert "The codebook already has an actor named “Russia”." in page
    assert "Edit the actor “China”" in page
