"""JSON bodies with a size limit, for every endpoint (REST_FRAMEWORK's default parser)."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.parsers import JSONParser

from .errors import PayloadTooLarge


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
