"""The statement table as CSV and as CSV that Excel opens right."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from ..factories import make_actor, make_annotation, make_claim, make_document

pytestmark = pytest.mark.django_db

TEXT = "Naryshkin: “=sanctions are an obstacle” to ties, 日本 and Россия."


@pytest.fixture
def coded(cast):
    document = make_document(
        cast.project,
        title="Abe and Putin",
        text=TEXT,
        source_name="The Japan Times",
        published_at=datetime(2015, 6, 9, tzinfo=UTC),
    )
    duma = make_actor(cast.project, "State Duma", kind="organisation")
    naryshkin = make_actor(cast.project, "Sergey Naryshkin", kind="person", affiliation=duma)
    category = make_claim(cast.project, "Sanctions")
    claim = make_claim(cast.project, "Japan should maintain sanctions on Russia", parent=category)
    start = TEXT.index("=")
    statement = make_annotation(
        document,
        start=start,
        end=len(TEXT),
        actor=naryshkin,
        claim=claim,
        stance="oppose",
        created_by=cast.bob,
    )
    make_annotation(document, start=0, end=9, actor=naryshkin)  # not a statement
    return statement


def download(client, project, **params):
    response = client.get(reverse("annotate:statements-export", args=[project.slug]), params)
    return response, b"".join(
        response.streaming_content
    ) if response.streaming else response.content


def test_csv_has_one_row_per_statement_with_every_attribute(client, cast, coded):
    client.force_login(cast.carol)
    response, body = download(client, cast.project, format="csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="japan-russia-statements.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert rows == [
        {
            "statement_id": str(coded.pk),
            "actor": "Sergey Naryshkin",
            "actor_kind": "person",
            "affiliation": "State Duma",
            "claim": "Japan should maintain sanctions on Russia",
            "claim_category": "Sanctions",
            "stance": "oppose",
            "quote": coded.quote,
            "document_id": str(coded.document_id),
            "document_title": "Abe and Putin",
            "source": "The Japan Times",
            "date": "2015-06-09",
            "annotator": "bob",
            "start": str(coded.start),
            "end": str(coded.end),
        }
    ]
    assert TEXT[coded.start : coded.end] == rows[0]["quote"]


def test_excel_csv_starts_with_a_byte_order_mark_and_keeps_formulas_as_text(client, cast, coded):
    client.force_login(cast.carol)
    response, body = download(client, cast.project, format="excel")
    assert response.status_code == 200
    assert body.startswith("\ufeff".encode())
    assert b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][7] == "'" + coded.quote  # a quote opening with "=" stays text
    assert rows[1][7].endswith("日本 and Россия.")


def test_the_export_takes_the_matrix_filters(client, cast, coded):
    client.force_login(cast.alice)
    _, body = download(client, cast.project, format="csv", source="The Japan Times")
    assert body.decode().count("\r\n") == 2
    _, body = download(client, cast.project, format="csv", start="2016-01-01")
    assert body.decode().count("\r\n") == 1


def test_a_bad_format_or_filter_is_a_400_that_says_why(client, cast, coded):
    client.force_login(cast.alice)
    response, body = download(client, cast.project, format="xlsx")
    assert response.status_code == 400 and b"'xlsx' is not a format" in body
    response, body = download(client, cast.project, start="soon")
    assert response.status_code == 400 and b"start" in body


def test_another_projects_statements_are_404(client, cast, coded):
    client.force_login(cast.mallory)
    response, _ = download(client, cast.project, format="csv")
    assert response.status_code == 404


def test_query_count_holds_as_statements_grow(client, cast, coded, django_assert_max_num_queries):
    client.force_login(cast.alice)
    document = make_document(cast.project)
    for _ in range(20):
        make_annotation(
            document,
            actor=make_actor(cast.project),
            claim=make_claim(cast.project),
            stance="support",
        )
    with django_assert_max_num_queries(8):
        _, body = download(client, cast.project, format="csv")
    assert body.decode().count("\r\n") == 22
