"""API clients for the cast: ``api("bob")`` sends bob's token with every request."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import make_annotation, make_document


@pytest.fixture
def api(cast):
    def client_for(username: str | None = None) -> APIClient:
        client = APIClient()
        if username is not None:
            user = getattr(cast, username)
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def annotation(document, cast):
    return make_annotation(document, start=0, end=5, created_by=cast.bob)


@pytest.fixture
def foreign_document(cast):
    return make_document(cast.other, title="Mallory's document")
