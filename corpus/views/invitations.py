"""Opening an invitation link: a newcomer picks a username and password, or signs in,
and joins the project with the invitation's role. A used, revoked or expired link
says so."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from corpus import teams
from corpus.access import acting_user
from corpus.models import Invitation


def _unusable(request: HttpRequest, problem: teams.InvitationUnusable) -> HttpResponse:
    # 410: the link existed and is gone for good; 404: it never named anything.
    status = 410 if problem.invitation is not None else 404
    context = {"problem": problem.messages[0], "invitation": problem.invitation}
    return render(request, "corpus/invitation.html", context, status=status)


def _joined(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    messages.success(
        request,
        f"Welcome to “{invitation.project.name}”. You joined as "
        f"{invitation.get_role_display().lower()}.",
    )
    return redirect(invitation.project)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = teams.usable_invitation(token)
    except teams.InvitationUnusable as problem:
        return _unusable(request, problem)
    signup: UserCreationForm | None = None if request.user.is_authenticated else UserCreationForm()
    error = ""
    status = 200
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                teams.accept_invitation(token=token, user=acting_user(request))
                return _joined(request, found)
            signup = UserCreationForm(request.POST)
            if signup.is_valid():
                membership = teams.accept_invitation_as_new_user(
                    token=token,
                    username=signup.cleaned_data["username"],
                    password=signup.cleaned_data["password1"],
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
                return _joined(request, found)
        except teams.InvitationUnusable as problem:
            return _unusable(request, problem)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        status = 400
    context = {"invitation": found, "signup": signup, "error": error, "token": token}
    return render(request, "corpus/invitation.html", context, status=status)
