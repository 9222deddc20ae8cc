"""Tables (CSV, JSON, JSON Lines) are read row by row, up to ``IMPORT_MAX_ROWS`` rows per
file: a longer file is refused with the limit in its result, never answered with an
error, and a file within it comes in whole. (The time and memory of a million-row file
are measured by ``bench/import_rows_bench.py``.)"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from corpus.importing import Upload, import_files
from corpus.models import Document
from tests.corpus.test_import_api import api


def rows(kind: str, count: int) -> bytes:
    if kind == "csv":
        return b"title,text\n" + b"".join(b"R%d,Text %d.\n" % (n, n) for n in range(count))
    if kind == "json":
        return json.dumps([{"text": f"Text {n}."} for n in range(count)]).encode()
    return b"".join(b'{"text": "Text %d."}\n' % n for n in range(count))


NOUN = {"csv": "rows", "json": "items", "jsonl": "lines"}


@pytest.mark.parametrize("kind", ["csv", "json", "jsonl"])
def test_a_table_over_the_row_limit_is_refused_saying_the_limit(cast, settings, kind):
    settings.IMPORT_MAX_ROWS = 50
    response = api(cast.bob).post(
        "/api/documents/import/",
        {
            "project": cast.project.pk,
            "files": [
                SimpleUploadedFile(f"big.{kind}", rows(kind, 51)),
                SimpleUploadedFile(f"fits.{kind}", rows(kind, 50).replace(b"Text", b"Other")),
            ],
        },
        format="multipart",
    )

    assert response.status_code == 201
    big, fits = response.json()["results"]
    assert big["status"] == "rejected"
    assert big["message"] == (
        f"The file has more than 50 {NOUN[kind]}, the limit for one file; split it into "
        "smaller files."
    )
    assert fits["status"] == "imported"
    assert Document.objects.count() == 50


def test_a_bad_row_after_many_good_ones_still_rejects_the_whole_file(cast):
    data = rows("csv", 300) + b"Bad,\n"

    [result] = import_files(
        project=cast.project, uploads=[Upload.from_bytes("t.csv", data)], created_by=None
    )

    assert result.status == "rejected"
    assert result.message == "Row 301: the text is missing or empty."
    assert not Document.objects.exists()


def test_json_lines_split_only_at_line_breaks_not_inside_a_text(cast):
    # U+2028 is a line separator to str.splitlines but an ordinary character in JSON.
    data = '{"title": "One", "text": "First\u2028still first."}\n{"text": "Second."}\n'

    [result] = import_files(
        project=cast.project, uploads=[Upload.from_bytes("t.jsonl", data.encode())], created_by=None
    )

    assert result.status == "imported"
    assert Document.objects.get(title="One").text == "First\u2028still first."
