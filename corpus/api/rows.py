"""Lists read as plain values: a page of rows becomes dicts without model instances or
serializer fields, yet stays a queryset that filters, pages and slices.

``Rows(names, sources)`` reads ``values_list(*sources)`` and writes each row as a dict
under ``names`` (in that order, as a serializer would), or through ``convert`` when some
value must be written otherwise. Moments stay ``datetime`` objects: the API's renderer
writes them as DRF does (``corpus.api.renderers``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from typing import Any

from django.db.models import QuerySet
from django.db.models.query import ValuesListIterable

Convert = Callable[[Sequence[Any]], dict[str, Any]]


class _RowsIterable(ValuesListIterable):
    names: tuple[str, ...]
    convert: Convert | None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        rows = super().__iter__()
        if self.convert is None:
            # Without a Python call per row: a page of 1,000 rows spent a fifth of its
            # building in calls.
            return map(dict, map(zip, repeat(self.names), rows))
        return map(self.convert, rows)


class Rows:
    """Rows of ``values_list(*sources)`` as dicts under ``names``."""

    def __init__(
        self, names: Sequence[str], sources: Sequence[str], convert: Convert | None = None
    ):
        if len(names) != len(sources):
            raise ValueError("Each name needs its source.")
        self.names = tuple(names)
        self.sources = tuple(sources)
        self._iterable = type(
            "Rows",
            (_RowsIterable,),
            {"names": self.names, "convert": None if convert is None else staticmethod(convert)},
        )

    def of(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """``queryset`` as a queryset of these rows."""
        rows = queryset.values_list(*self.sources)
        rows._iterable_class = self._iterable  # type: ignore[attr-defined]
        return rows
