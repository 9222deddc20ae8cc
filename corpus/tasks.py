"""Work that may run after the request or command that asked for it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.tasks import task

from . import search


@task
def index_documents(document_ids: list[int]) -> int:
    """Store the search vectors of new documents (PostgreSQL); returns how many."""
    return search.index_in_parallel(document_ids)


def index_after_commit(document_ids: Sequence[int]) -> None:
    """Index these new documents for search once the transaction that added them commits."""
    ids = list(document_ids)
    if ids:
        transaction.on_commit(lambda: index_documents.enqueue(ids))
