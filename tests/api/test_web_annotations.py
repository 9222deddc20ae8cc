"""An annotation's IRI dereferences as a W3C Web Annotation (content negotiation, as the
Web Annotation Protocol describes), JSON-LD pages past the last are not found, and JSON
Lines keep one annotation per line whatever its text holds."""

import json

import pytest

from tests.api.test_exports import export, failures
from tests.factories import make_actor, make_annotation, make_claim, make_document

pytestmark = pytest.mark.django_db

ANNO = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


@pytest.fixture
def statement(cast, document):
    return make_annotation(
        document,
        start=15,
        end=25,
        actor=make_actor(cast.project, "Shinzo Abe"),
        claim=make_claim(cast.project, "Closer ties with Russia"),
        stance="support",
        note="Says so, plainly",
        created_by=cast.bob,
    )


def test_an_annotation_iri_answers_json_ld_when_asked_for(api, cast, statement):
    client = api("carol")
    _, body = export(client, f"project={cast.project.pk}&format=jsonld")
    (exported,) = json.loads(body)["first"]["items"]
    response = client.get(exported["id"], headers={"Accept": ANNO})
    assert response.status_code == 200
    assert response["Content-Type"] == ANNO
    assert "Accept" in response["Vary"]
    assert response["ETag"] == f'"{statement.pk}-{statement.version}"'
    # The same representation as the export, down to the last selector.
    assert response.json() == exported
    assert failures(response.json(), "annotations/annotationMusts.test") == []


def test_plain_json_stays_the_default_and_varies_by_accept(api, statement):
    for accept in (None, "application/json", "*/*", "text/html,*/*;q=0.8"):
        headers = {"Accept": accept} if accept else {}
        response = api("carol").get(f"/api/annotations/{statement.pk}/", headers=headers)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.json()["stance"] == "support"
        assert "Accept" in response["Vary"]


def test_json_ld_preferred_by_quality_wins_and_a_missing_one_is_a_json_404(api, cast, statement):
    client = api("carol")
    response = client.get(
        f"/api/annotations/{statement.pk}/",
        headers={"Accept": f"application/json;q=0.5, {ANNO}"},
    )
    assert response["Content-Type"] == ANNO
    assert response.json()["type"] == "Annotation"
    foreign = make_annotation(make_document(cast.other))
    response = client.get(f"/api/annotations/{foreign.pk}/", headers={"Accept": ANNO})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_json_ld_page_past_the_last_is_not_found(api, cast, document):
    for start in range(3):
        make_annotation(document, start=start, end=start + 3)
    client = api("carol")
    base = f"/api/annotations/export/?project={cast.project.pk}&format=jsonld&page_size=2"
    assert client.get(f"{base}&page=2").status_code == 200
    # A page number no export could reach is bad input (400); one past the last is 404.
    for page in ("3", "1000000"):
        response = client.get(f"{base}&page={page}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "There is no page past page 2 of this export."}


def test_an_empty_export_has_its_one_page_and_no_second(api, cast):
    client = api("carol")
    base = f"/api/annotations/export/?project={cast.project.pk}&format=jsonld"
    assert client.get(f"{base}&page=1").status_code == 200
    assert client.get(f"{base}&page=2").status_code == 404


def test_json_lines_escape_the_characters_other_readers_break_lines_at(api, cast, document):
    note = "one\u2028two\u2029three\x85four"
    make_annotation(document, start=0, end=5, note=note)
    _, body = export(api("carol"), f"project={cast.project.pk}&format=jsonl")
    assert "\u2028" not in body and "\u2029" not in body and "\x85" not in body
    (line,) = body.splitlines()
    assert json.loads(line)["note"] == note
