"""Writes to annotations: create, check, change, and the reader form's save."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from simple_history.utils import bulk_create_with_history

from corpus.models import Document
from corpus.words import counted

from .. import events
from ..models import Actor, Annotation, Claim, Stance
from .codebook import create_actor, create_claim
from .history import copy_with_history, insert_with_history, note_change

#: The fields of an annotation that a user may change.
EDITABLE_FIELDS = ("start", "end", "quote", "actor", "claim", "stance", "note")


class StaleVersion(Exception):
    """The annotation changed since the caller read it; ``current`` is what it is now."""

    def __init__(self, current: Annotation):
        self.current = current
        super().__init__(
            f"This annotation was changed by someone else (now version {current.version}); "
            "reload it and apply your change again."
        )


class BulkValidationError(ValidationError):
    """Some items of a batch are invalid; ``errors`` maps each bad item's index to its errors."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        self.errors = errors
        super().__init__(f"{len(errors)} of the items are invalid; nothing was saved.")


@dataclass
class NewAnnotation:
    """One annotation to create, as an importer or a bulk request describes it."""

    document: Document
    start: Any
    end: Any
    quote: str | None = None
    actor: Actor | None = None
    claim: Claim | None = None
    stance: str | None = None
    note: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_span(text: str, start: Any, end: Any, quote: str | None) -> dict[str, list[str]]:
    """Every reason why ``text[start:end]`` is not a valid passage quoting ``quote``."""
    errors: dict[str, list[str]] = {}
    if not _is_int(start):
        errors["start"] = ["start must be a whole number of characters."]
    if not _is_int(end):
        errors["end"] = ["end must be a whole number of characters."]
    if errors:
        return errors
    length = len(text)
    if start < 0:
        errors["start"] = ["start cannot be negative; offsets count from 0."]
    elif start >= length:
        errors["start"] = [f"start {start} is outside the document, which has {length} characters."]
    if end > length:
        errors["end"] = [f"end {end} is past the end of the document ({length} characters)."]
    elif end <= start:
        errors["end"] = [
            f"end ({end}) must be greater than start ({start}): "
            "a passage covers at least one character."
        ]
    if not errors and quote is not None and text[start:end] != quote:
        errors["quote"] = [
            f"The quote does not match the document at {start}–{end}, "
            f"where the text reads {text[start:end]!r}."
        ]
    return errors


def _check_tags(
    document: Document, actor: Actor | None, claim: Claim | None, stance: Any
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if actor is not None and actor.project_id != document.project_id:
        errors["actor"] = ["This actor belongs to another project's codebook."]
    if claim is not None and claim.project_id != document.project_id:
        errors["claim"] = ["This claim belongs to another project's codebook."]
    if stance is not None and stance not in Stance.values:
        errors["stance"] = [
            f"{stance!r} is not a stance; use one of support, oppose, neutral (or none)."
        ]
    return errors


def _validated(item: NewAnnotation, created_by: User | None) -> Annotation:
    errors = check_span(item.document.text, item.start, item.end, item.quote)
    errors.update(_check_tags(item.document, item.actor, item.claim, item.stance))
    if errors:
        raise ValidationError(errors)
    annotation = Annotation(
        document=item.document,
        start=item.start,
        end=item.end,
        quote=item.document.text[item.start : item.end],
        actor=item.actor,
        claim=item.claim,
        stance=item.stance or None,
        note=item.note or "",
        metadata=item.metadata or {},
        created_by=created_by,
    )
    note_change(annotation, created_by, "created")
    return annotation


def create_annotation(
    *,
    document: Document,
    start: int,
    end: int,
    created_by: User | None,
    quote: str | None = None,
    actor: Actor | None = None,
    claim: Claim | None = None,
    stance: str | None = None,
    note: str = "",
    metadata: dict[str, Any] | None = None,
) -> Annotation:
    """Highlight ``document.text[start:end]``, optionally tagged.

    Offsets are code points. A given ``quote`` must equal the passage; the stored quote
    is always the one computed from the text. The actor and claim must belong to the
    document's project. Raises ``ValidationError`` field by field and writes nothing.
    """
    annotation = _validated(
        NewAnnotation(
            document=document,
            start=start,
            end=end,
            quote=quote,
            actor=actor,
            claim=claim,
            stance=stance,
            note=note,
            metadata=metadata or {},
        ),
        created_by,
    )
    database = router.db_for_write(Annotation)
    if connections[database].vendor == "postgresql":
        # The annotation, its history record and its event, in one statement.
        insert_with_history(annotation, created_by, database)
    else:
        with transaction.atomic(using=database):
            annotation.save()
            events.publish(events.CREATED, [annotation])
    return annotation


def create_annotations(
    *, items: Sequence[NewAnnotation], created_by: User | None
) -> list[Annotation]:
    """Create many annotations at once, all or nothing.

    Raises :class:`BulkValidationError` naming every bad item by its index.
    """
    annotations: list[Annotation] = []
    errors: dict[int, dict[str, list[str]]] = {}
    for index, item in enumerate(items):
        try:
            annotations.append(_validated(item, created_by))
        except ValidationError as error:
            errors[index] = error.message_dict
    if errors:
        raise BulkValidationError(errors)
    database = router.db_for_write(Annotation)
    with transaction.atomic(using=database):
        if connections[database].vendor == "postgresql":
            copy_with_history(annotations, created_by, database)
        else:
            annotations = bulk_create_with_history(
                annotations,
                Annotation,
                batch_size=1000,
                default_user=created_by,
                default_change_reason="created",
            )
        events.publish(events.CREATED, annotations)
    return annotations


def check_annotations(*, items: Sequence[NewAnnotation]) -> dict[int, dict[str, list[str]]]:
    """Every bad item of a batch by its index, without saving anything."""
    errors: dict[int, dict[str, list[str]]] = {}
    for index, item in enumerate(items):
        try:
            _validated(item, None)
        except ValidationError as error:
            errors[index] = error.message_dict
    return errors


def lock_annotation(annotation: Annotation, expected_version: int | None) -> Annotation:
    """The annotation as it is now, locked until the transaction ends; refuses
    (:class:`StaleVersion`) when ``expected_version`` is given and is not its version."""
    current = (
        # The annotator comes along for the change's event, unlocked.
        Annotation.objects.select_for_update(of=("self", "document"))
        .select_related("document", "created_by")
        .defer("document__original")  # the uploaded bytes, which no check needs
        .get(pk=annotation.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(current)
    return current


def update_annotation(
    *,
    annotation: Annotation,
    updated_by: User | None,
    expected_version: int | None = None,
    **changes: Any,
) -> Annotation:
    """Change an annotation's passage or tags and bump its version.

    With ``expected_version``, refuses (:class:`StaleVersion`) when someone else saved
    in between, so that no change is silently overwritten.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    with transaction.atomic():
        current = lock_annotation(annotation, expected_version)
        if current.deleted_at is not None:
            raise ValidationError(
                {"non_field_errors": ["This annotation is in the trash; restore it first."]}
            )
        start = changes.get("start", current.start)
        end = changes.get("end", current.end)
        span_moved = "start" in changes or "end" in changes
        quote = changes.get("quote") if ("quote" in changes or span_moved) else None
        errors = check_span(current.document.text, start, end, quote)
        errors.update(
            _check_tags(
                current.document,
                changes.get("actor", current.actor),
                changes.get("claim", current.claim),
                changes.get("stance", current.stance) or None,
            )
        )
        if errors:
            raise ValidationError(errors)
        for name, value in changes.items():
            if name == "stance":
                value = value or None
            elif name == "note":
                value = value or ""
            if name != "quote":
                setattr(current, name, value)
        current.quote = current.document.text[start:end]
        current.version += 1
        note_change(current, updated_by, "updated")
        current.save()
        events.publish(events.UPDATED, [current])
    return current


def annotation_text_lock(document: Document) -> str | None:
    """Text lock for the corpus: annotations' offsets count into the text."""
    count = Annotation.objects.filter(document=document).count()
    if count:
        return (
            f"The text cannot change: {counted(count, 'annotation')}, trashed ones included, "
            f"{'points' if count == 1 else 'point'} into it by offset."
        )
    return None


@contextmanager
def _renamed_errors(names: dict[str, str]) -> Iterator[None]:
    """Re-raise a ValidationError with its fields renamed as ``names`` says."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {names.get(field, field): messages for field, messages in error.message_dict.items()}
        ) from error


def save_annotation(
    *,
    document: Document,
    user: User | None,
    start: int,
    end: int,
    annotation: Annotation | None = None,
    expected_version: int | None = None,
    quote: str | None = None,
    actor: Actor | None = None,
    claim: Claim | None = None,
    stance: str | None = None,
    note: str = "",
    new_actor_name: str = "",
    new_claim_name: str = "",
) -> Annotation:
    """Create (or, given ``annotation``, retag) an annotation as the reader's form sends it.

    A ``new_actor_name`` or ``new_claim_name`` adds that entry to the project's codebook
    and tags the annotation with it. All or nothing: when the annotation is refused,
    the new codebook entries are not kept either. An update keeps the passage and
    honours ``expected_version`` (:class:`StaleVersion`).
    """
    with transaction.atomic():
        # A refused new entry is named by the form's field for it, actor or claim.
        if new_actor_name:
            with _renamed_errors({"name": "actor"}):
                actor = create_actor(project=document.project, name=new_actor_name, created_by=user)
        if new_claim_name:
            with _renamed_errors({"label": "claim"}):
                claim = create_claim(
                    project=document.project, label=new_claim_name, created_by=user
                )
        if annotation is None:
            return create_annotation(
                document=document,
                start=start,
                end=end,
                quote=quote,
                created_by=user,
                actor=actor,
                claim=claim,
                stance=stance or None,
                note=note,
            )
        return update_annotation(
            annotation=annotation,
            updated_by=user,
            expected_version=expected_version,
            actor=actor,
            claim=claim,
            stance=stance or None,
            note=note,
        )
