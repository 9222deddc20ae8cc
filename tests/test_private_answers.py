"""What a signed-in person sees is kept by no cache on the way (proxies, the browser's
back-forward store on a shared computer), and every download says what it is."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import make_actor, make_annotation, make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(cast):
    def client_for(username):
        token, _ = Token.objects.get_or_create(user=getattr(cast, username))
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


def private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives and "public" not in directives


@pytest.fixture
def coded(cast, document):
    actor, claim = make_actor(cast.project, "Abe"), make_claim(cast.project, "Ties")
    make_annotation(document, start=0, end=5, actor=actor, claim=claim, stance="support")
    return cast.project


def page_urls(project, document):
    return [
        reverse("corpus:project-list"),
        reverse("corpus:project-detail", args=[project.slug]),
        reverse("annotate:reader", args=[project.slug, document.pk]),
        reverse("annotate:actor-list", args=[project.slug]),
        reverse("annotate:matrix", args=[project.slug]),
        reverse("annotate:charts", args=[project.slug]),
        reverse("annotate:statements-export", args=[project.slug]) + "?format=csv",
    ]


def test_signed_in_pages_are_private_and_not_stored(client, cast, coded, document):
    client.force_login(cast.carol)
    for url in page_urls(coded, document):
        response = client.get(url)
        assert response.status_code == 200, url
        assert private(response), (url, response.get("Cache-Control"))


def test_api_answers_to_a_token_or_a_session_are_private_and_not_stored(api, cast, coded):
    session = APIClient()
    session.force_login(cast.carol)
    urls = [
        "/api/projects/",
        "/api/annotations/",
        f"/api/annotations/export/?project={coded.pk}&format=jsonl",
        reverse("api:project-network", kwargs={"pk": coded.pk}) + "?format=graphml",
        reverse("api:project-network-windows", kwargs={"pk": coded.pk}) + "?window=1&step=1",
        reverse("api:project-dna", kwargs={"pk": coded.pk}),
    ]
    for client in (api("carol"), session):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert private(response), (url, response.get("Cache-Control"))
    # Refusals too: they tell what exists.
    assert private(api("carol").get("/api/annotations/999999/"))


def test_answers_to_nobody_in_particular_are_left_alone(client, db):
    for url in (reverse("api:docs"), "/no-such-page/"):
        response = client.get(url)
        assert "no-store" not in response.get("Cache-Control", ""), url


EXPORTS = [
    ("csv", "text/csv", ".csv"),
    ("jsonl", "application/x-ndjson", ".jsonl"),
    ("jsonld", "application/ld+json", ".jsonld"),
]


@pytest.mark.parametrize(("kind", "content_type", "extension"), EXPORTS)
def test_annotation_exports_say_what_they_are(api, coded, kind, content_type, extension):
    response = api("carol").get(f"/api/annotations/export/?project={coded.pk}&format={kind}")
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"] == (
        f'attachment; filename="{coded.slug}-annotations{extension}"'
    )


NETWORKS = [
    ("graphml", "application/graphml+xml", ".graphml"),
    ("gexf", "application/gexf+xml", ".gexf"),
    ("csv", "text/csv", ".csv"),
    ("edges.csv", "text/csv", ".edges.csv"),
    ("json", "application/json", ".json"),
]


@pytest.mark.parametrize(("file_format", "content_type", "extension"), NETWORKS)
def test_network_downloads_say_what_they_are(api, coded, file_format, content_type, extension):
    url = reverse("api:project-network", kwargs={"pk": coded.pk})
    response = api("carol").get(url, {"kind": "congruence", "format": file_format})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"] == (
        f'attachment; filename="{coded.slug}-congruence{extension}"'
    )


def test_the_network_as_plain_api_json_is_no_download(api, coded):
    url = reverse("api:project-network", kwargs={"pk": coded.pk})
    response = api("carol").get(url, {"kind": "congruence"})
    assert response["Content-Type"] == "application/json"
    assert "Content-Disposition" not in response


@pytest.mark.parametrize("file_format", ["csv", "excel"])
def test_the_statement_table_says_what_it_is(client, cast, coded, file_format):
    client.force_login(cast.carol)
    response = client.get(
        reverse("annotate:statements-export", args=[coded.slug]), {"format": file_format}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    suffix = "-excel" if file_format == "excel" else ""
    assert response["Content-Disposition"] == (
        f'attachment; filename="{coded.slug}-statements{suffix}.csv"'
    )
