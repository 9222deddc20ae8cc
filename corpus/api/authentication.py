"""How scripts sign their API requests: ``Authorization: Token <key>``.

With ``API_TOKEN_CACHE_SECONDS`` set (it is when the cache is Redis, shared by every
process), a token's user is kept in Django's cache, so that a request asks the cache
instead of the database. Every change that could refuse a token empties its entry at
once, in every process: deleting or rotating the token, and saving or deleting its user
(a deactivation, a new password, a new username). The entry is then replaced by a
short-lived marker that a request which read the database just before the change cannot
overwrite, so it never puts the old user back. Changes that bypass ``save()`` and
``delete()`` (``QuerySet.update()`` of users) are seen when the entry expires.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connections, router
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

#: What a changed token's entry holds for a while: "ask the database, keep nothing".
CHANGED = "changed"
#: How long that lasts: longer than any request takes from its read to its write.
CHANGED_SECONDS = 60


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, with the user loaded by one plain query.

    Every request a script makes passes through here, and building the ORM's
    token-and-user join took longer than PostgreSQL took to answer it.
    """

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        model = get_user_model()
        database = router.db_for_read(model)
        attnames, sql, converters = _user_by_token(model, database)
        seconds = settings.API_TOKEN_CACHE_SECONDS
        cached = cache.get(cache_key(key)) if seconds else None
        if cached is not None and cached != CHANGED:
            values = cached
        else:
            values = _read_user(database, sql, converters, key)
            if values is None:
                raise exceptions.AuthenticationFailed("Invalid token.")
            if seconds and cached is None:
                # add, not set: a change since the read above left its marker.
                cache.add(cache_key(key), values, seconds)
        user = model.from_db(database, attnames, values)
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return user, Token(key=key, user=user)


def _read_user(database: str, sql: str, converters: list[Any], key: str) -> list[Any] | None:
    """The token's user's column values, converted as the ORM converts them, or None."""
    # A plain cursor and ``from_db`` build the user as the ORM would (with the
    # backend's converters, SQLite's for moments), without a raw queryset's reading
    # of the columns on every request.
    connection = connections[database]
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, expression, convert in converters:
        values[position] = convert(values[position], expression, connection)
    return values


def cache_key(key: str) -> str:
    """A token's entry in the cache, named by a digest: the cache never holds a key."""
    return "api-token:" + hashlib.sha256(key.encode()).hexdigest()


def forget_tokens(*keys: str) -> None:
    """Empty the tokens' entries, at once and for every process (see the docstring)."""
    if settings.API_TOKEN_CACHE_SECONDS and keys:
        cache.set_many({cache_key(key): CHANGED for key in keys}, CHANGED_SECONDS)


def token_changed(sender: Any, instance: Token, created: bool = False, **kwargs: Any) -> None:
    if not created:  # a new key has no entry to forget
        forget_tokens(instance.key)


def user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if settings.API_TOKEN_CACHE_SECONDS and instance.pk is not None:
        forget_tokens(*Token.objects.filter(user_id=instance.pk).values_list("key", flat=True))


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
