"""Annotations over the API: CRUD with ETags and If-Match, and the trash, through
``annotate.services``; the viewset's ``bulk`` and ``export`` actions are in ``bulk`` and
``exports``, the annotation's JSON in ``serializers``."""

from __future__ import annotations

import builtins
import re
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from corpus.access import acting_user, caller_role, require_annotator, require_curator
from corpus.api.errors import ERRORS, ErrorSerializer, PreconditionFailed
from corpus.api.fields import IdFilter, IdLookupMixin
from corpus.api.filters import ApiFilterSet, PublishedFilter
from corpus.api.links import reverse_api
from corpus.api.schema import LOCATION

from .. import exports
from ..models import Annotation, Stance, complete
from ..representation import API
from ..services.annotations import create_annotation, update_annotation
from ..services.curation import accept_annotation, require_editor
from ..services.trash import restore_annotation, trash_annotation
from .bulk import BulkCreateMixin
from .errors import etag_for
from .exports import ExportMixin
from .serializers import AnnotationSerializer, annotation_json


class WebAnnotationRenderer(JSONRenderer):
    """An annotation as a W3C Web Annotation, for clients that ask for JSON-LD."""

    media_type = "application/ld+json"
    format = "jsonld"


class AnnotationFilter(ApiFilterSet):
    project = IdFilter(field_name="document__project_id", help_text="A project's id.")
    document = IdFilter(field_name="document_id", help_text="A document's id.")
    actor = IdFilter(field_name="actor_id", help_text="An actor's id.")
    claim = IdFilter(field_name="claim_id", help_text="A claim's id.")
    stance = django_filters.ChoiceFilter(choices=Stance.choices)
    created_by = django_filters.CharFilter(
        field_name="created_by__username", help_text="The annotator's username."
    )
    published_after = PublishedFilter(bound="after", path="document__")
    published_before = PublishedFilter(bound="before", path="document__")
    updated_after = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Changed at or after this moment (ISO 8601), for incremental syncing.",
    )
    final = django_filters.BooleanFilter(
        field_name="final",
        help_text="true: only final annotations (set by curation); false: the annotators' own.",
    )
    complete = django_filters.BooleanFilter(
        method="statements",
        help_text="true: only statements (actor, claim and stance set); false: the others.",
    )

    class Meta:
        model = Annotation
        fields: list[str] = []

    def statements(self, queryset: QuerySet[Annotation], name: str, value: bool) -> QuerySet:
        return queryset.filter(complete()) if value else queryset.exclude(complete())


_ETAG = re.compile(r'^"(\d+)-(\d+)"$')


def expected_version(request: Request, annotation: Annotation) -> int | None:
    """The version an ``If-Match`` header expects, None without one (or with ``*``).

    An entity tag of another annotation, or one that is not ours at all, cannot match:
    412 at once.
    """
    header = request.headers.get("If-Match")
    if not header:
        return None
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    if "*" in tags:
        return None
    for tag in tags:
        match = _ETAG.match(tag)
        if match and int(match[1]) == annotation.pk:
            return int(match[2])
    raise PreconditionFailed(
        "If-Match does not hold this annotation's ETag; fetch it again and retry."
    )


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you read; a stale one gets 412 and changes nothing.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201, 204],
    required=True,
    description="The annotation's entity tag, for If-Match.",
)
STALE_ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[412],
    description="The current entity tag, when the annotation changed since it was read.",
)
PRECONDITION = {412: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(summary="Annotations of your projects (trashed ones left out)"),
    retrieve=extend_schema(
        summary="An annotation, as JSON or (Accept: application/ld+json) as a Web Annotation",
        description=(
            "Plain JSON by default. With `Accept: application/ld+json; "
            'profile="http://www.w3.org/ns/anno.jsonld"` the answer is the annotation as a '
            "W3C Web Annotation, the same object the JSON-LD export holds, so that its `id` "
            "dereferences as the Web Annotation Protocol describes."
        ),
        parameters=[ETAG],
        responses={
            (200, "application/json"): AnnotationSerializer,
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
            404: ErrorSerializer,
        },
    ),
    create=extend_schema(
        summary="Highlight a passage, optionally tagged (annotators and owners)",
        parameters=[LOCATION, ETAG],
        responses={201: AnnotationSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change an annotation (annotators and owners)",
        parameters=[IF_MATCH, ETAG, STALE_ETAG],
        responses={200: AnnotationSerializer, **ERRORS, **PRECONDITION},
    ),
    destroy=extend_schema(
        summary="Move an annotation to the trash (annotators and owners)",
        parameters=[IF_MATCH, ETAG, STALE_ETAG],
        responses={204: None, **ERRORS, **PRECONDITION},
    ),
)
class AnnotationViewSet(
    IdLookupMixin,
    BulkCreateMixin,
    ExportMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AnnotationSerializer
    filterset_class = AnnotationFilter
    # Any segment reaches the view, so that a malformed id gets the API's JSON 404.
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Annotation]:
        user = self.request.user
        annotations = Annotation.objects.visible_to(user).select_related("created_by")
        if self.action == "list":
            return annotations.alive()
        # The caller's role comes with the annotation, for the write permission checks.
        annotations = annotations.with_role(user)
        return annotations if self.action == "restore" else annotations.alive()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Rows as plain values: a page of 1,000 builds no model instances.
        page = self.paginate_queryset(API.json_rows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(page)

    def _answer(self, annotation: Annotation, status_code: int = 200, **headers: str) -> Response:
        return Response(
            annotation_json(annotation),
            status=status_code,
            headers={"ETag": etag_for(annotation.pk, annotation.version), **headers},
        )

    def get_renderers(self) -> builtins.list[BaseRenderer]:  # list is the action
        renderers = super().get_renderers()
        if self.action == "retrieve":
            renderers.append(WebAnnotationRenderer())
        return renderers

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        annotation = self.get_object()
        if request.accepted_renderer.format != WebAnnotationRenderer.format:
            return self._answer(annotation)
        return Response(
            exports.web_annotation(Annotation.objects.filter(pk=annotation.pk), request=request),
            content_type=exports.FORMATS["jsonld"],
            headers={"ETag": etag_for(annotation.pk, annotation.version)},
        )

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.action == "retrieve":
            patch_vary_headers(response, ["Accept"])
            if response.status_code >= 400:
                # Errors are plain JSON, whatever representation was asked for.
                response.accepted_renderer = JSONRenderer()
                response.accepted_media_type = JSONRenderer.media_type
        return response

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        document = data["document"]
        require_annotator(caller_role(document))
        annotation = create_annotation(created_by=acting_user(request), **data)
        return self._answer(
            annotation,
            status.HTTP_201_CREATED,
            Location=reverse_api("annotation-detail", annotation.pk, request),
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        annotation = self.get_object()
        require_editor(annotation, caller_role(annotation))
        version = expected_version(request, annotation)
        serializer = self.get_serializer(annotation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        annotation = update_annotation(
            annotation=annotation,
            updated_by=acting_user(request),
            expected_version=version,
            **serializer.validated_data,
        )
        return self._answer(annotation)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        annotation = self.get_object()
        require_editor(annotation, caller_role(annotation))
        annotation = trash_annotation(
            annotation=annotation,
            trashed_by=acting_user(request),
            expected_version=expected_version(request, annotation),
        )
        return Response(
            status=status.HTTP_204_NO_CONTENT,
            headers={"ETag": etag_for(annotation.pk, annotation.version)},
        )

    @extend_schema(
        summary="Bring an annotation back from the trash (annotators and owners)",
        parameters=[ETAG],
        request=None,
        responses={200: AnnotationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str) -> Response:
        annotation = self.get_object()
        require_editor(annotation, caller_role(annotation))
        return self._answer(
            restore_annotation(annotation=annotation, restored_by=acting_user(request))
        )

    @extend_schema(
        summary="Accept an annotator's annotation into the document's final annotations "
        "(curators and owners)",
        description=(
            "Copies the annotation into a new final annotation (`final: true`, "
            "`curated_from`: this annotation's id); the history names who accepted whose "
            "annotation, and when. A final annotation, or one already accepted, is refused."
        ),
        parameters=[LOCATION, ETAG],
        request=None,
        responses={201: AnnotationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        annotation = self.get_object()
        require_curator(caller_role(annotation))
        final = accept_annotation(annotation=annotation, accepted_by=acting_user(request))
        return self._answer(
            Annotation.objects.select_related("created_by").get(pk=final.pk),
            status.HTTP_201_CREATED,
            Location=reverse_api("annotation-detail", final.pk, request),
        )
