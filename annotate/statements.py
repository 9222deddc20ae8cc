"""The statement table: one row per complete statement with every attribute an analyst
filters on, streamed as CSV (plain, or shaped for Excel)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from .models import Annotation

COLUMNS = [
    "statement_id",
    "actor",
    "actor_kind",
    "affiliation",
    "claim",
    "claim_category",
    "stance",
    "quote",
    "document_id",
    "document_title",
    "source",
    "date",
    "annotator",
    "start",
    "end",
]

# Spreadsheets run cells that begin with these characters as formulas.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def statement_rows(statements: QuerySet[Annotation]) -> Iterator[list[Any]]:
    """Rows of the statement table, read from the database in chunks."""
    queryset = statements.select_related(
        "actor", "actor__affiliation", "claim", "claim__parent", "document", "created_by"
    ).order_by("document__published_at", "document_id", "start", "id")
    for statement in queryset.iterator(chunk_size=2000):
        assert statement.actor is not None and statement.claim is not None
        document = statement.document
        yield [
            statement.pk,
            statement.actor.name,
            statement.actor.kind,
            statement.actor.affiliation.name if statement.actor.affiliation else "",
            statement.claim.label,
            statement.claim.parent.label if statement.claim.parent else "",
            statement.stance,
            statement.quote,
            document.pk,
            document.title,
            document.source_name,
            document.published_at.date().isoformat() if document.published_at else "",
            statement.created_by.get_username() if statement.created_by else "",
            statement.start,
            statement.end,
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _excel_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_lines(rows: Iterable[list[Any]], *, excel: bool = False) -> Iterator[str]:
    """CSV text line by line. For Excel: a byte-order mark so that it reads UTF-8, CRLF
    line ends, and text that would run as a formula kept as text."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    if excel:
        yield "\ufeff"
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow([_excel_safe(value) for value in row] if excel else row)
