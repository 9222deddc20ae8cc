from typing import Any

from django import template

from corpus.access import role_in
from corpus.models import Project, Role

register = template.Library()


@register.simple_tag(takes_context=True)
def project_role(context: template.Context, project: Project) -> Role | None:
    """The signed-in user's role in ``project``: from the view's context when it has it
    (``role`` or ``access``), else looked up once per request."""
    if context.get("role"):
        return Role(context["role"])
    access: Any = context.get("access")
    if access is not None and getattr(access, "project", None) == project:
        return access.role
    request = context.get("request")
    if request is None:
        return None
    cache: dict[int, Role | None] = request.__dict__.setdefault("_project_roles", {})
    if project.pk not in cache:
        cache[project.pk] = role_in(request.user, project)
    return cache[project.pk]
