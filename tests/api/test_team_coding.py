"""Independent coding, agreement and curation over the API: who sees whose annotations,
the agreement figures and their errors, accepting into the final annotations, the
curated state, and the ``source`` of the analyses and exports."""

import json
from types import SimpleNamespace

import pytest

from annotate.models import Annotation, Curation
from corpus.models import Role
from tests.factories import add_member, make_actor, make_annotation, make_claim, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(cast, document, curator):
    """bob and dave code the same document independently; they agree on the actor and
    claim of the first passage and differ on its stance; dave alone marks a second."""
    cast.dave = make_user("dave")
    add_member(cast.project, cast.dave, Role.ANNOTATOR)
    cast.project.independent_coding = True
    cast.project.save()
    abe, naryshkin = make_actor(cast.project, "Abe"), make_actor(cast.project, "Naryshkin")
    ties, sanctions = make_claim(cast.project, "Ties"), make_claim(cast.project, "Sanctions")
    first = {"document": document, "start": 0, "end": 26, "actor": abe, "claim": ties}
    return SimpleNamespace(
        document=document,
        bobs=make_annotation(**first, stance="support", created_by=cast.bob),
        daves=make_annotation(**first, stance="oppose", created_by=cast.dave),
        second=make_annotation(
            document,
            start=57,
            end=74,
            actor=naryshkin,
            claim=sanctions,
            stance="oppose",
            created_by=cast.dave,
        ),
        abe=abe,
        ties=ties,
    )


def ids(response):
    return {row["id"] for row in response.json()["results"]}


# Independent coding -----------------------------------------------------------------


def test_annotators_see_only_their_own_and_the_others_see_everyones(api, cast, team):
    everyone = {team.bobs.pk, team.daves.pk, team.second.pk}
    assert ids(api("bob").get("/api/annotations/")) == {team.bobs.pk}
    assert ids(api("dave").get("/api/annotations/")) == {team.daves.pk, team.second.pk}
    for user in ("alice", "cora", "carol"):
        assert ids(api(user).get("/api/annotations/")) == everyone
    assert api("bob").get(f"/api/annotations/{team.daves.pk}/").status_code == 404
    assert (
        api("bob")
        .patch(f"/api/annotations/{team.daves.pk}/", {"stance": "neutral"}, format="json")
        .status_code
        == 404
    )
    team.daves.refresh_from_db()
    assert team.daves.stance == "oppose"


def test_turning_independent_coding_off_shows_everything_again(api, cast, team):
    response = api("alice").patch(
        f"/api/projects/{cast.project.pk}/", {"independent_coding": False}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["independent_coding"] is False
    assert len(ids(api("bob").get("/api/annotations/"))) == 3


@pytest.mark.parametrize("user", ["cora", "bob", "carol"])
def test_only_owners_change_independent_coding(api, cast, team, user):
    response = api(user).patch(
        f"/api/projects/{cast.project.pk}/", {"independent_coding": False}, format="json"
    )
    assert response.status_code == 403
    cast.project.refresh_from_db()
    assert cast.project.independent_coding is True


def test_an_annotators_export_holds_only_their_own(api, cast, team):
    url = f"/api/annotations/export/?project={cast.project.pk}&format=jsonl&source=all"
    rows = [
        json.loads(line) for line in b"".join(api("bob").get(url).streaming_content).splitlines()
    ]
    assert [row["id"] for row in rows] == [team.bobs.pk]


def test_an_annotators_network_counts_only_their_own(api, cast, team):
    url = f"/api/projects/{cast.project.pk}/network/?kind=affiliation&source=all"
    assert api("bob").get(url).json()["statements"] == 1
    assert api("alice").get(url).json()["statements"] == 3


# Agreement ---------------------------------------------------------------------------


def agreement(api, cast, user="alice", **params):
    return api(user).get(f"/api/projects/{cast.project.pk}/agreement/", params)


def test_the_agreement_answer_has_the_documented_shape(api, cast, team):
    response = agreement(api, cast, field="claim", annotators="bob,dave")
    assert response.status_code == 200
    body = response.json()
    assert body["field"] == "claim"
    assert body["annotators"] == ["bob", "dave"]
    assert body["documents"] == [team.document.pk]
    assert set(body["unitizing"]) >= {"alpha", "by_category"}
    assert {c["value"] for c in body["unitizing"]["by_category"]} == {
        team.ties.pk,
        team.second.claim_id,
    }
    assert {c["label"] for c in body["unitizing"]["by_category"]} == {"Ties", "Sanctions"}
    coding = body["coding"]
    assert set(coding) >= {"alpha", "units", "pairable", "kappa"}
    # One span both marked, with the same claim; dave's second span has one value only.
    assert coding["units"] == 1 and coding["pairable"] == 2
    assert coding["kappa"] == [{"a": "bob", "b": "dave", "kappa": None, "units": 1}]


def test_a_coefficient_with_nothing_to_vary_is_not_defined_not_zero_or_one(api, cast, team):
    body = agreement(api, cast, field="actor", annotators="bob,dave").json()
    # One pairable unit where both gave the same actor: no variation at all, so the
    # expected disagreement is 0 and alpha is not defined; null, beside the counts.
    assert body["coding"]["alpha"] is None
    assert (body["coding"]["units"], body["coding"]["pairable"]) == (1, 2)
    # Two different stances on it: alpha is defined, and 0 (no better than chance).
    assert agreement(api, cast, field="stance").json()["coding"]["alpha"] == 0.0


def test_the_stance_values_are_the_words(api, cast, team):
    body = agreement(api, cast, field="stance").json()
    assert {c["value"] for c in body["unitizing"]["by_category"]} == {"support", "oppose"}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"field": "mood"}, "field"),
        ({"annotators": "bob,nobody"}, "annotators"),
        ({"annotators": "mallory"}, "annotators"),
        ({"document": "abc"}, "document"),
        ({"document": "99999999"}, "document"),
        ({"match": "fuzzy"}, "match"),
    ],
)
def test_bad_agreement_parameters_get_400_naming_them(api, cast, team, params, parameter):
    response = agreement(api, cast, **params)
    assert response.status_code == 400
    assert parameter in response.json()


def test_a_document_of_another_project_is_a_bad_parameter(api, cast, team, foreign_document):
    response = agreement(api, cast, document=str(foreign_document.pk))
    assert response.status_code == 400
    assert "document" in response.json()


def test_another_projects_agreement_is_404(api, cast, team):
    response = api("mallory").get(f"/api/projects/{cast.project.pk}/agreement/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("user", "status"), [("alice", 200), ("cora", 200), ("carol", 200), ("bob", 403)]
)
def test_in_independent_coding_annotators_may_not_read_the_agreement(api, cast, team, user, status):
    assert agreement(api, cast, user=user).status_code == status


# Curation ----------------------------------------------------------------------------


def test_accepting_copies_the_annotation_with_its_provenance(api, cast, team):
    response = api("cora").post(f"/api/annotations/{team.bobs.pk}/accept/")
    assert response.status_code == 201
    body = response.json()
    assert body["final"] is True
    assert body["curated_from"] == team.bobs.pk
    assert (body["start"], body["end"], body["stance"]) == (0, 26, "support")
    assert body["created_by"] == "cora"
    final = Annotation.objects.get(pk=body["id"])
    record = final.history.get()
    assert record.history_user == cast.cora
    assert record.history_change_reason == f"accepted annotation {team.bobs.pk} by bob"
    assert response["Location"].endswith(f"/api/annotations/{final.pk}/")


def test_the_final_filter_selects_final_annotations(api, cast, team):
    final = api("cora").post(f"/api/annotations/{team.bobs.pk}/accept/").json()["id"]
    assert ids(api("alice").get("/api/annotations/?final=true")) == {final}
    assert final not in ids(api("alice").get("/api/annotations/?final=false"))
    assert len(ids(api("alice").get("/api/annotations/?final=false"))) == 3


def test_accepting_twice_or_a_final_annotation_is_refused(api, cast, team):
    final = api("cora").post(f"/api/annotations/{team.bobs.pk}/accept/").json()["id"]
    again = api("cora").post(f"/api/annotations/{team.bobs.pk}/accept/")
    assert again.status_code == 400
    assert api("cora").post(f"/api/annotations/{final}/accept/").status_code == 400
    assert Annotation.objects.filter(final=True).count() == 1


@pytest.mark.parametrize("user", ["bob", "carol"])
def test_annotators_and_viewers_may_not_accept_or_curate(api, cast, team, user):
    assert api(user).post(f"/api/annotations/{team.bobs.pk}/accept/").status_code == 403
    assert api(user).post(f"/api/documents/{team.document.pk}/curated/").status_code == 403
    assert not Annotation.objects.filter(final=True).exists()
    assert not Curation.objects.exists()


def test_annotators_may_not_change_final_annotations(api, cast, team):
    cast.project.independent_coding = False
    cast.project.save()
    final = api("cora").post(f"/api/annotations/{team.bobs.pk}/accept/").json()["id"]
    response = api("bob").patch(f"/api/annotations/{final}/", {"stance": "oppose"}, format="json")
    assert response.status_code == 403
    assert api("bob").delete(f"/api/annotations/{final}/").status_code == 403
    assert (
        api("cora")
        .patch(f"/api/annotations/{final}/", {"stance": "neutral"}, format="json")
        .status_code
        == 200
    )


def test_a_document_is_marked_curated_and_uncurated(api, cast, team):
    response = api("cora").post(f"/api/documents/{team.document.pk}/curated/")
    assert response.status_code == 200
    assert response.json()["curated"] is True
    assert Curation.objects.get(document=team.document).curated is True
    response = api("alice").post(f"/api/documents/{team.document.pk}/uncurated/")
    assert response.json() == {
        "document": team.document.pk,
        "curated": False,
        "changed_by": "alice",
        "changed_at": response.json()["changed_at"],
    }
    reasons = [r.history_change_reason for r in Curation.history.order_by("history_id")]
    assert reasons == ["marked curated", "marked uncurated"]


def test_another_projects_document_cannot_be_curated(api, cast, team, foreign_document):
    response = api("cora").post(f"/api/documents/{foreign_document.pk}/curated/")
    assert response.status_code == 404
    assert api("cora").post("/api/documents/abc/curated/").status_code == 404


# Whose annotations the analyses count --------------------------------------------------


def network(api, cast, user="alice", **params):
    return api(user).get(
        f"/api/projects/{cast.project.pk}/network/", {"kind": "affiliation", **params}
    )


def test_analyses_default_to_final_annotations_of_curated_documents(api, cast, team):
    assert network(api, cast).json()["statements"] == 0
    api("cora").post(f"/api/annotations/{team.bobs.pk}/accept/")
    # Accepted but the document is not curated yet.
    assert network(api, cast).json()["statements"] == 0
    api("cora").post(f"/api/documents/{team.document.pk}/curated/")
    assert network(api, cast).json()["statements"] == 1
    assert network(api, cast, source="all").json()["statements"] == 3
    assert network(api, cast, source="dave").json()["statements"] == 2
    assert network(api, cast, source="final").json()["statements"] == 1


def test_without_independent_coding_analyses_count_every_annotators_own(api, cast, team):
    cast.project.independent_coding = False
    cast.project.save()
    api("cora").post(f"/api/annotations/{team.bobs.pk}/accept/")
    api("cora").post(f"/api/documents/{team.document.pk}/curated/")
    assert network(api, cast).json()["statements"] == 3
    assert network(api, cast, source="final").json()["statements"] == 1


def test_an_unknown_source_gets_400_naming_it(api, cast, team):
    for response in (
        network(api, cast, source="nobody"),
        api("alice").get(f"/api/annotations/export/?project={cast.project.pk}&source=mallory"),
    ):
        assert response.status_code == 400
        assert "source" in response.json()


def test_exports_default_to_the_final_annotations(api, cast, team):
    api("cora").post(f"/api/annotations/{team.daves.pk}/accept/")
    api("cora").post(f"/api/documents/{team.document.pk}/curated/")
    url = f"/api/annotations/export/?project={cast.project.pk}&format=jsonl"
    rows = [
        json.loads(line) for line in b"".join(api("alice").get(url).streaming_content).splitlines()
    ]
    assert [(row["final"], row["curated_from"]) for row in rows] == [(True, team.daves.pk)]
    everyone = b"".join(api("alice").get(url + "&source=all").streaming_content).splitlines()
    assert len(everyone) == 3


def test_a_final_filter_that_is_no_boolean_is_a_400(api, cast, team):
    response = api("alice").get("/api/annotations/?final=maybe")
    assert response.status_code == 400
    assert "final" in response.json()
