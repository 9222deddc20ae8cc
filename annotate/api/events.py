"""GET /api/projects/<id>/events/: a project's changes as Server-Sent Events.

An async view, served by the ASGI server: an open stream holds no worker thread, only a
coroutine that sleeps until the project has news (``corpus.events.notifier``). Every
event has an ``id:``; a client that reconnects with ``Last-Event-ID`` (EventSource does
so by itself) gets what it missed, in order, once. Annotation events reach only those
whom ``Annotation.objects.visible_to`` lets see the annotation, exactly as its lists do.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET
from rest_framework import exceptions

from corpus import events
from corpus.api.authentication import TokenAuthentication
from corpus.http import StreamingResponse
from corpus.ids import whole_number
from corpus.middleware import DATABASE_DOWN, DATABASE_UNAVAILABLE, RETRY_AFTER
from corpus.models import Event, Project

from ..events import KINDS
from ..models import Annotation

MEDIA_TYPE = "text/event-stream"
NOT_FOUND = "Not found."
#: What a browser waits before reconnecting after the stream drops (milliseconds).
RETRY_MS = 1000


def _error(status: int, detail: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _accepts_event_stream(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    types = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    return MEDIA_TYPE in types or "text/*" in types or "*/*" in types


def _authenticate(request: HttpRequest) -> User | AnonymousUser:
    """The token's user when the request carries one, else the session's."""
    found = TokenAuthentication().authenticate(request)  # type: ignore[arg-type]
    if found is not None:
        return found[0]
    return request.user  # type: ignore[return-value]


def _setup(request: HttpRequest, pk: str) -> tuple[User | AnonymousUser, int | None]:
    """The caller and, if the caller belongs to it, the project's id."""
    user = _authenticate(request)
    project_id = whole_number(pk)
    if not user.is_authenticated or project_id is None:
        return user, None
    if not Project.objects.visible_to(user).filter(pk=project_id).exists():
        return user, None
    return user, project_id


def _visible(user: User | AnonymousUser, found: list[Event]) -> list[Event]:
    """The events the caller may see: annotation events of visible annotations."""
    annotation_ids = [event.object_id for event in found if event.kind in KINDS]
    visible: set[int] = set()
    if annotation_ids:
        visible = set(
            Annotation.objects.visible_to(user)
            .filter(pk__in=annotation_ids)
            .values_list("pk", flat=True)
        )
    return [event for event in found if event.kind not in KINDS or event.object_id in visible]


def _next(user: User | AnonymousUser, project_id: int, last_id: int) -> tuple[int, list[Event]]:
    """The events after ``last_id`` the caller may see, and the id to go on from."""
    if not Project.objects.visible_to(user).filter(pk=project_id).exists():
        raise PermissionError  # left the project while listening
    found = events.after(project_id, last_id)
    if not found:
        return last_id, []
    return found[-1].pk, _visible(user, found)


OPENING = f"retry: {RETRY_MS}\n: connected\n\n"
KEEPALIVE = ": keepalive\n\n"
WAITING = ": the database is unavailable; waiting\n\n"


def _read(user: User | AnonymousUser, project_id: int, last_id: int) -> tuple[int, list[str]]:
    """What to send next, as text; raises PermissionError when the stream must end."""
    try:
        last_id, found = _next(user, project_id, last_id)
    except DATABASE_DOWN:
        # Streams outlive a database restart: they read again once it is back.
        return last_id, [WAITING]
    return last_id, [events.as_sse(event) for event in found]


def _read_in_pool(
    user: User | AnonymousUser, project_id: int, last_id: int
) -> tuple[int, list[str]]:
    """:func:`_read` in a thread shared by the streams, which no request start or end
    tidies: a connection the database dropped, or one too old, is replaced first."""
    close_old_connections()
    return _read(user, project_id, last_id)


async def _stream(user: User | AnonymousUser, project_id: int, last_id: int) -> AsyncIterator[str]:
    """Under ASGI: sleeps in the event loop until the project has news; reads run in a
    small pool of threads shared by every stream."""
    read = sync_to_async(_read_in_pool, thread_sensitive=False)
    yield OPENING
    while True:
        try:
            last_id, chunks = await read(user, project_id, last_id)
        except PermissionError:
            return
        for chunk in chunks:
            yield chunk
        if chunks == [WAITING]:
            await asyncio.sleep(1)
        elif not chunks:
            await events.notifier.wait(project_id, settings.EVENTS_KEEPALIVE_SECONDS)
            yield KEEPALIVE


def _stream_in_thread(user: User | AnonymousUser, project_id: int, last_id: int) -> Iterator[str]:
    """Under WSGI (the development and test servers): the request's thread looks twice a
    second, on its own connection."""
    yield OPENING
    while True:
        try:
            last_id, chunks = _read(user, project_id, last_id)
        except PermissionError:
            return
        yield from chunks
        if chunks == [WAITING]:
            time.sleep(1)
        elif not chunks:
            time.sleep(0.5)
            yield KEEPALIVE


@require_GET
async def project_events(request: HttpRequest, pk: str) -> HttpResponseBase:
    """A project's events as ``text/event-stream``; ``Last-Event-ID`` resumes after it."""
    if not _accepts_event_stream(request):
        return _error(406, f"This endpoint answers only {MEDIA_TYPE}; send Accept: {MEDIA_TYPE}.")
    last_event_id = request.headers.get("Last-Event-ID", request.GET.get("last_event_id", ""))
    resume_from = whole_number(last_event_id.strip()) if last_event_id.strip() else None
    if last_event_id.strip() and resume_from is None:
        return _error(400, "Last-Event-ID must be the id of an event this stream sent.")
    try:
        user, project_id = await sync_to_async(_setup)(request, pk)
        if project_id is not None and resume_from is None:
            resume_from = await sync_to_async(events.latest_id)()
    except exceptions.AuthenticationFailed as error:
        return _error(401, str(error.detail), **{"WWW-Authenticate": "Token"})
    except DATABASE_DOWN:
        return _error(503, DATABASE_UNAVAILABLE, **{"Retry-After": str(RETRY_AFTER)})
    if not user.is_authenticated:
        return _error(
            401, "Authentication credentials were not provided.", **{"WWW-Authenticate": "Token"}
        )
    if project_id is None:
        return _error(404, NOT_FOUND)
    response = StreamingResponse(
        _stream(user, project_id, resume_from or 0)
        if isinstance(request, ASGIRequest)
        else _stream_in_thread(user, project_id, resume_from or 0),
        content_type=MEDIA_TYPE,
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a proxy in front must pass each event on at once
    return response
