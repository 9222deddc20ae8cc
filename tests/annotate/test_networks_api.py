"""GET /api/projects/<id>/network/: parameters, formats, scope and schema."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ..factories import make_actor, make_annotation, make_claim, make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def statements(cast):
    document = make_document(cast.project, source_name="Daily")
    abe, putin = make_actor(cast.project, "Shinzo Abe"), make_actor(cast.project, "Vladimir Putin")
    ties = make_claim(cast.project, "Japan should deepen ties with Russia")
    make_annotation(document, actor=abe, claim=ties, stance="support")
    make_annotation(document, actor=putin, claim=ties, stance="support")
    return abe, putin, ties


def url(project, **params):
    from urllib.parse import urlencode

    base = reverse("api:project-network", kwargs={"pk": project.pk})
    return f"{base}?{urlencode(params, doseq=True)}" if params else base


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_viewer_reads_the_congruence_network_as_json(cast, statements):
    abe, putin, _ = statements
    response = client_for(cast.carol).get(url(cast.project, kind="congruence"))
    assert response.status_code == 200
    body = response.json()
    assert [n["label"] for n in body["nodes"]] == ["Shinzo Abe", "Vladimir Putin"]
    assert body["edges"] == [
        {"source": f"actor-{abe.pk}", "target": f"actor-{putin.pk}", "weight": 1}
    ]


def test_affiliation_is_the_default_and_has_both_modes(cast, statements):
    body = client_for(cast.bob).get(url(cast.project)).json()
    assert body["kind"] == "affiliation"
    assert {n["mode"] for n in body["nodes"]} == {"actor", "claim"}
    assert len(body["edges"]) == 2


def test_a_bad_option_is_a_400_naming_the_parameter_and_the_allowed_values(cast, statements):
    response = client_for(cast.alice).get(url(cast.project, kind="bridges"))
    assert response.status_code == 400
    message = response.json()["kind"][0]
    assert "bridges" in message and "congruence" in message and "affiliation" in message


def test_a_normalisation_for_the_other_mode_is_refused(cast, statements):
    response = client_for(cast.alice).get(
        url(cast.project, kind="congruence", normalization="activity")
    )
    assert response.status_code == 400
    assert "jaccard" in response.json()["normalization"][0]


def test_bad_dates_and_ids_are_refused_field_by_field(cast, statements):
    response = client_for(cast.alice).get(
        url(cast.project, start="yesterday", exclude_actor=["x"], format="pdf")
    )
    assert response.status_code == 400
    assert set(response.json()) == {"start", "exclude_actor", "format"}


def test_exclusions_repeat(cast, statements):
    abe, putin, ties = statements
    body = (
        client_for(cast.alice)
        .get(url(cast.project, kind="affiliation", exclude_actor=[abe.pk, putin.pk]))
        .json()
    )
    assert body["nodes"] == [] and body["statements"] == 0
    body = client_for(cast.alice).get(url(cast.project, exclude_source=["Daily"])).json()
    assert body["statements"] == 0


@pytest.mark.parametrize(
    ("file_format", "content_type", "start"),
    [
        ("graphml", "application/graphml+xml", "<?xml"),
        ("gexf", "application/gexf+xml", "<?xml"),
        ("csv", "text/csv", ",Shinzo Abe,Vladimir Putin"),
        ("edges.csv", "text/csv", "source,target,weight"),
    ],
)
def test_files_download_for_network_tools(cast, statements, file_format, content_type, start):
    response = client_for(cast.carol).get(url(cast.project, kind="congruence", format=file_format))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode().startswith(start)


def test_another_projects_network_is_a_404(cast, statements):
    response = client_for(cast.mallory).get(url(cast.project))
    assert response.status_code == 404
    assert "Shinzo" not in response.content.decode()


def test_an_anonymous_caller_is_told_to_authenticate(cast, statements):
    response = APIClient().get(url(cast.project))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_token_opens_the_network(cast, statements):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=cast.bob)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(url(cast.project, kind="conflict")).status_code == 200


def test_query_count_holds_as_statements_grow(cast, statements, django_assert_max_num_queries):
    client = client_for(cast.alice)
    for kind in ("affiliation", "congruence"):
        with django_assert_max_num_queries(6):
            client.get(url(cast.project, kind=kind))
    document = make_document(cast.project)
    for n in range(15):
        actor, claim = make_actor(cast.project), make_claim(cast.project)
        make_annotation(document, actor=actor, claim=claim, stance="oppose" if n % 2 else "support")
    for kind in ("affiliation", "congruence"):
        with django_assert_max_num_queries(6):
            assert client.get(url(cast.project, kind=kind)).status_code == 200


def test_the_schema_documents_the_parameters_and_formats():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/projects/{id}/network/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {
        "kind",
        "qualifier",
        "normalization",
        "duplicates",
        "start",
        "end",
        "exclude_actor",
        "exclude_claim",
        "exclude_source",
        "format",
    } <= names
    kind = next(p for p in operation["parameters"] if p["name"] == "kind")
    assert set(kind["schema"]["enum"]) == {"affiliation", "congruence", "conflict", "cooccurrence"}
    assert {"application/json", "application/graphml+xml", "text/csv"} <= set(
        operation["responses"]["200"]["content"]
    )
