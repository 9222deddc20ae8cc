"""API tokens: exchanged for a password over the API, shown and replaced in the UI."""

import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_a_username_and_password_get_the_users_token(api, cast):
    response = api().post(
        "/api/auth/token/", {"username": "bob", "password": "pass-word-123"}, format="json"
    )
    assert response.status_code == 200
    key = response.json()["token"]
    assert key == Token.objects.get(user=cast.bob).key
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/projects/").status_code == 200


def test_a_wrong_password_gets_no_token(api, cast):
    response = api().post(
        "/api/auth/token/", {"username": "bob", "password": "guess"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    assert not Token.objects.exists()


def test_guessing_passwords_is_throttled(api, cast, monkeypatch):
    from corpus.api.tokens import TokenThrottle

    monkeypatch.setattr(TokenThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    client = api()
    statuses = [
        client.post(
            "/api/auth/token/", {"username": "bob", "password": "x"}, format="json"
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def test_the_token_page_needs_a_signed_in_user(client):
    response = client.get("/account/api-token/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_token_page_shows_and_rotates_the_token(client, cast):
    client.force_login(cast.carol)
    page = client.get("/account/api-token/").content.decode()
    assert "You have no API token yet." in page
    response = client.post("/account/api-token/", follow=True)
    first = Token.objects.get(user=cast.carol).key
    assert first in response.content.decode()
    client.post("/account/api-token/")
    second = Token.objects.get(user=cast.carol).key
    assert second != first
    assert Token.objects.filter(key=first).count() == 0


def test_the_nav_links_to_the_token_page(client, cast):
    client.force_login(cast.carol)
    assert 'href="/account/api-token/"' in client.get("/projects/").content.decode()
