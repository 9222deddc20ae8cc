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
  The same check stands in for psycopg_pool's, which sends an empty query each time a
  pooled connection is handed out (:func:`check_pooled`).
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

from django.db.backends.postgresql import base
from psycopg import pq
from psycopg.types.datetime import TimestamptzLoader

TIMESTAMPTZ = "timestamptz"


def _idle_and_quiet(connection: Any) -> bool:
    """Whether a connection is open, outside a transaction, with nothing to read: a
    server that ended it would have left its last word, or the end of the stream."""
    pgconn = connection.pgconn
    return bool(
        pgconn.status == pq.ConnStatus.OK
        and pgconn.transaction_status == pq.TransactionStatus.IDLE
        and not select.select([pgconn.socket], [], [], 0)[0]
    )


def check_pooled(connection: Any) -> None:
    """psycopg_pool's check as a pooled connection is handed out: without a query when
    the connection is idle and quiet, else psycopg_pool's own (which raises for a dead
    one, and the pool then opens another)."""
    from psycopg_pool import ConnectionPool

    if not connection.closed and _idle_and_quiet(connection):
        return
    ConnectionPool.check_connection(connection)


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self) -> Any:
        options = self.settings_dict["OPTIONS"].get("pool")
        if (
            options
            and self.settings_dict["CONN_HEALTH_CHECKS"]
            and self.alias not in self._connection_pools  # type: ignore[attr-defined]
        ):
            options = {"check": check_pooled, **({} if options is True else options)}
            self.settings_dict = {
                **self.settings_dict,
                "OPTIONS": {**self.settings_dict["OPTIONS"], "pool": options},
            }
        return super().pool

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
        if _idle_and_quiet(connection):
            return True
        return super().is_usable()
