"""Search indexing that failed is caught up: by the next import into the project, by the
``reindex_documents`` command (which the container runs at start), and on demand for a
whole rebuild."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection

from corpus import search
from corpus.importing import Upload, import_files
from corpus.models import Document, DocumentSearch
from tests.corpus.test_import_isolation import import_folder
from tests.factories import make_document, make_project

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the stored search index is PostgreSQL's"
)


def reindex(*args: str) -> str:
    out = io.StringIO()
    call_command("reindex_documents", *args, stdout=out)
    return out.getvalue()


def import_one(project, name: str, data: bytes) -> None:
    list(import_files(project=project, uploads=[Upload.from_bytes(name, data)], created_by=None))


def indexed() -> set[str]:
    return set(DocumentSearch.objects.values_list("document__title", flat=True))


@pytest.fixture
def failing_index(monkeypatch):
    """Indexing fails, as it does when the database goes away in the middle of an import."""

    def fail(ids, **kwargs):
        raise DatabaseError("the server closed the connection")

    monkeypatch.setattr(search, "index_in_parallel", fail)
    return monkeypatch


@on_postgresql
def test_documents_whose_indexing_failed_are_indexed_by_the_next_import(
    cast, failing_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_one(cast.project, "a.txt", b"Lost\n\nNaryshkin spoke.")
    assert indexed() == set()
    failing_index.undo()

    with django_capture_on_commit_callbacks(execute=True):
        import_one(cast.project, "b.txt", b"Found\n\nAbe spoke.")

    assert indexed() == {"Lost", "Found"}


@on_postgresql
def test_the_command_indexes_only_what_is_not_indexed_yet(cast):
    make_document(cast.project, title="One", text="Abe met Putin.")
    make_document(cast.project, title="Two", text="Naryshkin met Abe.")
    search.index_pending()
    make_document(cast.project, title="Three", text="Lavrov met Kishida.")

    output = reindex()

    assert "Indexed 1 document for search" in output
    assert indexed() == {"One", "Two", "Three"}
    assert "Nothing to index" in reindex()


@on_postgresql
def test_the_command_keeps_to_one_project_when_asked(cast):
    elsewhere = make_project("Elsewhere else")
    make_document(cast.project, title="Ours", text="Abe met Putin.")
    make_document(elsewhere, title="Theirs", text="Naryshkin met Abe.")

    output = reindex("--project", cast.project.slug)

    assert "Indexed 1 document for search" in output
    assert indexed() == {"Ours"}


@on_postgresql
def test_the_command_rebuilds_every_vector_with_all(cast):
    document = make_document(cast.project, title="Summit", text="Abe met Putin in Nagato.")
    search.index_pending()
    # A vector gone stale (built by an older configuration, say).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE corpus_documentsearch SET vector = to_tsvector('english', 'nothing')"
        )
    assert not search.search_documents(Document.objects.all(), "Nagato").exists()

    output = reindex("--all")

    assert "Rebuilt the search vectors of 1 document" in output
    assert list(search.search_documents(Document.objects.all(), "Nagato")) == [document]


def test_an_unknown_project_is_an_error_naming_it(cast):
    with pytest.raises(Exception, match="No project has the slug “nowhere”"):
        reindex("--project", "nowhere")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no search index")
def test_on_sqlite_the_command_says_there_is_no_index_to_build(cast):
    make_document(cast.project, title="One", text="Abe met Putin.")
    assert "SQLite has no search index to build" in reindex()


def test_the_import_command_says_how_to_catch_up_when_indexing_fails(cast, tmp_path, failing_index):
    (tmp_path / "a.txt").write_text("Abe met Putin.")

    _out, err = import_folder(tmp_path, cast.project)

    assert "manage.py reindex_documents" in err
