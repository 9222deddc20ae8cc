"""Run the same change two ways and compare the rows each leaves: the tests of the fast
paths listed in ``corpus.fastpaths``, each against the ORM path it stands in for."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.db import connection, transaction

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="this fast path runs on PostgreSQL only"
)


class _Undo(Exception):
    pass


def each_way(*paths: Callable[[], Any], rows: Callable[[Any], Any]) -> list[Any]:
    """For each path: run it, read back with ``rows(what the path returned)`` the rows it
    left, and roll it back, so that every path starts from the same database."""
    outcomes = []
    for path in paths:
        try:
            with transaction.atomic():
                outcomes.append(rows(path()))
                raise _Undo
        except _Undo:
            pass
    return outcomes


def without(rows: Iterable[dict[str, Any]], *names: str) -> list[dict[str, Any]]:
    """The rows without the columns that must differ between two runs (new ids, the
    moment of writing)."""
    return [{k: v for k, v in row.items() if k not in names} for row in rows]
