"""Writes that bypass ``save()`` and its signals: the one list, and "reserve ids, then COPY".

Where a write is hot (an import, a bulk request, a merge over thousands of annotations),
the code writes rows without ``Model.save()``: raw SQL, COPY, ``QuerySet.update()``,
``bulk_create`` and history records built by hand. None of these runs ``save()``,
``pre_save``/``post_save`` or ``post_delete``, so simple_history's receivers do not run
either: each writes by itself what they would have written. **Whoever changes a model
(a new column, a new signal receiver, a versioning rule, a history field) must change
every path below that writes it**, and the path's equivalence test will say if a row
came out different from what the ORM path writes.

Writes
------

Tests are in ``tests/annotate/test_fast_paths.py`` (A) and ``tests/corpus/test_fast_paths.py``
(C); each makes the same change both ways (``tests/equivalence.py``) and compares the rows.

1. **Annotation create** (PostgreSQL): ``annotate.services.history.insert_with_history``,
   called by ``annotate.services.annotations.create_annotation`` (pages, API). One
   data-modifying ``WITH`` statement inserts the annotation, its "+" / "created"
   history record and its ``annotation.created`` event (``corpus.events``).
   Tests: A ``test_one_create_writes_what_save_writes``,
   ``test_the_create_statements_event_is_what_publishing_the_saved_annotation_writes``.
2. **Bulk annotation create**: ``annotate.services.annotations.create_annotations`` (bulk
   API, DNA import). PostgreSQL: ``annotate.services.history.copy_with_history`` reserves
   ids and COPYs annotations and their "created" history records (:func:`copy_new`);
   SQLite: simple_history's ``bulk_create_with_history``.
   Tests: A ``test_a_bulk_create_writes_what_save_writes``,
   ``test_ids_of_a_bulk_create_come_from_the_tables_own_sequence``.
3. **Document import**: ``corpus.importing.pipeline._insert``. PostgreSQL: reserved ids
   and a binary COPY (:func:`copy_new`); SQLite: ``bulk_create``. Documents keep no
   history. Test: C ``test_imported_documents_are_what_save_writes``.
4. **An import job's files**: ``corpus.jobs.store_files``. PostgreSQL: one binary COPY
   (ids from the column's default), a file read as its row is written; SQLite:
   ``bulk_create`` in bounded batches. ``JobFile`` keeps no history and has no signals.
   Test: C ``test_an_import_jobs_stored_files_are_what_create_writes``.
5. **Search vectors** (PostgreSQL): ``corpus.search.index_documents`` inserts
   ``DocumentSearch`` rows with ``INSERT … SELECT … ON CONFLICT DO NOTHING``, and a
   trigger (migration ``corpus/0004``) rewrites a vector when a title or text changes;
   both must compute what ``corpus.search.search_vector()`` computes.
   Test: C ``test_stored_search_vectors_are_what_the_orm_computes``.
6. **Merging and deleting codebook entries**: ``annotate.services.codebook``.
   ``_repoint_annotations`` moves a merged entry's annotations with one
   ``QuerySet.update()`` (actor or claim, ``version + 1``, ``updated_at``) and writes
   their "~" records with ``bulk_history_create``; ``_repoint_entries`` moves affiliated
   actors or sub-claims (on a merge or a delete) with ``bulk_update_with_history``.
   Test: A ``test_a_merge_writes_what_save_writes``.
7. **Emptying the trash**: ``annotate.services.trash.empty_trash`` builds the "-" history
   records by hand, ``bulk_create``s them and deletes with ``_raw_delete``, as long as
   nothing references annotations (otherwise ``delete()`` one by one).
   Test: A ``test_emptying_the_trash_writes_what_delete_writes``.

Reads written in SQL
--------------------

These write nothing, but name tables, columns and joins by hand, so a schema change must
reach them too:

- ``annotate.api.serializers.prefetch_references``: the document a new annotation names,
  the caller's role and the actor's and claim's projects, in one query.
  Test: A ``test_the_references_query_reads_what_the_orm_reads``.
- ``corpus.api.authentication.TokenAuthentication``: the token's user, by one join,
  read with a plain cursor and built with ``from_db`` and the backend's converters.
  Test: C ``test_a_token_loads_the_user_the_orm_loads``.
- ``corpus.importing.pipeline._find_duplicates`` (PostgreSQL): the batch's known texts by
  one ``= ANY`` array parameter, where SQLite asks the ORM in chunks. Tests: the
  duplicate tests of ``tests/corpus/test_import.py``, which run on both databases.

Reads and answers outside the ORM's and DRF's own code
------------------------------------------------------

These write nothing either, but stand in for code of Django or DRF on every request, so
an upgrade of either, or a new field in an answer, must be checked against them:

- ``corpus.api.renderers.JSONRenderer``: the API's JSON written by orjson in place of
  DRF's encoder, escaping U+2028 and U+2029 as DRF does.
  Test: C ``test_the_api_renderer_writes_what_drf_writes``.
- ``annotate.api.annotations.AnnotationViewSet.list``: a page of annotations read as
  rows by ``annotate.representation.Shape.json_rows`` (``corpus.api.rows.Rows``), moments
  left to the renderer. Test: A ``test_a_listed_page_is_what_drf_writes_of_the_instances``.
- ``corpus.api.documents.DocumentViewSet.list``: a page of documents read as rows by
  ``LIST_ROWS`` (``corpus.api.rows.Rows``) in place of ``DocumentListSerializer``, moments
  left to the renderer.
  Test: C ``test_a_listed_document_page_is_what_drf_writes_of_the_instances``.
- ``corpus.api.writes.fresh_field`` (``StrictFields.get_fields``): a write's serializer
  makes its fields from their declared arguments instead of DRF's deep copy.
  Test: C ``test_fresh_fields_are_the_fields_drf_copies``.
- ``corpus.api.filters.ApiFilterSet``: each request's filters are shallow copies (a
  method filter bound to its copy) instead of deep ones, and one form class per filter
  set is kept after the first request; neither where a filter's field depends on the
  request. Test: C ``test_filters_copied_shallowly_filter_as_deep_copies_do``, and the
  filter tests of ``tests/api``.
- ``corpus.api.documents.document_list_rows``: documents as ``DocumentListSerializer``
  writes them, as JSON values: the list's rows (``LIST_ROWS``) through the API's
  renderer, for an import's ``document.imported`` events.
  Test: C ``test_document_rows_are_what_the_list_serializer_writes``.
- ``corpus.postgresql.base.DatabaseWrapper`` (PostgreSQL): the health check asks the
  socket, not the server, for an idle connection (and so does the pool's check,
  ``check_pooled``), and moments load with psycopg's loader in C.
  Tests: C ``test_moments_load_as_django_loads_them``,
  ``test_the_health_check_asks_no_query_of_an_idle_connection_and_finds_a_dead_one``,
  ``test_the_pools_check_asks_no_query_of_an_idle_connection_and_refuses_a_dead_one``.
- ``corpus.api.authentication.TokenAuthentication`` with ``API_TOKEN_CACHE_SECONDS``
  (Redis): the token's user from the cache, forgotten on every change of the token or
  the user. Tests: the cache tests of ``tests/api/test_tokens.py``.
- ``corpus.cache.RedisCache`` (with ``REDIS_URL``): Django's Redis cache with one client
  per connection pool instead of one per call.
  Test: C ``test_the_redis_cache_shares_one_client_per_pool_as_django_would_build_it``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models


@dataclass(frozen=True)
class Rows:
    """Rows to COPY into ``model``'s table: one per new object, ``row(object)`` giving
    the values of ``fields`` in order."""

    model: type[models.Model]
    fields: Sequence[models.Field[Any, Any]]
    row: Callable[[Any], Sequence[Any]]


def copy_new(
    objects: Sequence[models.Model],
    *,
    using: str,
    now: datetime.datetime,
    tables: Sequence[Rows],
    binary: bool = False,
) -> None:
    """PostgreSQL: save new ``objects`` of one model with COPY, with what goes with them.

    COPY returns no ids, so one query first reserves them from the table's sequence and
    sets them on the objects; ``auto_now``/``auto_now_add`` timestamps become ``now``, as
    ``save()`` would set them. Then each of ``tables`` is copied in, in order: the
    objects' own rows first, then any rows that depend on them (history records). The
    objects end up as saved ones. The caller's transaction makes it all or nothing.

    ``binary`` COPY sends values as they are (texts and bytes unescaped, JSON dumped by
    psycopg); text COPY takes values as psycopg adapts them (JSON given as a string).
    """
    if not objects:
        return
    model = type(objects[0])
    connection = connections[using]
    quote = connection.ops.quote_name
    stamped = [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add)
    ]
    # The wrapper turns the driver's errors into Django's, as for any other query.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
            for name in stamped:
                setattr(obj, name, now)
        for table in tables:
            columns = ", ".join(quote(str(field.column)) for field in table.fields)
            target = quote(table.model._meta.db_table)
            options = " (FORMAT BINARY)" if binary else ""
            with cursor.cursor.copy(f"COPY {target} ({columns}) FROM STDIN{options}") as copy:
                if binary:
                    copy.set_types(
                        [str(field.db_type(connection)).split("(")[0] for field in table.fields]
                    )
                for obj in objects:
                    copy.write_row(table.row(obj))
    for obj in objects:
        obj._state.adding = False
        obj._state.db = using
