"""Each invariant holds in the database itself, whatever code writes the row."""

import pytest
from django.db import IntegrityError, transaction

from annotate.models import Actor, Annotation, Claim
from corpus.models import Document
from tests.factories import make_actor, make_claim


def refuses(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.create(**fields)


def test_database_refuses_start_after_end(document):
    refuses(document=document, start=5, end=2, quote="x")


def test_database_refuses_an_empty_passage(document):
    refuses(document=document, start=3, end=3, quote="")


def test_database_refuses_a_negative_start(document):
    refuses(document=document, start=-1, end=2, quote="x")


def test_database_refuses_an_unknown_stance(document):
    refuses(document=document, start=0, end=2, quote="Pr", stance="maybe")


def test_actor_names_are_unique_within_a_project_ignoring_case(cast):
    make_actor(cast.project, "Shinzo Abe")
    with pytest.raises(IntegrityError), transaction.atomic():
        Actor.objects.create(project=cast.project, name="shinzo abe")
    make_actor(cast.other, "Shinzo Abe")  # another project may use the same name


def test_claim_labels_are_unique_within_a_project(cast):
    make_claim(cast.project, "Japan should lift sanctions")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(project=cast.project, label="Japan should lift sanctions")
    make_claim(cast.other, "Japan should lift sanctions")


def test_a_document_text_is_unique_within_a_project(document, cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(
            project=cast.project,
            title="Copy",
            text=document.text,
            content_hash=document.content_hash,
        )
    Document.objects.create(
        project=cast.other, title="Copy", text=document.text, content_hash=document.content_hash
    )
