"""API benchmark: the app served by gunicorn on PostgreSQL, driven over HTTP.

Workload (see bench/README.md), each hot request beside its floor (``floor_bench.py``:
plain psycopg and orjson behind the same gunicorn, same database, same client, same run):
  1. 1,000 sequential annotation creates (POST /api/annotations/), median and p95 ms, sent
     with http.client so that the figure is the server's and not a client library's,
     interleaved with 1,000 floor creates of the same rows (200 more through
     requests.Session are printed for comparison);
  2. reading all annotations of a document that has 1,000 (GET ?document=&page_size=1000),
     median of 50 reads, ms, interleaved with 50 floor reads of the same rows;
  3. the API mix: 50 clients for 20 s, 40% reads of those 1,000 annotations, 30% searches
     of the project's four documents, 30% creates; requests a second, p95, errors, and
     the peak resident memory of all server processes (master and workers);
  4. importing 1,000 text files (about 2 KB each) in one POST /api/documents/import/,
     until the last is found by search, documents a second;
  5. one bulk create of 10,000 annotations (POST /api/annotations/bulk/), s;
  6. exporting 100,000 annotations as CSV and as JSON-LD (one page of 100,000), s, and the
     peak resident memory of the gunicorn worker that served it (a fresh server).

It creates the database ``--database-name`` (default ``stancemap_bench``; dropped
afterwards unless --keep), migrates it, and starts gunicorn on free local ports. Run by
hand, never in CI:

    .venv/bin/python bench/api_bench.py [--database-url postgres://postgres@127.0.0.1:5432/postgres]
        [--database-name stancemap_bench] [--skip-exports]
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

    def __init__(self, env: dict[str, str], workers: int, app: str = "config.wsgi"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                app,
                "--pythonpath",
                str(ROOT / "bench"),
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
                requests.get(f"{self.url}/health/", timeout=5)
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

    def cpu_seconds(self) -> float:
        """CPU time the workers have used so far (user and system). On a shared machine
        the wall time of a request includes waiting for a core; this does not."""
        total = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def total_peak_rss_mb(self) -> float:
        """The master's and every worker's peak resident memory, added up."""
        total = 0.0
        for pid in [self.process.pid, *self.workers()]:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        return total

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
from corpus.search import index_pending
from corpus.services import create_document, create_project
user = User.objects.create_user("bench", password="bench-pass-123")
project = create_project(name="Bench", owner=user)
text = {WORDS!r} * 60
documents = [
    create_document(project=project, title=f"Doc {{i}}", text=text + str(i)) for i in range(4)
]
actor = create_actor(project=project, name="Shinzo Abe", created_by=user)
claim = create_claim(project=project, label="Closer ties with Russia", created_by=user)
key = Token.objects.create(user=user).key
# A deployment's task worker stores the search vectors of new documents; the bench runs none.
index_pending()
print(key, user.pk, project.pk, *[d.pk for d in documents], actor.pk, claim.pk, len(text))
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
    token, user, project, doc_a, doc_b, doc_c, doc_d, actor, claim, length = output
    return {
        "token": token,
        "user": int(user),
        "project": int(project),
        "documents": [int(doc_a), int(doc_b), int(doc_c), int(doc_d)],
        "actor": int(actor),
        "claim": int(claim),
        "length": int(length) - 1,
    }


def call(
    port: int, method: str, path: str, headers: dict[str, str], body: dict | None = None
) -> tuple[float, int, bytes]:
    """One request over a plain HTTP connection (gunicorn's sync workers close each one),
    timed from connecting to the last byte of the answer: ms, status and body."""
    payload = None if body is None else json.dumps(body)
    if payload is not None:
        headers = {**headers, "Content-Type": "application/json"}
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request(method, path, payload, headers)
    response = connection.getresponse()
    answer = response.read()
    connection.close()
    return (time.perf_counter() - started) * 1000, response.status, answer


def create_ms(port: int, headers: dict[str, str], body: dict, path: str) -> float:
    """One create (ours or the floor's), ms."""
    elapsed, status, answer = call(port, "POST", path, headers, body)
    assert status == 201, answer
    return elapsed


def read_ms(port: int, headers: dict[str, str], path: str) -> tuple[float, bytes]:
    """One read of a page (ours or the floor's), ms and body."""
    elapsed, status, answer = call(port, "GET", path, headers)
    assert status == 200, answer[:500]
    return elapsed, answer


def mix_client(
    port: int, headers: dict[str, str], paths: dict[str, str], bodies: list[dict], seconds: float
) -> list[tuple[str, float, int]]:
    """One client of the mix: requests back to back for ``seconds``, 4 reads, 3 searches
    and 3 creates in every 10; (kind, ms, status) each."""
    order = ["read", "search", "create", "read", "search", "create", "read", "search"]
    order += ["create", "read"]
    done: list[tuple[str, float, int]] = []
    deadline = time.perf_counter() + seconds
    turn = 0
    while time.perf_counter() < deadline:
        kind = order[turn % len(order)]
        turn += 1
        try:
            if kind == "create":
                body = bodies[turn % len(bodies)]
                elapsed, status, _ = call(port, "POST", paths[kind], headers, body)
            else:
                elapsed, status, _ = call(port, "GET", paths[kind], headers)
        except OSError:
            elapsed, status = 0.0, 0
        done.append((kind, elapsed, status))
    return done


def mix_process(arguments: tuple) -> list[tuple[str, float, int]]:
    """Ten clients in one process (threads), so that the client is not the bottleneck."""
    from concurrent.futures import ThreadPoolExecutor

    port, headers, paths, bodies, seconds, clients = arguments
    with ThreadPoolExecutor(clients) as pool:
        futures = [
            pool.submit(mix_client, port, headers, paths, bodies, seconds) for _ in range(clients)
        ]
        return [entry for future in futures for entry in future.result()]


def import_files(count: int) -> list[tuple[str, tuple[str, bytes, str]]]:
    """``count`` text files of 3 to 6 paragraphs (about 2 KB), as ``import_bench`` writes
    them, each with a word of its own for the search that finds it."""
    import random

    words = "Japan Russia Abe Putin sanctions islands Kuril treaty Moscow Tokyo talks summit"
    words += " energy economy cooperation security the a of to and in on for with that said"
    vocabulary = words.split()
    rng = random.Random(20161215)
    files = []
    for n in range(count):
        paragraphs = [
            " ".join(rng.choice(vocabulary) for _ in range(rng.randint(40, 90))) + "."
            for _ in range(rng.randint(3, 6))
        ]
        text = f"Report {n} marker{n}x\n\n" + "\n\n".join(paragraphs)
        files.append(("files", (f"report-{n:04d}.txt", text.encode(), "text/plain")))
    return files


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
    parser.add_argument("--database-name", default=BENCH_DB)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--skip-exports", action="store_true", help="stop after the mix (no bulk, no exports)"
    )
    args = parser.parse_args()

    name = args.database_name
    admin_sql(args.database_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin_sql(args.database_url, f"CREATE DATABASE {name}")
    env = {
        **os.environ,
        "DATABASE_URL": with_database(args.database_url, name),
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
        env["FLOOR_DATABASE_URL"] = env["DATABASE_URL"]
        env["FLOOR_USER_ID"] = str(data["user"])
        run(env, data, args.workers, exports=not args.skip_exports)
    finally:
        if not args.keep:
            time.sleep(0.5)
            admin_sql(args.database_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def versus(ours: float, floor: float, unit: str = "ms") -> str:
    return f"{ours:.2f} {unit} vs floor {floor:.2f} {unit} = {ours / floor:.2f}x"


def run(env: dict[str, str], data: dict, workers: int, exports: bool = True) -> None:
    headers = {"Authorization": f"Token {data['token']}"}
    doc_a, doc_b, doc_c, doc_d = data["documents"]
    print(f"before: {load()}")
    server = Server(env, workers)
    floor = Server(env, workers, app="floor_bench:application")
    session = requests.Session()
    session.headers.update(headers)
    try:
        for _ in range(20):  # warm up each worker's connection and code paths
            session.get(f"{server.url}/api/annotations/?document={doc_c}")
            requests.get(f"{floor.url}/annotations/?document={doc_c}")
        # 1. Sequential creates into document A (which then holds 1,000 annotations),
        # each followed by the floor's create of the same row into document D.
        timings, floors = [], []
        cpu, floor_cpu = server.cpu_seconds(), floor.cpu_seconds()
        for i in range(1000):
            timings.append(
                create_ms(server.port, headers, item(doc_a, i, data), "/api/annotations/")
            )
            floors.append(create_ms(floor.port, {}, item(doc_d, i, data), "/annotations/"))
        cpu, floor_cpu = server.cpu_seconds() - cpu, floor.cpu_seconds() - floor_cpu
        timings.sort()
        floors.sort()
        median, floor_median = statistics.median(timings), statistics.median(floors)
        print(
            f"1,000 sequential creates: median {versus(median, floor_median)}, "
            f"p95 {timings[949]:.2f} ms (floor {floors[949]:.2f} ms) "
            f"(targets: median < 2x floor and < 3.5 ms on a quiet machine); {load()}"
        )
        print(f"  server CPU a create: {versus(cpu, floor_cpu)} (in ms a request)")
        # The same through requests, whose own work adds about a millisecond a call.
        timings = []
        for i in range(200):
            started = time.perf_counter()
            response = session.post(f"{server.url}/api/annotations/", json=item(doc_c, i, data))
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 201, response.text
        print(f"  (200 more through requests.Session: median {statistics.median(timings):.2f} ms)")

        # PostgreSQL's autovacuum analyzes a table that grew; without it (a server may run
        # with it off) the reads would be planned for the empty table of the start.
        admin_sql(env["DATABASE_URL"], "ANALYZE")
        # 2. Read the document's 1,000 annotations in one page, ours and the floor's in turn.
        ours_path = f"/api/annotations/?document={doc_a}&page_size=1000"
        floor_path = f"/annotations/?document={doc_a}&page_size=1000"
        _, answer = read_ms(server.port, headers, ours_path)
        _, floor_answer = read_ms(floor.port, {}, floor_path)
        results = json.loads(answer)["results"]
        assert len(results) == 1000
        assert results == json.loads(floor_answer)["results"], "the floor reads other rows"
        reads, floor_reads = [], []
        cpu, floor_cpu = server.cpu_seconds(), floor.cpu_seconds()
        for _ in range(50):
            reads.append(read_ms(server.port, headers, ours_path)[0])
            floor_reads.append(read_ms(floor.port, {}, floor_path)[0])
        cpu, floor_cpu = server.cpu_seconds() - cpu, floor.cpu_seconds() - floor_cpu
        print(
            f"read 1,000 annotations of a document ({len(answer) / 1000:.0f} kB): median "
            f"{versus(statistics.median(reads), statistics.median(floor_reads))}, best "
            f"{min(reads):.1f} ms (floor {min(floor_reads):.1f} ms) (target < 1.5x floor); "
            f"{load()}"
        )
        print(f"  server CPU a read: {versus(cpu * 20, floor_cpu * 20)} (in ms a request)")
    finally:
        floor.stop()

    try:
        # 3. The API mix at 50 clients, five processes of ten threads.
        from multiprocessing import Pool

        paths = {
            "read": ours_path,
            "search": f"/api/documents/?project={data['project']}&search=sanctions",
            "create": "/api/annotations/",
        }
        bodies = [item(doc_b, i, data) for i in range(500)]
        seconds = 20.0
        started = time.perf_counter()
        with Pool(5) as pool:
            parts = pool.map(mix_process, [(server.port, headers, paths, bodies, seconds, 10)] * 5)
        elapsed = time.perf_counter() - started
        done = [entry for part in parts for entry in part]
        errors = [entry for entry in done if entry[2] not in (200, 201)]
        latencies = sorted(entry[1] for entry in done)
        by_kind = {kind: sorted(entry[1] for entry in done if entry[0] == kind) for kind in paths}
        print(
            f"API mix, 50 clients for {seconds:.0f} s: {len(done) / elapsed:.0f} req/s, p95 "
            f"{latencies[int(len(latencies) * 0.95)]:.0f} ms, {len(errors)} errors of "
            f"{len(done)} (targets: >= 180 req/s, 0 errors, p95 < 300 ms; doccano 61 req/s, "
            f"p95 970 ms); {load()}"
        )
        print(
            "  p95 by kind: "
            + ", ".join(
                f"{kind} {values[int(len(values) * 0.95)]:.0f} ms ({len(values)})"
                for kind, values in by_kind.items()
                if values
            )
        )
        print(
            f"  peak memory of all server processes: {server.total_peak_rss_mb():.0f} MiB "
            f"(doccano 1,320 MiB)"
        )
        # Each kind of the mix alone, one request at a time: the workers' CPU a request,
        # which other processes on the machine do not inflate as they do wall time.
        figures = []
        for kind in paths:
            cpu = server.cpu_seconds()
            for i in range(100):
                if kind == "create":
                    call(server.port, "POST", paths[kind], headers, bodies[i])
                else:
                    call(server.port, "GET", paths[kind], headers)
            figures.append(f"{kind} {(server.cpu_seconds() - cpu) * 10:.2f} ms")
        print("  server CPU a request, each kind alone (100 each): " + ", ".join(figures))
        # 4. Import 1,000 documents in one request, timed until the last one is found by
        # search (indexing runs in the request's task unless a task worker takes it).
        files = import_files(1000)
        started = time.perf_counter()
        response = session.post(
            f"{server.url}/api/documents/import/", data={"project": data["project"]}, files=files
        )
        assert response.status_code in (200, 201), response.text[:500]
        for _ in range(600):
            found = session.get(
                f"{server.url}/api/documents/?project={data['project']}&search=marker999x"
            ).json()["results"]
            if found:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        assert found, "the last imported document is not found by search"
        print(
            f"import 1,000 documents in one request, until readable and found by search: "
            f"{elapsed:.2f} s = {1000 / elapsed:,.0f} documents/s (target >= 6,000/s); "
            f"{load()}"
        )

        if not exports:
            return

        # 5. One bulk create of 10,000.
        batch = [item(doc_b, i, data) for i in range(10_000)]
        started = time.perf_counter()
        response = session.post(f"{server.url}/api/annotations/bulk/", json=batch)
        bulk = time.perf_counter() - started
        assert response.status_code == 201, response.text[:500]
        print(f"bulk create of 10,000: {bulk:.2f} s (target < 2 s)")

        # Fill up to about 100,000 for the exports (timed for the record; the floor and the
        # mix added a few thousand more).
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

    # 6. Exports from a fresh server, so that its memory peak is the export's own.
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
