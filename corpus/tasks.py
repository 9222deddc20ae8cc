"""Work that may run after the request or command that asked for it."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from .search import index_all_pending


@task
def index_documents() -> int:
    """Build the search vectors of documents that arrived without one (PostgreSQL)."""
    return index_all_pending()


def index_after_commit() -> None:
    """Index new documents for search once the transaction that added them commits."""
    transaction.on_commit(index_documents.enqueue)
