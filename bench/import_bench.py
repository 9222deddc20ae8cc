"""Import benchmark: 10,000 generated documents as files, through the import command.

Run by hand against PostgreSQL (never in CI):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import_bench.py

It creates the database ``stancemap_bench_import`` (or ``--database-name``) next to the one
named, migrates it,
writes the files into a temporary folder, imports them with ``import_documents`` and
drops the database again. It prints documents per second and the process's peak resident
memory before and after the import (tracing allocations would slow the import itself).

The import leaves the search index to the ``index_documents`` task, as a deployment with
a task worker does (the documents are searchable at once meanwhile, by their text); the
benchmark then runs that indexing itself and prints its time apart, and both together.
``--files N`` changes the number of files; run it with two sizes to see that memory
stays flat.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg
    from dj_database_url import DBConfig

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "stancemap_bench_import"

WORDS = (  # noqa: SIM905 - a sentence reads better than a list of strings
    "Japan Russia Abe Putin sanctions islands Kuril treaty Moscow Tokyo talks summit energy "
    "economy cooperation security China alliance minister president dispute negotiation "
    "the a of to and in on for with that said would could policy government official"
).split()


def write_corpus(folder: Path, count: int) -> int:
    rng = random.Random(20161215)
    total = 0
    for n in range(count):
        sub = folder / f"{n // 1000:03d}"
        sub.mkdir(exist_ok=True)
        paragraphs = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90))).capitalize() + "."
            for _ in range(rng.randint(3, 6))
        ]
        text = f"Report {n}: {rng.choice(WORDS)} and {rng.choice(WORDS)}\n\n" + "\n\n".join(
            paragraphs
        )
        data = text.encode()
        (sub / f"doc-{n:05d}.txt").write_bytes(data)
        total += len(data)
    return total


def fresh_database(config: DBConfig, name: str) -> psycopg.Connection:
    """An empty database ``name`` on the server of ``config`` (dj-database-url's), and the
    connection to drop it with afterwards."""
    import psycopg

    admin = psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname=config["NAME"],
        autocommit=True,
    )
    admin.execute(f"DROP DATABASE IF EXISTS {name}")
    admin.execute(f"CREATE DATABASE {name}")
    return admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--database-name", default=BENCH_DB)
    args = parser.parse_args()
    name = args.database_name

    import dj_database_url

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server; the benchmark is for PostgreSQL.")
    admin = fresh_database(config, name)
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # As in production: with DEBUG on, Django keeps the text of every query it ran.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    try:
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import override_settings

        from corpus.models import Document
        from corpus.search import index_in_parallel
        from corpus.services import create_project

        QUEUED = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

        call_command("migrate", verbosity=0)
        owner = get_user_model().objects.create_user("bench", password="bench-pass-123")
        project = create_project(name="Benchmark", owner=owner)
        with tempfile.TemporaryDirectory() as folder:
            size = write_corpus(Path(folder), args.files)
            os.sync()  # the files are on disk before the clock starts, as an analyst's are
            print(f"{args.files} files, {size / 1e6:.1f} MB of text, in {folder}")
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            started = time.perf_counter()
            out = io.StringIO()
            with override_settings(TASKS=QUEUED):
                call_command(
                    "import_documents", folder, project=project.slug, no_progress=True, stdout=out
                )
            elapsed = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        count = Document.objects.filter(project=project).count()
        print("\n".join(out.getvalue().strip().splitlines()[-2:]))
        print(
            f"import: {count:,} documents in {elapsed:.2f} s: {count / elapsed:,.0f} documents/s "
            "(target: at least 6,000)"
        )
        ids = list(Document.objects.filter(project=project).values_list("id", flat=True))
        started = time.perf_counter()
        indexed = index_in_parallel(ids)
        indexing = time.perf_counter() - started
        print(
            f"search index built afterwards: {indexed:,} documents in {indexing:.2f} s "
            f"({indexed / indexing:,.0f} documents/s)"
        )
        total = elapsed + indexing
        print(f"import and index together: {total:.2f} s: {count / total:,.0f} documents/s")
        print(
            f"peak resident memory: {before:.0f} MB before the import, {after:.0f} MB after "
            f"(+{after - before:.0f} MB)"
        )
        connection.close()
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


if __name__ == "__main__":
    main()
