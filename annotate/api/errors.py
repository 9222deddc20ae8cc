"""The annotation services' errors as the API answers them, and the annotation's ETag.

``service_error_response`` is registered with ``corpus.hooks`` (see ``AnnotateConfig``),
so the API's one exception handler answers these too.
"""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response

from ..services.annotations import BulkValidationError, StaleVersion


def etag_for(pk: int, version: int) -> str:
    """An annotation's entity tag: it changes whenever the annotation does."""
    return f'"{pk}-{version}"'


def service_error_response(exc: Exception) -> Response | None:
    """A bulk batch's errors by item index → 400; a stale version → 412 with the
    current version and ETag; None for any other error."""
    if isinstance(exc, BulkValidationError):
        return Response(
            {
                "detail": exc.message,
                "errors": {str(index): errors for index, errors in sorted(exc.errors.items())},
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, StaleVersion):
        response = Response(
            {"detail": str(exc), "current_version": exc.current.version},
            status=status.HTTP_412_PRECONDITION_FAILED,
        )
        response["ETag"] = etag_for(exc.current.pk, exc.current.version)
        return response
    return None
