"""Full-text search over a project's documents.

PostgreSQL uses its full-text search (English stemming, weighted title above text) over
the documents' stored vectors (``DocumentSearch``, with a GIN index). A new document comes
without one, since computing it costs as much as the rest of an import: :func:`index_pending`
adds it afterwards (the ``index_documents`` task), and until then a search reads that
document's text, so none is ever missed. SQLite has no such search; there every word of
the query must appear in the title or the text. Snippets with the matching words marked are
made in Python, the same on both databases, from escaped text.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Document, DocumentSearch

SEARCH_CONFIG = "english"
_WORD = re.compile(r"\w[\w'’-]*", re.UNICODE)


#: Documents indexed per statement, each batch a short transaction of its own.
INDEX_BATCH = 2000


def search_vector() -> CombinedExpression:
    """A document's vector from its title and text; migration 0004 stores the same."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "text", weight="B", config=SEARCH_CONFIG
    )


def vector_sql(row: str) -> str:
    """:func:`search_vector` in SQL, for the columns of ``row``."""
    return (
        f"(setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, COALESCE({row}.title, '')), 'A')"
        f" || setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, COALESCE({row}.text, '')), 'B'))"
    )


def index_pending(*, batch_size: int = INDEX_BATCH, part: int = 0, parts: int = 1) -> int:
    """Store the search vector of every document that has none yet; returns how many.

    Walks the documents in id order, a batch per statement; with ``parts``, only the
    ids that leave ``part`` when divided by ``parts``, so that several connections can
    share the work. Indexers that meet do no harm: a vector already stored is left as it
    is. Nothing to do on SQLite.
    """
    if connection.vendor != "postgresql":
        return 0
    documents = connection.ops.quote_name(Document._meta.db_table)
    vectors = connection.ops.quote_name(DocumentSearch._meta.db_table)
    total = last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"""
                WITH batch AS (
                    SELECT d.id FROM {documents} d
                    WHERE d.id > %s AND d.id %% %s = %s
                      AND NOT EXISTS (SELECT 1 FROM {vectors} s WHERE s.document_id = d.id)
                    ORDER BY d.id LIMIT %s
                ), added AS (
                    INSERT INTO {vectors} (document_id, vector)
                    SELECT d.id, {vector_sql("d")} FROM {documents} d JOIN batch USING (id)
                    ON CONFLICT (document_id) DO NOTHING
                    RETURNING document_id
                )
                SELECT (SELECT count(*) FROM added), (SELECT max(id) FROM batch)
                """,
                [last, parts, part, batch_size],
            )
            added, highest = cursor.fetchone()
            if highest is None:
                return total
            total += added
            last = highest


def index_all_pending(*, parts: int | None = None) -> int:
    """:func:`index_pending` on one connection per core at once (computing vectors keeps
    PostgreSQL busy), or on this connection inside a transaction, which the others could
    not see into."""
    parts = parts or min(os.cpu_count() or 1, 4)
    if parts == 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return index_pending()

    def share(part: int) -> int:
        try:
            return index_pending(part=part, parts=parts)
        finally:
            connections.close_all()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=parts, thread_name_prefix="search-index") as pool:
        return sum(pool.map(share, range(parts)))


def query_words(query: str) -> list[str]:
    return [word for word in _WORD.findall(query) if word.lower() not in {"or", "and"}]


def search_documents(queryset: QuerySet[Document], query: str) -> QuerySet[Document]:
    """Documents matching ``query``, best first on PostgreSQL."""
    query = query.strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        ts_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        stored = DocumentSearch.objects.filter(document=OuterRef("pk"))
        matching = DocumentSearch.objects.filter(vector=ts_query).values("document_id")
        computed = search_vector()
        return (
            queryset.alias(computed_vector=computed)
            .filter(Q(pk__in=matching) | Q(~Exists(stored), computed_vector=ts_query))
            .annotate(
                search_rank=SearchRank(
                    Coalesce(Subquery(stored.values("vector")), computed), ts_query
                )
            )
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
