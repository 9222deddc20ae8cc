"""PostgreSQL's search index: vectors stored after documents arrive, and searches that
never miss a document meanwhile."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from corpus import search
from corpus.importing import Upload, import_files
from corpus.models import Document, DocumentSearch
from corpus.search import index_in_parallel, index_pending, search_documents
from corpus.services import update_document_metadata
from tests.factories import make_document

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the stored search index is PostgreSQL's"
)


def titles(query: str) -> list[str]:
    return [d.title for d in search_documents(Document.objects.all(), query)]


def test_a_document_not_indexed_yet_is_found_and_then_indexed(cast):
    make_document(cast.project, title="Duma", text="Naryshkin spoke in the Duma.")
    assert not DocumentSearch.objects.exists()
    assert titles("Naryshkin") == ["Duma"]
    assert index_pending() == 1
    assert DocumentSearch.objects.count() == 1
    assert titles("Naryshkin") == ["Duma"]
    assert index_pending() == 0  # nothing left to do


def test_indexed_and_unindexed_documents_are_found_together_best_first(cast):
    make_document(cast.project, title="Sanctions", text="Japan keeps sanctions on Russia.")
    index_pending()
    make_document(cast.project, title="Other", text="More sanctions were announced.")
    assert titles("sanctions") == ["Sanctions", "Other"]  # a match in the title ranks first


def test_an_import_indexes_its_documents_once_committed(cast, django_capture_on_commit_callbacks):
    upload = Upload.from_bytes("talks.txt", b"Kuril talks\n\nNaryshkin visited Tokyo.\n")
    with django_capture_on_commit_callbacks(execute=True):
        [result] = import_files(project=cast.project, uploads=[upload], created_by=cast.bob)
    assert DocumentSearch.objects.filter(document_id=result.documents[0][0]).exists()
    assert titles("Naryshkin") == ["Kuril talks"]


def test_a_new_title_is_searchable_at_once(cast):
    document = make_document(cast.project, title="Talks", text="Diplomats met in Moscow.")
    index_pending()
    update_document_metadata(document=document, title="Kuril islands dispute")
    assert titles("Kuril") == ["Kuril islands dispute"]
    assert titles("Talks") == []


def test_deleting_a_document_deletes_its_vector(cast):
    document = make_document(cast.project, title="Talks", text="Diplomats met.")
    index_pending()
    document.delete()
    assert not DocumentSearch.objects.exists()


def test_the_command_reports_the_indexing(cast, tmp_path):
    (tmp_path / "a.txt").write_text("Summit\n\nAbe met Putin in Nagato.\n")
    out = io.StringIO()
    call_command("import_documents", str(tmp_path), project=cast.project.slug, stdout=out)
    assert "Indexed 1 document for search" in out.getvalue()
    assert titles("Nagato") == ["Summit"]


@pytest.mark.django_db(transaction=True)
def test_several_connections_share_the_indexing(cast, monkeypatch):
    documents = [
        make_document(cast.project, title=f"Report {n}", text=f"Report number {n} on talks.")
        for n in range(7)
    ]
    DocumentSearch.objects.all().delete()  # each was indexed as it was committed
    monkeypatch.setattr(search, "INDEX_BATCH", 2)  # so that 7 documents count as many
    assert index_in_parallel([d.pk for d in documents], parts=3) == 7
    assert DocumentSearch.objects.count() == 7


def test_an_import_indexes_its_own_documents_and_no_others(
    cast, django_capture_on_commit_callbacks
):
    older = make_document(cast.other, title="Elsewhere", text="Not part of this import.")
    upload = Upload.from_bytes("summit.txt", b"Summit\n\nAbe met Putin in Nagato.\n")
    with django_capture_on_commit_callbacks(execute=True):
        [result] = import_files(project=cast.project, uploads=[upload], created_by=cast.bob)
    indexed = set(DocumentSearch.objects.values_list("document_id", flat=True))
    assert indexed == {result.documents[0][0]}
    assert older.pk not in indexed
    assert index_pending() == 1  # the catch-up finds the one left


def test_changing_the_title_of_a_document_not_indexed_yet_indexes_it(cast):
    document = make_document(cast.project, title="Talks", text="Diplomats met in Moscow.")
    update_document_metadata(document=document, title="Kuril islands dispute")
    assert DocumentSearch.objects.filter(document=document).exists()
    assert titles("Kuril") == ["Kuril islands dispute"]
