"""Who may do what in a project, and how the API words a refusal.

Every API endpoint reads through the caller's scope (``visible_to``), so an object of a
project the caller does not belong to is simply not found (404). Inside a project the
role decides: viewers read, annotators also write, owners also manage. The helpers
here raise DRF's ``PermissionDenied`` (403) so that every endpoint refuses alike; the
services' errors become JSON in one place, ``annotate.api_errors.api_exception_handler``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.http import HttpRequest
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

from .models import Membership, Project, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def role_in(user: User | AnonymousUser, project: Project | int) -> Role | None:
    """The user's role in a project (by object or id), or None for a non-member."""
    if not user.is_authenticated:
        return None
    project_id = project.pk if isinstance(project, Project) else project
    role = (
        Membership.objects.filter(project_id=project_id, user=user)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def require_annotator(
    user: User | AnonymousUser, project: Project | int | None = None, *, role: str | None = None
) -> Role:
    """Refuse (403) unless the user may annotate, import and edit the codebook here.

    A caller that already read the user's role (with the object, in the same query)
    passes it as ``role`` instead of the project, and saves a query.
    """
    role = Role(role) if role else role_in(user, project) if project is not None else None
    if role is None or not role.can_annotate:
        raise exceptions.PermissionDenied(
            "Viewers can read this project but not change it; ask an owner for the annotator role."
        )
    return role


def require_owner(user: User | AnonymousUser, project: Project | int) -> Role:
    """Refuse (403) unless the user owns the project."""
    role = role_in(user, project)
    if role is None or not role.can_manage:
        raise exceptions.PermissionDenied("Only an owner of this project can do this.")
    return role


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object changed since you read it; fetch it again and retry."
    default_code = "stale"


def max_body_size() -> int:
    return int(getattr(settings, "API_MAX_BODY_SIZE", 10 * 1024 * 1024))


class LimitedJSONParser(JSONParser):
    """JSON with a size limit that answers 413, declared or not in Content-Length.

    DRF reads the body as a stream, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check,
    so the limit is enforced here.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = max_body_size()
        request: HttpRequest | None = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        too_large = PayloadTooLarge(
            f"The request body is larger than the limit of {limit // (1024 * 1024)} MB; "
            "send fewer items per request."
        )
        try:
            if declared and int(declared) > limit:
                raise too_large
        except ValueError:
            pass
        if stream is None:
            return None
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise too_large
        return super().parse(io.BytesIO(body), media_type, parser_context)


def acting_user(request: Any) -> User:
    """The signed-in user making an API request (the views' permission made sure of one)."""
    return cast("User", request.user)
