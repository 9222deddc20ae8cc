"""Absolute URLs of API resources, for ``Location`` headers."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework.request import Request


def reverse_api(name: str, pk: Any, request: Request | None = None, **kwargs: Any) -> str:
    """The absolute URL of an API resource (route ``api:<name>``)."""
    if pk is not None:
        kwargs["pk"] = pk
    url = reverse(f"api:{name}", kwargs=kwargs)
    return request.build_absolute_uri(url) if request is not None else url
