"""Django's PostgreSQL backend, with two savings on every request.

* **The health check asks the socket, not the server.** With ``CONN_HEALTH_CHECKS`` on,
  Django sends ``SELECT 1`` before a request's first query, one round trip on every
  request. An idle connection has nothing to read: when its server ends it (a restart,
  ``pg_terminate_backend``, an idle timeout), the server's last word or the end of the
  stream makes the socket readable. So an idle connection whose socket has nothing to
  read is taken as usable without a query; one with anything to read, or in the middle
  of a transaction, gets Django's ``SELECT 1`` as before. A server that vanishes without
  a word (a cut network) is found by the request's first query instead, which answers
  503 (``corpus.middleware.DatabaseUnavailableMiddleware``) and closes the connection, as
  a connection lost during a request always did.
  With a pool (``OPTIONS["pool"]``), the pool's check before it hands a connection to a
  request is the same: :func:`check_pooled` in place of psycopg_pool's empty query.
* **Moments load in C.** Django loads every ``timestamptz`` through a Python loader that
  parses it and then relabels it in the connection's time zone; with the session in UTC
  (Django's default: ``TIME_ZONE`` unset in ``DATABASES``) psycopg's own loader, in C,
  returns the very same value, four times faster (a page of 1,000 annotations holds
  2,000 moments). Any other zone keeps Django's loader.

Both are fast paths: ``corpus.fastpaths`` lists them with their equivalence tests.
"""

from __future__ import annotations

import datetime
import select
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS
from django.db.backends.postgresql import base
from psycopg import pq
from psycopg.types.datetime import TimestamptzLoader
from psycopg_pool import ConnectionPool

TIMESTAMPTZ = "timestamptz"


def idle_and_quiet(connection: psycopg.Connection) -> bool:
    """Whether a connection is idle, outside a transaction, with nothing to read: the
    server has not ended it (its last word, or the end of the stream, would be there)."""
    pgconn = connection.pgconn
    return (
        not connection.closed
        and pgconn.status == pq.ConnStatus.OK
        and pgconn.transaction_status == pq.TransactionStatus.IDLE
        and not select.select([pgconn.socket], [], [], 0)[0]
    )


def check_pooled(connection: psycopg.Connection) -> None:
    """The pool's check of a connection it hands out: none of psycopg_pool's empty query
    (a round trip on every request) for an idle and quiet one; that query, which raises
    for a dead connection, for any other."""
    if not idle_and_quiet(connection):
        ConnectionPool.check_connection(connection)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, settings_dict: dict[str, Any], alias: str = DEFAULT_DB_ALIAS) -> None:
        pool = settings_dict.get("OPTIONS", {}).get("pool")
        if pool and settings_dict.get("CONN_HEALTH_CHECKS"):
            # Django would give the pool psycopg_pool's check; a check set in the settings
            # is kept.
            pool = {"check": check_pooled, **({} if pool is True else pool)}
            settings_dict = {**settings_dict, "OPTIONS": {**settings_dict["OPTIONS"], "pool": pool}}
        super().__init__(settings_dict, alias)

    def create_cursor(self, name: Any = None) -> Any:
        cursor = super().create_cursor(name)
        if self.loads_moments_natively():
            cursor.adapters.register_loader(TIMESTAMPTZ, TimestamptzLoader)
        return cursor

    def loads_moments_natively(self) -> bool:
        """Whether psycopg's loader gives what Django's gives: aware moments in UTC."""
        return (
            self.timezone is datetime.UTC
            and self.timezone_name == "UTC"
            and self.connection is not None
            and self.connection.info.parameter_status("TimeZone") == "UTC"
        )

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if idle_and_quiet(connection):
            return True
        return super().is_usable()
