"""Site-wide answers that no single view gives."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

#: Database errors that mean "not reachable now" (server stopped, connection lost,
#: SQLite locked by a long writer), as opposed to a bug in a query.
DATABASE_DOWN = (OperationalError, InterfaceError)
DATABASE_UNAVAILABLE = "The database is unavailable at the moment; try again in a minute."
#: Seconds a client is asked to wait before retrying when the database is down.
RETRY_AFTER = 30


def is_api_request(request: HttpRequest) -> bool:
    """Whether a request is for the API, which answers JSON whatever happens."""
    return request.path_info.startswith("/api/")


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After, not a 500:
    JSON under /api/, a plain page elsewhere. The page is rendered without the request
    (no signed-in user, no session), because each of those would ask the database again.
    The API's own views answer the same through its exception handler."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_DOWN):
            return None
        logger.error("The database is unavailable (%s): %s", request.path, exception)
        if is_api_request(request):
            response: HttpResponse = JsonResponse({"detail": DATABASE_UNAVAILABLE}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
