"""How scripts sign their API requests: ``Authorization: Token <key>``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, with the user loaded by one plain query.

    Every request a script makes passes through here, and building the ORM's
    token-and-user join took longer than PostgreSQL took to answer it.
    """

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        users = get_user_model()._meta
        quote = connection.ops.quote_name
        # Named columns: a prepared "u.*" would fail once a migration adds one.
        columns = ", ".join(f"u.{quote(str(field.column))}" for field in users.concrete_fields)
        sql = (
            f"SELECT {columns} FROM {quote(users.db_table)} u "
            f"JOIN {quote(Token._meta.db_table)} t ON t.user_id = u.{quote(str(users.pk.column))} "
            "WHERE t.key = %s"
        )
        user = next(iter(get_user_model().objects.raw(sql, [key])), None)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return user, Token(key=key, user=user)
