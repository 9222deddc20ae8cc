"""Import benchmark for one large table: a CSV of 1,000,000 short rows (about 6.9 MB).

Run by hand (never in CI):

    .venv/bin/python bench/import_rows_bench.py [--rows 1000000] [--format csv|jsonl]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/import_rows_bench.py

On SQLite (the default) it uses a temporary database file; on PostgreSQL it creates the
database ``stancemap_bench_rows`` next to the one named and drops it afterwards. It
imports the file through ``import_files``, as the page, the API and the command do, and
prints the file's result, the time it took and the process's peak resident memory before
and after (tracing allocations would slow the import itself).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "stancemap_bench_rows"


def memory_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak since the last reset) of this process, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Start VmHWM afresh (Linux), so that the peak is the import's, not the set-up's."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def make_file(rows: int, kind: str) -> bytes:
    if kind == "csv":
        return b"text\n" + b"".join(b"%d\n" % n for n in range(rows))
    return b"".join(b'{"text": "%d"}\n' % n for n in range(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    admin = None
    if url.startswith("postgres"):
        import dj_database_url
        from import_bench import fresh_database

        admin = fresh_database(dj_database_url.parse(url), BENCH_DB)
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + BENCH_DB
    else:
        folder = tempfile.mkdtemp(prefix="stancemap-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # As in production: with DEBUG on, Django keeps the text of every query it ran.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    from corpus.importing import Upload, import_files
    from corpus.models import Document, Project

    try:
        call_command("migrate", verbosity=0)
        project = Project.objects.create(name="Bench", slug="bench")
        data = make_file(args.rows, args.format)
        name = f"rows.{args.format}"
        print(
            f"{connection.vendor}: {name}, {args.rows:,} rows, {len(data) / 1e6:.1f} MB "
            f"(limit {settings.IMPORT_MAX_FILE_SIZE / 1e6:.1f} MB, "
            f"{getattr(settings, 'IMPORT_MAX_ROWS', None)} rows)"
        )
        reset_peak()
        before = memory_mb("VmRSS")
        started = time.perf_counter()
        try:
            [result] = import_files(
                project=project, uploads=[Upload.from_bytes(name, data)], created_by=None
            )
            outcome = f"{result.status}: {result.message[:160]}"
        except Exception as error:  # noqa: BLE001 - the benchmark reports what a request would
            outcome = f"raised {type(error).__name__}: {str(error)[:160]}"
        elapsed = time.perf_counter() - started
        print(outcome)
        print(f"documents in the database: {Document.objects.count():,}")
        print(f"time: {elapsed:.1f} s")
        print(
            f"resident memory: {before:.0f} MB before, peak {memory_mb('VmHWM'):.0f} MB "
            "during the import"
        )
    finally:
        connections.close_all()
        if admin is not None:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")


if __name__ == "__main__":
    main()
