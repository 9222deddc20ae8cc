"""Errors as the API answers them: JSON, field by field, with fitting status codes.

``api_exception_handler`` is REST_FRAMEWORK["EXCEPTION_HANDLER"], so every endpoint maps
errors the same way: a refusal of the caller's role (``corpus.access.Refused``) becomes
a 403 with the same sentence the pages show, a Django ValidationError a 400 field by
field. Apps add the answers to their own services' errors through
``corpus.hooks.register_api_error_handler``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from corpus import hooks
from corpus.access import Refused


class ErrorSerializer(serializers.Serializer):
    """An error: ``detail`` for the request as a whole, or a list of messages per field."""

    detail = serializers.CharField(required=False)


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Bad input, field by field."),
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object changed since you read it; fetch it again and retry."
    default_code = "stale"


def _django_errors(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"non_field_errors": error.messages}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the apps' own errors (registered in ``corpus.hooks``), a
    refusal → 403 with its sentence, a Django ValidationError → 400 field by field."""
    answer = hooks.api_error_response(exc)
    if answer is not None:
        return answer
    if isinstance(exc, Refused):
        exc = exceptions.PermissionDenied(str(exc))
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        exc = exceptions.ValidationError({"files": [f"At most {limit:,} files per request."]})
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_errors(exc))
    answer = exception_handler(exc, context)
    if answer is not None and isinstance(answer.data, list):
        answer.data = {"non_field_errors": answer.data}
    return answer


def unknown_endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/ that names no endpoint answers JSON, as the rest of the API does."""
    return JsonResponse({"detail": "No such endpoint in the API."}, status=404)
