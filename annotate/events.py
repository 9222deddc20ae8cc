"""Annotation events for live updates (``corpus.events``): each change's annotation as the
API shows it, written in the transaction of the change, from the instance the change
saved. Streams show them only to whom ``Annotation.objects.visible_to`` lets see the
annotation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from corpus import events

from .models import Annotation
from .representation import API

CREATED = "annotation.created"
UPDATED = "annotation.updated"
TRASHED = "annotation.trashed"
RESTORED = "annotation.restored"
KINDS = (CREATED, UPDATED, TRASHED, RESTORED)


def publish(kind: str, annotations: Sequence[Annotation]) -> None:
    """Tell the annotations' projects of ``kind``, in the current transaction: the
    annotations as saved, their document and annotator loaded (no query is made)."""
    by_project: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for annotation in annotations:
        by_project[annotation.document.project_id].append(API.from_instance(annotation))
    for project_id, shown in by_project.items():
        events.publish(
            project_id=project_id, kind=kind, items=[(data["id"], data) for data in shown]
        )


def created_event(annotation: Annotation) -> tuple[int, str, dict[str, Any]]:
    """The project, kind and data of a new annotation's event before it has an id, for
    the create that writes annotation and event in one statement
    (``annotate.services.history.insert_with_history``)."""
    return annotation.document.project_id, CREATED, API.from_instance(annotation)
