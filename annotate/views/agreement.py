"""The Agreement page: the agreement API's figures for a chosen field, annotators and
documents, and the passages where the annotators disagree, each linked to curation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from corpus.access import Refused, project_access
from corpus.http import HtmxHttpRequest
from corpus.models import Document, Project, Role

from ..agreement.measures import FIELDS
from ..agreement.project import AgreementError, coders_of, project_agreement, request_of
from ..models import SEES_EVERYONE, Annotation

AGREEMENT_NEEDED = (
    "In a project with independent coding, agreement is shown to owners, curators and viewers only."
)
FIELD_LABELS = {
    "statement": "Statement (actor, claim and stance together)",
    "actor": "Actor",
    "claim": "Claim",
    "stance": "Stance",
}


def require_agreement_reader(project: Project, role: Role | None) -> None:
    """Agreement is for those who may see every annotator's work: owners, curators and
    viewers, and annotators of a project without independent coding."""
    if role is None or (project.independent_coding and role not in SEES_EVERYONE):
        raise Refused(AGREEMENT_NEEDED)


@login_required
def agreement(request: HtmxHttpRequest, project: str) -> HttpResponse:
    access = project_access(request, project)
    project_obj = access.project
    require_agreement_reader(project_obj, access.role)
    params = request.GET
    context: dict[str, Any] = {
        "project": project_obj,
        "access": access,
        "section": "agreement",
        "fields": [(name, FIELD_LABELS[name]) for name in FIELDS],
        "coders": coders_of(project_obj),
        "documents": Document.objects.filter(project=project_obj)
        .order_by("title", "id")
        .values_list("pk", "title")[:500],
        "chosen_field": params.get("field") or "statement",
        "chosen_annotators": params.getlist("annotators"),
        "chosen_documents": params.getlist("document"),
        "chosen_match": params.get("match") or "exact",
    }
    try:
        chosen = request_of(project_obj, params)
    except AgreementError as error:
        context["errors"] = error.errors
        return render(request, "annotate/agreement.html", context, status=400)
    result = project_agreement(project_obj, chosen, Annotation.objects.visible_to(request.user))
    context.update(
        result=result.answer,
        chosen_annotators=list(chosen.annotators),
        chosen_documents=[str(pk) for pk in chosen.documents],
        disagreements=result.disagreements,
        disagreement_count=result.disagreement_count,
    )
    return render(request, "annotate/agreement.html", context)
