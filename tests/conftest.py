"""The cast: alice owns the project, bob annotates in it, carol only views it, and
mallory owns another project and must never see this one."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from corpus.models import Role

from .factories import (
    add_member,
    make_actor,
    make_annotation,
    make_claim,
    make_document,
    make_project,
    make_user,
)


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
def curator(cast):
    """cora curates the cast's project: she sees everyone's work but manages no one."""
    cast.cora = make_user("cora")
    add_member(cast.project, cast.cora, Role.CURATOR)
    return cast.cora


@pytest.fixture
def document(cast):
    return make_document(cast.project, title="Abe and Putin")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``committed(call)`` runs ``call`` and then what waited for its transaction to
    commit (a job's queueing, events), as when a request commits outside a test."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs a third of a second per user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(cast, document, curator):
    """One of everything in the cast's project, for the permission matrices: bob's
    annotation and a trashed one, an actor, a claim, a second document, an open
    invitation and bob's assignment of the first document."""
    from annotate.services.trash import trash_annotation
    from corpus import teams

    annotation = make_annotation(document, start=0, end=5, created_by=cast.bob)
    trashed = make_annotation(document, start=6, end=14, created_by=cast.bob)
    trash_annotation(annotation=trashed, trashed_by=cast.bob)
    return SimpleNamespace(
        project=cast.project,
        document=document,
        second=make_document(cast.project, title="Second"),
        annotation=annotation,
        trashed=trashed,
        actor=make_actor(cast.project, "Shinzo Abe"),
        claim=make_claim(cast.project, "Lift the sanctions"),
        invitation=teams.create_invitation(
            project=cast.project, role="viewer", created_by=cast.alice, url_for=str
        ).invitation,
        assignment=teams.assign_document(
            project=cast.project, document=document.pk, annotator="bob", assigned_by=cast.alice
        ),
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttles and the sign-in failure counts live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()
