"""The schema and the server agree, so that a generated client works: ids, limits, what a
write may send, the headers sent, and one media type per network file."""

import pytest
import yaml

from annotate.models import Actor, Claim
from corpus.api.fields import MAX_ID
from tests.factories import make_actor, make_annotation, make_claim, make_document

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return yaml.safe_load(Client().get("/api/schema/").content)


def parameter(schema, path, name, method="get"):
    (found,) = [p for p in schema["paths"][path][method]["parameters"] if p["name"] == name]
    return found["schema"]


def component(schema, name):
    return schema["components"]["schemas"][name]


# Ids and limits ------------------------------------------------------------------------


def test_id_filters_and_path_ids_are_integers_from_one(schema):
    id_schema = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}
    assert parameter(schema, "/api/actors/", "project") == id_schema
    assert parameter(schema, "/api/annotations/", "document") == id_schema
    assert parameter(schema, "/api/claims/", "parent") == id_schema
    assert parameter(schema, "/api/actors/{id}/", "id") == id_schema
    assert parameter(schema, "/api/projects/{project_pk}/members/", "project_pk") == id_schema
    exclude = parameter(schema, "/api/projects/{id}/network/", "exclude_actor")
    assert exclude["items"] == id_schema


@pytest.mark.parametrize("value", ["0", "1.5", "-3", "²", str(2**63)])
def test_an_id_filter_that_is_no_id_is_refused_by_name(api, value):
    response = api("carol").get(f"/api/actors/?project={value}")
    assert response.status_code == 400
    assert list(response.json()) == ["project"]


def test_the_schema_states_the_limits_the_server_keeps(schema):
    assert parameter(schema, "/api/actors/", "page_size") == {
        "type": "integer",
        "minimum": 1,
        "maximum": 1000,
    }
    export = "/api/annotations/export/"
    assert parameter(schema, export, "page")["minimum"] == 1
    assert (
        parameter(schema, export, "page_size")["minimum"],
        parameter(schema, export, "page_size")["maximum"],
    ) == (1, 100_000)
    bulk = schema["paths"]["/api/annotations/bulk/"]["post"]["requestBody"]
    body = bulk["content"]["application/json"]["schema"]
    assert (body["minItems"], body["maxItems"]) == (1, 10_000)
    files = component(schema, "DocumentImportRequestRequest")["properties"]["files"]
    assert files["minItems"] == 1


@pytest.mark.parametrize("value", ["0", "1001", "ten", "", "-1"])
def test_a_page_size_out_of_range_is_refused_not_ignored(api, annotation, value):
    response = api("carol").get(f"/api/annotations/?page_size={value}")
    assert response.status_code == 400
    assert response.json() == {"page_size": ["A page holds 1 to 1,000 items."]}


def test_a_page_size_in_range_is_taken(api, annotation, document):
    make_annotation(document, start=6, end=14)
    body = api("carol").get("/api/annotations/?page_size=1").json()
    assert len(body["results"]) == 1 and body["next"]


@pytest.mark.parametrize(
    "query",
    ["updated_after=", "stance=", "complete=", "complete=null", "complete=yes", "project="],
)
def test_a_typed_filter_given_empty_or_no_boolean_is_refused(api, annotation, query):
    response = api("carol").get(f"/api/annotations/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [query.split("=")[0]]


@pytest.mark.parametrize("query", ["start=", "kind=", "format="])
def test_a_network_option_given_empty_is_refused(api, cast, query):
    response = api("carol").get(f"/api/projects/{cast.project.pk}/network/?{query}")
    assert response.status_code == 400
    assert response.json() == {query[:-1]: ["Give a value, or leave the parameter out."]}


# What a write may send -------------------------------------------------------------------


def test_every_request_body_in_the_schema_is_closed(schema):
    requests = {
        name: body
        for name, body in schema["components"]["schemas"].items()
        if name.endswith("Request") and body.get("type") == "object"
    }
    assert len(requests) >= 12
    assert {
        name for name, body in requests.items() if body.get("additionalProperties") is not False
    } == set()


def test_what_cannot_change_is_left_out_of_the_patch_schemas(schema):
    assert "project" in component(schema, "ActorRequest")["properties"]
    assert "project" not in component(schema, "PatchedActorRequest")["properties"]
    assert "project" not in component(schema, "PatchedClaimRequest")["properties"]
    assert "document" not in component(schema, "PatchedAnnotationRequest")["properties"]
    member = schema["paths"]["/api/projects/{project_pk}/members/{username}/"]["patch"]
    reference = member["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert component(schema, reference.rsplit("/", 1)[1])["required"] == ["role"]


@pytest.mark.parametrize(
    ("model", "path", "body", "message"),
    [
        (Actor, "actors", {"project": "same"}, "This field cannot be changed."),
        (Actor, "actors", {"id": 1}, "This field is read-only."),
        (Actor, "actors", {"created_at": "2020-01-01T00:00:00Z"}, "This field is read-only."),
        (Claim, "claims", {"project": "same"}, "This field cannot be changed."),
        (Claim, "claims", {"updated_at": "2020-01-01T00:00:00Z"}, "This field is read-only."),
    ],
)
def test_a_patch_of_read_only_fields_is_refused_and_writes_no_history(
    api, cast, model, path, body, message
):
    entry = make_actor(cast.project) if model is Actor else make_claim(cast.project)
    body = {key: cast.project.pk if value == "same" else value for key, value in body.items()}
    records = entry.history.count()
    response = api("bob").patch(f"/api/{path}/{entry.pk}/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {name: [message] for name in body}
    assert entry.history.count() == records


def test_an_unknown_field_is_refused_by_name_with_the_fields_there_are(api, cast):
    response = api("bob").post(
        "/api/actors/", {"project": cast.project.pk, "nmae": "Abe"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["nmae"] == [
        "Unknown field; this request takes affiliation, aliases, colour, kind, name, notes, "
        "project."
    ]
    assert not Actor.objects.exists()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/projects/", {"name": "Trade", "description": 0}, "description"),
        ("/api/projects/", {"name": 12}, "name"),
        ("/api/actors/", {"project": "PROJECT", "name": "Abe", "aliases": [1]}, "aliases"),
        ("/api/actors/", {"project": "PROJECT", "name": "Abe", "notes": True}, "notes"),
        ("/api/annotations/", {"document": "DOCUMENT", "start": "0", "end": 5}, "start"),
        ("/api/annotations/", {"document": "DOCUMENT", "start": 0, "end": 5, "note": 7}, "note"),
    ],
)
def test_a_json_value_of_the_wrong_type_is_refused_not_converted(
    api, cast, document, path, body, field
):
    ids = {"PROJECT": cast.project.pk, "DOCUMENT": document.pk}
    body = {
        key: ids.get(value, value) if isinstance(value, str) else value
        for key, value in body.items()
    }
    response = api("bob").post(path, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_patch_of_an_annotation_may_not_send_its_version_or_author(api, annotation):
    response = api("bob").patch(
        f"/api/annotations/{annotation.pk}/", {"version": 9, "created_by": "alice"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "version": ["This field is read-only."],
        "created_by": ["This field is read-only."],
    }


# Headers and media types -------------------------------------------------------------------


def test_etag_and_location_are_declared_where_they_are_sent(schema):
    annotations = schema["paths"]["/api/annotations/"]["post"]["responses"]["201"]["headers"]
    assert set(annotations) == {"Location", "ETag"}
    assert annotations["Location"]["required"] is True
    detail = schema["paths"]["/api/annotations/{id}/"]
    assert detail["get"]["responses"]["200"]["headers"]["ETag"]["required"] is True
    assert "ETag" in detail["patch"]["responses"]["412"]["headers"]
    for path in ("/api/actors/", "/api/claims/", "/api/documents/", "/api/projects/"):
        assert "Location" in schema["paths"][path]["post"]["responses"]["201"]["headers"]


NETWORK_FILES = {
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "csv": "text/csv",
    "edges.csv": "text/csv",
}


def test_each_network_file_has_an_operation_with_one_media_type(schema):
    for name, media_type in NETWORK_FILES.items():
        operation = schema["paths"][f"/api/projects/{{id}}/network/{name}/"]["get"]
        assert list(operation["responses"]["200"]["content"]) == [media_type]
        assert "format" not in {p["name"] for p in operation["parameters"]}


@pytest.mark.parametrize(("name", "media_type"), NETWORK_FILES.items())
def test_a_network_file_downloads_from_its_own_path(api, cast, name, media_type):
    document = make_document(cast.project)
    make_annotation(
        document,
        actor=make_actor(cast.project, "Shinzo Abe"),
        claim=make_claim(cast.project, "Closer ties"),
        stance="support",
    )
    response = api("carol").get(f"/api/projects/{cast.project.pk}/network/{name}/?kind=affiliation")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == media_type
    assert "Shinzo Abe" in response.content.decode()
    response = api("carol").get(f"/api/projects/{cast.project.pk}/network/{name}/?format=json")
    assert response.status_code == 400 and "format" in response.json()


def test_too_many_files_at_once_is_a_json_413(api, cast, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [SimpleUploadedFile(f"{n}.txt", b"Some text") for n in range(3)]
    response = api("bob").post(
        "/api/documents/import/", {"project": cast.project.pk, "files": files}, format="multipart"
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": "At most 2 files per request; send them in several requests."
    }
