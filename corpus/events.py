"""Live updates: a project's changes as events, kept in the database and fanned out to
every app process through PostgreSQL's LISTEN/NOTIFY.

An event is written with the change it reports, in the same transaction (an outbox):
services call :func:`publish` with what the change already has in hand, so an event
exists exactly when its change committed, and nothing is read back to describe it.
Event ids follow commit order, so that a reader that has seen event N never later meets
a smaller id and ``Last-Event-ID`` resumption has neither gaps nor repeats. On
PostgreSQL a deferred trigger (migration ``corpus/0012``) numbers a transaction's
events as it commits, under one advisory lock held until the commit is done, and sends
``NOTIFY`` (delivered on commit); on SQLite a transaction holds the one write lock from
its first write to its commit, which orders ids alone. Events older than
``EVENTS_KEEP_MINUTES`` are pruned as new ones come.

Each app process listens on one connection of its own (:class:`Notifier`) and wakes the
streams of the project notified; streams then read what is new from the table. On
SQLite (one process, development) streams look every second instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import Event

logger = logging.getLogger(__name__)

CHANNEL = "stancemap_events"
#: The advisory lock that orders event writers as they commit (migration ``corpus/0012``).
WRITE_LOCK = 7_400_013
#: Prune once in this many writes.
PRUNE_EVERY = 200

#: One event's object id (the annotation or document) and data.
Item = tuple[int, dict[str, Any]]


def publish(*, project_id: int, kind: str, items: Iterable[Item]) -> None:
    """Write ``kind`` events for ``project_id`` in the current transaction: they commit
    with the change they report, or not at all."""
    events = [
        Event(project_id=project_id, kind=kind, object_id=object_id, data=data)
        for object_id, data in items
    ]
    if not events:
        return
    Event.objects.bulk_create(events, batch_size=1000)
    # PostgreSQL hands out provisional negative ids; their size still counts writes.
    prune_now_and_then(abs(events[-1].pk or 0), len(events))


def prune_now_and_then(last_id: int, count: int) -> None:
    """Prune once the ids pass a multiple of ``PRUNE_EVERY``, after the commit."""
    if last_id // PRUNE_EVERY != (last_id - count) // PRUNE_EVERY:
        transaction.on_commit(prune)


def prune() -> int:
    kept_from = timezone.now() - timedelta(minutes=settings.EVENTS_KEEP_MINUTES)
    deleted, _ = Event.objects.filter(created_at__lt=kept_from).delete()
    return deleted


def latest_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def after(project_id: int, last_id: int, limit: int = 500) -> list[Event]:
    """The project's events after ``last_id``, oldest first."""
    return list(Event.objects.filter(project_id=project_id, id__gt=last_id).order_by("id")[:limit])


def as_sse(event: Event) -> str:
    """One event in Server-Sent Events form."""
    import json

    data = json.dumps(event.data, ensure_ascii=False, separators=(",", ":"))
    return f"id: {event.pk}\nevent: {event.kind}\ndata: {data}\n\n"


class Notifier:
    """This process's one listening connection, which wakes the streams of a project
    when an event of it is written by any process."""

    def __init__(self) -> None:
        self.waiters: dict[int, set[asyncio.Event]] = {}
        self.task: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def listening(self) -> bool:
        return connection.vendor == "postgresql"

    async def wait(self, project_id: int, timeout: float) -> None:
        """Return when the project has news, or after ``timeout`` seconds."""
        if not self.listening:
            await asyncio.sleep(min(timeout, 1.0))
            return
        self._start()
        woken = asyncio.Event()
        self.waiters.setdefault(project_id, set()).add(woken)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(woken.wait(), timeout)
        finally:
            waiting = self.waiters.get(project_id, set())
            waiting.discard(woken)
            if not waiting:
                self.waiters.pop(project_id, None)

    def _start(self) -> None:
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.loop is not loop:
            self.loop = loop
            self.task = loop.create_task(self._listen())

    def _wake(self, project_id: int | None = None) -> None:
        groups = self.waiters.values() if project_id is None else [self.waiters.get(project_id)]
        for group in groups:
            for woken in group or ():
                woken.set()

    async def _listen(self) -> None:
        import psycopg

        while True:
            try:
                params = _connection_params()
                async with await psycopg.AsyncConnection.connect(
                    **params, autocommit=True
                ) as listener:
                    await listener.execute(f"LISTEN {CHANNEL}")
                    # Whatever was written while not listening is read now.
                    self._wake()
                    async for notice in listener.notifies():
                        try:
                            self._wake(int(notice.payload))
                        except ValueError:
                            continue
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the database went away; listen again soon
                logger.warning("Event listener lost its connection; retrying", exc_info=True)
            await asyncio.sleep(1)


def _connection_params() -> dict[str, Any]:
    """The default database's connection settings for a listening connection."""
    params = connection.get_connection_params()
    return {
        key: value
        for key, value in params.items()
        if key in {"dbname", "user", "password", "host", "port", "sslmode", "options"}
        and value not in (None, "")
    } | {"connect_timeout": 5}


notifier = Notifier()
