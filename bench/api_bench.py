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
  4. importing 1,000 documents in one POST /api/documents/import/, until search finds the
     last, documents a second, both ways: (a) 1,000 text files (about 2 KB each), which
     become a job for the task worker (``db_worker`` beside gunicorn, as `make serve`
     runs it), followed through its Location; (b) one JSON Lines file of 1,000 such
     documents, answered in the request;
  5. one bulk create of 10,000 annotations (POST /api/annotations/bulk/), s;
  6. exporting 100,000 annotations as CSV and as JSON-LD (one page of 100,000), s, and the
     peak resident memory of the gunicorn worker that served it (a fresh server).

It creates the database ``--database-name`` (default ``stancemap_bench``; dropped
afterwards unless --keep), migrates it, and starts gunicorn on free local ports and a task
worker. Run by hand, never in CI:

    .venv/bin/python bench/api_bench.py [--database-url postgres://postgres@127.0.0.1:5432/postgres]
        [--database-name stancemap_bench] [--skip-exports] [--only-import]
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


#: How each server runs the app, one process per worker: gunicorn's sync or threaded
#: workers (WSGI), or uvicorn (config/asgi.py: sync views on a pool of threads, async
#: views through Django's ASGI handler), as `make serve` runs it.
SERVERS = {
    "gunicorn": ["gunicorn", "{app}"],
    "gthread": ["gunicorn", "{app}", "--worker-class", "gthread", "--threads", "4"],
    "uvicorn": ["uvicorn", "config.asgi:application", "--no-access-log"],
    # For comparison: Django's ASGI handler for every request, on uvicorn's pure-Python
    # parts (h11, asyncio), as the app was first served.
    "uvicorn-django": [
        "uvicorn",
        "config.asgi:django_asgi",
        "--no-access-log",
        "--http",
        "h11",
        "--loop",
        "asyncio",
    ],
}


class Server:
    """The app served against the bench database (gunicorn unless ``kind`` names another
    of SERVERS); ``peak_rss_mb`` reads the workers' high-water mark of resident memory
    from /proc."""

    def __init__(
        self, env: dict[str, str], workers: int, app: str = "config.wsgi", kind: str = "gunicorn"
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        program, *options = (part.format(app=app) for part in SERVERS[kind])
        if program == "gunicorn":
            options += ["--pythonpath", str(ROOT / "bench"), "--bind", f"127.0.0.1:{self.port}"]
            options += ["--timeout", "300"]
        else:
            options += ["--port", str(self.port)]
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin" / program),
                *options,
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 120  # a busy machine starts it slowly
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                requests.get(f"{self.url}/health/", timeout=5)
                return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{kind} did not start")

    def workers(self) -> list[int]:
        """The worker processes (uvicorn with one worker is one process, no master)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] or [self.process.pid]

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
        for pid in {self.process.pid, *self.workers()}:
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
from django.test import Client
browser = Client()
browser.force_login(user)
session = browser.cookies["sessionid"].value
print(key, session, project.slug, user.pk, project.pk, *[d.pk for d in documents], actor.pk,
      claim.pk, len(text))
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
    token, session, slug, user, project, doc_a, doc_b, doc_c, doc_d, actor, claim, length = output
    return {
        "token": token,
        "session": session,
        "slug": slug,
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


def import_texts(count: int, marker: str) -> list[str]:
    """``count`` texts of 3 to 6 paragraphs (about 2 KB), as ``import_bench`` writes them,
    each with a word of its own (``<marker><n>x``) for the search that finds it."""
    import random

    words = "Japan Russia Abe Putin sanctions islands Kuril treaty Moscow Tokyo talks summit"
    words += " energy economy cooperation security the a of to and in on for with that said"
    vocabulary = words.split()
    rng = random.Random(20161215)
    texts = []
    for n in range(count):
        paragraphs = [
            " ".join(rng.choice(vocabulary) for _ in range(rng.randint(40, 90))) + "."
            for _ in range(rng.randint(3, 6))
        ]
        texts.append(f"Report {n} {marker}{n}x\n\n" + "\n\n".join(paragraphs))
    return texts


def import_files(count: int) -> list[tuple[str, tuple[str, bytes, str]]]:
    """``count`` text files, one document each, as a multipart upload."""
    return [
        ("files", (f"report-{n:04d}.txt", text.encode(), "text/plain"))
        for n, text in enumerate(import_texts(count, "marker"))
    ]


def import_lines(count: int) -> list[tuple[str, tuple[str, bytes, str]]]:
    """One JSON Lines file holding ``count`` documents (other texts than the files')."""
    lines = [
        json.dumps({"title": f"Line report {n}", "text": text}, ensure_ascii=False)
        for n, text in enumerate(import_texts(count, "line"))
    ]
    return [("files", ("reports.jsonl", "\n".join(lines).encode(), "application/jsonl"))]


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
    parser.add_argument("--only-import", action="store_true", help="run the import step alone")
    parser.add_argument(
        "--asgi", action="store_true", help="serve the exports with uvicorn too (ASGI)"
    )
    parser.add_argument(
        "--only",
        choices=["serving", "exports"],
        help="serving: CPU per request under each server; exports: 20,000 then 100,000 "
        "annotations exported under gunicorn and uvicorn",
    )
    parser.add_argument(
        "--servers",
        default="gunicorn,gthread,uvicorn",
        help=f"with --only serving, which of {', '.join(SERVERS)} (comma-separated)",
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
        data["database_url"] = env["DATABASE_URL"]
        if args.only == "serving":
            fill(env, data, 1000)
            serving_step(env, data, args.servers.split(","))
        elif args.only == "exports":
            for size in (20_000, 100_000):
                fill(env, data, size)
                export_step(env, data, servers=("gunicorn", "uvicorn"))
        else:
            run(
                env,
                data,
                args.workers,
                exports=not args.skip_exports,
                asgi=args.asgi,
                only_import=args.only_import,
            )
    finally:
        if not args.keep:
            time.sleep(0.5)
            admin_sql(args.database_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class TaskWorker:
    """The task worker as `make serve` runs it (``db_worker`` on the database queue,
    looking for work every 0.1 s), beside gunicorn; ready once it says it started."""

    def __init__(self, env: dict[str, str]):
        import tempfile

        self.log = tempfile.NamedTemporaryFile(prefix="bench-worker-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/python"),
                *("manage.py", "db_worker", "--no-reload", "--interval", "0.1"),
            ],
            cwd=ROOT,
            env={**env, "TASKS_BACKEND": "database"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(600):
            if b"Starting worker" in Path(self.log.name).read_bytes():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the task worker did not start")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log.close()


def wait_until_found(session: requests.Session, url: str, project: int, word: str) -> None:
    """Search until ``word`` is found (every 20 ms, for up to a minute)."""
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        found = session.get(f"{url}/api/documents/?project={project}&search={word}")
        assert found.status_code == 200, found.text[:500]
        if found.json()["results"]:
            return
        time.sleep(0.02)
    raise AssertionError(f"search does not find {word}")


def post_import(
    server: Server, session: requests.Session, project: int, files: list, status: int
) -> tuple[requests.Response, float]:
    """One import request; its answer and the moment it was sent."""
    started = time.perf_counter()
    response = session.post(
        f"{server.url}/api/documents/import/", data={"project": project}, files=files
    )
    assert response.status_code == status, response.text[:500]
    return response, started


def report(
    what: str, server: Server, worker: TaskWorker, started: float, cpu: tuple, steps: str
) -> None:
    """An import's documents a second until found, its steps and the CPU it took."""
    elapsed = time.perf_counter() - started
    web, work = server.cpu_seconds() - cpu[0], worker.cpu_seconds() - cpu[1]
    print(
        f"import {what}, until found by search: {elapsed:.2f} s = {1000 / elapsed:,.0f} "
        f"documents/s (target >= 6,000/s); {load()}"
    )
    print(f"  {steps}; CPU: web {web:.2f} s, worker {work:.2f} s")


def import_step(server: Server, worker: TaskWorker, session: requests.Session, data: dict) -> None:
    """Step 4: 1,000 documents in one request, both ways an analyst sends them, each timed
    until search finds the last one (indexing may finish later, in its task)."""
    project = data["project"]
    # (a) 1,000 files: a job on the worker; follow Location until the job is done.
    files = import_files(1000)
    cpu = (server.cpu_seconds(), worker.cpu_seconds())
    response, started = post_import(server, session, project, files, 202)
    accepted = time.perf_counter() - started
    location = response.headers["Location"]
    job: dict[str, Any] = {}
    running_at = None
    while time.perf_counter() - started < 120:
        job = session.get(f"{server.url}{location}").json()
        if running_at is None and job["status"] != "queued":
            running_at = time.perf_counter() - started
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.02)
    done = time.perf_counter() - started
    assert job["status"] == "done", job
    assert job["result"]["imported"] == 1000, job["result"]
    wait_until_found(session, server.url, project, "marker999x")
    steps = f"202 after {accepted:.2f} s, running after {running_at or done:.2f} s"
    steps += f", done after {done:.2f} s"
    report("1,000 files in one request (a job on the worker)", server, worker, started, cpu, steps)
    # (b) One JSON Lines file of 1,000 documents, answered in the request.
    lines = import_lines(1000)
    cpu = (server.cpu_seconds(), worker.cpu_seconds())
    response, started = post_import(server, session, project, lines, 201)
    answered = time.perf_counter() - started
    assert response.json()["imported"] == 1000, response.text[:500]
    wait_until_found(session, server.url, project, "line999x")
    steps = f"answered after {answered:.2f} s"
    report("one JSON Lines file of 1,000 documents", server, worker, started, cpu, steps)


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def versus(ours: float, floor: float, unit: str = "ms") -> str:
    return f"{ours:.2f} {unit} vs floor {floor:.2f} {unit} = {ours / floor:.2f}x"


def fill(env: dict[str, str], data: dict, up_to: int) -> None:
    """Bulk-create annotations (over the first two documents) until the project has
    ``up_to``."""
    have = annotation_count(data)
    server = Server(env, 1)
    session = requests.Session()
    session.headers.update({"Authorization": f"Token {data['token']}"})
    try:
        while have < up_to:
            count = min(10_000, up_to - have)
            document = data["documents"][(have // 10_000) % 2]
            batch = [item(document, have + i, data) for i in range(count)]
            response = session.post(f"{server.url}/api/annotations/bulk/", json=batch)
            assert response.status_code == 201, response.text[:500]
            have += count
    finally:
        server.stop()


def run(
    env: dict[str, str],
    data: dict,
    workers: int,
    exports: bool = True,
    asgi: bool = False,
    only_import: bool = False,
) -> None:
    headers = {"Authorization": f"Token {data['token']}"}
    doc_a, doc_b, doc_c, doc_d = data["documents"]
    print(f"before: {load()}")
    server = Server(env, workers)
    worker = TaskWorker(env)
    session = requests.Session()
    session.headers.update(headers)
    if only_import:
        try:
            session.get(f"{server.url}/api/documents/?project={data['project']}")
            import_step(server, worker, session, data)
        finally:
            worker.stop()
            server.stop()
        return
    floor = Server(env, workers, app="floor_bench:application")
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
        import_step(server, worker, session, data)

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
        worker.stop()
        server.stop()

    # 6. Exports from a fresh server, so that its memory peak is the export's own.
    export_step(env, data, servers=("gunicorn", "uvicorn") if asgi else ("gunicorn",))


def export_step(env: dict[str, str], data: dict, servers: tuple[str, ...]) -> None:
    """The project's export as CSV and as one JSON-LD page of all, from a fresh one-worker
    server of each kind: time to the last byte, and the worker's peak resident memory."""
    headers = {"Authorization": f"Token {data['token']}"}
    for kind, extra, target in (("csv", "", 5), ("jsonld", "&page_size=100000", 10)):
        for serving in servers:
            server = Server(env, 1, kind=serving)
            try:
                baseline = server.peak_rss_mb()
                started = time.perf_counter()
                size = chunks = 0
                first = None
                with requests.get(
                    f"{server.url}/api/annotations/export/?project={data['project']}"
                    f"&format={kind}{extra}",
                    headers=headers,
                    stream=True,
                ) as response:
                    assert response.status_code == 200, response.text[:500]
                    for chunk in response.iter_content(chunk_size=1 << 16):
                        first = first or time.perf_counter() - started
                        size += len(chunk)
                        chunks += 1
                elapsed = time.perf_counter() - started
                rows = annotation_count(data)
                print(
                    f"export {rows:,} as {kind} ({serving}): {elapsed:.2f} s, first bytes after "
                    f"{first or 0:.2f} s, {size / 1e6:.1f} MB, server peak RSS "
                    f"{server.peak_rss_mb():.0f} MB (idle worker {baseline:.0f} MB) "
                    f"(target < {target} s, < 100 MB); {load()}"
                )
            finally:
                server.stop()


def annotation_count(data: dict) -> int:
    """How many live annotations the project has, which is what its export holds."""
    import psycopg

    with psycopg.connect(data["database_url"]) as connection:
        row = connection.execute(
            "SELECT count(*) FROM annotate_annotation a JOIN corpus_document d "
            "ON d.id = a.document_id WHERE d.project_id = %s AND a.deleted_at IS NULL",
            [data["project"]],
        ).fetchone()
    assert row is not None
    return int(row[0])


def serving_step(env: dict[str, str], data: dict, servers: list[str], repeat: int = 200) -> None:
    """The same requests under each server of SERVERS (one worker process each, all
    running at once and asked in turn, so that a busy machine weighs on each alike): the
    server's CPU per request, which waiting for a core does not inflate, and the median
    time."""
    doc_a, doc_b = data["documents"][:2]
    api = {"Authorization": f"Token {data['token']}"}
    page = {"Cookie": f"sessionid={data['session']}"}
    kinds: dict[str, tuple[str, str, dict[str, str]]] = {
        "health": ("GET", "/health/", {}),
        "list 100": ("GET", f"/api/annotations/?document={doc_a}&page_size=100", api),
        "search": ("GET", f"/api/documents/?project={data['project']}&search=sanctions", api),
        "reader": ("GET", f"/projects/{data['slug']}/documents/{doc_a}/", page),
        "create": ("POST", "/api/annotations/", api),
    }
    print(f"serving: {repeat} of each request, a new connection each; {load()}")
    running = {serving: Server(env, 1, kind=serving) for serving in servers}
    figures: dict[str, list[str]] = {serving: [] for serving in servers}
    try:
        for number, (name, (method, path, headers)) in enumerate(kinds.items()):
            cpu = {}
            times: dict[str, list[float]] = {serving: [] for serving in servers}
            for i in range(-10, repeat):  # ten to warm up
                if i == 0:
                    cpu = {serving: server.cpu_seconds() for serving, server in running.items()}
                for serving, server in running.items():
                    body = item(doc_b, number * 10_000 + i, data) if method == "POST" else None
                    elapsed, status, answer = call(server.port, method, path, headers, body)
                    assert status in (200, 201), (serving, name, status, answer[:300])
                    times[serving].append(elapsed)
            for serving, server in running.items():
                cpu_ms = (server.cpu_seconds() - cpu[serving]) * 1000 / repeat
                median = statistics.median(times[serving][10:])
                figures[serving].append(f"{name} {cpu_ms:.2f} ms CPU ({median:.1f} ms)")
    finally:
        for server in running.values():
            server.stop()
    for serving in servers:
        print(f"  {serving:9s} " + ", ".join(figures[serving]))
    print(f"  {load()}")


if __name__ == "__main__":
    main()
