"""An annotation as the outside world sees it, defined once.

Every value the API, the exports, the reader and the statement table show of an
annotation is a :class:`Field` here: where it is read from (a path that ``values()``,
``values_list()`` and an instance's attributes all understand) and how it is written.
Each of them is a :class:`Shape`, an ordered choice of fields under the names it
shows, so that the same value is read and written the same way everywhere:

* :data:`API`: the REST API's annotation (detail, list, bulk answers);
* :data:`EXPORT`: the API's CSV and JSON Lines rows, the API's fields with the names of
  the document, actor and claim beside their ids (JSON-LD is built from these rows);
* :data:`READER`: what the reader's text and side list draw;
* :data:`STATEMENT_TABLE`: the statement table of the stance matrix page.

Lists read rows as plain values (``queryset.values_list(*SHAPE.sources)``) and write
them with ``SHAPE.from_values``: no model instances, however many rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from corpus.api.rows import Rows


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 with ``Z`` for UTC, as the API writes every moment."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def local_day(value: datetime | None) -> str:
    """The day in the site's time zone (``YYYY-MM-DD``), or "" for no date."""
    return timezone.localtime(value).date().isoformat() if value else ""


def blank(value: Any) -> Any:
    """None as "" for a spreadsheet cell."""
    return "" if value is None else value


@dataclass(frozen=True, slots=True)
class Field:
    """One value of an annotation: where it is read from and how it is written."""

    #: A lookup path from the annotation, e.g. ``"actor_id"`` or ``"actor__name"``.
    source: str
    #: How the value is written; None leaves it as read.
    write: Callable[[Any], Any] | None = None

    def written(self, write: Callable[[Any], Any] | None) -> Field:
        """The same value written another way (a blank cell for None, say), or as read."""
        return Field(self.source, write)

    def read(self, annotation: Any) -> Any:
        """The value from a model instance, following relations; None past a None."""
        value = annotation
        for step in self.source.split("__"):
            value = getattr(value, step)
            if value is None:
                return None
        return value


# Every value of an annotation that is shown somewhere.
ID = Field("id")
DOCUMENT = Field("document_id")
DOCUMENT_TITLE = Field("document__title")
SOURCE = Field("document__source_name")
PUBLISHED_DAY = Field("document__published_at", local_day)
START = Field("start")
END = Field("end")
QUOTE = Field("quote")
ACTOR = Field("actor_id")
ACTOR_NAME = Field("actor__name")
ACTOR_KIND = Field("actor__kind")
AFFILIATION = Field("actor__affiliation__name")
CLAIM = Field("claim_id")
CLAIM_LABEL = Field("claim__label")
CLAIM_CATEGORY = Field("claim__parent__label")
STANCE = Field("stance")
NOTE = Field("note")
CREATED_BY = Field("created_by_id")
ANNOTATOR = Field("created_by__username")
CREATED_AT = Field("created_at", timestamp)
UPDATED_AT = Field("updated_at", timestamp)
VERSION = Field("version")
FINAL = Field("final")
CURATED_FROM = Field("curated_from_id")


class Shape:
    """An ordered choice of fields, each under the name a reader of it sees."""

    def __init__(self, fields: Sequence[tuple[str, Field]]):
        self.fields = tuple(fields)
        self.names = tuple(name for name, _ in self.fields)
        #: What to give ``values()`` or ``values_list()``, in the shape's order.
        self.sources = tuple(field.source for _, field in self.fields)
        self._writers = tuple(
            (name, field.write) for name, field in self.fields if field.write is not None
        )
        self._by_position = tuple(field.write for _, field in self.fields)
        self._json_writers = tuple(
            (name, write) for name, write in self._writers if write is not timestamp
        )
        self._rows = Rows(self.names, self.sources, self.for_json if self._json_writers else None)

    def _write(self, shown: dict[str, Any]) -> dict[str, Any]:
        for name, write in self._writers:
            shown[name] = write(shown[name])
        return shown

    def for_json(self, values: Sequence[Any]) -> dict[str, Any]:
        """From a row of ``values_list(*self.sources)``, for the API's JSON renderer: what
        :meth:`from_values` gives, except that moments stay ``datetime`` objects, which
        the renderer writes exactly as :func:`timestamp` does (``corpus.api.renderers``),
        in C rather than one Python call per moment."""
        # values_list(*self.sources) gives every row one value per field.
        shown = dict(zip(self.names, values, strict=False))
        for name, write in self._json_writers:
            shown[name] = write(shown[name])
        return shown

    def from_values(self, values: Sequence[Any]) -> dict[str, Any]:
        """From a row of ``values_list(*self.sources)``."""
        return self._write(dict(zip(self.names, values, strict=True)))

    def json_rows(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """``queryset`` as a queryset of :meth:`for_json` rows: no model instances and no
        intermediate dicts or named tuples, and still a queryset that pages and slices."""
        return self._rows.of(queryset)

    def cells(self, values: Sequence[Any]) -> list[Any]:
        """A row of ``values_list(*self.sources)`` written as a list, for CSV."""
        return [
            value if write is None else write(value)
            for value, write in zip(values, self._by_position, strict=True)
        ]

    def from_instance(self, annotation: Any) -> dict[str, Any]:
        """From an annotation instance (select its related rows to save queries)."""
        return self._write({name: field.read(annotation) for name, field in self.fields})


API = Shape(
    [
        ("id", ID),
        ("document", DOCUMENT),
        ("start", START),
        ("end", END),
        ("quote", QUOTE),
        ("actor", ACTOR),
        ("claim", CLAIM),
        ("stance", STANCE),
        ("note", NOTE),
        ("created_by", ANNOTATOR),
        ("created_at", CREATED_AT),
        ("updated_at", UPDATED_AT),
        ("version", VERSION),
        ("final", FINAL),
        ("curated_from", CURATED_FROM),
    ]
)

#: Beside an id, what it names, for readers of an export who do not look ids up.
_NAMED = {
    "document": ("document_title", DOCUMENT_TITLE),
    "actor": ("actor_name", ACTOR_NAME),
    "claim": ("claim_label", CLAIM_LABEL),
}
EXPORT = Shape(
    [
        pair
        for name, field in API.fields
        for pair in [(name, field), *([_NAMED[name]] if name in _NAMED else [])]
    ]
)

#: The reader renders the values itself (its times in the viewer's zone): read as they are.
READER = Shape(
    [
        ("pk", ID),
        ("start", START),
        ("end", END),
        ("quote", QUOTE),
        ("stance", STANCE),
        ("actor_id", ACTOR),
        ("actor_name", ACTOR_NAME),
        ("claim_id", CLAIM),
        ("claim_label", CLAIM_LABEL),
        ("created_by_id", CREATED_BY),
        ("username", ANNOTATOR),
        ("updated_at", UPDATED_AT.written(None)),
        ("note", NOTE),
        ("final", FINAL),
    ]
)

#: A spreadsheet's columns: names rather than ids, the document's day, blank for none.
STATEMENT_TABLE = Shape(
    [
        (name, field if field.write else field.written(blank))
        for name, field in (
            ("statement_id", ID),
            ("actor", ACTOR_NAME),
            ("actor_kind", ACTOR_KIND),
            ("affiliation", AFFILIATION),
            ("claim", CLAIM_LABEL),
            ("claim_category", CLAIM_CATEGORY),
            ("stance", STANCE),
            ("quote", QUOTE),
            ("note", NOTE),
            ("document_id", DOCUMENT),
            ("document_title", DOCUMENT_TITLE),
            ("source", SOURCE),
            ("date", PUBLISHED_DAY),
            ("annotator", ANNOTATOR),
            ("start", START),
            ("end", END),
        )
    ]
)
