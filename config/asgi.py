"""The app as the ASGI server (uvicorn, `make serve`) runs it: each request goes to the
handler that serves its view at least cost.

* **Async views** (today the event stream, ``/api/projects/<id>/events/``) go to Django's
  ASGI handler: an open stream is a coroutine asleep in the event loop, not a worker.
* **Every other view** is synchronous, and goes to Django's WSGI handler, run whole (view,
  middleware, the streamed body, the request's end) in one thread of a pool of
  ``WEB_THREADS`` (a2wsgi's WSGIMiddleware), which sends the body on as it is made, a
  few chunks ahead of the client at most. Django's ASGI handler would serve such a view
  at a cost of about 3 ms of CPU a request more: a thread started per request and a hop
  between threads for each middleware that is not async.

Both handlers run the same settings, URLs and middleware, so a request is answered the
same whichever serves it.
"""

import os
from functools import lru_cache
from typing import Any

from a2wsgi import WSGIMiddleware
from asgiref.sync import iscoroutinefunction
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application
from django.urls import Resolver404, resolve

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi = get_asgi_application()
django_wsgi = WSGIMiddleware(
    get_wsgi_application(),  # type: ignore[arg-type]
    workers=int(os.environ.get("WEB_THREADS", "10")),
)


@lru_cache(maxsize=4096)
def serves_async(path: str) -> bool:
    """Whether the view at ``path`` is a coroutine (an async view)."""
    try:
        return iscoroutinefunction(resolve(path).func)
    except Resolver404:
        return False


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and not serves_async(scope["path"]):
        await django_wsgi(scope, receive, send)  # type: ignore[arg-type]
    else:
        await django_asgi(scope, receive, send)
