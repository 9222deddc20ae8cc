"""Guessing passwords: after a few wrong ones, an account and a client address are held
back for a while, on the sign-in page and at the API's token endpoint alike."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LIMIT = 4


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def sign_in(client, username, password, address="192.0.2.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def ask_token(username, password, address="192.0.2.1"):
    return APIClient().post(
        "/api/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def test_wrong_passwords_for_an_account_are_answered_429_on_the_page(client, cast):
    statuses = [sign_in(client, "bob", f"guess-{n}").status_code for n in range(LIMIT + 2)]
    assert statuses == [200] * (LIMIT - 1) + [429] * 3
    response = sign_in(client, "bob", "pass-word-123")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert f"{settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in page
    assert 'name="username"' in page  # still the sign-in page, with its form


def test_the_account_is_held_back_from_another_address_too(client, cast):
    for n in range(LIMIT):
        sign_in(client, "bob", f"guess-{n}", address="192.0.2.1")
    assert sign_in(client, "bob", "pass-word-123", address="198.51.100.7").status_code == 429


def test_one_address_guessing_many_accounts_is_held_back(client, cast):
    for n in range(LIMIT):
        sign_in(client, f"nobody-{n}", "guess", address="192.0.2.9")
    assert sign_in(client, "carol", "pass-word-123", address="192.0.2.9").status_code == 429
    response = sign_in(client, "carol", "pass-word-123", address="198.51.100.7")
    assert response.status_code == 302  # carol, from elsewhere, signs in


def test_wrong_passwords_at_the_token_endpoint_are_answered_429_in_json(cast):
    statuses = [ask_token("bob", f"guess-{n}").status_code for n in range(LIMIT)]
    assert statuses == [400] * (LIMIT - 1) + [429]
    response = ask_token("bob", "pass-word-123")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "Too many failed sign-in attempts" in response.json()["detail"]
    assert "token" not in response.json()


def test_the_page_and_the_token_endpoint_count_together(client, cast):
    for n in range(LIMIT - 1):
        sign_in(client, "bob", f"guess-{n}")
    assert ask_token("bob", "guess").status_code == 429


def test_failures_are_counted_in_the_configured_cache_shared_by_every_process(client, cast):
    # The counts live in the cache (Redis when REDIS_URL is set), not in one process's
    # memory: emptying the cache forgets them.
    for n in range(LIMIT - 1):
        sign_in(client, "bob", f"guess-{n}")
    cache.clear()
    assert sign_in(client, "bob", "guess-again").status_code == 200
    assert settings.AXES_HANDLER == "axes.handlers.cache.AxesCacheHandler"


def test_a_right_password_before_the_limit_signs_in_and_starts_the_count_afresh(client, cast):
    for n in range(LIMIT - 1):
        sign_in(client, "bob", f"guess-{n}")
    assert sign_in(client, "bob", "pass-word-123").status_code == 302
    client.logout()
    assert sign_in(client, "bob", "one-more-guess").status_code == 200
