"""Export of a large project as a DNA database: time and memory.

Generates projects of 20,000 and 100,000 statements (500 actors, 200 claims, 2,000
documents, as ``network_bench.py`` does) in a temporary SQLite database, writes each as a
``.dna`` file the way ``GET /api/projects/<id>/dna/`` does, and prints the time, the
file's size and the peak of Python's allocations while writing (``tracemalloc``): the
peak should stay the same whatever the number of statements, as rows are read in chunks
and written to the file.

    .venv/bin/python bench/dna_export_bench.py

Target: 100,000 statements in under 20 s, with a peak under 50 MB.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def run(statements: int) -> None:
    import django

    django.setup()
    import network_bench
    from django.core.management import call_command

    from annotate.dna_export import write_dna

    call_command("migrate", verbosity=0)
    project = network_bench.generate(statements, 500, 200, 2_000)
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "bench.dna")
        tracemalloc.start()
        began = time.perf_counter()
        written = write_dna(project, path)
        took = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size = os.path.getsize(path)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"{written:>7,} statements: {took:6.2f} s, file {size / 1e6:5.1f} MB, "
        f"peak allocations {peak / 1e6:5.1f} MB (load average {load} on {os.cpu_count()} cores)"
    )


def main() -> None:
    """Each size in a fresh process and database, so that one does not warm the other."""
    import subprocess

    if len(sys.argv) > 1:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        with tempfile.TemporaryDirectory() as directory:
            os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
            run(int(sys.argv[1]))
        return
    for statements in (20_000, 100_000):
        subprocess.run([sys.executable, __file__, str(statements)], check=True)


if __name__ == "__main__":
    main()
