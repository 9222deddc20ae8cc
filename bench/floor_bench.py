"""The floor: what PostgreSQL and HTTP alone take for the API's two hot requests.

A bare WSGI application (no Django, no authentication, no checks) that answers

* ``GET /annotations/?document=<id>&page_size=<n>``: the same rows, in the same order and
  with the same fields as ``GET /api/annotations/?document=<id>&page_size=<n>``, fetched
  with plain psycopg (one prepared statement) and encoded with orjson, in the API's page
  envelope (``next``, ``previous``, ``results``);
* ``POST /annotations/``: the same body as ``POST /api/annotations/``, inserted as the
  same annotation row by one prepared statement (the quote cut from the document's text
  in SQL) and answered as the API's JSON, 201.

``bench/api_bench.py`` serves it with the same gunicorn settings as the app, on the same
database, and drives both with the same client in one run, so that every figure it prints
stands beside its floor. Run by hand: it is a benchmark's yardstick, not a server.

Standalone (needs a database that ``api_bench.py --keep`` left, or any with the schema)::

    FLOOR_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_perf FLOOR_USER_ID=1 \\
        .venv/bin/gunicorn --chdir bench floor_bench:application
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import orjson
import psycopg
from psycopg.rows import dict_row

COLUMNS = """a.id, a.document_id AS document, a.start, a."end", a.quote, a.actor_id AS actor,
    a.claim_id AS claim, a.stance, a.note, u.username AS created_by, a.created_at,
    a.updated_at, a.version, a.final, a.curated_from_id AS curated_from"""
READ = f"""SELECT {COLUMNS}
    FROM annotate_annotation a LEFT JOIN auth_user u ON u.id = a.created_by_id
    WHERE a.document_id = %s AND a.deleted_at IS NULL ORDER BY a.id LIMIT %s"""
CREATE = f"""WITH a AS (
        INSERT INTO annotate_annotation (document_id, start, "end", quote, actor_id, claim_id,
            stance, note, metadata, created_by_id, created_at, updated_at, version, final)
        SELECT d.id, %(start)s, %(end)s, substr(d.text, %(start)s + 1, %(end)s - %(start)s),
            %(actor)s, %(claim)s, %(stance)s, %(note)s, '{{}}', %(user)s, now(), now(), 1, false
        FROM corpus_document d WHERE d.id = %(document)s
        RETURNING *)
    SELECT {COLUMNS} FROM a LEFT JOIN auth_user u ON u.id = a.created_by_id"""
JSON = [("Content-Type", "application/json")]
OPTIONS = orjson.OPT_UTC_Z

_connection: psycopg.Connection | None = None


def connection() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(
            os.environ["FLOOR_DATABASE_URL"], autocommit=True, prepare_threshold=0
        )
    return _connection


def application(
    environ: dict[str, Any], start_response: Callable[[str, list[tuple[str, str]]], Any]
) -> Iterable[bytes]:
    method = environ["REQUEST_METHOD"]
    if environ["PATH_INFO"] == "/health/":
        body = b"{}"
        status = "200 OK"
    elif method == "GET":
        query = parse_qs(environ.get("QUERY_STRING", ""))
        document = int(query["document"][0])
        size = int(query.get("page_size", ["100"])[0])
        with connection().cursor(row_factory=dict_row) as cursor:
            rows = cursor.execute(READ, (document, size + 1)).fetchall()
        page = {"next": None, "previous": None, "results": rows[:size]}
        body = orjson.dumps(page, option=OPTIONS)
        status = "200 OK"
    else:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        given = orjson.loads(environ["wsgi.input"].read(length))
        values = {
            "document": given["document"],
            "start": given["start"],
            "end": given["end"],
            "actor": given.get("actor"),
            "claim": given.get("claim"),
            "stance": given.get("stance"),
            "note": given.get("note", ""),
            "user": int(os.environ["FLOOR_USER_ID"]),
        }
        with connection().cursor(row_factory=dict_row) as cursor:
            row = cursor.execute(CREATE, values).fetchone()
        body = orjson.dumps(row, option=OPTIONS)
        status = "201 Created"
    start_response(status, [*JSON, ("Content-Length", str(len(body)))])
    return [body]
