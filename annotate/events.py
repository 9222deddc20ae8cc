"""Annotation events for live updates (``corpus.events``): each change's annotation as the
API shows it, written when the change commits. Streams show them only to whom
``Annotation.objects.visible_to`` lets see the annotation."""

from __future__ import annotations

import functools
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
    """Tell the annotations' projects of ``kind`` once the transaction commits."""
    by_project: dict[int, list[Annotation]] = defaultdict(list)
    for annotation in annotations:
        by_project[annotation.document.project_id].append(annotation)
    for project_id, changed in by_project.items():
        ids = [annotation.pk for annotation in changed]
        events.publish(project_id=project_id, kind=kind, build=functools.partial(_items, ids))


def _items(ids: list[int]) -> list[tuple[int, dict[str, Any]]]:
    rows = Annotation.objects.filter(pk__in=ids).order_by("pk").values_list(*API.sources)
    shown = (API.from_values(row) for row in rows)
    return [(data["id"], data) for data in shown]
