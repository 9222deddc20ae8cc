"""The statement table as CSV and as CSV that Excel opens right."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.http import StreamingHttpResponse
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
        note="Says so, plainly",
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
            "note": "Says so, plainly",
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
    response, body = download(client, cast.project, format="xls")
    assert response.status_code == 400 and b"'xls' is not a format" in body
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


# The statement table as an Excel workbook ---------------------------------------------------


def workbook(body: bytes):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body))
    (sheet,) = book.worksheets
    return sheet


def test_the_page_links_to_a_real_excel_workbook(client, cast, coded):
    client.force_login(cast.carol)
    page = client.get(reverse("annotate:matrix", args=[cast.project.slug])).content.decode()
    assert "format=xlsx" in page and "Excel workbook (.xlsx)" in page
    response, body = download(client, cast.project, format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="japan-russia-statements.xlsx"' in response["Content-Disposition"]
    assert body.startswith(b"PK")  # a zip, as every .xlsx is
    sheet = workbook(body)
    header, row = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert header == [
        "statement_id",
        "actor",
        "actor_kind",
        "affiliation",
        "claim",
        "claim_category",
        "stance",
        "quote",
        "note",
        "document_id",
        "document_title",
        "source",
        "date",
        "annotator",
        "start",
        "end",
    ]
    values = dict(zip(header, row, strict=True))
    assert values["statement_id"] == coded.pk and values["start"] == coded.start
    assert values["actor"] == "Sergey Naryshkin" and values["note"] == "Says so, plainly"
    assert values["date"].date().isoformat() == "2015-06-09"


def test_a_cell_that_looks_like_a_formula_is_text_in_the_workbook(client, cast, coded):
    from annotate.models import Annotation

    Annotation.objects.filter(pk=coded.pk).update(note='=HYPERLINK("http://evil","x")')
    coded.actor.name = "+cmd"
    coded.actor.save()
    coded.claim.label = "@SUM(1,2)"
    coded.claim.save()
    client.force_login(cast.carol)
    _, body = download(client, cast.project, format="xlsx")
    sheet = workbook(body)
    cells = {cell.value: cell for cell in list(sheet.iter_rows())[1]}
    for text in (coded.quote, '=HYPERLINK("http://evil","x")', "+cmd", "@SUM(1,2)"):
        assert cells[text].data_type == "s", text  # a string, never a formula
    assert b"<f>" not in _sheet_xml(body)


def _sheet_xml(body: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_characters_no_workbook_can_hold_do_not_break_the_download(client, cast, coded):
    from annotate.models import Annotation

    Annotation.objects.filter(pk=coded.pk).update(note="bell\x07 and tab\t")
    client.force_login(cast.carol)
    response, body = download(client, cast.project, format="xlsx")
    assert response.status_code == 200
    note = [cell.value for cell in list(workbook(body).iter_rows())[1]][8]
    assert note == "bell\ufffd and tab\t"


def test_the_api_exports_a_workbook_with_the_same_filters(cast, coded):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(cast.carol)
    response = client.get(
        f"/api/annotations/export/?project={cast.project.pk}&format=xlsx&complete=true"
    )
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert 'filename="japan-russia-annotations.xlsx"' in response["Content-Disposition"]
    rows = [
        [cell.value for cell in line]
        for line in workbook(b"".join(response.streaming_content)).iter_rows()
    ]
    header = rows[0]
    assert "note" in header and "quote" in header
    assert [dict(zip(header, row, strict=True))["id"] for row in rows[1:]] == [coded.pk]
    everything = client.get(f"/api/annotations/export/?project={cast.project.pk}&format=xlsx")
    assert isinstance(everything, StreamingHttpResponse)
    assert len(list(workbook(b"".join(everything.streaming_content)).iter_rows())) == 3


def test_the_workbook_is_written_in_bounded_memory(cast, coded, rf):
    import tracemalloc

    from annotate import statements, workbooks
    from annotate.models import Annotation

    def peak(count):
        rows = (
            [n, "actor", "person", "", "claim", "", "support", "q" * 200, "note " * 40]
            for n in range(count)
        )
        tracemalloc.start()
        response = workbooks.workbook_response(
            columns=statements.COLUMNS[:9], rows=rows, filename="x.xlsx", title="Statements"
        )
        result = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        response.close()
        return result

    assert Annotation.objects.exists()
    small, large = peak(2_000), peak(8_000)
    assert large < small * 1.5
