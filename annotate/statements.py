"""The statement table: one row per complete statement with every attribute an analyst
filters on, streamed as CSV (plain, or shaped for Excel) or written as an Excel workbook."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from corpus.characters import csv_safe

from .models import Annotation
from .representation import STATEMENT_TABLE

COLUMNS = STATEMENT_TABLE.names
_DATE = COLUMNS.index("date")

# Spreadsheets run cells that begin with these characters as formulas.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def statement_rows(statements: QuerySet[Annotation]) -> Iterator[list[Any]]:
    """Rows of the statement table, read from the database in chunks as plain values
    (no model instances), so a hundred thousand rows stream quickly."""
    queryset = statements.order_by("document__published_at", "document_id", "start", "id")
    for values in queryset.values_list(*STATEMENT_TABLE.sources).iterator(chunk_size=2000):
        yield STATEMENT_TABLE.cells(values)


def workbook_rows(rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    """Statement rows for a workbook: the date as a date, which a spreadsheet sorts."""
    for row in rows:
        if row[_DATE]:
            row[_DATE] = datetime.date.fromisoformat(row[_DATE])
        yield row


class _Echo:
    def write(self, value: str) -> str:
        return value


def _excel_safe(value: Any) -> Any:
    value = csv_safe(value)
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
        yield writer.writerow([(_excel_safe if excel else csv_safe)(value) for value in row])
