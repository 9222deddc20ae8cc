"""The codebook pages: a project's actors and claims with their usage, created, edited,
merged, deleted and traced through their history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from simple_history.utils import get_history_manager_for_model

from annotate import selectors
from annotate.forms import (
    ActorForm,
    ActorSearchForm,
    ClaimForm,
    ClaimSearchForm,
    MergeForm,
)
from annotate.models import Actor, Claim
from annotate.services.codebook import (
    MergeResult,
    create_actor,
    create_claim,
    delete_actor,
    delete_claim,
    merge_actors,
    merge_claims,
    update_actor,
    update_claim,
)
from annotate.services.history import history_of
from corpus.access import ProjectAccess, project_access, require_annotator, require_owner
from corpus.forms import add_service_errors
from corpus.http import HtmxHttpRequest
from corpus.models import Project, Role

from .history import describe, referenced_ids

PER_PAGE = 100


@dataclass(frozen=True)
class EntryKind:
    """What differs between the actor pages and the claim pages."""

    noun: str
    plural: str
    model: type[Actor] | type[Claim]
    form: type[forms.Form]
    search_form: Callable[..., forms.Form]
    link: str  # the field pointing to another entry: affiliation or parent
    create: Callable[..., Actor | Claim]
    update: Callable[..., Actor | Claim]
    merge: Callable[..., MergeResult]
    delete: Callable[..., None]

    def url(self, action: str, project: Project, entry: Actor | Claim | None = None) -> str:
        args: list[Any] = [project.slug] if entry is None else [project.slug, entry.pk]
        return reverse(f"annotate:{self.noun}-{action}", args=args)


LIST_TEMPLATE = "annotate/codebook_list.html"


def _actor_search(project: Project, data: Any) -> ActorSearchForm:
    return ActorSearchForm(data)


def _claim_search(project: Project, data: Any) -> ClaimSearchForm:
    return ClaimSearchForm(data, project=project)


ACTORS = EntryKind(
    noun="actor",
    plural="actors",
    model=Actor,
    form=ActorForm,
    search_form=_actor_search,
    link="affiliation",
    create=lambda *, project, data, user: create_actor(project=project, created_by=user, **data),
    update=lambda *, entry, data, user: update_actor(actor=entry, updated_by=user, **data),
    merge=lambda *, source, target, user: merge_actors(
        source=source, target=target, merged_by=user
    ),
    delete=lambda *, entry, user: delete_actor(actor=entry, deleted_by=user),
)

CLAIMS = EntryKind(
    noun="claim",
    plural="claims",
    model=Claim,
    form=ClaimForm,
    search_form=_claim_search,
    link="parent",
    create=lambda *, project, data, user: create_claim(project=project, created_by=user, **data),
    update=lambda *, entry, data, user: update_claim(claim=entry, updated_by=user, **data),
    merge=lambda *, source, target, user: merge_claims(
        source=source, target=target, merged_by=user
    ),
    delete=lambda *, entry, user: delete_claim(claim=entry, deleted_by=user),
)


def _listed(kind: EntryKind, access: ProjectAccess, search: forms.Form, user: Any) -> QuerySet[Any]:
    data = search.cleaned_data if search.is_valid() else {}
    query = (data.get("q") or "").strip()
    project = access.project
    # An annotator coding independently counts only their own uses of an entry.
    own = user.pk if project.independent_coding and access.role == Role.ANNOTATOR else None
    if kind is ACTORS:
        return selectors.actors_page(project, query=query, kind=data.get("kind") or "", by=own)
    return selectors.claims_page(project, query=query, parent=data.get("parent") or "", by=own)


def _entry(kind: EntryKind, access: ProjectAccess, pk: int) -> Any:
    return get_object_or_404(
        kind.model.objects.filter(project=access.project).select_related(kind.link),
        pk=pk,
    )


def _context(kind: EntryKind, access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    return {
        "project": access.project,
        "access": access,
        "kind": kind,
        "section": kind.plural,
        **extra,
    }


def entry_list(request: HtmxHttpRequest, project: str, kind: EntryKind) -> HttpResponse:
    access = project_access(request, project)
    search = kind.search_form(access.project, request.GET)
    page = Paginator(_listed(kind, access, search, request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = _context(kind, access, search=search, page=page, entries=page.object_list)
    template = LIST_TEMPLATE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)


def entry_form(
    request: HtmxHttpRequest, project: str, kind: EntryKind, pk: int | None = None
) -> HttpResponse:
    access = project_access(request, project)
    # Viewers get the reason, not a form they cannot send.
    require_annotator(access.role)
    entry = _entry(kind, access, pk) if pk is not None else None
    form_kwargs: dict[str, Any] = {"project": access.project, kind.noun: entry}
    form = kind.form(request.POST if request.method == "POST" else None, **form_kwargs)
    inline = bool(request.htmx) and entry is not None
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                entry = kind.create(
                    project=access.project, data=form.cleaned_data, user=request.user
                )
                messages.success(request, f"Added the {kind.noun} “{entry}”.")
            else:
                entry = kind.update(entry=entry, data=form.cleaned_data, user=request.user)
                if not inline:
                    messages.success(request, f"Saved the {kind.noun} “{entry}”.")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if inline:
                search = kind.search_form(access.project, {})
                row = _listed(kind, access, search, request.user).get(pk=entry.pk)
                return render(request, LIST_TEMPLATE + "#row", _context(kind, access, entry=row))
            return redirect(kind.url("list", access.project))
    context = _context(kind, access, form=form, entry=entry)
    if inline:
        return render(request, "annotate/codebook_form.html#form-row", context)
    return render(
        request, "annotate/codebook_form.html", context, status=400 if form.errors else 200
    )


def entry_merge(request: HttpRequest, project: str, pk: int, kind: EntryKind) -> HttpResponse:
    access = project_access(request, project)
    require_annotator(access.role)
    source = _entry(kind, access, pk)
    form = MergeForm(request.POST if request.method == "POST" else None, source=source)
    form.fields["target"].label = f"Merge into {kind.noun}"
    if request.method == "POST" and form.is_valid():
        name = str(source)
        try:
            result = kind.merge(
                source=source, target=form.cleaned_data["target"], user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Merged “{name}” into “{result.target}”: "
                + ngettext(
                    "%(count)d annotation now points to it.",
                    "%(count)d annotations now point to it.",
                    result.annotations,
                )
                % {"count": result.annotations},
            )
            return redirect(kind.url("list", access.project))
    usage = selectors.with_usage(kind.model.objects.filter(pk=source.pk)).get()
    context = _context(kind, access, form=form, entry=usage)
    return render(
        request, "annotate/codebook_merge.html", context, status=400 if form.errors else 200
    )


def entry_delete(request: HttpRequest, project: str, pk: int, kind: EntryKind) -> HttpResponse:
    access = project_access(request, project)
    require_owner(access.role)
    entry = _entry(kind, access, pk)
    errors: list[str] = []
    if request.method == "POST":
        name = str(entry)
        try:
            kind.delete(entry=entry, user=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"Deleted the {kind.noun} “{name}”.")
            return redirect(kind.url("list", access.project))
    usage = selectors.with_usage(kind.model.objects.filter(pk=entry.pk)).get()
    context = _context(kind, access, entry=usage, errors=errors)
    return render(request, "annotate/codebook_delete.html", context, status=400 if errors else 200)


def entry_history(request: HttpRequest, project: str, pk: int, kind: EntryKind) -> HttpResponse:
    access = project_access(request, project)
    entry = _entry(kind, access, pk)
    records = list(history_of(entry))
    ids = referenced_ids(records, {kind.link})[kind.link]
    label = "name" if kind is ACTORS else "label"
    names = dict(
        get_history_manager_for_model(kind.model)
        .filter(id__in=ids)
        .order_by("history_id")
        .values_list("id", label)
    )
    describe(records, kind.model, {kind.link: names})
    return render(
        request,
        "annotate/codebook_history.html",
        _context(kind, access, entry=entry, records=records),
    )


def _bind(
    view: Callable[..., HttpResponse], kind: EntryKind, methods: list[str]
) -> Callable[..., HttpResponse]:
    def bound(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, *args, kind=kind, **kwargs)

    bound.__name__ = f"{kind.noun}_{view.__name__.removeprefix('entry_')}"
    bound.__doc__ = view.__doc__
    return login_required(vary_on_headers("HX-Request")(require_http_methods(methods)(bound)))


def urls(kind: EntryKind) -> list[URLPattern]:
    """The pages of one kind of entry, under projects/<slug>/<plural>/, named <noun>-<page>."""
    base = f"projects/<slug:project>/{kind.plural}/"
    pages: list[tuple[str, str, Callable[..., HttpResponse], list[str]]] = [
        ("", "list", entry_list, ["GET"]),
        ("new/", "create", entry_form, ["GET", "POST"]),
        ("<int:pk>/edit/", "edit", entry_form, ["GET", "POST"]),
        ("<int:pk>/merge/", "merge", entry_merge, ["GET", "POST"]),
        ("<int:pk>/delete/", "delete", entry_delete, ["GET", "POST"]),
        ("<int:pk>/history/", "history", entry_history, ["GET"]),
    ]
    return [
        path(base + route, _bind(view, kind, methods), name=f"{kind.noun}-{page}")
        for route, page, view, methods in pages
    ]
