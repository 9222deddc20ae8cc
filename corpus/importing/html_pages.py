"""Web pages (.html, .htm): the main text, without navigation, footer, comments or the
page's chrome (icons and their labels, hidden elements)."""

from __future__ import annotations

import re

import lxml.html
import trafilatura
from django.utils.dateparse import parse_date
from lxml import etree

from .decoding import decode
from .formats import DocumentDraft, ParsedFile, Rejected
from .text_files import title_from_filename

# Class names that mark an element as an icon (icon, icon-mail, fa, fa-print, glyphicon…).
ICON_CLASS = re.compile(
    r"^(icons?|fa[srbl]?|glyphicon|material-(icons|symbols)(-\w+)?"
    r"|(icon|fa|glyphicon)[-_][\w-]+)$",
    re.IGNORECASE,
)
#: An icon's label is a word or two; longer text in an "icon" element is kept.
ICON_LABEL_LENGTH = 40
#: Drawings: their titles and descriptions ("Artboard", "Created with Sketch.") are no text.
DRAWINGS = {"svg", "symbol", "use", "canvas"}


def _local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # a comment or processing instruction
    # The HTML parser keeps a prefix as part of the name: <svg:svg> is "svg:svg".
    return tag.rsplit(":", 1)[-1].lower()


def _is_chrome(element: etree._Element) -> bool:
    name = _local_name(element)
    if name in DRAWINGS:
        return True
    if element.get("hidden") is not None or element.get("aria-hidden", "").lower() == "true":
        return True
    if name in {"i", "span", "em", "b", "a"}:
        classes = (element.get("class") or "").split()
        if any(ICON_CLASS.match(token) for token in classes):
            return len(element.text_content().strip()) <= ICON_LABEL_LENGTH
    return False


def strip_chrome(markup: str) -> lxml.html.HtmlElement | None:
    """The page as a tree without drawings (inline SVG, whose title and description texts
    would otherwise join the article), hidden elements and icon labels."""
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        tree = lxml.html.document_fromstring(markup.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        return None
    doomed = [element for element in tree.iter() if _is_chrome(element)]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the text that follows the element
    return tree


def parse_html(data: bytes, filename: str) -> ParsedFile:
    markup, encoding = decode(data)
    tree = strip_chrome(markup)
    if tree is None:
        raise Rejected("No article text was found in this page.")
    extracted = trafilatura.bare_extraction(
        tree,
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
