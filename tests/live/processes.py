"""Real app processes for the tests that need more than one: an ASGI server (uvicorn)
and the task worker (``db_worker``), on the test database, each stopped by its test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def database_url(address: str | None = None) -> str:
    """The test database (as this test process sees it) as a DATABASE_URL; ``address``
    (host:port) reaches it through another door."""
    params = connection.settings_dict
    user = quote(params["USER"] or "", safe="")
    password = quote(params["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@"
    host = address or f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    return f"postgres://{auth}{host}/{params['NAME']}"


def environment(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "TEST_DATABASE_NAME"}
    }
    env.update(
        DATABASE_URL=database_url(),
        TASKS_BACKEND="database",
        DEBUG="true",
        CONN_MAX_AGE="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stop(process: subprocess.Popen, *, kill: bool = False) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def web_server(log: Path, **extra: str) -> Iterator[str]:
    """An ASGI app process (uvicorn, as `make serve` runs it); yields its base URL."""
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(BIN / "uvicorn"), "config.asgi:application", "--port", str(port)],
            cwd=ROOT,
            env=environment(**extra),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/health/", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the app did not start: {log.read_text()}") from None
                time.sleep(0.3)
        yield base
    finally:
        _stop(process)


@contextmanager
def worker(log: Path, **extra: str) -> Iterator[subprocess.Popen]:
    """A task worker process; the test may kill it (``kill_now``)."""
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-reload",
                "--no-startup-delay",
            ],
            cwd=ROOT,
            env=environment(**extra),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        _stop(process)


def kill_now(process: subprocess.Popen) -> None:
    """As a machine losing power would: no chance to tidy up."""
    _stop(process, kill=True)


class DatabaseRelay:
    """A TCP relay between app processes and the test database that can fail as a
    stopped database server does: ``stop()`` drops every connection and turns new ones
    away, ``start()`` lets them through again. The test database's own server is shared,
    so it is never stopped itself."""

    def __init__(self) -> None:
        params = connection.settings_dict
        self.target = (params["HOST"] or "127.0.0.1", int(params["PORT"] or 5432))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = database_url(f"127.0.0.1:{self.port}")
        self.up = True
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.open |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self.up = False
        with self.lock:
            for end in self.open:
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
            self.open.clear()

    def start(self) -> None:
        self.up = True

    def close(self) -> None:
        self.stop()
        self.listener.close()
