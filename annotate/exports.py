"""Annotation exports that stream: CSV, JSON Lines and W3C Web Annotation JSON-LD, and
the same table as an Excel workbook (written to a temporary file, then streamed).

Rows come from the database in chunks (``.iterator(chunk_size=...)``, a server-side
cursor on PostgreSQL) and leave as text in batches, so memory stays flat however many
rows are exported. Only the text of the document being written is held, to cut the
quote's prefix and suffix for the JSON-LD selectors.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from rest_framework.request import Request

from corpus.characters import csv_safe
from corpus.http import StreamingResponse
from corpus.models import Document, Project

from . import workbooks
from .models import Annotation
from .representation import EXPORT, timestamp

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "jsonld": 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    "xlsx": workbooks.MEDIA_TYPE,
}
CHUNK_SIZE = 2000
#: Rows per write to the client: fewer, larger writes are much faster than one per row.
BATCH = 500
#: The context of the Web Annotation data model.
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: How many characters of context the TextQuoteSelector carries on each side.
CONTEXT_CHARS = 32
#: Annotations per JSON-LD page, unless the client asks for another size (up to the max).
DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 100_000

#: The export's columns: the API's fields with the document, actor and claim named.
COLUMNS = EXPORT.names


def rows(
    annotations: QuerySet[Annotation], offset: int = 0, limit: int | None = None
) -> Iterator[dict[str, Any]]:
    """Each annotation as a flat dict of COLUMNS, in reading order (document, start)."""
    values = annotations.order_by("document_id", "start", "-end", "id").values_list(*EXPORT.sources)
    if offset or limit is not None:
        values = values[offset : None if limit is None else offset + limit]
    for value in values.iterator(chunk_size=CHUNK_SIZE):
        yield EXPORT.from_values(value)


def _batched(lines: Iterable[str]) -> Iterator[str]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= BATCH:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)


def csv_lines(annotations: QuerySet[Annotation]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(COLUMNS)
    for row in rows(annotations):
        yield line([csv_safe(value) for value in row.values()])


# Line breaks to many readers (JavaScript, Python's str.splitlines()), though JSON lets
# them stand unescaped in a string: escaped, one annotation stays on one line.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def jsonl_lines(annotations: QuerySet[Annotation]) -> Iterator[str]:
    for row in rows(annotations):
        yield json.dumps(row, ensure_ascii=False).translate(_LINE_BREAKS) + "\n"


class WebAnnotations:
    """Builds W3C Web Annotation objects; URLs are absolute, as the model requires."""

    def __init__(self, request: Request):
        self.base = request.build_absolute_uri("/").rstrip("/")
        self._document_id: int | None = None
        self._text = ""
        # Reversed once: a hundred thousand rows need two URLs each.
        self._prefixes = {
            name: self.base + reverse(f"api:{name}-detail", kwargs={"pk": 0}).removesuffix("0/")
            for name in ("annotation", "document")
        }

    def url(self, name: str, pk: int) -> str:
        return f"{self._prefixes[name]}{pk}/"

    def text_of(self, document_id: int) -> str:
        if document_id != self._document_id:
            self._document_id = document_id
            self._text = Document.objects.values_list("text", flat=True).get(pk=document_id)
        return self._text

    def annotation(self, row: dict[str, Any]) -> dict[str, Any]:
        text = self.text_of(row["document"])
        start, end = row["start"], row["end"]
        bodies: list[dict[str, Any]] = []
        if row["actor"] is not None:
            bodies.append(
                {
                    "type": "TextualBody",
                    "value": row["actor_name"],
                    "purpose": "identifying",
                }
            )
        if row["claim"] is not None:
            bodies.append(
                {
                    "type": "TextualBody",
                    "value": row["claim_label"],
                    "purpose": "classifying",
                }
            )
        if row["stance"]:
            bodies.append({"type": "TextualBody", "value": row["stance"], "purpose": "tagging"})
        if row["note"]:
            bodies.append(
                {
                    "type": "TextualBody",
                    "value": row["note"],
                    "format": "text/plain",
                    "purpose": "describing",
                }
            )
        annotation: dict[str, Any] = {
            "@context": ANNO_CONTEXT,
            "id": self.url("annotation", row["id"]),
            "type": "Annotation",
            "motivation": "classifying" if bodies else "highlighting",
            "created": row["created_at"],
            "modified": row["updated_at"],
        }
        if row["created_by"]:
            annotation["creator"] = {"type": "Person", "nickname": row["created_by"]}
        if bodies:
            annotation["body"] = bodies
        annotation["target"] = {
            "source": self.url("document", row["document"]),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": row["quote"],
                    "prefix": text[max(0, start - CONTEXT_CHARS) : start],
                    "suffix": text[end : end + CONTEXT_CHARS],
                },
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
        }
        return annotation


def page_count(total: int, page_size: int) -> int:
    """How many AnnotationPages ``total`` annotations fill; an empty collection has one."""
    return max(1, math.ceil(total / page_size))


def web_annotation(annotation: QuerySet[Annotation], *, request: Request) -> dict[str, Any]:
    """The one annotation of ``annotation`` as a W3C Web Annotation, exactly as the
    JSON-LD export writes it (its IRI dereferences to this)."""
    (row,) = rows(annotation)
    return WebAnnotations(request).annotation(row)


def jsonld_lines(
    annotations: QuerySet[Annotation],
    *,
    project: Project,
    request: Request,
    page: int | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    total: int | None = None,
) -> Iterator[str]:
    """An AnnotationCollection with its first page embedded, or (``page``) one page.

    Pages link to each other by IRI (``next``, ``prev``, ``partOf``), as the Web
    Annotation Protocol pages a container; every annotation carries its own
    ``@context`` so that it stands alone when taken out.
    """
    builder = WebAnnotations(request)
    total = annotations.count() if total is None else total
    label = f"Annotations of {project.name}"
    pages = page_count(total, page_size)

    def link(number: int | None) -> str:
        query = request.GET.copy()
        query["format"] = "jsonld"
        query["page_size"] = str(page_size)
        if number is None:
            query.pop("page", None)
        else:
            query["page"] = str(number)
        return request.build_absolute_uri(request.path) + "?" + query.urlencode()

    def page_head(number: int, standalone: bool) -> str:
        head: dict[str, Any] = {}
        if standalone:
            head["@context"] = ANNO_CONTEXT
        head.update(
            id=link(number),
            type="AnnotationPage",
            partOf={"id": link(None), "label": label, "total": total},
            startIndex=(number - 1) * page_size,
        )
        if number > 1:
            head["prev"] = link(number - 1)
        if number < pages:
            head["next"] = link(number + 1)
        return json.dumps(head, ensure_ascii=False)[:-1] + ', "items": ['

    def items(number: int) -> Iterator[str]:
        offset = (number - 1) * page_size
        for index, row in enumerate(rows(annotations, offset, page_size)):
            yield ("," if index else "") + json.dumps(builder.annotation(row), ensure_ascii=False)

    if page is not None:
        yield page_head(page, standalone=True)
        yield from items(page)
        yield "]}\n"
        return
    collection = {
        "@context": ANNO_CONTEXT,
        "id": link(None),
        "type": "AnnotationCollection",
        "label": label,
        "total": total,
        "generated": timestamp(timezone.now()),
    }
    if not total:
        yield json.dumps(collection, ensure_ascii=False) + "\n"
        return
    collection["last"] = link(pages)
    yield json.dumps(collection, ensure_ascii=False)[:-1] + ', "first": ' + page_head(1, False)
    yield from items(1)
    yield "]}}\n"


def stream(
    kind: str,
    annotations: QuerySet[Annotation],
    *,
    project: Project,
    request: Request,
    page: int | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    total: int | None = None,
) -> StreamingResponse:
    """A streaming response for one export format, with a file name for the download."""
    if kind == "xlsx":
        return workbooks.workbook_response(
            columns=COLUMNS,
            rows=(list(row.values()) for row in rows(annotations)),
            filename=f"{project.slug}-annotations.xlsx",
            title="Annotations",
        )
    if kind == "csv":
        lines = csv_lines(annotations)
    elif kind == "jsonl":
        lines = jsonl_lines(annotations)
    else:
        lines = jsonld_lines(
            annotations,
            project=project,
            request=request,
            page=page,
            page_size=page_size,
            total=total,
        )
    extension = {"csv": "csv", "jsonl": "jsonl", "jsonld": "jsonld"}[kind]
    response = StreamingResponse(
        (chunk.encode("utf-8") for chunk in _batched(lines)), content_type=FORMATS[kind]
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{project.slug}-annotations.{extension}"'
    )
    return response
