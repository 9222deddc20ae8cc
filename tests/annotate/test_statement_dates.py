"""One meaning for a date range everywhere: whole days in the site's time zone, both
days included. The stance matrix's statement table, the API, the networks (page and
API) and the document list keep the same statements at the edges of the range."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ..factories import make_actor, make_annotation, make_claim, make_document

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
FIRST_DAY, LAST_DAY = "2015-06-01", "2015-06-30"
#: Actor (one per document) -> when its document was published, in Tokyo.
PUBLISHED = {
    "Just before": datetime(2015, 5, 31, 23, 59, 59, 999999, tzinfo=TOKYO),
    "First moment": datetime(2015, 6, 1, tzinfo=TOKYO),
    "Last moment": datetime(2015, 6, 30, 23, 59, 59, 999999, tzinfo=TOKYO),
    "Just after": datetime(2015, 7, 1, tzinfo=TOKYO),
    "Undated": None,
}
INSIDE = {"First moment", "Last moment"}


@pytest.fixture
def dated(cast, settings):
    # Tokyo's first moment of June 1 is still May 31 in UTC: the site's zone decides.
    settings.TIME_ZONE = "Asia/Tokyo"
    claim = make_claim(cast.project, "Closer ties with Russia")
    ids = {}
    for name, published in PUBLISHED.items():
        document = make_document(cast.project, title=name, published_at=published)
        actor = make_actor(cast.project, name)
        statement = make_annotation(
            document, actor=actor, claim=claim, stance="support", created_by=cast.bob
        )
        ids[statement.pk] = name
    return ids


def api_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_date_range_keeps_the_same_statements_on_pages_api_and_networks(client, cast, dated):
    client.force_login(cast.carol)
    days = {"start": FIRST_DAY, "end": LAST_DAY}

    export = reverse("annotate:statements-export", kwargs={"project": cast.project.slug})
    response = client.get(export, {**days, "format": "csv"})
    table = {
        dated[int(row["statement_id"])]
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }

    matrix = reverse("annotate:matrix", kwargs={"project": cast.project.slug})
    rows = {row.name for row, _ in client.get(matrix, days).context["table"]}

    network_page = reverse("annotate:network", kwargs={"project": cast.project.slug})
    page_network = client.get(network_page, {**days, "kind": "affiliation"}).context["network"]

    api = api_client(cast.carol)
    listed = api.get(
        "/api/annotations/",
        {
            "project": cast.project.pk,
            "complete": "true",
            "published_after": FIRST_DAY,
            "published_before": LAST_DAY,
        },
    ).json()["results"]
    api_network = api.get(
        f"/api/projects/{cast.project.pk}/network/", {**days, "kind": "affiliation"}
    ).json()

    assert table == INSIDE
    assert rows == INSIDE
    assert {node.label for node in page_network.rows} == INSIDE
    assert page_network.statement_count == len(INSIDE)
    assert {dated[row["id"]] for row in listed} == INSIDE
    assert {n["label"] for n in api_network["nodes"] if n["mode"] == "actor"} == INSIDE
    assert api_network["statements"] == len(INSIDE)


def test_the_document_list_and_the_documents_api_keep_the_same_days(client, cast, dated):
    client.force_login(cast.carol)
    page = reverse("corpus:project-detail", kwargs={"project": cast.project.slug})
    response = client.get(page, {"published_after": FIRST_DAY, "published_before": LAST_DAY})
    listed = {row["document"].title for row in response.context["rows"]}
    documents = api_client(cast.carol).get(
        "/api/documents/", {"published_after": FIRST_DAY, "published_before": LAST_DAY}
    )
    assert listed == INSIDE
    assert {d["title"] for d in documents.json()["results"]} == INSIDE


def test_a_moment_given_to_the_api_is_exact(cast, dated):
    last = PUBLISHED["Last moment"]
    assert last is not None
    api = api_client(cast.carol)

    def titles(**query):
        response = api.get("/api/documents/", {"project": cast.project.pk, **query})
        assert response.status_code == 200, response.json()
        return {d["title"] for d in response.json()["results"]}

    # Before a moment stops just short of it; after a moment starts at it.
    assert titles(published_before=last.isoformat()) == {"Just before", "First moment"}
    assert titles(published_after=last.isoformat()) == {"Last moment", "Just after"}
    later = (last + timedelta(microseconds=1)).isoformat()
    assert titles(published_before=later, published_after=FIRST_DAY) == INSIDE


@pytest.mark.parametrize(
    "value", ["2015-13-01", "June 1st", "0001-01-01T00:00:00+09:00", "2015-06-01T25:00"]
)
def test_a_date_the_api_cannot_read_is_refused_by_name(cast, value):
    response = api_client(cast.carol).get("/api/annotations/", {"published_before": value})
    assert response.status_code == 400
    assert response.json() == {
        "published_before": ["Give a day (2015-06-01) or a moment (2015-06-01T09:30:00Z)."]
    }


def test_the_first_and_last_days_of_the_calendar_bound_nothing_but_the_undated(client, cast, dated):
    client.force_login(cast.carol)
    export = reverse("annotate:statements-export", kwargs={"project": cast.project.slug})
    response = client.get(export, {"start": "0001-01-01", "end": "9999-12-31"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {dated[int(row["statement_id"])] for row in rows} == set(PUBLISHED) - {"Undated"}
