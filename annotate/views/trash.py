"""The project's trash: annotations deleted from the reader, restored or emptied here;
and the history of any one annotation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from simple_history.utils import get_history_manager_for_model

from annotate import selectors
from annotate.models import Actor, Annotation, Claim
from annotate.services.history import history_of
from annotate.services.trash import empty_trash, restore_annotation
from corpus.access import acting_user, project_access, require_annotator, require_owner
from corpus.http import HtmxHttpRequest

from .history import describe, referenced_ids, usernames

PER_PAGE = 50


@login_required
@require_http_methods(["GET"])
def trash(request: HttpRequest, project: str) -> HttpResponse:
    access = project_access(request, project)
    page = Paginator(selectors.trash_page(access.project, request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "annotate/trash.html",
        {
            "project": access.project,
            "access": access,
            "page": page,
            "count": page.paginator.count,
            "section": "trash",
        },
    )


@login_required
@vary_on_headers("HX-Request")
@require_POST
def restore(request: HtmxHttpRequest, project: str, annotation: int) -> HttpResponse:
    access = project_access(request, project)
    require_annotator(access.role)
    # An annotation someone else restored a moment ago counts as restored, not missing.
    found = get_object_or_404(
        Annotation.objects.visible_to(request.user)
        .filter(document__project=access.project)
        .select_related("document")
        .defer("document__text", "document__original"),
        pk=annotation,
    )
    restore_annotation(annotation=found, restored_by=acting_user(request))
    if request.htmx:
        # The row says what happened; the count above the table is swapped out of band.
        context = {
            "project": access.project,
            "access": access,
            "annotation": found,
            "count": selectors.trash_page(access.project, request.user).count(),
            "oob": True,
        }
        return HttpResponse(
            render_to_string("annotate/trash.html#restored-row", context, request)
            + render_to_string("annotate/trash.html#trash-count", context, request)
        )
    messages.success(request, f"Restored “{found.quote[:80]}” to {found.document.title}.")
    return redirect("annotate:trash", project=access.project.slug)


@login_required
@require_http_methods(["GET", "POST"])
def empty(request: HttpRequest, project: str) -> HttpResponse:
    access = project_access(request, project)
    require_owner(access.role)
    if request.method == "POST":
        count = empty_trash(project=access.project, emptied_by=acting_user(request))
        messages.success(
            request,
            f"Emptied the trash: {count} annotation{pluralize(count)} deleted for good. "
            "Their history stays.",
        )
        return redirect("annotate:trash", project=access.project.slug)
    count = Annotation.objects.trashed().filter(document__project=access.project).count()
    return render(
        request,
        "annotate/trash.html",
        {
            "project": access.project,
            "access": access,
            "confirm": True,
            "count": count,
            "section": "trash",
        },
    )


@login_required
@require_http_methods(["GET"])
def annotation_history(request: HttpRequest, project: str, annotation: int) -> HttpResponse:
    access = project_access(request, project)
    found = get_object_or_404(
        Annotation.objects.visible_to(request.user)
        .filter(document__project=access.project)
        .select_related("document")
        .defer("document__text", "document__original"),
        pk=annotation,
    )
    records = list(history_of(found))
    ids = referenced_ids(records, {"actor", "claim", "created_by", "deleted_by"})
    # Entries merged away no longer exist; their last name comes from their history.
    names = {
        "actor": dict(
            get_history_manager_for_model(Actor)
            .filter(id__in=ids["actor"])
            .order_by("history_id")
            .values_list("id", "name")
        ),
        "claim": dict(
            get_history_manager_for_model(Claim)
            .filter(id__in=ids["claim"])
            .order_by("history_id")
            .values_list("id", "label")
        ),
        "created_by": (people := usernames(ids["created_by"] | ids["deleted_by"])),
        "deleted_by": people,
    }
    describe(records, Annotation, names)
    return render(
        request,
        "annotate/annotation_history.html",
        {"project": access.project, "access": access, "annotation": found, "records": records},
    )
