"""How long the server takes to render the reader for a document with 1,000 annotations.

Run by hand: ``.venv/bin/python bench/reader_bench.py`` (SQLite), or with
``DATABASE_URL=postgres://...`` for PostgreSQL. It works in a throwaway test database
(``TEST_DATABASE_NAME`` names it) and prints the median of 20 requests and the page's size:
first the page read again unchanged (drawn once, then remembered), then the page drawn
anew each time, as after an edit.
With ``--profile`` it then runs the same requests under cProfile and prints the functions
that took the most time, with their callees (``--profile-lines`` sets how many).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

ANNOTATIONS = 1000
RUNS = 20


def fill():
    from django.contrib.auth.models import User

    from annotate.demo import CORPUS_DIR
    from annotate.models import Actor, Claim, Stance
    from annotate.services.annotations import NewAnnotation, create_annotations
    from corpus.models import Membership, Project, Role
    from corpus.services import create_document

    user = User.objects.create_user("bench", password="bench-pass-word")
    project = Project.objects.create(name="Bench", slug="bench")
    Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
    text = "\n\n".join(path.read_text() for path in sorted(CORPUS_DIR.glob("*.txt")))
    document = create_document(project=project, title="Long document", text=text)
    actors = [Actor.objects.create(project=project, name=f"Actor {n}") for n in range(40)]
    claims = [Claim.objects.create(project=project, label=f"Claim {n}") for n in range(25)]
    rng = random.Random(4)
    stances = [*Stance.values, None]
    items = []
    for _ in range(ANNOTATIONS):
        start = rng.randrange(0, len(text) - 400)
        end = start + rng.randrange(5, 400)
        items.append(
            NewAnnotation(
                document=document,
                start=start,
                end=end,
                actor=rng.choice([*actors, None]),
                claim=rng.choice([*claims, None]),
                stance=rng.choice(stances),
            )
        )
    create_annotations(items=items, created_by=user)
    return user, document


def measure(client: Client, url: str, *, forget: bool) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each request; with ``forget``, the drawings kept by
    ``annotate.highlights.draw_reader`` are forgotten before each, as an edit makes them."""
    from annotate.highlights import forget_drawings

    timings, cpu = [], []
    for _ in range(RUNS):
        if forget:
            forget_drawings()
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    return timings, cpu


def profile(client: Client, url: str, lines: int) -> None:
    """The same requests under cProfile: where the time goes, by own and cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(RUNS):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    print(f"\nprofile of {RUNS} requests, by cumulative time:")
    stats.sort_stats("cumulative").print_stats(lines)
    print(f"profile of {RUNS} requests, by own time:")
    stats.sort_stats("tottime").print_stats(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--profile", action="store_true", help="profile the requests too (read again)"
    )
    parser.add_argument("--profile-lines", type=int, default=40)
    options = parser.parse_args()
    setup_test_environment()
    settings.DEBUG = False
    # A database of its own, so that the bench never replaces another test run's.
    connection.settings_dict["TEST"]["NAME"] = (
        os.environ.get("TEST_DATABASE_NAME") or "test_reader_bench"
        if connection.vendor == "postgresql"
        else None
    )
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user, document = fill()
        client = Client()
        client.force_login(user)
        url = reverse(
            "annotate:reader", kwargs={"project": document.project.slug, "document": document.pk}
        )
        response = client.get(url)  # warm up
        assert response.status_code == 200, response.status_code
        size = len(response.content)
        print(f"database: {connection.vendor}")
        print(f"document: {len(document.text):,} characters, {ANNOTATIONS:,} annotations")
        print(f"load average: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        for label, forget in [("read again", False), ("drawn anew", True)]:
            timings, cpu = measure(client, url, forget=forget)
            print(
                f"reader server time, {label}: median {statistics.median(timings):.1f} ms "
                f"(min {min(timings):.1f}, max {max(timings):.1f}) over {RUNS} requests"
            )
            # On a shared machine the wall time includes waiting for a core; the
            # process's CPU time shows what the request itself costs.
            print(
                f"reader CPU time, {label} (this process): median {statistics.median(cpu):.1f} ms"
            )
        print(f"reader HTML size: {size:,} bytes ({size / 1024:.0f} KiB)")
        if options.profile:
            profile(client, url, options.profile_lines)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
