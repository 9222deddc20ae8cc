"""NUL characters and lone surrogates cannot be stored (PostgreSQL refuses NUL, no
encoding holds a lone surrogate): every path that writes a document refuses them with a
message naming the field, and writes nothing."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from corpus.models import Document
from tests.corpus.test_import_api import api
from tests.factories import make_document

IMPORT_URL = "/api/documents/import/"

# A JSON document with escapes, so that the characters survive the file's encoding.
BAD = {"nul": "\\u0000", "surrogate": "\\ud800"}


def json_record(field: str, bad: str) -> bytes:
    """A JSON object whose ``field`` carries ``bad`` (an escape, as in the file)."""
    record = {"title": "A title", "text": "Abe flew to Sochi.", "source_name": "Kyodo"}
    body = json.dumps(record)
    if field == "metadata key":
        return body.replace('"source_name"', f'"sec{bad}tion": "World", "source_name"').encode()
    if field == "metadata value":
        return body.replace('"source_name"', f'"section": "Wor{bad}ld", "source_name"').encode()
    return body.replace(f'"{field}": "', f'"{field}": "x{bad}').encode()


FIELDS = {
    "title": "Title",
    "text": "Text",
    "source_name": "Source",
    "metadata key": "Metadata",
    "metadata value": "Metadata",
}


@pytest.mark.parametrize("kind", BAD)
@pytest.mark.parametrize("field", FIELDS)
def test_an_imported_json_file_with_a_nul_or_lone_surrogate_is_rejected_naming_the_field(
    cast, kind, field
):
    response = api(cast.bob).post(
        IMPORT_URL,
        {
            "project": cast.project.pk,
            "files": [SimpleUploadedFile("bad.json", json_record(field, BAD[kind]))],
        },
        format="multipart",
    )

    assert response.status_code == 400
    [result] = response.json()["results"]
    assert result["status"] == "rejected"
    assert result["message"].startswith(f"The object: {FIELDS[field]}: ")
    assert "character" in result["message"]
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.jsonl", b'{"title": "T", "text": "Abe.", "author": "A\\u0000B"}\n'),
        (
            "bad.csv",
            b"title,text\nFirst," + b"Abe flew to Sochi. " * 500 + b"\nT\x00wo,Putin.\n",
        ),
        # NUL past the first 8 KB, where the check for binary data does not look.
        ("bad.txt", b"Abe flew to Sochi.\n" * 500 + b"And\x00then.\n"),
    ],
)
def test_a_nul_in_any_text_format_is_rejected_with_a_reason(cast, name, content):
    response = api(cast.bob).post(
        IMPORT_URL,
        {"project": cast.project.pk, "files": [SimpleUploadedFile(name, content)]},
        format="multipart",
    )

    assert response.status_code == 400
    [result] = response.json()["results"]
    assert result["status"] == "rejected"
    assert "NUL" in result["message"]
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Abe\u0000"),
        ("title", "Abe\ud800"),
        ("source_name", "Kyo\u0000do"),
        ("author", "\udfff"),
        ("notes", "\u0000"),
        ("metadata", {"sec\u0000tion": "World"}),
        ("metadata", {"section": "Wor\ud800ld"}),
        ("metadata", {"nested": [{"deep": ["\u0000"]}]}),
    ],
)
def test_patching_a_document_with_a_nul_or_lone_surrogate_is_a_400_on_that_field(
    cast, field, value
):
    document = make_document(cast.project, title="Abe", metadata={"section": "World"})
    # Sent as JSON text with escapes: a lone surrogate cannot be encoded as UTF-8.
    body = json.dumps({field: value})

    response = api(cast.bob).patch(
        f"/api/documents/{document.pk}/", body, content_type="application/json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()
    document.refresh_from_db()
    assert (document.title, document.metadata) == ("Abe", {"section": "World"})


def test_creating_a_document_with_a_nul_in_its_metadata_is_a_400(cast):
    body = json.dumps(
        {"project": cast.project.pk, "title": "Abe", "text": "Abe.", "metadata": {"k": "\u0000"}}
    )

    response = api(cast.bob).post("/api/documents/", body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert "metadata" in response.json()
    assert not Document.objects.exists()


@pytest.mark.parametrize("field", ["title", "source_name", "author", "notes"])
def test_the_edit_page_refuses_a_nul_in_a_detail_and_keeps_the_old_one(cast, client, field):
    document = make_document(cast.project, title="Abe")
    client.force_login(cast.bob)

    response = client.post(
        reverse("corpus:document-edit", args=[cast.project.slug, document.pk]),
        {"title": "Abe", field: "Bad\x00value"},
    )

    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()
    document.refresh_from_db()
    assert document.title == "Abe"
    assert getattr(document, field) != "Bad\x00value"
