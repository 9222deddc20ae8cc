"""A client generated from the schema with openapi-python-client downloads every network
format: JSON as a model, GraphML and GEXF as files, the CSVs as text.

Workload: the OpenAPI schema (``manage.py spectacular``), a client generated from it, and
the app served by ``manage.py runserver`` on a free local port over a throwaway SQLite
database with the demo project. The generated client (run by the generator's own Python,
which has httpx and attrs) signs in with the demo account's token and fetches the
project's (affiliation) network in each format. Prints, per format, the status, the media
type, what the client parsed it into and its size; exits non-zero if any failed.

openapi-python-client is not a dependency of the app; install it anywhere, e.g.
``uv tool install openapi-python-client``, then run by hand, never in CI:

    .venv/bin/python bench/generated_client.py [--generator ~/.local/bin/openapi-python-client]

GraphML and GEXF have their own media types, which the generator does not know; its
``content_type_overrides`` setting (written here) makes them files (bytes). Without it
the generator leaves those answers unparsed (``sync_detailed(...).content`` has the bytes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = """\
content_type_overrides:
  application/graphml+xml: application/octet-stream
  application/gexf+xml: application/octet-stream
"""
# Runs in the generator's Python, with the generated package on its path.
CLIENT = textwrap.dedent(
    """
    import sys
    from stancemap_client import AuthenticatedClient
    from stancemap_client.api.projects import (
        project_network, project_network_csv, project_network_edges_csv,
        project_network_gexf, project_network_graphml, projects_list,
    )
    from stancemap_client.types import File

    base_url, token = sys.argv[1], sys.argv[2]
    client = AuthenticatedClient(base_url=base_url, token=token, prefix="Token")
    project = projects_list.sync(client=client).results[0]
    failed = False
    for name, module in [
        ("json", project_network), ("graphml", project_network_graphml),
        ("gexf", project_network_gexf), ("csv", project_network_csv),
        ("edges.csv", project_network_edges_csv),
    ]:
        answer = module.sync_detailed(client=client, id=project.id)
        parsed = answer.parsed
        if isinstance(parsed, File):
            size, shown = len(parsed.payload.read()), "File (bytes)"
        elif isinstance(parsed, str):
            size, shown = len(parsed), "str"
        else:
            size, shown = len(answer.content), type(parsed).__name__
        ok = answer.status_code == 200 and parsed is not None and size > 0
        failed |= not ok
        print(f"{name:10} {answer.status_code} {answer.headers['content-type']:40} "
              f"{shown:16} {size:7,} bytes {'ok' if ok else 'FAILED'}")
    sys.exit(1 if failed else 0)
    """
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generator", default=shutil.which("openapi-python-client"))
    arguments = parser.parse_args()
    if not arguments.generator:
        parser.error("openapi-python-client not found; install it or pass --generator")
    generator = Path(arguments.generator)
    python = generator.parent / "python"
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}", "DEBUG": "true"}
        manage(env, "spectacular", "--file", str(work / "schema.yaml"))
        (work / "config.yaml").write_text(CONFIG)
        started = time.monotonic()
        subprocess.run(
            [
                str(generator),
                "generate",
                "--path",
                str(work / "schema.yaml"),
                "--config",
                str(work / "config.yaml"),
                "--output-path",
                str(work / "stancemap_client"),
                "--meta",
                "none",
            ],
            check=True,
            capture_output=True,
        )
        print(f"client generated in {time.monotonic() - started:.1f} s")
        manage(env, "migrate", "--no-input")
        manage(env, "load_demo")
        token = manage(env, "drf_create_token", "demo").split()[2]
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base_url}/api/schema/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            (work / "run_client.py").write_text(CLIENT)
            return subprocess.run(
                [str(python), str(work / "run_client.py"), base_url, token], cwd=work
            ).returncode
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    sys.exit(main())
