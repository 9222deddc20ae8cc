"""Encodings: UTF-8 and byte order marks first, then the common Western code pages for
text that reads cleanly in them, so that a short Windows-1252 “café” never turns into
“cafť”; each file's result names the encoding, and the page, the API and the command
accept an explicit one."""

from __future__ import annotations

import codecs
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from corpus.importing import Upload, import_files
from corpus.models import Document

LONG_FRENCH = (
    "Le président a déclaré que la réunion était très importante pour l'économie "
    "française et européenne ; « c'est un succès », a-t-il ajouté. "
) * 20
LONG_RUSSIAN = (
    "Министр иностранных дел России Сергей Лавров заявил, что Москва готова к "
    "переговорам с Токио о мирном договоре. "
) * 20

SAMPLES = [
    # (text, bytes, the encoding reported)
    ("café", "café".encode("cp1252"), "cp1252"),
    ("Crème brûlée à Noël", "Crème brûlée à Noël".encode("cp1252"), "cp1252"),
    ("He said “no” — and left…", "He said “no” — and left…".encode("cp1252"), "cp1252"),
    ("Prix : 5 €", "Prix : 5 €".encode("cp1252"), "cp1252"),
    (LONG_FRENCH, LONG_FRENCH.encode("cp1252"), "cp1252"),
    # Latin-1's printable characters are Windows-1252's, byte for byte.
    ("Größe über Straße", "Größe über Straße".encode("latin-1"), "cp1252"),
    ("¿Dónde está el niño?", "¿Dónde está el niño?".encode("latin-1"), "cp1252"),
    ("Россия", "Россия".encode("cp1251"), "cp1251"),
    ("Привет, мир", "Привет, мир".encode("cp1251"), "cp1251"),
    (LONG_RUSSIAN, LONG_RUSSIAN.encode("cp1251"), "cp1251"),
    ("Zażółć gęślą jaźń", "Zażółć gęślą jaźń".encode("cp1250"), "cp1250"),
    ("café", "café".encode(), "utf-8"),
    ("Россия и Япония", codecs.BOM_UTF8 + "Россия и Япония".encode(), "utf-8-sig"),
    ("café 日本", codecs.BOM_UTF16_LE + "café 日本".encode("utf-16-le"), "utf-16-le"),
    ("café 日本", codecs.BOM_UTF16_BE + "café 日本".encode("utf-16-be"), "utf-16-be"),
]


@pytest.mark.parametrize(("text", "data", "encoding"), SAMPLES)
def test_a_text_is_read_in_the_encoding_it_was_written_in_and_says_which(
    cast, text, data, encoding
):
    [result] = import_files(
        project=cast.project, uploads=[Upload.from_bytes("sample.txt", data)], created_by=None
    )

    assert result.status == "imported", result.message
    assert Document.objects.get().text == text
    assert result.encoding == encoding


def test_a_result_read_in_another_encoding_than_utf8_says_so(cast):
    [result] = import_files(
        project=cast.project,
        uploads=[Upload.from_bytes("a.txt", "café".encode("cp1252"))],
        created_by=None,
    )
    assert "Read as cp1252 (not UTF-8)." in result.message


def api_import(user, files, **data):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        "/api/documents/import/",
        {"project": user.memberships.first().project_id, "files": files, **data},
        format="multipart",
    )


def test_the_api_reads_files_in_the_encoding_given(cast):
    # Read on their own, these bytes are Windows-1251; the caller knows they are KOI8-R.
    data = "Всё хорошо".encode("koi8_r")

    response = api_import(cast.bob, [SimpleUploadedFile("a.txt", data)], encoding="koi8-r")

    assert response.status_code == 201
    [result] = response.json()["results"]
    assert result["encoding"] == "koi8-r"
    assert Document.objects.get().text == "Всё хорошо"


def test_the_api_refuses_an_unknown_encoding_with_a_field_message(cast):
    response = api_import(cast.bob, [SimpleUploadedFile("a.txt", b"Abe.")], encoding="klingon")

    assert response.status_code == 400
    assert "“klingon” is not a text encoding" in response.json()["encoding"][0]
    assert not Document.objects.exists()


def test_the_api_refuses_an_encoding_that_is_no_text_encoding(cast):
    response = api_import(cast.bob, [SimpleUploadedFile("a.txt", b"Abe.")], encoding="base64")
    assert response.status_code == 400
    assert "encoding" in response.json()


def test_a_file_that_does_not_fit_the_encoding_given_is_rejected_saying_where(cast):
    response = api_import(
        cast.bob, [SimpleUploadedFile("a.txt", "café".encode("cp1252"))], encoding="utf-8"
    )

    assert response.status_code == 400
    [result] = response.json()["results"]
    assert result["message"] == "The file is not valid utf-8: byte 4 (0xe9) has no meaning in it."


def test_the_import_page_offers_a_labelled_encoding_and_shows_each_files_encoding(cast, client):
    client.force_login(cast.bob)
    url = reverse("corpus:import", args=[cast.project.slug])
    page = client.get(url).content.decode()
    assert '<label for="id_encoding">Encoding</label>' in page
    assert '<option value="" selected>Detect' in page

    response = client.post(
        url,
        {
            "files": [SimpleUploadedFile("a.txt", "Всё хорошо".encode("koi8_r"))],
            "encoding": "koi8-r",
        },
    )

    assert response.status_code == 200
    assert Document.objects.get().text == "Всё хорошо"
    assert "<td>koi8-r</td>" in response.content.decode()


def test_the_import_page_refuses_an_encoding_not_offered(cast, client):
    client.force_login(cast.bob)
    response = client.post(
        reverse("corpus:import", args=[cast.project.slug]),
        {"files": [SimpleUploadedFile("a.txt", b"Abe.")], "encoding": "klingon"},
    )
    assert response.status_code == 422
    assert not Document.objects.exists()


def test_the_command_takes_an_encoding_and_names_it_in_its_output(cast, tmp_path):
    (tmp_path / "a.txt").write_bytes("Всё хорошо".encode("koi8_r"))
    out = io.StringIO()

    call_command(
        "import_documents",
        str(tmp_path),
        project=cast.project.slug,
        encoding="koi8-r",
        no_progress=True,
        stdout=out,
    )

    assert Document.objects.get().text == "Всё хорошо"
    assert "a.txt: imported (koi8-r):" in out.getvalue()


def test_the_command_refuses_an_unknown_encoding(cast, tmp_path):
    (tmp_path / "a.txt").write_text("Abe.")
    with pytest.raises(CommandError, match="“klingon” is not a text encoding"):
        call_command(
            "import_documents", str(tmp_path), project=cast.project.slug, encoding="klingon"
        )
