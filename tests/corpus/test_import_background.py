"""The import's writer thread: batches saved on a connection of their own, as in the foreground."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from corpus import hooks
from corpus.importing import ParsedFile, Upload, import_files
from corpus.importing.formats import DocumentDraft
from corpus.importing.pipeline import saves_in_background
from corpus.models import Document

# The writer needs committed data to build on, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the writer thread is used on PostgreSQL only"
)


@pytest.fixture
def failing_importer():
    """A ``.fail`` file whose three documents are written before its after-save step fails."""

    def failing_after_save(documents, created_by):
        assert all(document.pk for document in documents)  # they were written
        raise DatabaseError("the disk is full")

    def importer(data: bytes, filename: str) -> ParsedFile:
        drafts = [DocumentDraft(text=f"Lost text {n}.", title=f"Lost {n}") for n in range(3)]
        return ParsedFile(drafts=drafts, after_save=failing_after_save)

    hooks.register_importer(".fail", importer)
    yield
    hooks._importers.pop(".fail")


@on_postgresql
def test_the_writer_thread_is_used_outside_a_transaction_on_postgresql(cast):
    assert saves_in_background(True)
    assert not saves_in_background(False)
    with transaction.atomic():
        # The writer's connection could not see what this transaction has not committed.
        assert not saves_in_background(True)


def test_a_file_failing_half_way_in_the_writer_leaves_nothing_of_it_and_the_rest_goes_in(
    cast, failing_importer
):
    uploads = [
        Upload.from_bytes("first.txt", b"Before."),
        Upload.from_bytes("second.txt", b"Also before."),
        Upload.from_bytes("broken.fail", b"x"),
        Upload.from_bytes("last.txt", b"After."),
    ]
    results = list(
        import_files(
            project=cast.project,
            uploads=uploads,
            created_by=None,
            batch_documents=1,
            background=True,
        )
    )
    assert [(r.filename, r.status) for r in results] == [
        ("first.txt", "imported"),
        ("second.txt", "imported"),
        ("broken.fail", "rejected"),
        ("last.txt", "imported"),
    ]
    assert "nothing of it was kept" in results[2].message
    assert set(Document.objects.values_list("title", flat=True)) == {"first", "second", "last"}


def test_duplicates_across_batches_in_flight_are_caught(cast):
    uploads = [Upload.from_bytes(f"{n}.txt", f"Text {n % 3}.\n".encode()) for n in range(9)]
    results = list(
        import_files(
            project=cast.project,
            uploads=uploads,
            created_by=None,
            batch_documents=2,
            background=True,
        )
    )
    assert [r.status for r in results] == ["imported"] * 3 + ["duplicate"] * 6
    # 3.txt's batch was read while 0.txt's was being saved, and still finds it.
    assert "already in the project as “0”" in results[3].message
    assert Document.objects.count() == 3
    assert sorted(pk for r in results for pk, _title in r.documents) == sorted(
        Document.objects.values_list("pk", flat=True)
    )


def test_an_unexpected_error_in_the_writer_rejects_that_file_only_and_is_logged(cast, caplog):
    def crashing_after_save(documents, created_by):
        raise RuntimeError("a bug")

    def importer(data: bytes, filename: str) -> ParsedFile:
        return ParsedFile(
            drafts=[DocumentDraft(text="Crash.", title="Crash")], after_save=crashing_after_save
        )

    hooks.register_importer(".crash", importer)
    try:
        results = list(
            import_files(
                project=cast.project,
                uploads=[Upload.from_bytes("a.crash", b"x"), Upload.from_bytes("b.txt", b"B.")],
                created_by=None,
                background=True,
            )
        )
    finally:
        hooks._importers.pop(".crash")
    assert [r.status for r in results] == ["rejected", "imported"]
    assert list(Document.objects.values_list("title", flat=True)) == ["b"]
    # Contained, not hidden: the bug is logged with its traceback.
    assert "RuntimeError: a bug" in caplog.text


def test_the_command_imports_a_folder_in_batches_through_the_writer(cast, tmp_path):
    for n in range(7):
        (tmp_path / f"{n}.txt").write_text(f"Story {n % 5} of the summit.\n")
    out = io.StringIO()
    call_command(
        "import_documents", str(tmp_path), project=cast.project.slug, no_progress=True, stdout=out
    )
    assert "7 files: 5 imported, 2 duplicate, 0 rejected; 5 documents added" in out.getvalue()
    assert Document.objects.filter(project=cast.project).count() == 5
