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


@pytest.fixture
def token_cache(settings):
    """Tokens' users kept in the cache, as with Redis (one process here, so the
    in-process cache stands in for the shared one)."""
    from django.core.cache import cache

    settings.API_TOKEN_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_a_cached_token_asks_the_database_nothing(
    api, cast, token_cache, django_assert_num_queries
):
    client = api("carol")
    assert client.get("/api/projects/").status_code == 200
    with django_assert_num_queries(1):  # the projects, not the token
        assert client.get("/api/projects/").status_code == 200


def test_a_rotated_token_is_refused_on_the_very_next_request(api, cast, token_cache):
    from corpus.services import rotate_api_token

    client = api("bob")
    assert client.get("/api/projects/").status_code == 200
    new_key = rotate_api_token(user=cast.bob)

    assert client.get("/api/projects/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    assert client.get("/api/projects/").status_code == 200


def test_a_deleted_token_is_refused_on_the_very_next_request(api, cast, token_cache):
    client = api("bob")
    assert client.get("/api/projects/").status_code == 200
    Token.objects.filter(user=cast.bob).delete()

    response = client.get("/api/projects/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_a_deactivated_user_is_refused_on_the_very_next_request(api, cast, token_cache):
    client = api("bob")
    assert client.get("/api/projects/").status_code == 200
    cast.bob.is_active = False
    cast.bob.save()

    response = client.get("/api/projects/")
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}
    cast.bob.is_active = True
    cast.bob.save()
    assert client.get("/api/projects/").status_code == 200


def test_a_renamed_user_is_shown_by_the_new_name_at_once(api, cast, document, token_cache):
    client = api("bob")
    assert client.get("/api/projects/").status_code == 200
    cast.bob.username = "robert"
    cast.bob.save()

    created = client.post(
        "/api/annotations/", {"document": document.pk, "start": 0, "end": 3}, format="json"
    )
    assert created.json()["created_by"] == "robert"


def test_a_request_that_read_a_token_before_its_change_cannot_keep_it(cast, token_cache):
    """A request reads the token's user, the token is deleted, and only then does that
    request fill the cache: the change's marker wins, and the next request is refused."""
    from django.core.cache import cache
    from rest_framework.exceptions import AuthenticationFailed

    from corpus.api import authentication

    key = Token.objects.create(user=cast.bob).key
    read = authentication._read_user
    deleted: list[str] = []

    def read_then_change(*args):
        values = read(*args)
        if not deleted:
            Token.objects.filter(key=key).delete()
            deleted.append(key)
        return values

    checker = authentication.TokenAuthentication()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(authentication, "_read_user", read_then_change)
        assert checker.authenticate_credentials(key)[0] == cast.bob
    assert cache.get(authentication.cache_key(key)) == authentication.CHANGED
    with pytest.raises(AuthenticationFailed):
        checker.authenticate_credentials(key)
