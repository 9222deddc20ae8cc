"""JSON bodies with a size limit, a depth limit and only storable text, for every endpoint
(REST_FRAMEWORK's default parser)."""

from __future__ import annotations

import io
import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

from corpus.characters import unstorable_character

from .errors import PayloadTooLarge

#: The deepest nesting of lists and objects a body may have; the deepest the API's own
#: resources use is three (a bulk list of annotations; metadata holds a little more).
MAX_DEPTH = 64
TOO_DEEP = f"The JSON body is nested too deeply: at most {MAX_DEPTH} levels of lists and objects."
#: How NUL and half surrogate pairs can appear in JSON at all: as \u escapes.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89abcdefABCDEF])")


def max_body_size() -> int:
    return int(getattr(settings, "API_MAX_BODY_SIZE", 10 * 1024 * 1024))


class LimitedJSONParser(JSONParser):
    """JSON with a size limit that answers 413, declared or not in Content-Length; a
    nesting limit; and no text that cannot be stored (NUL, lone surrogates), refused
    field by field (item by item in a list) before any view sees it.

    DRF reads the body as a stream, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check,
    so the size limit is enforced here.
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
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if _depth_over(data, MAX_DEPTH):
            raise ParseError(TOO_DEEP)
        if _SUSPECT_ESCAPE.search(body):
            _refuse_unstorable(data)
        return data


def _depth_over(data: Any, limit: int) -> bool:
    """Whether lists and objects nest more than ``limit`` deep, level by level (no
    recursion, and only containers are looked at twice)."""
    level = [data] if isinstance(data, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        deeper = []
        for container in level:
            for value in container.values() if type(container) is dict else container:
                if type(value) is dict or type(value) is list:
                    deeper.append(value)
        level = deeper
    return False


def _problem_in(value: Any) -> str | None:
    """Why some text in ``value`` (names and values, at any depth) cannot be stored,
    saying where below ``value`` it is, or None."""
    stack: list[tuple[tuple[str, ...], Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        where = " → ".join(path)
        if isinstance(item, dict):
            for key, inner in item.items():
                if problem := unstorable_character(key):
                    return f"A name in {where}: {problem}" if where else f"A name: {problem}"
                stack.append(((*path, str(key)[:40]), inner))
        elif isinstance(item, list):
            stack.extend(((*path, str(index)), inner) for index, inner in enumerate(item))
        elif isinstance(item, str) and (problem := unstorable_character(item)):
            return f"At {where}: {problem}" if where else problem
    return None


def _field_errors(obj: dict[str, Any]) -> dict[str, list[str]]:
    """An object's unstorable text, by the field that holds it."""
    errors: dict[str, list[str]] = {}
    for key, value in obj.items():
        if problem := unstorable_character(key):
            errors.setdefault("non_field_errors", []).append(f"A field's name: {problem}")
        elif problem := _problem_in(value):
            errors[key] = [problem]
    return errors


def _refuse_unstorable(data: Any) -> None:
    """Raise a 400 naming each field (each item of a list) with text that cannot be
    stored, in the shape the endpoint answers errors: field by field, or by index."""
    errors: dict[str, Any] = {}
    if isinstance(data, dict):
        errors = _field_errors(data)
    elif isinstance(data, list):
        by_index: dict[str, Any] = {}
        for index, item in enumerate(data):
            if isinstance(item, dict):
                item_errors = _field_errors(item)
            else:
                problem = _problem_in(item)
                item_errors = {"non_field_errors": [problem]} if problem else {}
            if item_errors:
                by_index[str(index)] = item_errors
        if by_index:
            errors = {
                "detail": f"Text that cannot be stored in {len(by_index)} of the items; "
                "nothing was saved.",
                "errors": by_index,
            }
    elif problem := _problem_in(data):
        errors = {"non_field_errors": [problem]}
    if errors:
        raise ValidationError(errors)
