"""Errors as the API answers them: JSON, field by field, with fitting status codes.

``api_exception_handler`` is REST_FRAMEWORK["EXCEPTION_HANDLER"], so every endpoint maps
errors the same way: a refusal of the caller's role (``corpus.access.Refused``) becomes
a 403 with the same sentence the pages show, a Django ValidationError a 400 field by
field. Apps add the answers to their own services' errors through
``corpus.hooks.register_api_error_handler``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from corpus import hooks
from corpus.access import Refused
from corpus.middleware import DATABASE_DOWN, DATABASE_UNAVAILABLE, RETRY_AFTER, is_api_request

logger = logging.getLogger(__name__)


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


class DatabaseUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = DATABASE_UNAVAILABLE
    default_code = "unavailable"


def _too_much(exc: SuspiciousOperation) -> exceptions.APIException:
    """Django's own limits on a request's size, said in the API's words (413)."""
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        detail = f"At most {limit:,} files per request; send them in several requests."
    elif isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        detail = f"At most {limit:,} form fields per request."
    else:
        from .parsers import max_body_size

        detail = (
            f"The request body is larger than the limit of {max_body_size() // (1024 * 1024)} "
            "MB; send fewer items per request."
        )
    return PayloadTooLarge(detail)


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
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_errors(exc))
    if isinstance(exc, RequestDataTooBig | TooManyFilesSent | TooManyFieldsSent):
        exc = _too_much(exc)
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError("The request is malformed.")
    elif isinstance(exc, DATABASE_DOWN):
        logger.error("The database is unavailable: %s", exc)
        exc = DatabaseUnavailable()
    answer = exception_handler(exc, context)
    if isinstance(exc, DatabaseUnavailable) and answer is not None:
        answer["Retry-After"] = str(RETRY_AFTER)
    if answer is not None and isinstance(answer.data, list):
        answer.data = {"non_field_errors": answer.data}
    return answer


def unknown_endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/ that names no endpoint answers JSON, as the rest of the API does."""
    return JsonResponse({"detail": "No such endpoint in the API."}, status=404)


def bad_request(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    """``handler400``: a request Django itself refused (too large, too many files…)
    before any view saw it; JSON under /api/, the site's page elsewhere."""
    if is_api_request(request):
        if isinstance(exception, RequestDataTooBig | TooManyFilesSent | TooManyFieldsSent):
            refusal = _too_much(exception)
            return JsonResponse({"detail": refusal.detail}, status=refusal.status_code)
        return JsonResponse({"detail": "The request is malformed."}, status=400)
    return defaults.bad_request(request, exception, **kwargs)


def server_error(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """``handler500``: under /api/ a JSON 500 without any detail of the error (Django
    has logged it, traceback and all); elsewhere the site's page."""
    if is_api_request(request):
        return JsonResponse({"detail": "A server error occurred; it has been logged."}, status=500)
    return defaults.server_error(request, **kwargs)
