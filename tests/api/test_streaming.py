"""Streamed answers under ASGI, through the app that uvicorn serves (`config.asgi`, which
hands synchronous views to Django's WSGI handler on a pool of threads) and through
Django's own ASGI handler (which the shared streaming responses make stream): each export
leaves in many chunks, the first before the last row is read, with the very bytes that
WSGI sends; the request's database connection is closed at the end."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.db import connections
from rest_framework.authtoken.models import Token

from annotate import exports
from tests.factories import make_actor, make_annotation, make_claim

# The ASGI handler serves each request in a thread of its own, with a connection of its
# own, which sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

ANNOTATIONS = 60


class Watch:
    """Counts the rows an export has read, and keeps the connection it read them on."""

    def __init__(self) -> None:
        self.read = 0
        self.finished = False
        self.closed_early = False
        self.wrapper: Any = None

    def rows(self, original):
        def rows(*args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
            self.wrapper = connections["default"]  # the serving thread's own
            try:
                for row in original(*args, **kwargs):
                    self.read += 1
                    yield row
            except GeneratorExit:
                self.closed_early = True
                raise
            self.finished = True

        return rows


def released(wrapper: Any) -> bool:
    """Whether a request's connection was closed (handed back to the pool, if any).
    SQLite's in-memory test database is the exception: closing it would lose it."""
    if wrapper.vendor == "sqlite" and wrapper.is_in_memory_db():
        return True
    return wrapper.connection is None


@pytest.fixture
def watch(monkeypatch):
    watch = Watch()
    monkeypatch.setattr(exports, "rows", watch.rows(exports.rows))
    monkeypatch.setattr(exports, "BATCH", 7)  # many chunks from a few rows
    return watch


@pytest.fixture(autouse=True)
def _connections_closed_at_the_end(monkeypatch):
    """As in production (a pool, or no connection kept): a request's end closes its
    connection, here in the threads that served it."""
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)


@pytest.fixture
def exported(cast, document):
    actor = make_actor(cast.project, "Shinzo Abe")
    claim = make_claim(cast.project, "Closer ties with Russia")
    for number in range(ANNOTATIONS):
        make_annotation(
            document,
            start=number % 20,
            end=number % 20 + 5,
            actor=actor if number % 2 else None,
            claim=claim,
            stance="support",
            note=f"Note {number}, with “quotes”",
            created_by=cast.bob,
        )
    return cast


def django_asgi():
    return ASGIHandler()


def served():
    from config.asgi import application

    return application


#: Both ways a request reaches a view under the ASGI server.
APPS = [pytest.param(django_asgi, id="django-asgi"), pytest.param(served, id="config-asgi")]


def asgi_get(
    app,
    url: str,
    credentials: tuple[bytes, bytes],
    *,
    leave_after: int | None = None,
    watch: Watch | None = None,
) -> tuple[int, dict[bytes, bytes], list[bytes], list[int]]:
    """GET ``url`` through Django's ASGI handler as uvicorn calls it, with one header
    (a token or a session cookie): the status, headers, each body message and how many
    rows had been read when each was sent. With ``leave_after``, the client goes away
    after that many body messages."""
    path, _, query = url.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver"), credentials],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    start: dict[str, Any] = {}
    bodies: list[bytes] = []
    read_when_sent: list[int] = []

    async def run() -> None:
        left = asyncio.Event()
        requested = False

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await left.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message.get("body"):
                bodies.append(message["body"])
                read_when_sent.append(watch.read if watch else 0)
                if leave_after is not None and len(bodies) >= leave_after:
                    left.set()
                    await asyncio.sleep(0.2)  # the disconnect arrives meanwhile

        await app()(scope, receive, send)

    asyncio.run(run())
    headers = {name.lower(): value for name, value in start["headers"]}
    return start["status"], headers, bodies, read_when_sent


def wsgi_get(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def _token(user) -> tuple[bytes, bytes]:
    key = Token.objects.get_or_create(user=user)[0].key
    return b"authorization", f"Token {key}".encode()


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize(
    "query",
    [
        "format=csv",
        "format=jsonl",
        "format=jsonld&page=1&page_size=100000",
        "format=jsonld&page=2&page_size=25",
    ],
)
def test_an_export_streams_under_asgi_with_the_bytes_wsgi_sends(exported, watch, api, query, app):
    url = f"/api/annotations/export/?project={exported.project.pk}&{query}"
    status, headers, bodies, read_when_sent = asgi_get(
        app, url, _token(exported.carol), watch=watch
    )
    assert status == 200
    assert b"attachment" in headers[b"content-disposition"]
    assert len(bodies) > 3
    # The first chunk left while most rows were still unread.
    assert read_when_sent[0] < ANNOTATIONS / 2
    assert watch.finished
    # The request's end closed the connection its rows were read on.
    assert released(watch.wrapper)
    assert b"".join(bodies) == wsgi_get(api("carol"), url)


def test_a_client_that_leaves_half_way_stops_the_export_and_frees_its_connection(exported, watch):
    url = f"/api/annotations/export/?project={exported.project.pk}&format=csv"
    status, _, bodies, _ = asgi_get(
        django_asgi, url, _token(exported.carol), leave_after=2, watch=watch
    )
    assert status == 200
    assert len(bodies) < 5
    assert watch.closed_early and not watch.finished
    assert watch.read < ANNOTATIONS
    assert released(watch.wrapper)


@pytest.mark.parametrize("app", APPS)
def test_the_statement_table_streams_under_asgi_with_the_bytes_wsgi_sends(exported, client, app):
    url = f"/projects/{exported.project.slug}/statements/export/?format=csv"
    client.force_login(exported.carol)
    expected = wsgi_get(client, url)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    status, _, bodies, _ = asgi_get(app, url, (b"cookie", cookie.encode()))
    assert status == 200
    assert b"".join(bodies) == expected


@pytest.mark.parametrize("app", APPS)
def test_a_file_download_streams_under_asgi_in_blocks(exported, monkeypatch, app):
    monkeypatch.setattr(ASGIHandler, "chunk_size", 4096)
    url = f"/api/projects/{exported.project.pk}/dna/"
    status, headers, bodies, _ = asgi_get(app, url, _token(exported.carol))
    assert status == 200
    assert int(headers[b"content-length"]) == sum(len(body) for body in bodies)
    assert len(bodies) > 3
    assert b"".join(bodies).startswith(b"SQLite format 3\x00")


def test_only_async_views_go_to_djangos_asgi_handler():
    """The event stream and the health check; every other view is synchronous."""
    from config.asgi import serves_async

    assert serves_async("/api/projects/1/events/")
    assert serves_async("/health/")
    assert not serves_async("/api/annotations/export/")
    assert not serves_async("/projects/japan-russia/")
    assert not serves_async("/no/such/page/")
