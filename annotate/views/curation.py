"""The curation page of a document: the annotators' annotations side by side, passage by
passage, with their differences named, and the document's final annotations; accept,
reject, and mark the document curated or uncurated. Curators and owners only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from corpus.access import acting_user, caller_role, require_curator
from corpus.http import HtmxHttpRequest
from corpus.models import Document

from ..models import Annotation, Curation
from ..services.curation import accept_annotation, set_curated
from ..services.trash import trash_annotation

#: What the curation page compares between annotators' versions of a passage.
COMPARED = (
    ("span", "passage boundaries"),
    ("actor", "actor"),
    ("claim", "claim"),
    ("stance", "stance"),
)


@dataclass
class Passage:
    """Overlapping annotations of a document taken together, by annotator."""

    start: int
    end: int
    by_annotator: dict[str, list[Annotation]] = field(default_factory=dict)
    final: list[Annotation] = field(default_factory=list)

    def differences(self, annotators: list[str]) -> list[str]:
        """What the annotators' versions differ in, in words; a missing version counts."""
        versions = [self.by_annotator.get(name, []) for name in annotators]
        found = []
        if any(not version for version in versions):
            found.append("not marked by everyone")
        for key, label in COMPARED:
            seen = {
                tuple(sorted(_compared(a, key) for a in version)) for version in versions if version
            }
            if len(seen) > 1:
                found.append(label)
        return found


def _compared(annotation: Annotation, key: str) -> str:
    if key == "span":
        return f"{annotation.start}-{annotation.end}"
    return str(getattr(annotation, f"{key}_id" if key != "stance" else key) or "")


def passages(annotations: list[Annotation]) -> list[Passage]:
    """Annotations grouped into passages: spans that overlap, directly or through others."""
    grouped: list[Passage] = []
    for annotation in sorted(annotations, key=lambda a: (a.start, a.end, a.pk)):
        if not grouped or annotation.start >= grouped[-1].end:
            grouped.append(Passage(annotation.start, annotation.end))
        passage = grouped[-1]
        passage.end = max(passage.end, annotation.end)
        if annotation.final:
            passage.final.append(annotation)
        else:
            name = annotation.created_by.get_username() if annotation.created_by else "unknown"
            passage.by_annotator.setdefault(name, []).append(annotation)
    return grouped


def _document(request: HtmxHttpRequest, project: str, document: int) -> Document:
    found = get_object_or_404(
        Document.objects.visible_to(request.user)
        .select_related("project")
        .defer("original")
        .with_role(request.user),
        project__slug=project,
        pk=document,
    )
    require_curator(caller_role(found))
    return found


def _back(document: Document, anchor: str = "") -> HttpResponse:
    url = reverse("annotate:curation", args=[document.project.slug, document.pk])
    return redirect(f"{url}{anchor}")


@login_required
@require_GET
def curation(request: HtmxHttpRequest, project: str, document: int) -> HttpResponse:
    document_obj = _document(request, project, document)
    annotations = list(
        Annotation.objects.visible_to(request.user)
        .alive()
        .filter(document=document_obj)
        .select_related("actor", "claim", "created_by", "curated_from__created_by")
    )
    grouped = passages(annotations)
    annotators = sorted({name for passage in grouped for name in passage.by_annotator})
    rows: list[dict[str, Any]] = []
    for passage in grouped:
        differences = passage.differences(annotators)
        rows.append(
            {
                "passage": passage,
                "quote": document_obj.text[passage.start : passage.end],
                "columns": [(name, passage.by_annotator.get(name, [])) for name in annotators],
                "differences": differences,
            }
        )
    curated = Curation.objects.filter(document=document_obj).select_related("changed_by").first()
    return render(
        request,
        "annotate/curation.html",
        {
            "project": document_obj.project,
            "document": document_obj,
            "section": "agreement",
            "annotators": annotators,
            "rows": rows,
            "differing": sum(1 for row in rows if row["differences"]),
            "curation": curated,
        },
    )


def _curated_annotation(
    request: HtmxHttpRequest, document: Document, annotation: int
) -> Annotation:
    return get_object_or_404(
        Annotation.objects.visible_to(request.user).alive().filter(document=document),
        pk=annotation,
    )


@login_required
@require_POST
def accept(request: HtmxHttpRequest, project: str, document: int, annotation: int) -> HttpResponse:
    document_obj = _document(request, project, document)
    found = _curated_annotation(request, document_obj, annotation)
    try:
        accept_annotation(annotation=found, accepted_by=acting_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        whose = found.created_by.get_username() if found.created_by else "unknown"
        messages.success(request, f"Accepted {whose}'s version into the final annotations.")
    return _back(document_obj, f"#passage-{found.start}")


@login_required
@require_POST
def reject(request: HtmxHttpRequest, project: str, document: int, annotation: int) -> HttpResponse:
    """Take a final annotation out of the final annotations (to the trash)."""
    document_obj = _document(request, project, document)
    found = _curated_annotation(request, document_obj, annotation)
    if not found.final:
        messages.error(request, "Only final annotations can be rejected here.")
    else:
        trash_annotation(annotation=found, trashed_by=acting_user(request))
        messages.success(request, "Rejected: the final annotation is in the trash.")
    return _back(document_obj, f"#passage-{found.start}")


@login_required
@require_POST
def mark(request: HtmxHttpRequest, project: str, document: int) -> HttpResponse:
    """Mark the document curated (``curated=1``) or uncurated (``curated=0``)."""
    document_obj = _document(request, project, document)
    value = request.POST.get("curated", "")
    if value not in ("0", "1"):
        messages.error(request, "Choose whether the document is curated.")
        return _back(document_obj)
    set_curated(document=document_obj, curated=value == "1", changed_by=acting_user(request))
    messages.success(
        request, "Marked curated." if value == "1" else "Marked uncurated: curation is open again."
    )
    return _back(document_obj)
