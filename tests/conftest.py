"""The cast: alice owns the project, bob annotates in it, carol only views it, and
mallory owns another project and must never see this one."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from corpus.models import Role

from .factories import add_member, make_document, make_project, make_user


@pytest.fixture
def cast(db):
    project = make_project("Japan–Russia relations", slug="japan-russia")
    other = make_project("Elsewhere", slug="elsewhere")
    alice = make_user("alice")
    bob = make_user("bob")
    carol = make_user("carol")
    mallory = make_user("mallory")
    add_member(project, alice, Role.OWNER)
    add_member(project, bob, Role.ANNOTATOR)
    add_member(project, carol, Role.VIEWER)
    add_member(other, mallory, Role.OWNER)
    return SimpleNamespace(
        project=project, other=other, alice=alice, bob=bob, carol=carol, mallory=mallory
    )


@pytest.fixture
def document(cast):
    return make_document(cast.project, title="Abe and Putin")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs a third of a second per user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttles and the sign-in failure counts live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()
