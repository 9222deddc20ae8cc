"""One bad file never sinks an import: whatever goes wrong with a file (its bytes, its
parser, saving it), that file is rejected with a reason, the others come in, and an
unexpected failure is logged for whoever runs the server."""

from __future__ import annotations

import io
import logging
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from corpus import hooks
from corpus.importing import ParsedFile, Upload, import_files, pipeline
from corpus.importing.formats import DocumentDraft
from corpus.models import Document
from tests.corpus.test_import_api import api


@pytest.fixture
def register():
    added: list[str] = []

    def add(extension, importer):
        hooks.register_importer(extension, importer)
        added.append(extension)

    yield add
    for extension in added:
        hooks._importers.pop(extension)


def import_between(project, upload: Upload) -> list:
    """The results of importing ``upload`` between two good files."""
    uploads = [Upload.from_bytes("first.txt", b"Before."), upload]
    uploads.append(Upload.from_bytes("last.txt", b"After."))
    return list(import_files(project=project, uploads=uploads, created_by=None))


def import_folder(folder, project, **options) -> tuple[str, str]:
    """What the import command writes to its output and its errors."""
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_documents",
        str(folder),
        project=project.slug,
        no_progress=True,
        stdout=out,
        stderr=err,
        **options,
    )
    return out.getvalue(), err.getvalue()


def imported_titles() -> set[str]:
    return set(Document.objects.values_list("title", flat=True))


def test_a_json_file_with_a_lone_surrogate_does_not_lose_the_good_files_sent_with_it(cast):
    response = api(cast.bob).post(
        "/api/documents/import/",
        {
            "project": cast.project.pk,
            "files": [
                SimpleUploadedFile("first.txt", b"Abe flew to Sochi.\n"),
                SimpleUploadedFile("bad.json", b'[{"title": "\\ud800", "text": "Putin."}]'),
                SimpleUploadedFile("last.txt", b"Putin flew to Tokyo.\n"),
            ],
        },
        format="multipart",
    )

    assert response.status_code == 201
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["imported", "rejected", "imported"]
    assert results[1]["message"].startswith("Item 1: Title: ")
    assert imported_titles() == {"first", "last"}


def test_a_parser_that_yields_something_unusable_rejects_only_its_file_and_is_logged(
    cast, register, caplog
):
    def importer(data: bytes, filename: str) -> ParsedFile:
        return ParsedFile(drafts=[DocumentDraft(text="A text.", title=123)])  # type: ignore[arg-type]

    register(".odd", importer)
    with caplog.at_level(logging.ERROR, logger="corpus.importing.pipeline"):
        results = import_between(cast.project, Upload.from_bytes("strange.odd", b"x"))

    assert [r.status for r in results] == ["imported", "rejected", "imported"]
    assert results[1].message == "The file could not be read as a .odd file."
    assert imported_titles() == {"first", "last"}
    assert "strange.odd" in caplog.text


def test_an_unexpected_error_while_attaching_a_files_extras_keeps_nothing_of_that_file(
    cast, register, caplog
):
    def attach(documents, created_by):
        raise KeyError("statement 7")

    def importer(data: bytes, filename: str) -> ParsedFile:
        drafts = [DocumentDraft(text=f"Text {n}.", title=f"T{n}") for n in range(3)]
        return ParsedFile(drafts=drafts, after_save=attach)

    register(".odd", importer)
    with caplog.at_level(logging.ERROR, logger="corpus.importing.pipeline"):
        results = import_between(cast.project, Upload.from_bytes("broken.odd", b"x"))

    assert [r.status for r in results] == ["imported", "rejected", "imported"]
    assert "nothing of it was kept" in results[1].message
    assert imported_titles() == {"first", "last"}
    assert "broken.odd" in caplog.text


def test_an_unexpected_error_saving_one_file_of_a_batch_spares_the_others(cast, monkeypatch):
    insert = pipeline._insert

    def fragile_insert(documents):
        if any(document.title == "Boom" for document in documents):
            raise ValueError("a driver that cannot send this value")
        insert(documents)

    monkeypatch.setattr(pipeline, "_insert", fragile_insert)
    results = import_between(cast.project, Upload.from_bytes("boom.txt", b"Boom\n\nIt explodes."))

    assert [r.status for r in results] == ["imported", "rejected", "imported"]
    assert "nothing of it was kept" in results[1].message
    assert imported_titles() == {"first", "last"}


def test_the_command_reports_a_file_it_cannot_read_and_imports_the_rest(cast, tmp_path):
    (tmp_path / "a.txt").write_text("Abe flew to Sochi.")
    os.symlink(tmp_path / "gone.txt", tmp_path / "b.txt")  # points nowhere
    (tmp_path / "c.txt").write_text("Putin flew to Tokyo.")

    out, _err = import_folder(tmp_path, cast.project)

    assert imported_titles() == {"a", "c"}
    assert "b.txt: rejected: The file could not be read (No such file or directory)." in out
    assert "3 files: 2 imported, 0 duplicate, 1 rejected" in out


def test_the_command_imports_a_file_whose_name_is_not_utf8(cast, tmp_path):
    os.close(os.open(os.fsencode(tmp_path) + b"/caf\xe9.txt", os.O_CREAT | os.O_WRONLY))
    with open(os.fsencode(tmp_path) + b"/caf\xe9.txt", "wb") as file:
        file.write(b"Abe flew to Sochi.")

    out, _err = import_folder(tmp_path, cast.project)

    document = Document.objects.get()
    assert document.original_filename.endswith("/caf\ufffd.txt")
    assert "1 file: 1 imported" in out
