"""History: how a change names who made it and why, the history records that the fast
paths write by hand, and an object's history read back.

simple_history writes a record on every ``save()`` and ``delete()``, taking the user and
the reason from attributes of the instance: :func:`note_change` sets them. The paths
that write without ``save()`` are listed in ``corpus.fastpaths``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import connections, models
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

from corpus import fastpaths
from corpus.models import Event

from .. import events
from ..models import Actor, Annotation, Claim


def note_change(instance: models.Model, user: User | None, reason: str) -> None:
    """Name who makes the next ``save()`` or ``delete()`` of ``instance`` and why, for
    the history record simple_history writes then."""
    instance._history_user = user  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]


@functools.cache
def _history_layout() -> tuple[Any, list[Any], list[Any]]:
    """The history model, the annotation's fields and the history record's fields."""
    history = get_history_model_for_model(Annotation)
    fields = list(Annotation._meta.concrete_fields)
    history_fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    record = {"history_date", "history_change_reason", "history_type", "history_user_id"}
    unknown = [
        f.attname for f in history_fields if f.attname not in record | {f.attname for f in fields}
    ]
    if unknown:  # a new history field would need a value in _CreatedRows.record
        raise RuntimeError(f"No value for the history columns {unknown}")
    return history, fields, history_fields


class _CreatedRows:
    """How new annotations and their "created" history records map onto columns, for
    the PostgreSQL paths that write both without the ORM: the same rows that ``save()``
    and simple_history's ``post_save`` write, in one round trip or one COPY."""

    def __init__(self, created_by: User | None, database: str):
        self.connection = connections[database]
        self.now = timezone.now()
        # History columns: the annotation's own (all but updated_at), then the record's.
        self.record = {
            "history_date": self.now,
            "history_change_reason": "created",
            "history_type": "+",
            "history_user_id": created_by.pk if created_by is not None else None,
        }
        self.history, self.fields, self.history_fields = _history_layout()

    def quote(self, name: str) -> str:
        return self.connection.ops.quote_name(name)

    def columns(self, model_fields: list[Any]) -> str:
        return ", ".join(self.quote(str(f.column)) for f in model_fields)

    def saved(self, annotation: Annotation, pk: int) -> None:
        annotation.pk = pk
        annotation._state.adding = False
        annotation._state.db = self.connection.alias


def insert_with_history(annotation: Annotation, created_by: User | None, database: str) -> None:
    """PostgreSQL: write one new annotation, its history record and its
    ``annotation.created`` event in one statement (data-modifying WITHs), where
    ``save()``, simple_history and ``annotate.events.publish`` take six round trips
    (BEGIN, three INSERTs, COMMIT). A single statement is atomic by itself; the event's
    data is the annotation as built here, its id filled in by the database."""
    rows = _CreatedRows(created_by, database)
    annotation.created_at = annotation.updated_at = rows.now
    sql, own, recorded = _insert_statement(database)
    params: list[Any] = [
        f.get_db_prep_save(getattr(annotation, f.attname), rows.connection) for f in own
    ]
    params += [rows.record[name] for name in recorded]
    project_id, kind, data = events.created_event(annotation)
    params += [project_id, kind, json.dumps(data), rows.now]
    with rows.connection.cursor() as cursor:
        cursor.execute(sql, params)
        (pk,) = cursor.fetchone()
    rows.saved(annotation, pk)


@functools.cache
def _insert_statement(database: str) -> tuple[str, list[Any], list[str]]:
    """:func:`insert_with_history`'s statement, the annotation's fields it takes and the
    history record's values it takes after them, by name (made once)."""
    rows = _CreatedRows(None, database)
    q = rows.quote
    own = [f for f in rows.fields if not f.primary_key]
    selected, recorded = [], []
    for f in rows.history_fields:
        if f.attname in rows.record:
            selected.append("%s")
            recorded.append(f.attname)
        else:
            selected.append(f"new.{q(f.column)}")
    table, history_table = Annotation._meta.db_table, rows.history._meta.db_table
    sql = (
        f"WITH new AS (INSERT INTO {q(table)} ({rows.columns(own)}) "
        f"VALUES ({', '.join(['%s'] * len(own))}) RETURNING *), "
        f"history AS (INSERT INTO {q(history_table)} ({rows.columns(rows.history_fields)}) "
        f"SELECT {', '.join(selected)} FROM new), "
        f"event AS (INSERT INTO {q(Event._meta.db_table)} "
        f"({q('project_id')}, {q('kind')}, {q('object_id')}, {q('data')}, {q('created_at')}) "
        f"SELECT %s, %s, new.{q('id')}, jsonb_set(%s::jsonb, '{{id}}', to_jsonb(new.{q('id')})), "
        f"%s FROM new) "
        f"SELECT {q('id')} FROM new"
    )
    return sql, own, recorded


def copy_with_history(
    annotations: list[Annotation], created_by: User | None, database: str
) -> None:
    """PostgreSQL: write new annotations and their history records ("+", "created", by
    ``created_by``) with COPY, the same rows that ``bulk_create_with_history`` writes but
    in about a third of the time; Django building INSERT statements was most of the cost.

    The caller's transaction makes it all or nothing.
    """
    if not annotations:
        return
    rows = _CreatedRows(created_by, database)

    def value(field: Any, annotation: Annotation) -> Any:
        if field.attname in rows.record:
            return rows.record[field.attname]
        raw = getattr(annotation, field.attname)
        if isinstance(field, models.JSONField):
            return json.dumps(raw, cls=field.encoder)
        return raw

    fastpaths.copy_new(
        annotations,
        using=database,
        now=rows.now,
        tables=[
            fastpaths.Rows(Annotation, rows.fields, lambda a: [value(f, a) for f in rows.fields]),
            fastpaths.Rows(
                rows.history,
                rows.history_fields,
                lambda a: [value(f, a) for f in rows.history_fields],
            ),
        ],
    )


def history_of(annotation: Annotation | Actor | Claim) -> Iterable[dict[str, Any]]:
    """An annotation's or codebook entry's history, newest first: who, when, what, and
    the fields changed."""
    records = list(annotation.history.select_related("history_user").order_by("-history_id"))
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changes = []
        if previous is not None:
            changes = [
                {"field": c.field, "before": c.old, "after": c.new}
                for c in record.diff_against(previous).changes
            ]
        yield {
            "when": record.history_date,
            "who": record.history_user,
            "what": record.history_change_reason or record.get_history_type_display(),
            "changes": changes,
        }
