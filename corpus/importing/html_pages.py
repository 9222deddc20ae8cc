"""Web pages (.html, .htm): the main text, without navigation, footer or comments."""

from __future__ import annotations

import trafilatura
from django.utils.dateparse import parse_date

from .decoding import decode
from .formats import DocumentDraft, ParsedFile, Rejected
from .text_files import title_from_filename


def parse_html(data: bytes, filename: str) -> ParsedFile:
    markup, encoding = decode(data)
    extracted = trafilatura.bare_extraction(
        markup,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
    )
    text = (getattr(extracted, "text", None) or "").strip()
    if not text:
        raise Rejected("No article text was found in this page.")
    fields: dict[str, object] = {}
    if author := getattr(extracted, "author", None):
        fields["author"] = author[:300]
    if sitename := getattr(extracted, "sitename", None):
        fields["source_name"] = sitename[:200]
    url = getattr(extracted, "url", None) or ""
    if url.startswith(("http://", "https://")) and len(url) <= 2000:
        fields["source_url"] = url
    if (date := getattr(extracted, "date", None)) and (day := parse_date(date[:10])):
        fields["published_at"] = day
    if language := getattr(extracted, "language", None):
        fields["language"] = language[:35]
    title = (getattr(extracted, "title", None) or "").strip()[:500] or title_from_filename(filename)
    return ParsedFile(
        drafts=[DocumentDraft(text=text, title=title, fields=fields)], encoding=encoding
    )
