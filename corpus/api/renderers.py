"""The API's JSON, encoded by orjson.

``drf-orjson-renderer`` writes what DRF's ``JSONRenderer`` writes (the same values, a
moment as ISO 8601 with ``Z`` for UTC, lazy strings and ids as text) in a fraction of the
time: a page of 1,000 annotations took longer to encode than to read. What it does not do
by itself is kept here: U+2028 and U+2029 are escaped, as DRF escapes them, so that the
JSON stays a valid JavaScript literal, and keys that are not text are written as text.
orjson refuses integers beyond 64 bits, which JSON itself allows and a document's metadata
may hold: such an answer is written by DRF's own encoder instead.
"""

from __future__ import annotations

from typing import Any

import orjson
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

#: A moment in UTC ends in ``Z``, as ``annotate.representation.timestamp`` and DRF write it;
#: dict keys that are numbers become text, as ``json.dumps`` makes them.
OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS

_LINE_SEPARATOR = "\u2028".encode()
_PARAGRAPH_SEPARATOR = "\u2029".encode()


class JSONRenderer(ORJSONRenderer):
    """The API's default renderer (``application/json``)."""

    options = OPTIONS

    def render(
        self, data: Any, media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        try:
            body = super().render(data, media_type, renderer_context)
        except orjson.JSONEncodeError:
            return DRFJSONRenderer().render(data, media_type, renderer_context)
        if _LINE_SEPARATOR in body or _PARAGRAPH_SEPARATOR in body:
            body = body.replace(_LINE_SEPARATOR, b"\\u2028").replace(
                _PARAGRAPH_SEPARATOR, b"\\u2029"
            )
        return body
