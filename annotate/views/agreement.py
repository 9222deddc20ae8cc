"""The Agreement page: the agreement API's figures for a chosen field, annotators and
documents, and the passages where the annotators disagree, each linked to curation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from corpus.access import project_access
from corpus.http import HtmxHttpRequest
from corpus.models import Document

from ..agreement.measures import FIELDS
from ..agreement.project import (
    AgreementError,
    coders_of,
    project_agreement,
    request_of,
    require_agreement_reader,
)
from ..models import Annotation

FIELD_LABELS = {
    "statement": "Statement (actor, claim and stance together)",
    "actor": "Actor",
    "claim": "Claim",
    "stance": "Stance",
}


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
