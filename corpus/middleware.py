"""Site-wide answers that no single view gives."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

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


class PrivateAnswersMiddleware:
    """Every answer to a signed-in person (by session or API token) carries
    ``Cache-Control: private, no-store``: it shows their projects, so no proxy may keep
    it and no browser may keep it on disk for the next person at a shared computer.
    Answers to nobody in particular (static files, which WhiteNoise serves before
    this runs, the sign-in page, the API's documentation) are left as they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None:
        return False
    try:
        return bool(user.is_authenticated)
    except DatabaseError:
        return True  # the session cannot be read now; keep the answer out of caches
