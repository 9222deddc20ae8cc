"""Assignments and progress in the browser: the Progress page (curators and owners),
where owners also assign and unassign; "done" and "reopen" from the reader."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from corpus import teams
from corpus.access import (
    ProjectAccess,
    acting_user,
    caller_role,
    project_access,
    require_assignee_or_owner,
    require_curator,
    require_owner,
)
from corpus.forms import AssignForm, add_service_errors
from corpus.models import Assignment, Document, Membership, Role


def _assign_form(access: ProjectAccess, data: object = None) -> AssignForm:
    documents = list(
        Document.objects.filter(project=access.project)
        .order_by("title", "id")
        .values_list("id", "title")
    )
    annotators = [
        name
        for name, role in Membership.objects.filter(project=access.project)
        .order_by("user__username")
        .values_list("user__username", "role")
        if Role(role).can_annotate
    ]
    return AssignForm(data, documents=documents, annotators=annotators)  # type: ignore[arg-type]


@login_required
@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest, project: str) -> HttpResponse:
    """Per annotator and per document: counts, states, statements per day; owners assign
    documents here (a POST), one or many at once."""
    access = project_access(request, project)
    require_curator(access.role)
    form = _assign_form(access) if access.can_manage else None
    status = 200
    if request.method == "POST":
        require_owner(access.role)
        form = _assign_form(access, request.POST)
        if form.is_valid():
            try:
                created = teams.assign_documents(
                    project=access.project,
                    documents=form.cleaned_data["documents"],
                    annotators=form.cleaned_data["annotators"],
                    per_document=form.cleaned_data["per_document"],
                    assigned_by=acting_user(request),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                n = len(created)
                messages.success(
                    request,
                    f"Made {n} assignment{'s' if n != 1 else ''}."
                    if n
                    else "Nothing to assign: every document already has that many of them.",
                )
                return redirect("corpus:progress", project=access.project.slug)
        status = 400
    context = {
        "project": access.project,
        "access": access,
        "section": "progress",
        "progress": teams.project_progress(access.project),
        "form": form,
    }
    return render(request, "corpus/progress.html", context, status=status)


@login_required
@require_POST
def assignment_remove(request: HttpRequest, project: str, assignment: int) -> HttpResponse:
    access = project_access(request, project)
    require_owner(access.role)
    found = get_object_or_404(
        Assignment.objects.select_related("document", "annotator"),
        document__project=access.project,
        pk=assignment,
    )
    teams.unassign(assignment=found, removed_by=acting_user(request))
    messages.success(
        request, f"Took “{found.document.title}” back from {found.annotator.get_username()}."
    )
    return redirect("corpus:progress", project=access.project.slug)


def _set_done(request: HttpRequest, project: str, assignment: int, *, done: bool) -> HttpResponse:
    user = acting_user(request)
    found = get_object_or_404(
        Assignment.objects.visible_to(user).with_role(user).select_related("document__project"),
        document__project__slug=project,
        pk=assignment,
    )
    require_assignee_or_owner(caller_role(found), assignee_id=found.annotator_id, user=user)
    if done:
        teams.mark_done(assignment=found, by=user)
        messages.success(request, f"Marked “{found.document.title}” as done.")
    else:
        teams.reopen(assignment=found, by=user)
        messages.success(request, f"Reopened “{found.document.title}”.")
    return redirect(found.document)


@login_required
@require_POST
def assignment_done(request: HttpRequest, project: str, assignment: int) -> HttpResponse:
    return _set_done(request, project, assignment, done=True)


@login_required
@require_POST
def assignment_reopen(request: HttpRequest, project: str, assignment: int) -> HttpResponse:
    return _set_done(request, project, assignment, done=False)
