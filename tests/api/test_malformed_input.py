"""Malformed input answers 400 with a field-level message and writes nothing: characters
that cannot be stored, JSON nested without end, numbers past any id or page."""

import json

import pytest
from django.urls import reverse

from annotate.models import Actor, Annotation
from corpus.api.fields import MAX_ID
from corpus.models import Document
from tests.factories import make_actor, make_annotation, make_claim

pytestmark = pytest.mark.django_db

#: A NUL (PostgreSQL stores none) and half a surrogate pair (no encoding writes one).
UNSTORABLE = ["a\u0000b", "a\ud800b"]


def send(client, method, url, body):
    """``body`` as JSON with non-ASCII characters escaped, as scripts send a lone surrogate."""
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("note", UNSTORABLE)
def test_a_bulk_note_that_cannot_be_stored_is_refused_by_index_and_nothing_is_saved(
    api, document, note
):
    items = [
        {"document": document.pk, "start": 0, "end": 5},
        {"document": document.pk, "start": 6, "end": 10, "note": note},
    ]
    response = send(api("bob"), "post", "/api/annotations/bulk/", items)
    assert response.status_code == 400
    assert "U+" in response.json()["errors"]["1"]["note"][0]
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("value", UNSTORABLE)
def test_every_text_the_api_takes_is_checked_for_unstorable_characters(api, cast, document, value):
    actor = make_actor(cast.project, "Shinzo Abe")
    cases = [
        (
            "post",
            "/api/actors/",
            {"project": cast.project.pk, "name": "X", "notes": value},
            "notes",
        ),
        ("patch", f"/api/actors/{actor.pk}/", {"aliases": ["Abe", value]}, "aliases"),
        (
            "post",
            "/api/documents/",
            {"project": cast.project.pk, "title": "T", "text": "New text", "metadata": {value: 1}},
            "metadata",
        ),
        ("patch", f"/api/documents/{document.pk}/", {"metadata": {"k": [value]}}, "metadata"),
    ]
    for method, url, body, field in cases:
        response = send(api("alice"), method, url, body)
        assert response.status_code == 400, (url, response.content)
        assert field in response.json(), (url, response.json())
    assert list(Actor.objects.values_list("name", "aliases")) == [("Shinzo Abe", [])]
    assert Document.objects.get().metadata == {}


def test_json_nested_without_end_is_refused_as_too_deep(api, cast):
    for body in ("[" * 100_000, '{"a":' * 100_000, "[" * 200 + "]" * 200):
        response = api("bob").post("/api/annotations/", body, content_type="application/json")
        assert response.status_code == 400, body[:10]
        assert "nested too deeply" in response.json()["detail"]


def test_deep_metadata_within_the_limit_is_taken(api, cast):
    metadata: dict[str, object] = {"k": "leaf"}
    for _ in range(20):
        metadata = {"k": metadata}
    response = send(
        api("bob"),
        "post",
        "/api/documents/",
        {"project": cast.project.pk, "title": "Deep", "text": "Deep text", "metadata": metadata},
    )
    assert response.status_code == 201


def test_metadata_with_integers_beyond_64_bits_is_kept_and_answered_whole(api, cast):
    huge = {"circulation": 2**64 + 1, "debt": -(10**30)}
    response = send(
        api("bob"),
        "post",
        "/api/documents/",
        {"project": cast.project.pk, "title": "Huge", "text": "Huge numbers", "metadata": huge},
    )
    assert response.status_code == 201, response.content
    assert response.json()["metadata"] == huge
    listed = api("bob").get(f"/api/documents/?project={cast.project.pk}")
    assert [d["metadata"] for d in listed.json()["results"] if d["title"] == "Huge"] == [huge]


def test_a_member_named_with_a_nul_is_simply_not_found(api, cast):
    response = api("alice").get(f"/api/projects/{cast.project.pk}/members/a%00b/")
    assert response.status_code == 404


@pytest.fixture
def statements(cast, document):
    abe, putin = make_actor(cast.project, "Abe"), make_actor(cast.project, "Putin")
    claim = make_claim(cast.project, "Ties")
    make_annotation(document, start=0, end=5, actor=abe, claim=claim, stance="support")
    make_annotation(document, start=6, end=9, actor=putin, claim=claim, stance="oppose")
    return abe, claim


@pytest.mark.parametrize("name", ["exclude_actor", "exclude_claim"])
@pytest.mark.parametrize("value", [2**63, 2**64, 10**30, 0, -1])
def test_an_excluded_id_out_of_range_is_refused_by_name(api, cast, statements, name, value):
    url = reverse("api:project-network", kwargs={"pk": cast.project.pk})
    response = api("carol").get(url, {"kind": "congruence", name: value})
    assert response.status_code == 400
    assert name in response.json()


def test_the_largest_id_is_still_an_id_that_names_nothing(api, cast, statements):
    url = reverse("api:project-network", kwargs={"pk": cast.project.pk})
    response = api("carol").get(url, {"kind": "congruence", "exclude_actor": MAX_ID})
    assert response.status_code == 200
    assert len(response.json()["nodes"]) == 2


def test_the_network_page_refuses_an_excluded_id_out_of_range(client, cast, statements):
    client.force_login(cast.carol)
    response = client.get(
        reverse("annotate:network", args=[cast.project.slug]),
        {"kind": "congruence", "exclude_actor": 2**63},
    )
    assert response.status_code == 400
    assert "exclude_actor" in response.context["form"].errors


@pytest.mark.parametrize("page", [2**63, 10**30, 2**63 // 1000 + 1])
def test_a_json_ld_page_past_any_offset_is_refused_before_streaming(api, cast, statements, page):
    response = api("carol").get(
        "/api/annotations/export/", {"project": cast.project.pk, "format": "jsonld", "page": page}
    )
    assert response.status_code == 400
    assert not response.streaming
    assert "page" in response.json()


@pytest.mark.parametrize("project", [str(2**63), str(10**30)])
def test_an_export_or_import_for_a_project_past_any_id_is_not_found(api, cast, project):
    response = api("carol").get("/api/annotations/export/", {"project": project})
    assert response.status_code in (400, 404)
    response = api("bob").post("/api/documents/import/", {"project": project}, format="multipart")
    assert response.status_code in (400, 404)


def test_every_id_filter_of_the_lists_is_bounded(api, cast):
    for path, name in [
        ("/api/annotations/", "document"),
        ("/api/annotations/", "actor"),
        ("/api/documents/", "project"),
        ("/api/claims/", "parent"),
    ]:
        response = api("carol").get(path, {name: 2**63})
        assert response.status_code == 400, (path, name)
        assert name in response.json()
