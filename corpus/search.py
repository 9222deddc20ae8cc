"""Full-text search over a project's documents.

PostgreSQL uses its full-text search (English stemming, weighted title above text) over
the documents' stored vectors (``DocumentSearch``, with a GIN index). An import stores
them as it saves each batch of documents, and :func:`index_documents` adds any that are
missing afterwards (through the task of the same name in ``corpus.tasks``); until then a
search reads that document's text, so none is ever missed, though each search then pays
for computing its vector. SQLite has no such search; there every word of the query must
appear in the title or the text. Snippets with the matching words marked are made in
Python, the same on both databases, from escaped text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
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
#: The fewest documents for each connection when indexing shares the work among several:
#: below it, opening a connection costs more than the share it takes (a vector costs about
#: 0.3 ms of the database's time).
PARALLEL_SHARE = 250


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


def _tables() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(Document._meta.db_table), quote(DocumentSearch._meta.db_table)


def index_documents(ids: Sequence[int], *, rebuild: bool = False) -> int:
    """Store the search vectors of these documents, those that have none yet (or every
    one, anew, with ``rebuild``); returns how many were written. A batch per statement.
    Nothing to do on SQLite."""
    if connection.vendor != "postgresql":
        return 0
    documents, vectors = _tables()
    conflict = "DO UPDATE SET vector = EXCLUDED.vector" if rebuild else "DO NOTHING"
    added = 0
    with connection.cursor() as cursor:
        for start in range(0, len(ids), INDEX_BATCH):
            cursor.execute(
                f"INSERT INTO {vectors} (document_id, vector) "
                f"SELECT d.id, {vector_sql('d')} FROM {documents} d WHERE d.id = ANY(%s) "
                f"ON CONFLICT (document_id) {conflict}",
                [list(ids[start : start + INDEX_BATCH])],
            )
            added += max(cursor.rowcount, 0)
    return added


def index_in_parallel(ids: Sequence[int], *, parts: int | None = None) -> int:
    """:func:`index_documents` on one connection per core at once, for many documents
    (computing vectors keeps PostgreSQL busy); on this connection for a few, or inside a
    transaction, which other connections could not see into."""
    parts = parts or min(os.cpu_count() or 1, 4)
    if (
        parts == 1
        or len(ids) < parts * min(PARALLEL_SHARE, INDEX_BATCH)
        or connection.vendor != "postgresql"
        or connection.in_atomic_block
    ):
        return index_documents(ids)

    def share(part: int) -> int:
        try:
            return index_documents(ids[part::parts])
        finally:
            connections.close_all()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=parts, thread_name_prefix="search-index") as pool:
        return sum(pool.map(share, range(parts)))


def _id_batches(project_id: int | None, pending_only: bool) -> Iterator[list[int]]:
    """Document ids in id order, a batch at a time: of one project or all, and only those
    without a vector when ``pending_only``."""
    documents, vectors = _tables()
    conditions = ["d.id > %s"]
    params: list[int] = []
    if project_id is not None:
        conditions.append("d.project_id = %s")
        params.append(project_id)
    if pending_only:
        conditions.append(f"NOT EXISTS (SELECT 1 FROM {vectors} s WHERE s.document_id = d.id)")
    sql = f"SELECT d.id FROM {documents} d WHERE {' AND '.join(conditions)} ORDER BY d.id LIMIT %s"
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [last, *params, INDEX_BATCH])
            ids = [pk for (pk,) in cursor.fetchall()]
            if not ids:
                return
            yield ids
            last = ids[-1]


def index_pending(project_id: int | None = None) -> int:
    """Store the vector of every document that has none, whatever the reason (an indexing
    that failed, a task that never ran), in one project or all; returns how many. Costs
    one query when nothing is pending."""
    if connection.vendor != "postgresql":
        return 0
    return sum(index_documents(ids) for ids in _id_batches(project_id, pending_only=True))


def rebuild_index(project_id: int | None = None) -> int:
    """Compute every document's vector anew (after a change of search configuration, or
    to be sure), in one project or all; returns how many. Searches keep working meanwhile:
    each vector is replaced in place."""
    if connection.vendor != "postgresql":
        return 0
    return sum(
        index_documents(ids, rebuild=True) for ids in _id_batches(project_id, pending_only=False)
    )


def query_words(query: str) -> list[str]:
    return [word for word in _WORD.findall(query) if word.lower() not in {"or", "and"}]


def matching_documents(queryset: QuerySet[Document], query: str) -> QuerySet[Document]:
    """Documents matching ``query``, in no particular order: for a list that orders them
    itself (the API pages in id order), so that no rank is computed only to be dropped."""
    query = query.strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        ts_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        stored = DocumentSearch.objects.filter(document=OuterRef("pk"))
        matching = DocumentSearch.objects.filter(vector=ts_query).values("document_id")
        return queryset.alias(computed_vector=search_vector()).filter(
            Q(pk__in=matching) | Q(~Exists(stored), computed_vector=ts_query)
        )
    words = query_words(query)
    if not words:
        return queryset.none()
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(text__icontains=word)
    return queryset.filter(condition)


def search_documents(queryset: QuerySet[Document], query: str) -> QuerySet[Document]:
    """Documents matching ``query``, best first on PostgreSQL."""
    found = matching_documents(queryset, query)
    if not query.strip() or connection.vendor != "postgresql":
        return found
    ts_query = SearchQuery(query.strip(), config=SEARCH_CONFIG, search_type="websearch")
    stored = DocumentSearch.objects.filter(document=OuterRef("pk"))
    return found.annotate(
        search_rank=SearchRank(
            Coalesce(Subquery(stored.values("vector")), search_vector()), ts_query
        )
    ).order_by("-search_rank", "title", "id")


#: How far an excerpt's edge moves inwards to a space; a script without spaces between
#: words (Japanese, Chinese) keeps its edge.
WORD_REACH = 30


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow an excerpt so that it neither begins nor ends inside a word."""
    if start > 0 and not text[start - 1].isspace():
        reach = range(start, min(end, start + WORD_REACH))
        space = next((i for i in reach if text[i].isspace()), None)
        if space is not None:
            start = space + 1
    if end < len(text) and not text[end].isspace():
        reach = range(end - 1, max(start, end - WORD_REACH), -1)
        space = next((i for i in reach if text[i].isspace()), None)
        if space is not None:
            end = space
    return start, end


def highlight(text: str, query: str, *, width: int = 220, fragments: int = 2) -> SafeString:
    """Excerpts of ``text`` around the query's words, escaped, with the words in <mark>."""
    words = query_words(query)
    if not words or not text:
        _, end = _word_bounds(text, 0, min(len(text), width))
        return mark_safe(escape(text[:end]) + ("…" if len(text) > end else ""))
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
        start, end = _word_bounds(text, start, end)
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
