"""Load and fault benchmark: many clients at once against two app processes and a worker
on one PostgreSQL, as `make serve` / docker compose run them.

Setup: a throwaway PostgreSQL cluster of its own (initdb in a temporary folder, a free
port; it is restarted by the fault run, so it is never a shared server), Redis db 7 for
the shared cache (throttles), two uvicorn processes (one ASGI worker each) and one
``db_worker``. Seeded with one user per client (each with a token and a session), one
project, 20 documents of about 9,600 characters with 50 annotations each, an actor and
a claim.

Load: for each level (10, 50, 100 clients; --levels) every client loops for --duration
seconds (60), alternating between the two app processes, over this mix:
  35% GET /api/annotations/?document=<id>&page_size=100   (a document's annotations)
  20% GET /projects/<slug>/documents/<id>/                 (the reader page, session)
  15% GET /api/documents/?project=<id>&search=<word>       (a document search)
  20% POST /api/annotations/                               (create)
  10% PATCH /api/annotations/<id>/                         (edit one of its own)
It prints, per level, throughput, p50/p95/max in ms (all and per kind), errors (any
status >= 400 or failed connection), and the load average beside them, since the
machine may be shared.

Faults (--faults), each under 20 clients:
  database: PostgreSQL is stopped for 5 s and started again; counts what clients saw
    (503 with JSON, anything else), what /health/ said meanwhile, and how long after the
    database was back the first request succeeded;
  web: one app process is killed (SIGKILL); the other keeps answering;
  worker: an import of 150 files becomes a job; the worker is killed when the job is
    under way; a new worker takes over once the job falls silent (JOB_STALE_SECONDS=5);
    each file must end whole, once.

Run by hand, never in CI:

    .venv/bin/python bench/load_bench.py [--levels 10,50,100] [--duration 60] [--faults]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv/bin/python")
REDIS_URL = "redis://127.0.0.1:6379/7"
WORDS = (
    "Prime Minister Shinzo Abe wants closer ties with Russia while Sergey Naryshkin "
    "said sanctions are an obstacle to bilateral relations and the islands dispute. "
)
SEARCHES = ["sanctions", "islands", "Naryshkin", "relations", "obstacle"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of a process and all its descendants, those that ended
    included: how much of the machine's cores it took, whatever it waited."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) for child in children)


# The database cluster -----------------------------------------------------------------


class Cluster:
    """A PostgreSQL cluster of the bench's own, which it may stop and start."""

    def __init__(self) -> None:
        initdb = (
            shutil.which("initdb")
            or sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))[-1].as_posix()
        )
        self.bin = Path(initdb).parent
        self.dir = Path(tempfile.mkdtemp(prefix="stancemap-load-"))
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.run(f"'{self.bin}/initdb' -D '{self.dir}/data' -U postgres -A trust >/dev/null")
        try:
            self.start()
            import psycopg

            admin = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute("CREATE DATABASE stancemap_load")
        except Exception:
            self.destroy()
            raise
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/stancemap_load"

    def run(self, command: str) -> None:
        if os.geteuid() == 0:
            subprocess.run(["su", "postgres", "-s", "/bin/bash", "-c", command], check=True)
        else:
            subprocess.run(["bash", "-c", command], check=True)

    def start(self) -> None:
        self.run(
            f"'{self.bin}/pg_ctl' -D '{self.dir}/data' -l '{self.dir}/log' -w start "
            f"-o '-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            f"-c max_connections=300 -c fsync=off' >/dev/null"
        )

    def stop(self) -> None:
        self.run(f"'{self.bin}/pg_ctl' -D '{self.dir}/data' -m fast -w stop >/dev/null")

    def pid(self) -> int:
        """The postmaster's process id; its backends are its children."""
        return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# App processes --------------------------------------------------------------------------


class Process:
    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.log = log
        with open(log, "wb") as out:
            self.popen = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def stop(self, kill: bool = False) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def web(env: dict[str, str], logs: Path, name: str) -> tuple[Process, int]:
    port = free_port()
    process = Process(
        [
            str(ROOT / ".venv/bin/uvicorn"),
            "config.asgi:application",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
            "--timeout-graceful-shutdown",
            "3",
        ],
        env,
        logs / f"{name}.log",
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2).read()
            return process, port
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{name} did not start: {(logs / f'{name}.log').read_text()}")


def worker(env: dict[str, str], logs: Path, name: str) -> Process:
    return Process(
        [PY, "manage.py", "db_worker", "--interval", "0.2", "--no-reload"],
        env,
        logs / f"{name}.log",
    )


# Seed ----------------------------------------------------------------------------------

SEED = """
import json, os
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token
from annotate.services.annotations import NewAnnotation, create_annotations
from annotate.services.codebook import create_actor, create_claim
from corpus.models import Role
from corpus.services import add_member, create_document, create_project
clients = int(os.environ["SEED_CLIENTS"])
owner = User.objects.create_user("owner", password="bench-pass-123")
project = create_project(name="Load", owner=owner)
text = WORDS * 60
documents = [
    create_document(project=project, title=f"Doc {i}", text=text + str(i)) for i in range(20)
]
actor = create_actor(project=project, name="Shinzo Abe", created_by=owner)
claim = create_claim(project=project, label="Closer ties with Russia", created_by=owner)
for document in documents:
    items = [
        NewAnnotation(document=document, start=i * 40, end=i * 40 + 20, actor=actor,
                      claim=claim, stance="support")
        for i in range(50)
    ]
    create_annotations(items=items, created_by=owner)
people = []
for n in range(clients):
    user = User.objects.create_user(f"coder{n}", password="bench-pass-123")
    add_member(
        project=project, username=user.username, role=Role.ANNOTATOR, added_by=owner
    )
    browser = Client()
    browser.force_login(user)
    key = Token.objects.create(user=user).key
    people.append({"token": key, "session": browser.cookies["sessionid"].value})
print(json.dumps({
    "project": project.pk, "slug": project.slug, "documents": [d.pk for d in documents],
    "actor": actor.pk, "claim": claim.pk, "length": len(text), "people": people,
}))
"""


def seed(env: dict[str, str], clients: int) -> dict[str, Any]:
    subprocess.run(
        [PY, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    script = f"WORDS = {WORDS!r}\n" + SEED
    output = subprocess.run(
        [PY, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={**env, "SEED_CLIENTS": str(clients)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# An HTTP/1.1 client on asyncio (keep-alive, Content-Length or chunked answers) -----------


class Connection:
    def __init__(self, port: int):
        self.port = port
        self.reopened = 0  # idle connections the server had closed, opened again
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes, dict[str, str]]:
        if self.reader is not None and self.reader.at_eof():
            # The server closed this kept-alive connection while it lay idle (uvicorn's
            # keep-alive timeout is 5 s): before sending, open a new one, as browsers and
            # HTTP libraries (urllib3's is_connection_dropped) do. Nothing was sent on it.
            self.close()
            self.reopened += 1
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        answer: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            answer[name.strip().lower()] = value.strip()
        if "content-length" in answer:
            content = await self.reader.readexactly(int(answer["content-length"]))
        elif answer.get("transfer-encoding") == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            content = b"".join(parts)
        else:
            content = await self.reader.read()
            self.close()
        if answer.get("connection") == "close":
            self.close()
        return status, content, answer

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    json_503: int = 0
    other_503: int = 0
    successes_at: list[float] = field(default_factory=list)
    reopened: int = 0


async def client(
    number: int,
    data: dict[str, Any],
    ports: list[int],
    until: float,
    tally: Tally,
) -> None:
    person = data["people"][number]
    rng = random.Random(number)
    connections = {port: Connection(port) for port in ports}
    mine: list[tuple[int, int]] = []  # (id, version) of its own annotations
    api = {"Authorization": f"Token {person['token']}", "Accept": "application/json"}
    turn = number
    while time.monotonic() < until:
        port = ports[turn % len(ports)]
        turn += 1
        document = rng.choice(data["documents"])
        roll = rng.random()
        body = b""
        headers = dict(api)
        if roll < 0.35:
            kind, method = "annotations", "GET"
            path = f"/api/annotations/?document={document}&page_size=100"
        elif roll < 0.55:
            kind, method = "reader", "GET"
            path = f"/projects/{data['slug']}/documents/{document}/"
            headers = {"Cookie": f"sessionid={person['session']}", "Accept": "text/html"}
        elif roll < 0.70:
            kind, method = "search", "GET"
            path = f"/api/documents/?project={data['project']}&search={rng.choice(SEARCHES)}"
        elif roll < 0.90 or not mine:
            kind, method, path = "create", "POST", "/api/annotations/"
            start = rng.randrange(0, data["length"] - 30)
            body = json.dumps(
                {
                    "document": document,
                    "start": start,
                    "end": start + 12,
                    "actor": data["actor"],
                    "claim": data["claim"],
                    "stance": rng.choice(["support", "oppose", "neutral"]),
                }
            ).encode()
            headers["Content-Type"] = "application/json"
        else:
            kind, method = "edit", "PATCH"
            index = rng.randrange(len(mine))
            pk, _version = mine[index]
            path = f"/api/annotations/{pk}/"
            body = json.dumps({"note": f"edited {time.time()}"}).encode()
            headers["Content-Type"] = "application/json"
        started = time.monotonic()
        try:
            status, content, _ = await asyncio.wait_for(
                connections[port].request(method, path, headers, body), timeout=30
            )
        except (OSError, ConnectionError, asyncio.IncompleteReadError, TimeoutError) as error:
            connections[port].close()
            tally.errors[f"{kind}: {type(error).__name__}"] += 1
            tally.statuses["connection"] += 1
            await asyncio.sleep(0.05)
            continue
        took = (time.monotonic() - started) * 1000
        tally.statuses[status] += 1
        if status >= 400:
            tally.errors[f"{kind}: {status}"] += 1
            if status == 503:
                try:
                    json.loads(content)
                    tally.json_503 += 1
                except ValueError:
                    tally.other_503 += 1
            await asyncio.sleep(0.05)
            continue
        tally.times[kind].append(took)
        tally.successes_at.append(time.monotonic())
        if kind == "create":
            created = json.loads(content)
            mine.append((created["id"], created["version"]))
        elif kind == "edit":
            edited = json.loads(content)
            mine[index] = (edited["id"], edited["version"])
    for connection in connections.values():
        tally.reopened += connection.reopened
        connection.close()


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(label: str, tally: Tally, seconds: float) -> None:
    every = [value for values in tally.times.values() for value in values]
    errors = sum(tally.errors.values())
    print(
        f"{label}: {len(every) / seconds:7.1f} req/s  ok {len(every):6d}  errors {errors:4d}  "
        f"p50 {statistics.median(every) if every else float('nan'):6.1f} ms  "
        f"p95 {percentile(every, 0.95):6.1f} ms  max {max(every, default=float('nan')):7.1f} ms  "
        f"load {loadavg()}"
    )
    for kind in ("annotations", "reader", "search", "create", "edit"):
        values = tally.times.get(kind, [])
        if values:
            print(
                f"    {kind:12s} {len(values):6d}  p50 {statistics.median(values):6.1f}  "
                f"p95 {percentile(values, 0.95):6.1f} ms"
            )
    if tally.errors:
        print("    errors:", dict(tally.errors.most_common(8)))


async def load(data: dict[str, Any], ports: list[int], clients: int, seconds: float) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    await asyncio.gather(*(client(n, data, ports, until, tally) for n in range(clients)))
    return tally


def health(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=3) as answer:
            return f"{answer.status} {answer.read().decode()}"
    except urllib.error.HTTPError as error:
        return f"{error.code} {error.read().decode()}"
    except OSError as error:
        return f"no answer ({error})"


# Faults ----------------------------------------------------------------------------------


def fault_database(cluster: Cluster, data: dict[str, Any], ports: list[int]) -> None:
    print("\n== fault: the database restarted under load (20 clients, 25 s)")
    seen_health: list[str] = []

    async def run() -> tuple[Tally, float, float]:
        tally = Tally()
        until = time.monotonic() + 25
        clients = [asyncio.create_task(client(n, data, ports, until, tally)) for n in range(20)]
        await asyncio.sleep(6)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, cluster.stop)
        down_at = time.monotonic()
        await asyncio.sleep(2)
        seen_health.append(await loop.run_in_executor(None, health, ports[0]))
        await asyncio.sleep(3)
        await loop.run_in_executor(None, cluster.start)
        back_at = time.monotonic()
        await asyncio.gather(*clients)
        return tally, down_at, back_at

    tally, down_at, back_at = asyncio.run(run())
    after = [moment for moment in tally.successes_at if moment > back_at]
    print(f"    database down for {back_at - down_at:.1f} s")
    print(f"    /health/ while down: {seen_health[0]}")
    print(f"    /health/ after: {health(ports[0])}")
    print(f"    answers: {dict(tally.statuses)}")
    print(
        f"    kept-alive connections the server had closed while idle, opened again "
        f"before sending: {tally.reopened}"
    )
    print(f"    503s with a JSON body (API): {tally.json_503}, 503 pages (HTML): {tally.other_503}")
    print(
        "    first success after the database was back: "
        + (f"{min(after) - back_at:.2f} s" if after else "never")
    )
    other = {
        key: count
        for key, count in tally.statuses.items()
        if key not in (200, 201, 503) and key != "connection"
    }
    print(f"    answers other than 2xx and 503: {other or 'none'}")
    print(f"    failed requests by kind: {dict(tally.errors.most_common(8))}")


def fault_web(data: dict[str, Any], servers: list[Process], ports: list[int]) -> None:
    print("\n== fault: one web process killed under load (20 clients, 20 s)")

    async def run() -> tuple[Tally, float]:
        tally = Tally()
        until = time.monotonic() + 20
        clients = [asyncio.create_task(client(n, data, ports, until, tally)) for n in range(20)]
        await asyncio.sleep(8)
        servers[1].stop(kill=True)
        killed_at = time.monotonic()
        await asyncio.gather(*clients)
        return tally, killed_at

    tally, killed_at = asyncio.run(run())
    after = [moment for moment in tally.successes_at if moment > killed_at]
    print(f"    answers: {dict(tally.statuses)}")
    print(
        f"    kept-alive connections the server had closed while idle, opened again "
        f"before sending: {tally.reopened}"
    )
    print(
        f"    successes after the kill: {len(after)} "
        f"({len(after) / max(0.001, time.monotonic() - killed_at):.1f}/s, "
        "all from the other process)"
    )
    print(f"    surviving process /health/: {health(ports[0])}")
    print(f"    failed requests by kind: {dict(tally.errors.most_common(8))}")


def fault_worker(env: dict[str, str], logs: Path, data: dict[str, Any], port: int) -> None:
    print("\n== fault: the worker killed in the middle of an import job")
    files = []
    for number in range(150):
        rows = "".join(
            f"load file {number} row {row},Row {row} of file {number} on the islands.\n"
            for row in range(200)
        )
        files.append((f"file-{number}.csv", f"title,text\n{rows}"))
    boundary = "----stancemap-load"
    disposition = "Content-Disposition: form-data"
    parts = [f'--{boundary}\r\n{disposition}; name="project"\r\n\r\n{data["project"]}\r\n']
    for name, text in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            f"Content-Type: text/csv\r\n\r\n{text}\r\n"
        )
    parts.append(f"--{boundary}--\r\n")
    body = "".join(parts).encode()
    token = data["people"][0]["token"]
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/documents/import/",
        data=body,
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    first = worker(env, logs, "worker-fault-1")
    with urllib.request.urlopen(request, timeout=60) as answer:
        location = answer.headers["Location"]
        print(f"    POST answered {answer.status}, Location {location}")

    def job() -> dict[str, Any]:
        get = urllib.request.Request(
            f"http://127.0.0.1:{port}{location}", headers={"Authorization": f"Token {token}"}
        )
        with urllib.request.urlopen(get, timeout=10) as answer:
            return json.loads(answer.read())

    while (state := job())["progress"]["done"] == 0 and state["status"] != "done":
        time.sleep(0.1)
    first.stop(kill=True)
    killed = job()
    print(f"    worker killed at {killed['progress']} ({killed['status']})")
    time.sleep(6)
    print(f"    read after the silence: {job()['status']}")
    second = worker(env, logs, "worker-fault-2")
    started = time.monotonic()
    while (state := job())["status"] not in ("done", "failed"):
        time.sleep(0.3)
        if time.monotonic() - started > 300:
            break
    second.stop()
    statuses = Counter(result["status"] for result in state["result"].get("results", []))
    print(f"    then: {state['status']}, {state['progress']}, files {dict(statuses)}")
    check = subprocess.run(
        [
            PY,
            "manage.py",
            "shell",
            "-c",
            "from collections import Counter; from corpus.models import Document; "
            "c = Counter(t.split(' row ')[0] for t in Document.objects.filter("
            "title__startswith='load file ').values_list('title', flat=True)); "
            "print(len(c), sorted(set(c.values())))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"    files with documents, and documents per file: {check} (200 each = whole, once)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", default="10,50,100")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--faults", action="store_true")
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",") if level.strip()]

    logs = Path(tempfile.mkdtemp(prefix="stancemap-load-logs-"))
    cluster = Cluster()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "TEST_DATABASE_NAME", "REDIS_URL"}
    }
    env.update(
        DATABASE_URL=cluster.url,
        REDIS_URL=REDIS_URL,
        TASKS_BACKEND="database",
        DEBUG="false",
        SECRET_KEY="load-bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        JOB_STALE_SECONDS="5",
        IMPORT_JOB_FILES="100",
        LOG_LEVEL="ERROR",
    )
    servers: list[Process] = []
    workers: list[Process] = []
    try:
        subprocess.run(["redis-cli", "-n", "7", "flushdb"], check=True, capture_output=True)
        subprocess.run(
            [PY, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        data = seed(env, max([*levels, 20]))
        ports = []
        for name in ("web-1", "web-2"):
            process, port = web(env, logs, name)
            servers.append(process)
            ports.append(port)
        workers.append(worker(env, logs, "worker"))
        print(
            f"two uvicorn processes on ports {ports}, one worker, PostgreSQL on "
            f"{cluster.port}; {os.cpu_count()} cores; load before: {loadavg()}"
        )
        parts = {
            **{f"web-{n}": server.popen.pid for n, server in enumerate(servers, 1)},
            "worker": workers[0].popen.pid,
            "PostgreSQL": cluster.pid(),
        }
        for clients in levels:
            before = {name: cpu_seconds(pid) for name, pid in parts.items()}
            started = time.monotonic()
            tally = asyncio.run(load(data, ports, clients, args.duration))
            elapsed = time.monotonic() - started
            report(f"{clients:3d} clients × {args.duration:.0f} s", tally, args.duration)
            used = {name: cpu_seconds(pid) - before[name] for name, pid in parts.items()}
            answered = max(1, sum(tally.statuses.values()))
            web_ms = sum(used[name] for name in parts if name.startswith("web")) * 1000
            print(
                "    cores used: "
                + ", ".join(f"{name} {seconds / elapsed:.2f}" for name, seconds in used.items())
                + f" (of {os.cpu_count()}); CPU per request: app {web_ms / answered:.1f} ms, "
                f"worker {used['worker'] * 1000 / answered:.1f} ms, "
                f"PostgreSQL {used['PostgreSQL'] * 1000 / answered:.1f} ms"
            )
        if args.faults:
            workers[0].stop()
            fault_worker(env, logs, data, ports[0])
            fault_database(cluster, data, ports)
            fault_web(data, servers, ports)
    finally:
        for process in servers + workers:
            process.stop()
        cluster.destroy()
        print(f"logs in {logs}")


if __name__ == "__main__":
    main()
