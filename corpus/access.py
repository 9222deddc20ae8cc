"""Who may do what in a project: the caller's role, and the refusals.

One way to know the caller's role: read it with the object. Every queryset of
something that belongs to a project is a ``corpus.models.RoleQuerySet`` (projects and
documents here; annotate's actors, claims and annotations too), whose
``with_role(user)`` adds the caller's role in the object's project as ``caller_role``,
joined in the same query (``with_role`` below); ``caller_role(obj)`` reads it back as
a ``Role``. ``role_join_sql`` is the same join in SQL, for the fast paths written by
hand.

One set of refusals, one sentence each: ``require_annotator(role)``,
``require_curator(role)``, ``require_owner(role)`` and ``require_assignee_or_owner``
raise ``Refused``, which pages render as the 403 page and the
API (``corpus.api.errors``) as a JSON 403, with the same sentence.

Visibility stays with ``visible_to(user)``: another project's object is simply not
found (404); the role decides what a member may do inside the project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F, FilteredRelation, Q, QuerySet, Value
from django.http import Http404, HttpRequest

from .models import Membership, Project, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

#: The attribute ``with_role`` adds: the caller's role in the object's project.
ROLE = "caller_role"
#: The name of ``with_role``'s join on the caller's membership.
_MEMBERSHIP = "caller_membership"

ANNOTATOR_NEEDED = (
    "Viewers can read this project but not change it; ask an owner for the annotator role."
)
OWNER_NEEDED = "Only an owner of this project can do this."
CURATOR_NEEDED = "Only the project's curators and owners can do this."
ASSIGNEE_NEEDED = "Only the annotator this document is assigned to, or an owner, can do this."


class Refused(PermissionDenied):
    """The caller's role in the project does not allow this (403, with the reason)."""


def with_role[Rows: QuerySet[Any]](
    queryset: Rows, user: User | AnonymousUser, memberships: str
) -> Rows:
    """``queryset`` with the user's role in each row's project as ``caller_role``, NULL
    for a non-member or a stranger; ``memberships`` is the path from a row to its
    project's memberships (``"memberships"`` on a project, ``"project__memberships"``).

    A join on the user's one membership of that project, not a query of its own."""
    if not user.is_authenticated:
        return queryset.annotate(**{ROLE: Value(None, output_field=models.CharField())})
    mine = FilteredRelation(memberships, condition=Q(**{f"{memberships}__user": user}))
    return queryset.annotate(**{_MEMBERSHIP: mine, ROLE: F(f"{_MEMBERSHIP}__role")})


def role_join_sql(alias: str, project_column: str) -> str:
    """``with_role``'s join in SQL, for a fast path that bypasses the ORM: the caller's
    membership of the project ``project_column`` names, as ``alias`` (its role is
    ``alias.role``, NULL for a non-member). It takes one parameter, the user's id."""
    return (
        f"LEFT JOIN {Membership._meta.db_table} {alias} "
        f"ON {alias}.project_id = {project_column} AND {alias}.user_id = %s"
    )


def caller_role(obj: Any) -> Role | None:
    """The caller's role that ``with_role`` (or ``role_join_sql``) brought with ``obj``."""
    value = getattr(obj, ROLE)
    return Role(value) if value else None


def role_in(user: User | AnonymousUser, project: Project) -> Role | None:
    """The user's role in a project at hand that came without it (one query)."""
    if hasattr(project, ROLE):
        return caller_role(project)
    found = Project.objects.filter(pk=project.pk).with_role(user).values_list(ROLE, flat=True)
    value = found.first()
    return Role(value) if value else None


def require_annotator(role: Role | str | None) -> Role:
    """Refuse unless the role may annotate, import and edit the codebook."""
    if not role or not Role(role).can_annotate:
        raise Refused(ANNOTATOR_NEEDED)
    return Role(role)


def require_owner(role: Role | str | None) -> Role:
    """Refuse unless the role may manage the project (members, deletions, the trash)."""
    if not role or not Role(role).can_manage:
        raise Refused(OWNER_NEEDED)
    return Role(role)


def require_curator(role: Role | str | None) -> Role:
    """Refuse unless the role sees everyone's work and curates (curators and owners)."""
    if not role or not Role(role).can_curate:
        raise Refused(CURATOR_NEEDED)
    return Role(role)


def require_assignee_or_owner(role: Role | str | None, *, assignee_id: int, user: Any) -> Role:
    """Refuse unless the user is the assignee (and still may annotate) or an owner."""
    if role and Role(role).can_manage:
        return Role(role)
    if role and Role(role).can_annotate and user.pk == assignee_id:
        return Role(role)
    raise Refused(ASSIGNEE_NEEDED)


def acting_user(request: Any) -> User:
    """The signed-in user making a request (the view made sure of one)."""
    return cast("User", request.user)


class ProjectAccess:
    """A page's project and the caller's role in it."""

    def __init__(self, project: Project):
        self.project = project
        role = caller_role(project)
        if role is None:
            raise Http404("No such project.")
        self.role: Role = role

    @property
    def can_annotate(self) -> bool:
        return self.role.can_annotate

    @property
    def can_curate(self) -> bool:
        return self.role.can_curate

    @property
    def can_manage(self) -> bool:
        return self.role.can_manage


def project_access(request: HttpRequest, slug: str) -> ProjectAccess:
    """The project ``slug`` with the caller's role, in one query; 404 for non-members."""
    project = (
        Project.objects.visible_to(request.user).with_role(request.user).filter(slug=slug).first()
    )
    if project is None:
        raise Http404("No such project.")
    return ProjectAccess(project)
