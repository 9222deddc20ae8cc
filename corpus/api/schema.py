"""The API's description: the OpenAPI schema's error answers, and Swagger UI."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.views import SpectacularSwaggerSplitView

from .fields import ID_SCHEMA

ERROR = {
    "type": "object",
    "description": "`detail` for the request as a whole, or a list of messages per field.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {},
}
DESCRIPTIONS = {
    "400": "Bad input: which field is wrong and why.",
    "401": "No or bad credentials.",
    "403": "Your role in the project does not allow this.",
    "404": "No such object in your projects.",
    "413": "The request body is over the size limit.",
    "415": "The body is not JSON (send Content-Type: application/json).",
    "429": "Too many requests; wait for Retry-After seconds.",
}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: document 400/401/403/404/413/429 as they apply."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = {"429"}
            public = operation.get("security") == [{}] or path.startswith("/api/schema")
            if not public:
                codes.add("401")
            if operation.get("parameters") or "requestBody" in operation:
                codes.add("400")
            if "requestBody" in operation:
                codes.update({"413", "415"})
            if method != "get" and not public:
                codes.add("403")
            if not public:
                # Any request may name a project, document or object the caller cannot see.
                codes.add("404")
            responses = operation["responses"]
            for code in sorted(codes):
                responses.setdefault(
                    code, {"description": DESCRIPTIONS[code], "content": reference}
                )
    return result


#: The header of every 201 that made an object with a URL of its own.
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    response=[201],
    required=True,
    description="The new object's URL.",
)

#: Path parameters that name an object by id (detail URLs take any segment, so that a
#: malformed one answers the API's JSON 404, but only an id names anything).
PATH_IDS = {"id", "pk", "project_pk"}


def describe_exactly(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the schema says what the server enforces.

    Request bodies are closed (``additionalProperties: false``), as ``corpus.api.writes``
    refuses any field a write does not take; ids in paths are integers from 1.
    """
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter["name"] in PATH_IDS:
                    parameter["schema"] = dict(ID_SCHEMA)
    return result


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from the app's own static files, its script and styles in files too,
    so that it runs under the site's Content Security Policy unchanged."""

    template_name = "api/swagger_ui.html"
