"""How scripts sign their API requests: ``Authorization: Token <key>``."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections, router
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, with the user loaded by one plain query.

    Every request a script makes passes through here, and building the ORM's
    token-and-user join took longer than PostgreSQL took to answer it.
    """

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        model = get_user_model()
        database = router.db_for_read(model)
        attnames, sql, converters = _user_by_token(model, database)
        # A plain cursor and ``from_db`` build the user as the ORM would (with the
        # backend's converters, SQLite's for moments), without a raw queryset's reading
        # of the columns on every request.
        connection = connections[database]
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        values = list(row)
        for position, expression, convert in converters:
            values[position] = convert(values[position], expression, connection)
        user = model.from_db(database, attnames, values)
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return user, Token(key=key, user=user)


@functools.cache
def _user_by_token(model: type[Any], database: str) -> tuple[list[str], str, list[Any]]:
    """The user's fields, the query that reads them by token key and the converters the
    ORM applies to them (position, column, function), made once."""
    users = model._meta
    connection = connections[database]
    quote = connection.ops.quote_name
    fields = list(users.concrete_fields)
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(users.db_table)
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(
            connection
        ):
            converters.append((position, column, convert))
    # Named columns: a prepared "u.*" would fail once a migration adds one.
    columns = ", ".join(f"u.{quote(str(field.column))}" for field in fields)
    sql = (
        f"SELECT {columns} FROM {quote(users.db_table)} u "
        f"JOIN {quote(Token._meta.db_table)} t ON t.user_id = u.{quote(str(users.pk.column))} "
        "WHERE t.key = %s"
    )
    return [field.attname for field in fields], sql, converters
