"""A project's members: everyone sees who is in; owners add, change and remove, and
invite people with links (made, listed and revoked here)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from corpus import services, teams
from corpus.access import ProjectAccess, acting_user, project_access, require_owner
from corpus.forms import AddMemberForm, ChangeRoleForm, InvitationForm, add_service_errors
from corpus.models import Invitation, Membership


def _page(
    request: HttpRequest,
    access: ProjectAccess,
    form: AddMemberForm,
    errors: list[str],
    status: int,
    *,
    invitation_form: InvitationForm | None = None,
    new_invitation: teams.NewInvitation | None = None,
) -> HttpResponse:
    memberships = (
        Membership.objects.filter(project=access.project)
        .select_related("user")
        .order_by("user__username", "id")
    )
    rows = [(m, ChangeRoleForm(initial={"role": m.role}, prefix=f"m{m.pk}")) for m in memberships]
    context = {
        "project": access.project,
        "access": access,
        "rows": rows,
        "form": form,
        "errors": errors,
        "section": "members",
        "invitation_form": invitation_form or InvitationForm(),
        "new_invitation": new_invitation,
        "can_email": teams.can_email(),
        "invitations": (
            Invitation.objects.for_members_page(access.project) if access.can_manage else []
        ),
    }
    return render(request, "corpus/members.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, project: str) -> HttpResponse:
    access = project_access(request, project)
    form = AddMemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        require_owner(access.role)
        if form.is_valid():
            try:
                membership = services.add_member(
                    project=access.project,
                    username=form.cleaned_data["username"],
                    role=form.cleaned_data["role"],
                    added_by=acting_user(request),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Added {membership.user.get_username()} as "
                    f"{membership.get_role_display().lower()}.",
                )
                return redirect("corpus:members", project=access.project.slug)
        return _page(request, access, form, [], status=400)
    return _page(request, access, form, [], status=200)


def _membership(access: ProjectAccess, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "project"), project=access.project, pk=pk
    )


@login_required
@require_POST
def member_role(request: HttpRequest, project: str, membership: int) -> HttpResponse:
    access = project_access(request, project)
    require_owner(access.role)
    found = _membership(access, membership)
    form = ChangeRoleForm(request.POST, prefix=f"m{found.pk}")
    errors: list[str] = []
    if form.is_valid():
        try:
            services.change_role(
                membership=found,
                role=form.cleaned_data["role"],
                changed_by=acting_user(request),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request, f"{found.user.get_username()} is now {found.get_role_display().lower()}."
            )
            if found.user_id == request.user.pk and found.role != "owner":
                return redirect("corpus:project-detail", project=access.project.slug)
            return redirect("corpus:members", project=access.project.slug)
    else:
        errors = [f"{e}" for e in form.errors.get("role", [])]
    return _page(request, access, AddMemberForm(), errors, status=400)


@login_required
@require_POST
def member_remove(request: HttpRequest, project: str, membership: int) -> HttpResponse:
    access = project_access(request, project)
    require_owner(access.role)
    found = _membership(access, membership)
    name = found.user.get_username()
    leaving = found.user_id == request.user.pk
    try:
        services.remove_member(membership=found, removed_by=acting_user(request))
    except ValidationError as error:
        return _page(request, access, AddMemberForm(), error.messages, status=400)
    messages.success(request, f"Removed {name} from the project.")
    if leaving:
        return redirect("corpus:project-list")
    return redirect("corpus:members", project=access.project.slug)


@never_cache
@login_required
@require_POST
def invitation_create(request: HttpRequest, project: str) -> HttpResponse:
    """Make an invitation link and show it on the members page, once: the server keeps
    only its hash."""
    access = project_access(request, project)
    require_owner(access.role)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            made = teams.create_invitation(
                project=access.project,
                role=form.cleaned_data["role"],
                email=form.cleaned_data["email"],
                created_by=acting_user(request),
                url_for=lambda token: request.build_absolute_uri(
                    reverse("corpus:invitation", args=[token])
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _page(request, access, AddMemberForm(), [], 201, new_invitation=made)
    return _page(request, access, AddMemberForm(), [], 400, invitation_form=form)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, project: str, invitation: int) -> HttpResponse:
    access = project_access(request, project)
    require_owner(access.role)
    found = get_object_or_404(Invitation, project=access.project, pk=invitation)
    try:
        teams.revoke_invitation(invitation=found, revoked_by=acting_user(request))
    except ValidationError as error:
        return _page(request, access, AddMemberForm(), error.messages, status=400)
    messages.success(request, "Revoked the invitation; its link no longer works.")
    return redirect("corpus:members", project=access.project.slug)
