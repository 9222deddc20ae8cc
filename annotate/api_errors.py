"""Errors as the API answers them: JSON, field by field, with fitting status codes.

Set as REST_FRAMEWORK["EXCEPTION_HANDLER"], so every endpoint (codebook, annotations,
documents, imports, network) maps the services' errors the same way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .services import BulkValidationError, StaleVersion


def etag_for(pk: int, version: int) -> str:
    """An annotation's entity tag: it changes whenever the annotation does."""
    return f'"{pk}-{version}"'


def _django_errors(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"non_field_errors": error.messages}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the services' errors: ValidationError → 400 field by field,
    a bulk batch's errors by item index, a stale version → 412."""
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
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_errors(exc))
    answer = exception_handler(exc, context)
    if answer is not None and isinstance(answer.data, list):
        answer.data = {"non_field_errors": answer.data}
    return answer


def unknown_endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/ that names no endpoint answers JSON, as the rest of the API does."""
    return JsonResponse({"detail": "No such endpoint in the API."}, status=404)
