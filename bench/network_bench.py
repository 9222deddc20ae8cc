"""Network computation time for a large project, whole and in time windows.

Generates 100,000 statements over 500 actors and 200 claims (uniformly spread, the
densest and so the slowest case) in 2,000 documents over 900 days, in a database of its
own, then times each network kind as the API computes it (the database aggregation and
the matrix together), and then the time-window networks as the windows endpoint
computes them (every window through the network endpoint's path, JSON included), with
two requests past the bound on ties in one answer, to show how soon they are refused.

    .venv/bin/python bench/network_bench.py                 # SQLite in a temporary file
    .venv/bin/python bench/network_bench.py --postgres      # PostgreSQL, database
        stancemap_bench_network created and dropped on PG_URL (default
        postgres://postgres@127.0.0.1:5432/postgres)

The targets are under 2 s per network, and under 30 s for the windows of one request
(at most 400 windows).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corpus.models import Project

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE = "stancemap_bench_network"

CASES: list[dict[str, Any]] = [
    {"kind": "affiliation"},
    {"kind": "affiliation", "qualifier": "subtract", "normalization": "activity"},
    {"kind": "congruence"},
    {"kind": "conflict"},
    {"kind": "cooccurrence"},
    {"kind": "congruence", "normalization": "average", "duplicates": "document"},
    {"kind": "congruence", "normalization": "jaccard"},
]


# The last two pass the bound on ties in one request: they show how soon it refuses.
WINDOW_CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"kind": "affiliation"}, {"size": 30, "step": 7, "unit": "days"}),
    ({"kind": "congruence"}, {"size": 7, "step": 7, "unit": "days"}),
    ({"kind": "conflict"}, {"size": 7, "step": 3, "unit": "days"}),
    ({"kind": "congruence"}, {"size": 30, "step": 7, "unit": "days"}),
    ({"kind": "congruence"}, {"size": 3, "step": 1, "unit": "months"}),
]


def generate(statements: int, actors: int, claims: int, documents: int) -> Project:
    from datetime import UTC, datetime, timedelta

    from django.contrib.auth import get_user_model

    from annotate.models import Actor, Annotation, Claim
    from corpus.models import Document, Project, content_hash

    rng = random.Random(2014)
    user = get_user_model().objects.create_user("bench")
    project = Project.objects.create(name="Bench", slug="bench")
    start = datetime(2014, 1, 1, tzinfo=UTC)
    docs = Document.objects.bulk_create(
        Document(
            project=project,
            title=f"Document {i}",
            text=f"Passage text of document {i}.",
            content_hash=content_hash(f"Passage text of document {i}."),
            source_name=f"Source {i % 12}",
            published_at=start + timedelta(days=i % 900),
        )
        for i in range(documents)
    )
    actor_rows = Actor.objects.bulk_create(
        Actor(
            project=project, name=f"Actor {i:03d}", kind=("person", "organisation", "state")[i % 3]
        )
        for i in range(actors)
    )
    claim_rows = Claim.objects.bulk_create(
        Claim(project=project, label=f"Claim {i:03d}") for i in range(claims)
    )
    stances = ("support", "support", "oppose", "oppose", "neutral")
    Annotation.objects.bulk_create(
        (
            Annotation(
                document=rng.choice(docs),
                start=0,
                end=7,
                quote="Passage",
                actor=rng.choice(actor_rows),
                claim=rng.choice(claim_rows),
                stance=rng.choice(stances),
                created_by=user,
            )
            for _ in range(statements)
        ),
        batch_size=5000,
    )
    return project


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from annotate.networks import NetworkOptions, compute_network
    from corpus.models import Project

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    existing = Project.objects.filter(slug="bench").first()
    project = existing or generate(args.statements, args.actors, args.claims, args.documents)
    with connection.cursor() as cursor:
        # Fresh tables have no planner statistics until autovacuum comes round.
        cursor.execute("ANALYZE")
    print(
        f"{connection.vendor}: {args.statements:,} statements, {args.actors} actors, "
        f"{args.claims} claims, {args.documents} documents "
        f"{'reused' if existing else 'generated'} in {time.perf_counter() - began:.1f} s"
    )
    worst = 0.0
    for case in CASES:
        options = NetworkOptions(**case)
        times = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            network = compute_network(project=project, options=options)
            times.append(time.perf_counter() - began)
        ties = sum(1 for _ in network.edges())
        label = " ".join(f"{k}={v}" for k, v in case.items())
        print(
            f"  {label:<62} median {statistics.median(times):6.3f} s  best {min(times):6.3f} s"
            f"  ({ties:,} ties)"
        )
        worst = max(worst, statistics.median(times))
    verdict = "within" if worst < 2 else "OVER"
    print(f"slowest median {worst:.3f} s: {verdict} the 2 s target")

    from annotate.networks import WindowError, window_networks

    slowest = 0.0
    for case, lengths in WINDOW_CASES:
        began = time.perf_counter()
        label = " ".join(f"{k}={v}" for k, v in {**case, **lengths}.items())
        try:
            windows = window_networks(project, NetworkOptions(**case), **lengths)
        except WindowError as error:
            took = time.perf_counter() - began
            slowest = max(slowest, took)
            print(f"  windows {label:<46} refused in {took:6.2f} s: {error}")
            continue
        took = time.perf_counter() - began
        slowest = max(slowest, took)
        counted = sum(w["statements"] for w in windows) / max(len(windows), 1)
        print(
            f"  windows {label:<46} {len(windows):4d} windows in {took:6.2f} s "
            f"({1000 * took / max(len(windows), 1):5.0f} ms each, {counted:,.0f} statements each)"
        )
    verdict = "within" if slowest < 30 else "OVER"
    print(f"slowest windows request {slowest:.2f} s: {verdict} the 30 s target")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cores (the targets are for an idle machine)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="run on PostgreSQL")
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--actors", type=int, default=500)
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--documents", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL database and reuse it next time"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not args.postgres:
        with tempfile.TemporaryDirectory() as directory:
            os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
            run(args)
        return

    import psycopg

    server = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(server, autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]
        ).fetchone()
        if exists and not args.keep:
            admin.execute(f"DROP DATABASE {BENCH_DATABASE}")
        if not exists or not args.keep:
            admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    try:
        os.environ["DATABASE_URL"] = server.rsplit("/", 1)[0] + f"/{BENCH_DATABASE}"
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")


if __name__ == "__main__":
    main()
