"""The reader: a document's text with its annotations, and the form that tags passages.

The form is ``annotate.forms.AnnotationForm``; the side list's filters are
``annotate.highlights.ReaderFilters``.

The text and the side list are rendered by :mod:`annotate.highlights`; the page's script
(``static/js/reader.js``) turns selections into code-point offsets.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from annotate import selectors
from annotate.forms import AnnotationForm, add_service_errors
from annotate.highlights import (
    STANCE_LABELS,
    STANCE_MARKS,
    ReaderFilters,
    draw_reader,
    reader_rows,
)
from annotate.models import Annotation, Stance
from annotate.services.annotations import StaleVersion, save_annotation
from annotate.services.curation import require_editor
from annotate.services.trash import restore_annotation, trash_annotation
from corpus.access import acting_user, caller_role, project_access, require_annotator
from corpus.http import HtmxHttpRequest
from corpus.models import Assignment, Document, Role

TEMPLATE = "annotate/reader.html"


# Views -----------------------------------------------------------------------------------


def _document(request: HtmxHttpRequest, project: str, document: int) -> Document:
    """The document, with the caller's role in its project read in the same query."""
    return get_object_or_404(
        Document.objects.visible_to(request.user)
        .select_related("project")
        .defer("original")  # the uploaded bytes, which the reader never shows
        .with_role(request.user),
        project__slug=project,
        pk=document,
    )


def _annotation(request: HtmxHttpRequest, document: Document, annotation: int) -> Annotation:
    return get_object_or_404(
        Annotation.objects.visible_to(request.user).filter(document=document),
        pk=annotation,
    )


def _urls(document: Document) -> dict[str, str]:
    kwargs = {"project": document.project.slug, "document": document.pk}
    return {
        "reader": reverse("annotate:reader", kwargs=kwargs),
        "create": reverse("annotate:annotation-create", kwargs=kwargs),
        # The script puts an annotation's id in place of the 0.
        "annotation": reverse("annotate:annotation-edit", kwargs={**kwargs, "annotation": 0}),
        "suggest_actors": reverse(
            "annotate:suggest-actors", kwargs={"project": document.project.slug}
        ),
        "suggest_claims": reverse(
            "annotate:suggest-claims", kwargs={"project": document.project.slug}
        ),
    }


def reader_context(
    request: HtmxHttpRequest, document: Document, role: Role | None, filters: ReaderFilters
) -> dict[str, Any]:
    drawn = draw_reader(document.text, reader_rows(document, request.user), filters)
    return {
        "document": document,
        "project": document.project,
        "role": role,
        "can_annotate": bool(role and role.can_annotate),
        "shown": drawn.shown,
        "total": drawn.total,
        "segments": drawn.segments,
        "entries": drawn.entries,
        "filters": filters,
        "actor_options": drawn.actor_options,
        "claim_options": drawn.claim_options,
        "stance_options": [*Stance.choices, ("none", "(none)")],
        "annotator_options": drawn.annotator_options,
        "urls": _urls(document),
        "text_length": len(document.text),
        "stance_choices": Stance.choices,
        "stance_key": [
            *((value, label, STANCE_MARKS[value]) for value, label in Stance.choices),
            ("none", "No stance yet", STANCE_MARKS["none"]),
        ],
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def reader(request: HtmxHttpRequest, project: str, document: int) -> HttpResponse:
    """The document with its highlights and annotations; htmx asks only for the body."""
    document_obj = _document(request, project, document)
    filters = ReaderFilters.from_query(request.GET)
    context = reader_context(request, document_obj, caller_role(document_obj), filters)
    template = TEMPLATE
    if request.htmx and not request.htmx.boosted:
        template += "#reader-body"
    else:
        # The caller's assignment of this document, where they say it is done.
        context["assignment"] = (
            Assignment.objects.filter(document=document_obj, annotator=acting_user(request))
            .with_work()
            .first()
        )
    return render(request, template, context)


def _form_context(
    document: Document,
    form: AnnotationForm | None,
    annotation: Annotation | None,
    message: str = "",
) -> dict[str, Any]:
    return {
        "document": document,
        "project": document.project,
        "form": form,
        "editing": annotation,
        "message": message,
        "urls": _urls(document),
        "stance_choices": Stance.choices,
    }


def _form_response(
    request: HtmxHttpRequest,
    document: Document,
    form: AnnotationForm,
    annotation: Annotation | None = None,
    *,
    message: str = "",
    status: int = 422,
) -> HttpResponse:
    return render(
        request,
        TEMPLATE + "#annotation-form",
        _form_context(document, form, annotation, message),
        status=status,
    )


def _initial(annotation: Annotation) -> dict[str, Any]:
    return {
        "start": annotation.start,
        "end": annotation.end,
        "quote": annotation.quote,
        "version": annotation.version,
        "actor": annotation.actor.name if annotation.actor else "",
        "claim": annotation.claim.label if annotation.claim else "",
        "stance": annotation.stance or "",
        "note": annotation.note,
    }


def _refused_values(data: QueryDict) -> dict[str, str] | None:
    """What a refused edit asked for, to be shown and applied again; None for a delete."""
    if "actor" not in data:
        return None
    stance = data.get("stance", "")
    return {
        "actor": data.get("actor", ""),
        "claim": data.get("claim", ""),
        "stance": stance if stance in Stance.values else "",
        "stance_label": str(STANCE_LABELS.get(stance, "no stance")),
        "note": data.get("note", ""),
    }


def _stale_response(
    request: HtmxHttpRequest, document: Document, role: Role, stale: StaleVersion
) -> HttpResponse:
    """The form with the current values and the refused ones beside them, and the text and
    side list as they now are, so that nothing on the page is out of date."""
    current = Annotation.objects.select_related("actor", "claim").get(pk=stale.current.pk)
    form = AnnotationForm(initial=_initial(current), project=document.project, editing=True)
    who = current.history.select_related("history_user").order_by("-history_id").first()
    by = f" (last saved by {who.history_user})" if who and who.history_user else ""
    context = _form_context(
        document,
        form,
        current,
        message=(
            f"This annotation was changed{by} after you opened it, so your "
            "change was not saved. The form now shows the current values; "
            "apply your change again and save."
        ),
    )
    context["refused"] = _refused_values(request.POST)
    html = render_to_string(TEMPLATE + "#annotation-form", context, request=request)
    body = reader_context(request, document, role, ReaderFilters.from_query(request.POST))
    html += render_to_string(TEMPLATE + "#reader-body", {**body, "oob": True}, request=request)
    return HttpResponse(html, status=409)


def _body_response(
    request: HtmxHttpRequest,
    document: Document,
    role: Role,
    *,
    extra: str = "",
) -> HttpResponse:
    filters = ReaderFilters.from_query(request.POST)
    context = reader_context(request, document, role, filters)
    html = render_to_string(TEMPLATE + "#reader-body", context, request=request)
    return HttpResponse(html + extra)


def _not_htmx(document: Document, annotation: Annotation | None = None) -> HttpResponse:
    url = reverse(
        "annotate:reader", kwargs={"project": document.project.slug, "document": document.pk}
    )
    return HttpResponseRedirect(url + (f"#annotation-{annotation.pk}" if annotation else ""))


def _saved_response(
    request: HtmxHttpRequest,
    document: Document,
    role: Role,
    annotation: Annotation,
    *,
    created: bool,
) -> HttpResponse:
    """After a save: the reader's body, and the event that scrolls to the annotation."""
    if not request.htmx:
        return _not_htmx(document, annotation)
    response = _body_response(request, document, role)
    return trigger_client_event(
        response, "annotationSaved", {"id": annotation.pk, "created": created}, after="settle"
    )


@login_required
@require_POST
def annotation_create(request: HtmxHttpRequest, project: str, document: int) -> HttpResponse:
    """Highlight and tag a passage (offsets in code points, checked against the quote)."""
    document_obj = _document(request, project, document)
    role = require_annotator(caller_role(document_obj))
    form = AnnotationForm(request.POST, project=document_obj.project)
    if not form.is_valid():
        return _form_response(request, document_obj, form)
    data = form.cleaned_data
    try:
        annotation = save_annotation(
            document=document_obj,
            user=acting_user(request),
            start=data["start"],
            end=data["end"],
            quote=data["quote"] or None,
            actor=data["actor"],
            claim=data["claim"],
            stance=data["stance"] or None,
            note=data["note"],
            new_actor_name=form.new_actor_name,
            new_claim_name=form.new_claim_name,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _form_response(request, document_obj, form)
    return _saved_response(request, document_obj, role, annotation, created=True)


@login_required
@vary_on_headers("HX-Request")
def annotation_edit(
    request: HtmxHttpRequest, project: str, document: int, annotation: int
) -> HttpResponse:
    """GET: the form filled in with the annotation; POST: save its tags."""
    document_obj = _document(request, project, document)
    annotation_obj = _annotation(request, document_obj, annotation)
    if request.method == "GET" and not request.htmx:
        return _not_htmx(document_obj, annotation_obj)
    role = require_editor(annotation_obj, caller_role(document_obj))
    if request.method == "GET":
        form = AnnotationForm(
            initial=_initial(annotation_obj), project=document_obj.project, editing=True
        )
        return _form_response(request, document_obj, form, annotation_obj, status=200)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    form = AnnotationForm(request.POST, project=document_obj.project, editing=True)
    if not form.is_valid():
        return _form_response(request, document_obj, form, annotation_obj)
    data = form.cleaned_data
    try:
        saved = save_annotation(
            document=document_obj,
            user=acting_user(request),
            annotation=annotation_obj,
            expected_version=data["version"],
            start=annotation_obj.start,
            end=annotation_obj.end,
            actor=data["actor"],
            claim=data["claim"],
            stance=data["stance"] or None,
            note=data["note"],
            new_actor_name=form.new_actor_name,
            new_claim_name=form.new_claim_name,
        )
    except StaleVersion as stale:
        return _stale_response(request, document_obj, role, stale)
    except ValidationError as error:
        add_service_errors(form, error)
        return _form_response(request, document_obj, form, annotation_obj)
    return _saved_response(request, document_obj, role, saved, created=False)


@login_required
@require_POST
def annotation_delete(
    request: HtmxHttpRequest, project: str, document: int, annotation: int
) -> HttpResponse:
    """Move the annotation to the trash and offer to undo."""
    document_obj = _document(request, project, document)
    annotation_obj = _annotation(request, document_obj, annotation)
    role = require_editor(annotation_obj, caller_role(document_obj))
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        trash_annotation(
            annotation=annotation_obj,
            trashed_by=acting_user(request),
            expected_version=version,
        )
    except StaleVersion as stale:
        return _stale_response(request, document_obj, role, stale)
    if not request.htmx:
        return _not_htmx(document_obj)
    undo = render_to_string(
        TEMPLATE + "#undo-bar",
        {
            "trashed": annotation_obj,
            "document": document_obj,
            "project": document_obj.project,
            "oob": True,
        },
        request=request,
    )
    response = _body_response(request, document_obj, role, extra=undo)
    return trigger_client_event(
        response, "annotationTrashed", {"id": annotation_obj.pk}, after="settle"
    )


@login_required
@require_POST
def annotation_restore(
    request: HtmxHttpRequest, project: str, document: int, annotation: int
) -> HttpResponse:
    """Bring a trashed annotation back (the Undo after a delete)."""
    document_obj = _document(request, project, document)
    annotation_obj = _annotation(request, document_obj, annotation)
    role = require_editor(annotation_obj, caller_role(document_obj))
    restore_annotation(
        annotation=annotation_obj,
        restored_by=acting_user(request),
    )
    if not request.htmx:
        return _not_htmx(document_obj, annotation_obj)
    undo = render_to_string(
        TEMPLATE + "#undo-bar",
        {"trashed": None, "document": document_obj, "project": document_obj.project, "oob": True},
        request=request,
    )
    response = _body_response(request, document_obj, role, extra=undo)
    return trigger_client_event(
        response, "annotationSaved", {"id": annotation_obj.pk, "created": False}, after="settle"
    )


def _suggest(request: HtmxHttpRequest, project: str, kind: str) -> HttpResponse:
    access = project_access(request, project)
    query = " ".join(request.GET.get(kind, "").split())
    found = selectors.suggestions(access.project, kind, query)
    return render(
        request,
        TEMPLATE + "#suggestions",
        {
            "kind": kind,
            "query": query,
            "options": found.options,
            "total": found.total,
            "offer_new": bool(query) and not found.exact and access.can_annotate,
        },
    )


@login_required
@require_GET
def suggest_actors(request: HtmxHttpRequest, project: str) -> HttpResponse:
    """Type-ahead over the project's actors, names and aliases alike."""
    return _suggest(request, project, "actor")


@login_required
@require_GET
def suggest_claims(request: HtmxHttpRequest, project: str) -> HttpResponse:
    """Type-ahead over the project's claims."""
    return _suggest(request, project, "claim")
