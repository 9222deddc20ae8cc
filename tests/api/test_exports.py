"""Exports: CSV and JSON Lines for R and pandas, and W3C Web Annotation JSON-LD checked
against the MUST assertions of the W3C Web Annotation test suite."""

import csv
import functools
import io
import json

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from annotate import exports
from tests.data import W3C_ANNOTATION_TESTS
from tests.factories import make_actor, make_annotation, make_claim

pytestmark = pytest.mark.django_db

W3C_TESTS = W3C_ANNOTATION_TESTS


@pytest.fixture
def statements(cast, document):
    actor = make_actor(cast.project, "Shinzo Abe")
    claim = make_claim(cast.project, "Closer ties with Russia")
    first = make_annotation(
        document,
        start=15,
        end=25,
        actor=actor,
        claim=claim,
        stance="support",
        note="Says so, plainly",
        created_by=cast.bob,
    )
    second = make_annotation(document, start=0, end=5, created_by=cast.alice)
    trashed = make_annotation(document, start=6, end=14)
    from annotate.services.trash import trash_annotation

    trash_annotation(annotation=trashed, trashed_by=cast.alice)
    return [second, first]


def export(client, query):
    response = client.get(f"/api/annotations/export/?{query}")
    assert response.status_code == 200, response.content
    assert response.streaming
    return response, b"".join(response.streaming_content).decode()


def test_csv_holds_one_row_per_live_annotation_with_names(api, cast, statements):
    response, body = export(api("carol"), f"project={cast.project.pk}&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="japan-russia-annotations.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["id"] for r in rows] == [str(a.pk) for a in statements]
    assert rows[1]["actor_name"] == "Shinzo Abe"
    assert rows[1]["claim_label"] == "Closer ties with Russia"
    assert rows[1]["stance"] == "support"
    assert rows[1]["quote"] == "Shinzo Abe"
    assert rows[1]["created_by"] == "bob"


def test_jsonl_holds_one_object_per_line_and_the_filters_apply(api, cast, statements):
    _, body = export(api("carol"), f"project={cast.project.pk}&format=jsonl&complete=true")
    lines = [json.loads(line) for line in body.splitlines()]
    assert [line["id"] for line in lines] == [statements[1].pk]
    assert lines[0]["document_title"] == "Abe and Putin"


def test_an_export_names_its_format_and_project_or_says_what_is_wrong(api, cast):
    client = api("carol")
    response = client.get(f"/api/annotations/export/?project={cast.project.pk}&format=xls")
    assert response.status_code == 400
    assert response.json() == {"format": ["Use one of csv, jsonl, jsonld, xlsx, not “xls”."]}
    response = client.get("/api/annotations/export/?format=csv")
    assert response.json() == {
        "project": ["Give the id of the project to export, e.g. ?project=1."]
    }
    assert client.get(f"/api/annotations/export/?project={cast.other.pk}").status_code == 404


def test_jsonld_annotations_target_their_document_with_quote_and_position(
    api, cast, document, statements
):
    _, body = export(api("carol"), f"project={cast.project.pk}&format=jsonld")
    collection = json.loads(body)
    assert collection["type"] == "AnnotationCollection"
    assert collection["total"] == 2
    items = collection["first"]["items"]
    tagged = items[1]
    assert tagged["target"]["source"] == f"http://testserver/api/documents/{document.pk}/"
    quote, position = tagged["target"]["selector"]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "Shinzo Abe",
        "prefix": "Prime Minister ",
        "suffix": document.text[25:57],
    }
    assert position == {"type": "TextPositionSelector", "start": 15, "end": 25}
    assert {(b["purpose"], b["value"]) for b in tagged["body"]} == {
        ("identifying", "Shinzo Abe"),
        ("classifying", "Closer ties with Russia"),
        ("tagging", "support"),
        ("describing", "Says so, plainly"),
    }
    assert items[0]["motivation"] == "highlighting" and "body" not in items[0]


def test_jsonld_pages_link_to_each_other(api, cast, document):
    for start in range(5):
        make_annotation(document, start=start, end=start + 3)
    client = api("carol")
    _, body = export(client, f"project={cast.project.pk}&format=jsonld&page_size=2")
    collection = json.loads(body)
    seen = [a["id"] for a in collection["first"]["items"]]
    url = collection["first"]["next"]
    while url:
        page = json.loads(b"".join(client.get(url).streaming_content))
        assert page["partOf"]["id"] == collection["id"]
        seen.extend(a["id"] for a in page["items"])
        url = page.get("next")
    assert len(seen) == len(set(seen)) == collection["total"] == 5
    assert collection["last"].endswith("page=3")


# The W3C Web Annotation test suite --------------------------------------------------------


@functools.cache
def w3c_registry() -> Registry:
    resources = []
    for path in W3C_TESTS.rglob("*.json"):
        schema = json.loads(path.read_text())
        resources.append((path.name, Resource.from_contents(schema, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


def must_assertions(test_file: str) -> list[dict]:
    test = json.loads((W3C_TESTS / test_file).read_text())
    return [json.loads((W3C_TESTS / name).read_text()) for name in test["assertions"]]


def failures(instance: dict, test_file: str) -> list[str]:
    registry = w3c_registry()
    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    # Without a URI checker, "format": "uri" would pass anything.
    assert "uri" in checker.checkers, "install rfc3987 so that URIs are really checked"
    problems = []
    assertions = must_assertions(test_file)
    assert assertions
    for schema in assertions:
        validator = jsonschema.Draft4Validator(schema, registry=registry, format_checker=checker)
        valid = validator.is_valid(instance)
        if valid != (schema.get("expectedResult", "valid") == "valid"):
            problems.append(f"{schema['id']}: {schema.get('errorMessage')}")
    return problems


@pytest.fixture
def jsonld(api, cast, statements, document):
    make_annotation(document, start=30, end=40, stance="neutral")
    client = api("carol")
    _, body = export(client, f"project={cast.project.pk}&format=jsonld&page_size=2")
    collection = json.loads(body)
    page_two = json.loads(b"".join(client.get(collection["first"]["next"]).streaming_content))
    return collection, page_two


def test_the_w3c_test_suite_is_vendored_with_the_tests():
    assert (W3C_TESTS / "annotations/annotationMusts.test").is_file()


def test_every_exported_annotation_passes_the_w3c_annotation_musts(jsonld):
    collection, page_two = jsonld
    annotations = collection["first"]["items"] + page_two["items"]
    assert len(annotations) == 3
    for annotation in annotations:
        assert failures(annotation, "annotations/annotationMusts.test") == []


def test_the_collection_passes_the_w3c_collection_musts(jsonld):
    assert failures(jsonld[0], "collections/collectionMusts.test") == []


def test_embedded_and_standalone_pages_pass_the_w3c_page_musts(jsonld):
    collection, page_two = jsonld
    assert failures(collection, "collections/pages/pageMusts.test") == []
    assert failures(page_two, "collections/pages/pageMusts.test") == []


def test_the_w3c_checks_catch_a_broken_annotation(jsonld):
    broken = dict(jsonld[0]["first"]["items"][0], id="not a uri", type="Note")
    assert len(failures(broken, "annotations/annotationMusts.test")) >= 2


def test_export_memory_does_not_grow_with_rows(cast, document, rf, monkeypatch):
    import tracemalloc

    from annotate.models import Annotation
    from annotate.services.annotations import NewAnnotation, create_annotations

    # Small chunks, so that a thousand rows span many of them.
    monkeypatch.setattr(exports, "CHUNK_SIZE", 50)
    created = create_annotations(
        items=[NewAnnotation(document=document, start=i % 40, end=i % 40 + 5) for i in range(1200)],
        created_by=cast.bob,
    )
    request = rf.get("/api/annotations/export/?format=jsonld")

    def peak(n):
        annotations = Annotation.objects.filter(pk__lte=created[n - 1].pk)
        tracemalloc.start()
        for _ in exports.jsonld_lines(
            annotations, project=cast.project, request=request, page_size=100_000
        ):
            pass
        result = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return result

    small, large = peak(300), peak(1200)
    assert large < small * 1.5


def test_the_list_the_detail_and_the_json_lines_show_an_annotation_alike(api, cast, statements):
    tagged = statements[1]
    client = api("carol")
    detail = client.get(f"/api/annotations/{tagged.pk}/").json()
    listed = client.get(f"/api/annotations/?document={tagged.document_id}").json()["results"]
    _, body = export(client, f"project={cast.project.pk}&format=jsonl")
    exported = next(row for row in map(json.loads, body.splitlines()) if row["id"] == tagged.pk)
    assert detail["created_by"] == "bob" and detail["stance"] == "support"
    assert next(row for row in listed if row["id"] == tagged.pk) == detail
    # The export adds the names beside the ids; every field of the API reads the same.
    assert {key: exported[key] for key in detail} == detail
    assert exported["actor_name"] == "Shinzo Abe"
