"""Who may do what in a project, looked up once per request."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .models import Membership, Project, Role


class ProjectAccess:
    """The project a request is about and the caller's role in it."""

    def __init__(self, membership: Membership):
        self.project: Project = membership.project
        self.role = Role(membership.role)

    @property
    def can_annotate(self) -> bool:
        return self.role.can_annotate

    @property
    def can_manage(self) -> bool:
        return self.role.can_manage

    def require_annotator(self) -> None:
        if not self.can_annotate:
            raise PermissionDenied("Viewers cannot change anything in this project.")

    def require_owner(self) -> None:
        if not self.can_manage:
            raise PermissionDenied("Only the project's owners can do this.")


def project_access(request: HttpRequest, slug: str) -> ProjectAccess:
    """The caller's access to the project ``slug``, in one query; 404 for non-members."""
    if not request.user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("project")
        .filter(project__slug=slug, user=request.user)
        .first()
    )
    if membership is None:
        raise Http404("No such project.")
    return ProjectAccess(membership)
