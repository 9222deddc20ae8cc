"""The reader: a document's text with its annotations, and the form that tags passages.

The text and the side list are rendered by :mod:`annotate.highlights`; the page's script
(``static/js/reader.js``) turns selections into code-point offsets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from annotate import services
from annotate.highlights import (
    STANCE_LABELS,
    STANCE_MARKS,
    ReaderRow,
    filter_options,
    reader_rows,
    render_entries,
    render_segments,
)
from annotate.models import Actor, Annotation, Claim, Stance
from corpus.access import caller_role, project_access, require_annotator
from corpus.forms import add_service_errors
from corpus.http import HtmxHttpRequest
from corpus.models import Document, Project, Role

TEMPLATE = "annotate/reader.html"


# Filters ---------------------------------------------------------------------------------


@dataclass
class ReaderFilters:
    actor: str = ""
    claim: str = ""
    stance: str = ""
    by: str = ""

    @classmethod
    def from_query(cls, data: QueryDict) -> ReaderFilters:
        return cls(
            actor=data.get("actor_filter", ""),
            claim=data.get("claim_filter", ""),
            stance=data.get("stance_filter", ""),
            by=data.get("by_filter", ""),
        )

    @property
    def active(self) -> bool:
        return bool(self.actor or self.claim or self.stance or self.by)

    def keeps(self, annotation: ReaderRow) -> bool:
        return (
            (not self.actor or str(annotation.actor_id or "none") == self.actor)
            and (not self.claim or str(annotation.claim_id or "none") == self.claim)
            and (not self.stance or (annotation.stance or "none") == self.stance)
            and (not self.by or str(annotation.created_by_id or "none") == self.by)
        )


# The form --------------------------------------------------------------------------------


class AnnotationForm(forms.Form):
    start = forms.IntegerField(min_value=0, required=False)
    end = forms.IntegerField(min_value=0, required=False)
    quote = forms.CharField(required=False, strip=False)
    version = forms.IntegerField(required=False)
    actor = forms.CharField(label="Actor", required=False, max_length=200)
    new_actor = forms.BooleanField(required=False)
    claim = forms.CharField(label="Claim", required=False, max_length=300)
    new_claim = forms.BooleanField(required=False)
    stance = forms.ChoiceField(
        label="Stance", required=False, choices=[("", "none"), *Stance.choices]
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea, strip=False)

    def __init__(self, *args: Any, project: Project, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.project = project
        self.editing = editing
        self.new_actor_name = ""
        self.new_claim_name = ""

    def _entry(self, field: str, model: type[Actor] | type[Claim], create: bool) -> Any:
        name = " ".join(self.cleaned_data.get(field, "").split())
        if not name:
            return None
        found = find_codebook_entry(model, self.project, name)
        if found is not None:
            return found
        if create:
            if field == "actor":
                self.new_actor_name = name
            else:
                self.new_claim_name = name
            return None
        raise ValidationError(
            f"“{name}” is not in the codebook. Pick one of the suggestions, "
            "or tick the box below to add it."
        )

    def clean_actor(self) -> Actor | None:
        return self._entry("actor", Actor, bool(self.data.get("new_actor")))

    def clean_claim(self) -> Claim | None:
        return self._entry("claim", Claim, bool(self.data.get("new_claim")))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.editing:
            for name in ("start", "end"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, "Select a passage of the text first.")
        elif cleaned.get("version") is None and "version" not in self.errors:
            self.add_error("version", "The form lacks the annotation's version; reopen it.")
        return cleaned


def find_codebook_entry(
    model: type[Actor] | type[Claim], project: Project, name: str
) -> Actor | Claim | None:
    """The project's actor (by name or alias) or claim (by label) called ``name``, any case."""
    if model is Actor:
        actor = Actor.objects.filter(project=project, name__iexact=name).first()
        if actor is not None:
            return actor
        lowered = name.casefold()
        for candidate in Actor.objects.filter(project=project).only("id", "name", "aliases"):
            if any(alias.casefold() == lowered for alias in candidate.aliases or []):
                return Actor.objects.get(pk=candidate.pk)
        return None
    return Claim.objects.filter(project=project, label__iexact=name).first()


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
    rows = reader_rows(document)
    shown = [row for row in rows if filters.keeps(row)] if filters.active else rows
    return {
        "document": document,
        "project": document.project,
        "role": role,
        "can_annotate": bool(role and role.can_annotate),
        "shown": len(shown),
        "total": len(rows),
        "segments": render_segments(document.text, shown),
        "entries": render_entries(shown),
        "filters": filters,
        "actor_options": filter_options(rows, "actor_id", "actor_name"),
        "claim_options": filter_options(rows, "claim_id", "claim_label"),
        "stance_options": [*Stance.choices, ("none", "(none)")],
        "annotator_options": filter_options(rows, "created_by_id", "username"),
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
    request: HtmxHttpRequest, document: Document, role: Role, stale: services.StaleVersion
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
        annotation = services.save_annotation(
            document=document_obj,
            user=request.user,  # type: ignore[arg-type]
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
    if not request.htmx:
        return _not_htmx(document_obj, annotation)
    response = _body_response(request, document_obj, role)
    return trigger_client_event(
        response, "annotationSaved", {"id": annotation.pk, "created": True}, after="settle"
    )


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
    role = require_annotator(caller_role(document_obj))
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
        saved = services.save_annotation(
            document=document_obj,
            user=request.user,  # type: ignore[arg-type]
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
    except services.StaleVersion as stale:
        return _stale_response(request, document_obj, role, stale)
    except ValidationError as error:
        add_service_errors(form, error)
        return _form_response(request, document_obj, form, annotation_obj)
    if not request.htmx:
        return _not_htmx(document_obj, saved)
    response = _body_response(request, document_obj, role)
    return trigger_client_event(
        response, "annotationSaved", {"id": saved.pk, "created": False}, after="settle"
    )


@login_required
@require_POST
def annotation_delete(
    request: HtmxHttpRequest, project: str, document: int, annotation: int
) -> HttpResponse:
    """Move the annotation to the trash and offer to undo."""
    document_obj = _document(request, project, document)
    annotation_obj = _annotation(request, document_obj, annotation)
    role = require_annotator(caller_role(document_obj))
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.trash_annotation(
            annotation=annotation_obj,
            trashed_by=request.user,  # type: ignore[arg-type]
            expected_version=version,
        )
    except services.StaleVersion as stale:
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
    role = require_annotator(caller_role(document_obj))
    services.restore_annotation(
        annotation=annotation_obj,
        restored_by=request.user,  # type: ignore[arg-type]
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


#: Suggestions shown at once; the list says how many more match.
SUGGESTIONS = 12


def _suggest(request: HtmxHttpRequest, project: str, kind: str) -> HttpResponse:
    access = project_access(request, project)
    project_obj = access.project
    query = " ".join(request.GET.get(kind, "").split())
    lowered = query.casefold()
    options: list[tuple[str, str]] = []
    exact = False
    if kind == "actor":
        for actor in Actor.objects.filter(project=project_obj).only("name", "aliases"):
            names = [actor.name, *(actor.aliases or [])]
            hits = [n for n in names if lowered in n.casefold()]
            if hits:
                exact = exact or any(n.casefold() == lowered for n in names)
                alias = next((n for n in hits if n != actor.name), None)
                shown = alias if alias and lowered not in actor.name.casefold() else None
                options.append((actor.name, f"{actor.name} (also “{shown}”)" if shown else ""))
    else:
        for claim in Claim.objects.filter(project=project_obj).only("label"):
            if lowered in claim.label.casefold():
                exact = exact or claim.label.casefold() == lowered
                options.append((claim.label, ""))
    options.sort(key=lambda option: (not option[0].casefold().startswith(lowered), option[0]))
    return render(
        request,
        TEMPLATE + "#suggestions",
        {
            "kind": kind,
            "query": query,
            "options": options[:SUGGESTIONS],
            "total": len(options),
            "offer_new": bool(query) and not exact and access.can_annotate,
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
