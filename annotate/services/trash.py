"""The trash: annotations moved there leave every list but can be restored, until the
project's trash is emptied; their history stays."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

from corpus.models import Project

from .. import events
from ..models import Annotation
from .annotations import lock_annotation
from .history import note_change


def trash_annotation(
    *,
    annotation: Annotation,
    trashed_by: User | None,
    expected_version: int | None = None,
) -> Annotation:
    """Move an annotation to the trash; it leaves every list but can be restored."""
    with transaction.atomic():
        current = lock_annotation(annotation, expected_version)
        if current.deleted_at is not None:
            return current
        current.deleted_at = timezone.now()
        current.deleted_by = trashed_by  # type: ignore[assignment]
        current.version += 1
        note_change(current, trashed_by, "trashed")
        current.save()
        events.publish(events.TRASHED, [current])
    return current


def restore_annotation(*, annotation: Annotation, restored_by: User | None) -> Annotation:
    """Bring an annotation back from the trash."""
    with transaction.atomic():
        current = lock_annotation(annotation, None)
        if current.deleted_at is None:
            return current
        current.deleted_at = None
        current.deleted_by = None
        current.version += 1
        note_change(current, restored_by, "restored")
        current.save()
        events.publish(events.RESTORED, [current])
    return current


def empty_trash(*, project: Project, emptied_by: User | None) -> int:
    """Delete the project's trashed annotations for good; their history stays.

    Each deletion is recorded in the annotation's history with who emptied the trash.
    """
    reason = "deleted for good when the trash was emptied"
    with transaction.atomic():
        trashed = list(
            Annotation.objects.select_for_update(of=("self",))
            .trashed()
            .filter(document__project=project)
        )
        if any(
            relation.on_delete is not models.DO_NOTHING
            for relation in Annotation._meta.related_objects
        ):
            # Something else hangs off annotations: let Django's deletion collector
            # cascade, one annotation at a time (each records its own history).
            for annotation in trashed:
                note_change(annotation, emptied_by, reason)
                annotation.delete()
            return len(trashed)
        historical = get_history_model_for_model(Annotation)
        now = timezone.now()
        records = []
        for annotation in trashed:
            record = historical(
                history_date=now,
                history_user=emptied_by,
                history_change_reason=reason,
                history_type="-",
                **{f.attname: getattr(annotation, f.attname) for f in historical.tracked_fields},
            )
            records.append(record)
        historical.objects.bulk_create(records, batch_size=500)
        # Nothing references annotations (checked above) and the history is written,
        # so the rows go in plain batched DELETEs instead of one per annotation.
        ids = [annotation.pk for annotation in trashed]
        for start in range(0, len(ids), 500):
            Annotation.objects.filter(pk__in=ids[start : start + 500])._raw_delete(  # type: ignore[attr-defined]
                Annotation.objects.db
            )
    return len(trashed)
