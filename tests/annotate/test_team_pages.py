"""Independent coding, agreement and curation as people meet them in the pages: the
reader, the lists, the settings, the matrix and its ``source``, the Agreement page and
the curation page."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from annotate.models import Annotation, Curation
from annotate.services.curation import accept_annotation, set_curated
from corpus.models import Role
from tests.factories import add_member, make_actor, make_annotation, make_claim, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(cast, document, curator):
    cast.dave = make_user("dave")
    add_member(cast.project, cast.dave, Role.ANNOTATOR)
    cast.project.independent_coding = True
    cast.project.save()
    abe = make_actor(cast.project, "Abe")
    ties = make_claim(cast.project, "Closer ties")
    first = {"document": document, "start": 0, "end": 26, "actor": abe, "claim": ties}
    return SimpleNamespace(
        document=document,
        bobs=make_annotation(**first, stance="support", note="bob's note", created_by=cast.bob),
        daves=make_annotation(**first, stance="oppose", note="dave's note", created_by=cast.dave),
    )


def page(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_the_reader_shows_an_annotator_only_their_own(client, cast, team):
    body = page(client, cast.bob, "annotate:reader", cast.project.slug, team.document.pk)
    assert "bob&#x27;s note" in body.content.decode() or "bob's note" in body.content.decode()
    assert "dave" not in body.content.decode().split("</header>")[-1]
    body = page(client, cast.carol, "annotate:reader", cast.project.slug, team.document.pk)
    assert "dave" in body.content.decode() and "bob" in body.content.decode()


def test_the_document_list_counts_only_what_the_annotator_sees(client, cast, team):
    client.force_login(cast.bob)
    bob = client.get(reverse("corpus:project-detail", args=[cast.project.slug])).context
    client.force_login(cast.alice)
    alice = client.get(reverse("corpus:project-detail", args=[cast.project.slug])).context
    assert bob["rows"][0]["document"].annotation_count == 1
    assert alice["rows"][0]["document"].annotation_count == 2


def test_an_annotator_cannot_open_anothers_annotation_history(client, cast, team):
    response = page(
        client, cast.bob, "annotate:annotation-history", cast.project.slug, team.daves.pk
    )
    assert response.status_code == 404


def test_the_owner_turns_independent_coding_off_on_the_settings_page(client, cast, team):
    client.force_login(cast.alice)
    url = reverse("corpus:project-settings", args=[cast.project.slug])
    assert "Independent coding" in client.get(url).content.decode()
    response = client.post(url, {"name": cast.project.name, "description": ""})
    assert response.status_code == 302
    cast.project.refresh_from_db()
    assert cast.project.independent_coding is False
    # Nothing was lost: bob sees dave's annotation again.
    reader = page(client, cast.bob, "annotate:reader", cast.project.slug, team.document.pk)
    assert "dave" in reader.content.decode()


def test_the_settings_page_refuses_a_blank_name_and_changes_nothing(client, cast, team):
    client.force_login(cast.alice)
    url = reverse("corpus:project-settings", args=[cast.project.slug])
    response = client.post(url, {"name": "   ", "description": "x"})
    assert response.status_code == 400
    cast.project.refresh_from_db()
    assert cast.project.independent_coding is True and cast.project.description == ""


def grand_total(response):
    grand = response.context["grand"]
    return grand.support + grand.oppose + grand.neutral


def test_the_matrix_defaults_to_final_annotations_and_says_so(client, cast, team):
    response = page(client, cast.alice, "annotate:matrix", cast.project.slug)
    assert "Counting the final annotations of curated documents" in response.content.decode()
    assert grand_total(response) == 0
    accept_annotation(annotation=team.bobs, accepted_by=cast.cora)
    set_curated(document=team.document, curated=True, changed_by=cast.cora)
    response = page(client, cast.alice, "annotate:matrix", cast.project.slug)
    assert grand_total(response) == 1
    assert response.context["grand"].support == 1
    response = page(client, cast.alice, "annotate:matrix", cast.project.slug, source="all")
    assert grand_total(response) == 2
    assert "Counting every annotator&#x27;s annotations" in response.content.decode()
    response = page(client, cast.alice, "annotate:matrix", cast.project.slug, source="dave")
    assert (grand_total(response), response.context["grand"].oppose) == (1, 1)


def test_an_annotators_matrix_counts_their_own(client, cast, team):
    response = page(client, cast.bob, "annotate:matrix", cast.project.slug)
    assert grand_total(response) == 1
    response = page(client, cast.bob, "annotate:matrix", cast.project.slug, source="dave")
    assert grand_total(response) == 0


def test_an_unknown_source_on_a_page_is_a_400_naming_it(client, cast, team):
    response = page(client, cast.alice, "annotate:matrix", cast.project.slug, source="nobody")
    assert response.status_code == 400
    assert "source" in response.context["form"].errors
    response = page(client, cast.alice, "annotate:network", cast.project.slug, source="nobody")
    assert response.status_code == 400
    client.force_login(cast.alice)
    response = client.get(
        reverse("annotate:statements-export", args=[cast.project.slug]),
        {"source": "nobody"},
    )
    assert response.status_code == 400 and b"source" in response.content


def test_the_statement_table_follows_the_source(client, cast, team):
    client.force_login(cast.alice)
    url = reverse("annotate:statements-export", args=[cast.project.slug])
    everyone = b"".join(client.get(url, {"source": "all"}).streaming_content).decode()
    final = b"".join(client.get(url).streaming_content).decode()
    assert len(everyone.strip().splitlines()) == 3  # header and two statements
    assert len(final.strip().splitlines()) == 1


def test_the_network_defaults_to_final_annotations(client, cast, team):
    response = page(client, cast.alice, "annotate:network", cast.project.slug, kind="affiliation")
    assert response.context["network"].statement_count == 0
    assert "Counting the final annotations" in response.content.decode()
    response = page(
        client, cast.alice, "annotate:network", cast.project.slug, kind="affiliation", source="all"
    )
    assert response.context["network"].statement_count == 2
    assert "annotations=all" in response.context["statements_query"]


def test_the_agreement_page_shows_the_figures_and_links_disagreements(client, cast, team):
    response = page(
        client, cast.cora, "annotate:agreement", cast.project.slug, field="stance", annotators="bob"
    )
    # annotators=bob only: one annotator, nothing to compare.
    assert response.status_code == 200
    response = page(client, cast.cora, "annotate:agreement", cast.project.slug, field="stance")
    body = response.content.decode()
    assert "Krippendorff's alpha-U" in body
    assert "Cohen's kappa, bob and dave" in body
    curation = reverse("annotate:curation", args=[cast.project.slug, team.document.pk])
    assert f'href="{curation}#passage-0"' in body
    assert "bob: Support" in body and "dave: Oppose" in body


def test_the_agreement_page_names_a_bad_parameter(client, cast, team):
    response = page(client, cast.cora, "annotate:agreement", cast.project.slug, field="mood")
    assert response.status_code == 400
    assert "field:" in response.content.decode()


def test_an_annotator_may_not_open_the_agreement_page_in_independent_coding(client, cast, team):
    assert page(client, cast.bob, "annotate:agreement", cast.project.slug).status_code == 403


def test_the_curation_page_shows_versions_side_by_side_with_the_differences(client, cast, team):
    response = page(client, cast.cora, "annotate:curation", cast.project.slug, team.document.pk)
    body = response.content.decode()
    assert "≠ Differs: stance" in body
    assert body.count(">Accept<") == 2
    assert "Accept bob's version at characters 0–26" in body


def test_curating_on_the_page_accepts_rejects_and_marks_curated(client, cast, team):
    client.force_login(cast.cora)
    slug, pk = cast.project.slug, team.document.pk
    response = client.post(
        reverse("annotate:curation-accept", args=[slug, pk, team.daves.pk]), follow=True
    )
    assert "Accepted dave&#x27;s version" in response.content.decode()
    final = Annotation.objects.get(final=True)
    assert final.curated_from == team.daves
    assert "accepted from dave by cora" in response.content.decode()
    client.post(reverse("annotate:curation-mark", args=[slug, pk]), {"curated": "1"})
    assert Curation.objects.get(document=team.document).curated
    client.post(reverse("annotate:curation-reject", args=[slug, pk, final.pk]))
    final.refresh_from_db()
    assert final.deleted_at is not None
    client.post(reverse("annotate:curation-mark", args=[slug, pk]), {"curated": "0"})
    assert not Curation.objects.get(document=team.document).curated


def test_a_bad_curated_value_changes_nothing(client, cast, team):
    client.force_login(cast.cora)
    url = reverse("annotate:curation-mark", args=[cast.project.slug, team.document.pk])
    client.post(url, {"curated": "maybe"})
    assert not Curation.objects.exists()


def test_an_annotators_codebook_counts_only_their_own_uses(client, cast, team):
    client.force_login(cast.bob)
    entries = client.get(reverse("annotate:actor-list", args=[cast.project.slug])).context[
        "entries"
    ]
    assert [(a.name, a.annotation_count) for a in entries] == [("Abe", 1)]
    client.force_login(cast.carol)
    entries = client.get(reverse("annotate:actor-list", args=[cast.project.slug])).context[
        "entries"
    ]
    assert [(a.name, a.annotation_count) for a in entries] == [("Abe", 2)]


def test_the_statements_behind_a_network_tie_follow_the_source(client, cast, team):
    client.force_login(cast.alice)
    url = reverse("annotate:network-statements", args=[cast.project.slug])
    tie = {
        "kind": "affiliation",
        "source": f"actor-{team.bobs.actor_id}",
        "target": f"claim-{team.bobs.claim_id}",
    }
    final = client.get(url, tie)
    assert final.status_code == 200 and final.context["behind"].total == 0
    everyone = client.get(url, {**tie, "annotations": "all"})
    assert everyone.context["behind"].total == 2
    bob = client.get(url, {**tie, "annotations": "bob"})
    assert bob.context["behind"].total == 1
    assert client.get(url, {**tie, "annotations": "nobody"}).status_code == 400


def test_the_history_says_who_accepted_whose_annotation(client, cast, team):
    final = accept_annotation(annotation=team.daves, accepted_by=cast.cora)
    response = page(client, cast.alice, "annotate:annotation-history", cast.project.slug, final.pk)
    body = response.content.decode()
    assert f"accepted annotation {team.daves.pk} by dave" in body
    assert "cora" in body


def test_an_annotators_trash_holds_only_their_own(client, cast, team):
    from annotate.services.trash import trash_annotation

    trash_annotation(annotation=team.daves, trashed_by=cast.dave)
    trash = page(client, cast.bob, "annotate:trash", cast.project.slug)
    assert trash.context["count"] == 0
    response = client.post(
        reverse("annotate:trash-restore", args=[cast.project.slug, team.daves.pk])
    )
    assert response.status_code == 404
    team.daves.refresh_from_db()
    assert team.daves.deleted_at is not None
    assert page(client, cast.carol, "annotate:trash", cast.project.slug).context["count"] == 1


def test_a_viewer_reads_the_disagreements_without_links_to_curation(client, cast, team):
    response = page(client, cast.carol, "annotate:agreement", cast.project.slug, field="stance")
    body = response.content.decode()
    assert "bob: Support" in body
    assert reverse("annotate:curation", args=[cast.project.slug, team.document.pk]) not in body
