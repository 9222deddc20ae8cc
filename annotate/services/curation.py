"""Curation: a document's final annotations, settled from its annotators' versions.

A curator *accepts* an annotator's annotation: a copy becomes one of the document's final
annotations (``final=True``), pointing back to it (``curated_from``), with a history
record that names who accepted whose annotation. Final annotations are edited and
trashed like any other; a document is then marked curated (or uncurated again).
Callers check the role (``corpus.access.require_curator``) before calling these.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from corpus.access import require_annotator, require_curator
from corpus.models import Document, Role

from .. import events
from ..models import Annotation, Curation
from .history import note_change


def require_editor(annotation: Annotation, role: Role | str | None) -> Role:
    """Annotators change annotations; final annotations only curators and owners."""
    if annotation.final:
        return require_curator(role)
    return require_annotator(role)


def accept_annotation(*, annotation: Annotation, accepted_by: User) -> Annotation:
    """Copy an annotator's live annotation into the document's final annotations.

    Refused (``ValidationError``, nothing written) for a final annotation, a trashed
    one, or one already accepted and still final."""
    with transaction.atomic():
        source = (
            Annotation.objects.select_for_update(of=("self",))
            .select_related("created_by", "document")
            .defer("document__text", "document__original")
            .get(pk=annotation.pk)
        )
        if source.final:
            raise ValidationError("This is a final annotation already; accept an annotator's.")
        if source.deleted_at is not None:
            raise ValidationError("This annotation is in the trash; restore it first.")
        if Annotation.objects.alive().filter(final=True, curated_from=source).exists():
            raise ValidationError("This annotation is already among the final annotations.")
        whose = source.created_by.get_username() if source.created_by else "an unknown annotator"
        final = Annotation(
            document=source.document,
            start=source.start,
            end=source.end,
            quote=source.quote,
            actor_id=source.actor_id,
            claim_id=source.claim_id,
            stance=source.stance,
            note=source.note,
            metadata=source.metadata,
            created_by=accepted_by,
            final=True,
            curated_from=source,
        )
        note_change(final, accepted_by, f"accepted annotation {source.pk} by {whose}")
        final.save()
        events.publish(events.CREATED, [final])
    return final


def set_curated(*, document: Document, curated: bool, changed_by: User) -> Curation:
    """Mark the document's curation finished (``curated``) or open again."""
    with transaction.atomic():
        curation = Curation.objects.select_for_update().filter(
            document=document
        ).first() or Curation(document=document)
        curation.curated = curated
        curation.changed_by = changed_by
        note_change(curation, changed_by, "marked curated" if curated else "marked uncurated")
        curation.save()
    return curation


def is_curated(document: Document) -> bool:
    return Curation.objects.filter(document=document, curated=True).exists()
