"""Plain factory functions for tests: each makes one object, overrides by keyword."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model

from annotate.models import Actor, Annotation, Claim
from annotate.services.annotations import create_annotation
from corpus.models import Document, Membership, Project, Role
from corpus.services import create_document

_seq = itertools.count(1)

DEFAULT_TEXT = (
    "Prime Minister Shinzo Abe wants closer ties with Russia. "
    "Sergey Naryshkin said sanctions are an obstacle to bilateral relations."
)


def make_user(username: str | None = None, password: str = "pass-word-123", **extra: Any):
    username = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(username=username, password=password, **extra)


def make_project(name: str | None = None, **overrides: Any) -> Project:
    n = next(_seq)
    fields = {"name": name or f"Project {n}", "slug": f"project-{n}"}
    fields.update(overrides)
    return Project.objects.create(**fields)


def add_member(project: Project, user, role: str = Role.ANNOTATOR) -> Membership:
    return Membership.objects.create(project=project, user=user, role=role)


def make_document(project: Project | None = None, **overrides: Any) -> Document:
    fields: dict[str, Any] = {
        "project": project or make_project(),
        "title": f"Document {next(_seq)}",
        "text": DEFAULT_TEXT + f" ({next(_seq)})",
    }
    fields.update(overrides)
    return create_document(**fields)


def make_actor(project: Project, name: str | None = None, **overrides: Any) -> Actor:
    return Actor.objects.create(project=project, name=name or f"Actor {next(_seq)}", **overrides)


def make_claim(project: Project, label: str | None = None, **overrides: Any) -> Claim:
    return Claim.objects.create(project=project, label=label or f"Claim {next(_seq)}", **overrides)


def make_annotation(document: Document | None = None, **overrides: Any) -> Annotation:
    document = document or make_document()
    fields: dict[str, Any] = {"document": document, "start": 0, "end": 5, "created_by": None}
    fields.update(overrides)
    return create_annotation(**fields)


def actor_of(annotation: Annotation) -> Actor:
    """The annotation's actor, which a statement must have (fails the test otherwise)."""
    assert annotation.actor is not None
    return annotation.actor


def claim_of(annotation: Annotation) -> Claim:
    """The annotation's claim, which a statement must have (fails the test otherwise)."""
    assert annotation.claim is not None
    return annotation.claim
