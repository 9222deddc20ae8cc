"""Full-text search over a project's documents.

PostgreSQL uses its full-text search (English stemming, weighted title above text, a
GIN index built by migration 0002). SQLite has no such search; there every word of the
query must appear in the title or the text. Snippets with the matching words marked are
made in Python, the same on both databases, from escaped text.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import CombinedExpression
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Document

SEARCH_CONFIG = "english"
_WORD = re.compile(r"\w[\w'’-]*", re.UNICODE)


def search_vector() -> CombinedExpression:
    """The indexed expression; migration 0002 builds its index, so keep the two alike."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "text", weight="B", config=SEARCH_CONFIG
    )


def query_words(query: str) -> list[str]:
    return [word for word in _WORD.findall(query) if word.lower() not in {"or", "and"}]


def search_documents(queryset: QuerySet[Document], query: str) -> QuerySet[Document]:
    """Documents matching ``query``, best first on PostgreSQL."""
    query = query.strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        ts_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        vector = search_vector()
        return (
            queryset.annotate(search_rank=SearchRank(vector, ts_query))
            .alias(search_document=vector)
            .filter(search_document=ts_query)
            .order_by("-search_rank", "title", "id")
        )
    words = query_words(query)
    if not words:
        return queryset.none()
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(text__icontains=word)
    return queryset.filter(condition)


def highlight(text: str, query: str, *, width: int = 220, fragments: int = 2) -> SafeString:
    """Excerpts of ``text`` around the query's words, escaped, with the words in <mark>."""
    words = query_words(query)
    if not words or not text:
        return mark_safe(escape(text[:width]) + ("…" if len(text) > width else ""))
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(word) for word in words) + r")[\w'’-]*", re.IGNORECASE
    )
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        start = max(0, match.start() - width // 2)
        end = min(len(text), match.end() + width // 2)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        if len(spans) > fragments:
            spans.pop()
            break
    if not spans:
        spans = [(0, min(len(text), width))]
    parts = []
    for start, end in spans:
        excerpt = text[start:end]
        marked: list[str] = []
        last = 0
        for match in pattern.finditer(excerpt):
            marked.append(escape(excerpt[last : match.start()]))
            marked.append(f"<mark>{escape(match.group(0))}</mark>")
            last = match.end()
        marked.append(escape(excerpt[last:]))
        parts.append(
            ("…" if start > 0 else "") + "".join(marked) + ("…" if end < len(text) else "")
        )
    return mark_safe(" ".join(parts))
