"""API benchmark: the app served by gunicorn on PostgreSQL, driven over HTTP.

Workload (see bench/README.md):
  1. 1,000 sequential annotation creates (POST /api/annotations/), median and p95 ms, sent
     with http.client so that the figure is the server's and not a client library's (200
     more through requests.Session are printed for comparison);
  2. reading all annotations of a document that has 1,000 (GET ?document=&page_size=1000),
     median of 20 reads, ms;
  3. one bulk create of 10,000 annotations (POST /api/annotations/bulk/), s;
  4. exporting 100,000 annotations as CSV and as JSON-LD (one page of 100,000), s, and the
     peak resident memory of the gunicorn worker that served it (a fresh server).

It creates the database ``stancemap_bench`` (dropped afterwards unless --keep), migrates
it, and starts gunicorn on a free local port. Run by hand, never in CI:

    .venv/bin/python bench/api_bench.py [--database-url postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "stancemap_bench"
WORDS = (
    "Prime Minister Shinzo Abe wants closer ties with Russia while Sergey Naryshkin "
    "said sanctions are an obstacle to bilateral relations and the islands dispute. "
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


def admin_sql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql)


class Server:
    """gunicorn serving the app against the bench database; ``peak_rss_mb`` reads the
    workers' high-water mark of resident memory from /proc."""

    def __init__(self, env: dict[str, str], workers: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(200):
            try:
                if requests.get(f"{self.url}/health/", timeout=5).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def peak_rss_mb(self) -> float:
        peaks = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def setup_data(env: dict[str, str]) -> dict[str, Any]:
    """Migrate, then make a user, a project, two documents, an actor and a claim."""
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    script = f"""
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from annotate.services.codebook import create_actor, create_claim
from corpus.services import create_document, create_project
user = User.objects.create_user("bench", password="bench-pass-123")
project = create_project(name="Bench", owner=user)
text = {WORDS!r} * 60
documents = [
    create_document(project=project, title=f"Doc {{i}}", text=text + str(i)) for i in range(3)
]
actor = create_actor(project=project, name="Shinzo Abe", created_by=user)
claim = create_claim(project=project, label="Closer ties with Russia", created_by=user)
key = Token.objects.create(user=user).key
print(key, project.pk, *[d.pk for d in documents], actor.pk, claim.pk, len(text))
"""
    output = (
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
        .split()
    )
    token, project, doc_a, doc_b, doc_c, actor, claim, length = output
    return {
        "token": token,
        "project": int(project),
        "documents": [int(doc_a), int(doc_b), int(doc_c)],
        "actor": int(actor),
        "claim": int(claim),
        "length": int(length) - 1,
    }


def create_ms(port: int, headers: dict[str, str], body: dict) -> float:
    """One POST /api/annotations/ over a plain HTTP connection (gunicorn's sync workers
    close each one), timed from connecting to the last byte of the answer, in ms."""
    payload = json.dumps(body)
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request(
        "POST", "/api/annotations/", payload, {**headers, "Content-Type": "application/json"}
    )
    response = connection.getresponse()
    answer = response.read()
    connection.close()
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status == 201, answer
    return elapsed


def item(document: int, i: int, data: dict) -> dict:
    start = (i * 7) % (data["length"] - 40)
    return {
        "document": document,
        "start": start,
        "end": start + 10 + i % 30,
        "actor": data["actor"],
        "claim": data["claim"],
        "stance": ("support", "oppose", "neutral")[i % 3],
        "note": f"note {i}",
    }


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL URL with the right to create the bench database",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    admin_sql(args.database_url, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    admin_sql(args.database_url, f"CREATE DATABASE {BENCH_DB}")
    env = {
        **os.environ,
        "DATABASE_URL": with_database(args.database_url, BENCH_DB),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "THROTTLE_USER": "100000000/hour",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "PYTHONWARNINGS": "ignore",
    }
    try:
        data = setup_data(env)
        run(env, data, args.workers)
    finally:
        if not args.keep:
            time.sleep(0.5)
            admin_sql(args.database_url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def run(env: dict[str, str], data: dict, workers: int) -> None:
    headers = {"Authorization": f"Token {data['token']}"}
    doc_a, doc_b, doc_c = data["documents"]
    server = Server(env, workers)
    session = requests.Session()
    session.headers.update(headers)
    try:
        # 1. Sequential creates into document A (which then holds 1,000 annotations).
        for _ in range(20):  # warm up each worker's connection and code paths
            session.get(f"{server.url}/api/annotations/?document={doc_c}")
        timings = []
        for i in range(1000):
            timings.append(create_ms(server.port, headers, item(doc_a, i, data)))
        timings.sort()
        print(
            f"1,000 sequential creates: median {statistics.median(timings):.2f} ms, "
            f"p95 {timings[949]:.2f} ms (target: median < 7 ms)"
        )
        # The same through requests, whose own work adds about a millisecond a call.
        timings = []
        for i in range(200):
            started = time.perf_counter()
            response = session.post(f"{server.url}/api/annotations/", json=item(doc_c, i, data))
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 201, response.text
        print(f"  (200 more through requests.Session: median {statistics.median(timings):.2f} ms)")

        # 2. Read the document's 1,000 annotations in one page.
        reads = []
        for _ in range(20):
            started = time.perf_counter()
            response = session.get(f"{server.url}/api/annotations/?document={doc_a}&page_size=1000")
            reads.append((time.perf_counter() - started) * 1000)
            assert len(response.json()["results"]) == 1000
        print(
            f"read 1,000 annotations of a document: median {statistics.median(reads):.1f} ms, "
            f"best {min(reads):.1f} ms (target < 35 ms)"
        )

        # 3. One bulk create of 10,000.
        batch = [item(doc_b, i, data) for i in range(10_000)]
        started = time.perf_counter()
        response = session.post(f"{server.url}/api/annotations/bulk/", json=batch)
        bulk = time.perf_counter() - started
        assert response.status_code == 201, response.text[:500]
        print(f"bulk create of 10,000: {bulk:.2f} s (target < 2 s)")

        # Fill up to exactly 100,000 for the exports (timed for the record).
        fill = []
        for round_, count in enumerate([10_000] * 8 + [9_000]):
            batch = [item(doc_c if round_ % 2 else doc_b, i, data) for i in range(count)]
            started = time.perf_counter()
            response = session.post(f"{server.url}/api/annotations/bulk/", json=batch)
            fill.append(time.perf_counter() - started)
            assert response.status_code == 201
        print(f"  (9 more bulks to reach 100,000: median {statistics.median(fill):.2f} s)")
    finally:
        server.stop()

    # 4. Exports from a fresh server, so that its memory peak is the export's own.
    for kind, extra, target in (("csv", "", 5), ("jsonld", "&page_size=100000", 10)):
        server = Server(env, 1)
        try:
            baseline = server.peak_rss_mb()
            started = time.perf_counter()
            size = 0
            with requests.get(
                f"{server.url}/api/annotations/export/?project={data['project']}&format={kind}{extra}",
                headers=headers,
                stream=True,
            ) as response:
                assert response.status_code == 200, response.text[:500]
                for chunk in response.iter_content(chunk_size=1 << 16):
                    size += len(chunk)
            elapsed = time.perf_counter() - started
            print(
                f"export 100,000 as {kind}: {elapsed:.2f} s, {size / 1e6:.1f} MB, server peak "
                f"RSS {server.peak_rss_mb():.0f} MB (idle worker {baseline:.0f} MB) "
                f"(target < {target} s, < 200 MB)"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
