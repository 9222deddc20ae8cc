"""GET /api/annotations/export/: a project's annotations streamed as CSV, JSON Lines or
W3C Web Annotation JSON-LD (the formats themselves are ``annotate.exports``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView, get_object_or_404
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request

from corpus.api.errors import ErrorSerializer
from corpus.api.fields import ID_SCHEMA, MAX_ID, caller_projects, is_id
from corpus.http import StreamingResponse
from corpus.ids import whole_number

from .. import exports
from ..models import Annotation
from .sources import SOURCE_PARAMETER, request_source


class PassThroughNegotiation(BaseContentNegotiation):
    """Exports choose their format by the ``format`` parameter, whatever Accept says."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return (renderers[0], renderers[0].media_type)


class ExportMixin(GenericAPIView):
    """The annotations viewset's ``export`` action; the list's filters apply."""

    @extend_schema(
        summary="Annotations as CSV, JSON Lines, W3C Web Annotation JSON-LD or an Excel workbook",
        description=(
            "The list's filters apply. `jsonld` is an AnnotationCollection with its first "
            "AnnotationPage embedded; further pages are at the IRIs in `next` (`page=N`). "
            "Each annotation targets its document with a TextQuoteSelector (exact, prefix, "
            "suffix) and a TextPositionSelector (code points). In a project with "
            "independent coding the export holds the final annotations of curated "
            "documents unless `source` says otherwise."
        ),
        parameters=[
            OpenApiParameter("project", ID_SCHEMA, required=True, description="A project's id."),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=[*exports.FORMATS],
                description="csv (the default), jsonl, jsonld or xlsx.",
            ),
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1},
                description="jsonld only (checked for any format): one AnnotationPage, "
                "from 1, instead of the collection.",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": exports.MAX_PAGE_SIZE},
                description=f"jsonld only (checked for any format): annotations per page, "
                f"1 to {exports.MAX_PAGE_SIZE:,}.",
            ),
            SOURCE_PARAMETER,
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/x-ndjson"): OpenApiTypes.STR,
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
            (200, exports.FORMATS["xlsx"]): OpenApiTypes.BINARY,
            400: ErrorSerializer,
            401: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    @action(
        detail=False,
        methods=["get"],
        content_negotiation_class=PassThroughNegotiation,
        pagination_class=None,
    )
    def export(self, request: Request) -> StreamingResponse:
        kind = request.query_params.get("format", "csv")
        if kind not in exports.FORMATS:
            raise serializers.ValidationError(
                {"format": [f"Use one of {', '.join(exports.FORMATS)}, not “{kind}”."]}
            )
        project_id = request.query_params.get("project", "")
        if not is_id(project_id) or int(project_id) < 1:
            raise serializers.ValidationError(
                {"project": ["Give the id of the project to export, e.g. ?project=1."]}
            )
        page, page_size = _export_paging(request)
        project = get_object_or_404(caller_projects(request.user), pk=project_id)
        source = request_source(project, request.query_params.get("source"), request.user)
        annotations = self.filter_queryset(
            source.apply(
                Annotation.objects.visible_to(request.user)
                .alive()
                .filter(document__project=project)
            )
        )
        total = None
        if kind == "jsonld" and page is not None:
            # Counted before the answer starts: past the last page is a 404, not a stream.
            total = annotations.count()
            last = exports.page_count(total, page_size)
            if page > last:
                raise NotFound(f"There is no page past page {last} of this export.")
        return exports.stream(
            kind,
            annotations,
            project=project,
            request=request,
            page=page,
            page_size=page_size,
            total=total,
        )


def _export_paging(request: Request) -> tuple[int | None, int]:
    errors: dict[str, list[str]] = {}
    page: int | None = None
    page_size = exports.DEFAULT_PAGE_SIZE
    raw_size = request.query_params.get("page_size")
    if raw_size is not None:
        number = whole_number(raw_size)
        if number is not None and 1 <= number <= exports.MAX_PAGE_SIZE:
            page_size = number
        else:
            errors["page_size"] = [f"A page holds 1 to {exports.MAX_PAGE_SIZE:,} annotations."]
    raw_page = request.query_params.get("page")
    if raw_page is not None:
        # Checked here, before the answer starts: a page whose first row lies past any
        # row the database can number would fail only once the download had begun.
        last = MAX_ID // page_size
        number = whole_number(raw_page)
        if number is not None and 1 <= number <= last:
            page = number
        else:
            errors["page"] = [f"A page number is a whole number from 1 to {last:,}."]
    if errors:
        raise serializers.ValidationError(errors)
    return page, page_size
