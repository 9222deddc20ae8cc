"""Documents as records: CSV rows, a JSON list (or one object), JSON Lines.

Known columns or keys are ``title, text, source_name, source_url, author, published_at,
language`` (and ``notes``); any other goes into the document's ``metadata``. Every record
becomes one document; a bad record rejects the whole file, naming its row. Records are
read one at a time as the import takes them, up to ``IMPORT_MAX_ROWS`` per file."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime

from .decoding import decode
from .formats import DocumentDraft, ParsedFile, Rejected
from .text_files import title_from_first_line

FIELDS = ("title", "text", "source_name", "source_url", "author", "published_at", "language")
_STRING_FIELDS = ("source_name", "source_url", "author", "language", "notes")


def _published(value: Any, where: str) -> datetime.datetime | datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = value.strip()
        try:
            parsed = parse_datetime(value) or parse_date(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed
    raise Rejected(f"{where}: published_at {value!r} is not a date; write it as YYYY-MM-DD.")


def draft_from_record(record: Any, where: str, filename: str) -> DocumentDraft:
    if not isinstance(record, dict):
        raise Rejected(f"{where}: expected an object with a “text”, found {type(record).__name__}.")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise Rejected(f"{where}: the text is missing or empty.")
    fields: dict[str, Any] = {}
    for name in _STRING_FIELDS:
        value = record.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise Rejected(f"{where}: {name} must be text, found {value!r}.")
        fields[name] = value.strip()
    if (published := _published(record.get("published_at"), where)) is not None:
        fields["published_at"] = published
    extra = {
        key: value
        for key, value in record.items()
        if key not in (*FIELDS, "notes") and value not in (None, "")
    }
    if extra:
        fields["metadata"] = extra
    title = record.get("title")
    if title is not None and not isinstance(title, str):
        raise Rejected(f"{where}: title must be text, found {title!r}.")
    title = (title or "").strip() or title_from_first_line(text) or f"{filename}, {where}"
    return DocumentDraft(text=text, title=title, fields=fields, label=where)


def _check_count(count: int, noun: str) -> None:
    """Refuse a file with more records than ``IMPORT_MAX_ROWS`` before any is read into a
    document: counting is cheap, and a file is never read further than it could be
    imported."""
    limit = settings.IMPORT_MAX_ROWS
    if count > limit:
        raise Rejected(
            f"The file has more than {limit:,} {noun}, the limit for one file; "
            "split it into smaller files."
        )


def parse_csv(data: bytes, filename: str) -> ParsedFile:
    text, encoding = decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        raise Rejected(f"This is not a readable CSV file: {error}.") from error
    if "text" not in header:
        raise Rejected(
            "The CSV has no “text” column. Its first row must name the columns "
            f"(found: {', '.join(header) or 'nothing'})."
        )

    try:
        # Rows, not lines: a quoted cell may hold line breaks.
        _check_count(sum(1 for _ in csv.reader(io.StringIO(text, newline=""), dialect)) - 1, "rows")
    except csv.Error as error:
        raise Rejected(f"This is not a readable CSV file: {error}.") from error

    def drafts() -> Iterator[DocumentDraft]:
        number = 0
        try:
            for number, row in enumerate(reader, start=1):
                where = f"Row {number}"
                if None in row:
                    raise Rejected(f"{where}: it has more cells than the header has columns.")
                yield draft_from_record(row, where, filename)
        except csv.Error as error:
            raise Rejected(f"This is not a readable CSV file: {error}.") from error
        if not number:
            raise Rejected("The CSV has a header but no rows.")

    return ParsedFile(drafts=drafts(), encoding=encoding)


def parse_json(data: bytes, filename: str) -> ParsedFile:
    text, encoding = decode(data)
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        raise Rejected(
            f"This is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from error
    if isinstance(content, dict):
        drafts = [draft_from_record(content, "The object", filename)]
        return ParsedFile(drafts=drafts, encoding=encoding)
    if not isinstance(content, list):
        raise Rejected("The JSON must be one object or a list of objects.")
    if not content:
        raise Rejected("The JSON list is empty.")
    _check_count(len(content), "items")
    items = (
        draft_from_record(item, f"Item {number}", filename)
        for number, item in enumerate(content, start=1)
    )
    return ParsedFile(drafts=items, encoding=encoding)


def parse_json_lines(data: bytes, filename: str) -> ParsedFile:
    text, encoding = decode(data)
    _check_count(sum(1 for line in io.StringIO(text, newline=None) if line.strip()), "lines")

    def drafts() -> Iterator[DocumentDraft]:
        found = False
        # Lines end at line breaks only: str.splitlines would also split at U+2028 and
        # other separators, which JSON allows inside its strings.
        for number, line in enumerate(io.StringIO(text, newline=None), start=1):
            if not line.strip():
                continue
            where = f"Line {number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise Rejected(f"{where}: not valid JSON ({error.msg}).") from error
            found = True
            yield draft_from_record(record, where, filename)
        if not found:
            raise Rejected("The file holds no JSON lines.")

    return ParsedFile(drafts=drafts(), encoding=encoding)
