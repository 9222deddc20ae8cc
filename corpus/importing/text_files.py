"""Plain text (.txt) and Markdown (.md)."""

from __future__ import annotations

import re
from pathlib import PurePath

from .decoding import decode
from .formats import DocumentDraft, ParsedFile

_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


def title_from_first_line(text: str) -> str | None:
    """The first line, when it reads like a headline: short, starting with a letter (or a
    quote) and not ending like a sentence. Scraped text often starts with a date or menu
    junk instead; those are no titles."""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading:
            return heading.group(1)
        words = line.split()
        looks_like_title = (
            len(line) <= 150
            and len(words) <= 20
            and (line[0].isalpha() or line[0] in "\"'“‘«")
            and not line.endswith((".", ",", ";", ":"))
        )
        return line if looks_like_title else None
    return None


def title_from_filename(filename: str) -> str:
    return PurePath(filename).stem or filename or "Untitled"


def parse_text(data: bytes, filename: str) -> ParsedFile:
    text, encoding = decode(data)
    title = title_from_first_line(text) or title_from_filename(filename)
    return ParsedFile(drafts=[DocumentDraft(text=text, title=title)], encoding=encoding)
