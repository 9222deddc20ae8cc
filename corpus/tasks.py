"""Work that may run after the request or command that asked for it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.tasks import task

from . import search


@task
def index_documents(document_ids: list[int], project_id: int | None = None) -> int:
    """Store the search vectors of new documents (PostgreSQL); returns how many.

    With ``project_id``, also those of the project's documents that an earlier indexing
    missed (it failed, or its task was lost), so that every import catches up.
    """
    added = search.index_in_parallel(document_ids)
    if project_id is not None:
        added += search.index_pending(project_id)
    return added


def index_after_commit(document_ids: Sequence[int], project_id: int | None = None) -> None:
    """Index these new documents for search once the transaction that added them commits
    (and, with ``project_id``, whatever the project's earlier indexing missed)."""
    ids = list(document_ids)
    if ids or project_id is not None:
        transaction.on_commit(lambda: index_documents.enqueue(ids, project_id))


@task
def run_job(job_id: int) -> None:
    """Do a job (``corpus.jobs``): claim it, run it with progress, end it done or failed."""
    from . import jobs

    jobs.run(job_id)
