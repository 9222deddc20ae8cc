"""Annotations over the API: CRUD with ETags and If-Match, the trash, bulk creation and
streaming exports, all through ``annotate.services``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import django_filters
from django.db.models import F, QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from corpus.api import (
    ERRORS,
    MAX_ID,
    ErrorSerializer,
    IdField,
    IdFilter,
    IdLookupMixin,
    reverse_api,
)
from corpus.models import Document, Membership, Project
from corpus.permissions import (
    PreconditionFailed,
    acting_user,
    require_annotator,
)

from .. import exports, services
from ..api_errors import etag_for
from ..models import Actor, Annotation, Claim, Stance, complete

#: The most annotations one bulk request may create.
BULK_LIMIT = 10_000


STANCE_ERROR = "“{input}” is not a stance; use one of support, oppose, neutral (or null)."


def _missing(name: str) -> dict[str, str]:
    return {
        "does_not_exist": f"There is no {name} with id {{pk_value}} in your projects.",
        "incorrect_type": f"Give the {name}'s id as a whole number.",
    }


def _timestamp(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class AnnotationSerializer(serializers.Serializer):
    """One highlighted passage; ``start``/``end`` count Unicode code points."""

    id = serializers.IntegerField(read_only=True)
    document = IdField(
        queryset=Document.objects.none(),
        # The caller's role comes with the document, saving the permission check a query.
        scope=lambda user: Document.objects.visible_to(user).annotate(
            caller_role=F("project__memberships__role")
        ),
        error_messages=_missing("document"),
    )
    start = serializers.IntegerField(help_text="0-based code point offset, inclusive.")
    end = serializers.IntegerField(help_text="0-based code point offset, exclusive.")
    quote = serializers.CharField(
        required=False,
        allow_null=True,
        trim_whitespace=False,
        help_text="The passage; when given it must equal the text at start–end.",
    )
    actor = IdField(
        queryset=Actor.objects.none(),
        scope=Actor.objects.visible_to,
        required=False,
        allow_null=True,
        error_messages=_missing("actor"),
    )
    claim = IdField(
        queryset=Claim.objects.none(),
        scope=Claim.objects.visible_to,
        required=False,
        allow_null=True,
        error_messages=_missing("claim"),
    )
    stance = serializers.ChoiceField(
        choices=Stance.choices,
        required=False,
        allow_null=True,
        error_messages={"invalid_choice": STANCE_ERROR},
    )
    note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    created_by = serializers.CharField(
        read_only=True, allow_null=True, help_text="The annotator's username."
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    version = serializers.IntegerField(
        read_only=True, help_text="Goes up by one with every change; part of the ETag."
    )

    def to_internal_value(self, data: Any) -> Any:
        if self.instance is None and isinstance(data, Mapping):
            self.prefetched = prefetch_references(self.context["request"].user, data)
        return super().to_internal_value(data)

    def to_representation(self, instance: Annotation) -> dict[str, Any]:
        # Written out by hand: lists, bulk answers and exports render thousands of these.
        return annotation_json(instance)


def _given_id(data: Mapping[str, Any], name: str) -> int | None:
    value = data.get(name)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return value
    return None


def _references_sql() -> str:
    document, membership = Document._meta.db_table, Membership._meta.db_table
    actor, claim = Actor._meta.db_table, Claim._meta.db_table
    # The join on the caller's membership is ``Document.objects.visible_to``.
    return f"""
        SELECT d.id, d.project_id, d.text, m.role AS caller_role,
               (SELECT a.project_id FROM {actor} a WHERE a.id = %s) AS actor_project,
               (SELECT c.project_id FROM {claim} c WHERE c.id = %s) AS claim_project
        FROM {document} d
        JOIN {membership} m ON m.project_id = d.project_id AND m.user_id = %s
        WHERE d.id = %s
    """.strip()


def prefetch_references(user: Any, data: Mapping[str, Any]) -> dict[tuple[str, int], Any]:
    """The document a new annotation names, with the caller's role in its project, and
    its actor and claim when they belong to that project: one query instead of three.

    Written as SQL because this is the hot path of every single create: building the
    same query with the ORM took longer than running it.

    Returns what the reference fields take (see ``IdField``); an actor or claim of
    another project is left for the field's own lookup, whose error says which.
    """
    document_id = _given_id(data, "document")
    if document_id is None or not user.is_authenticated:
        return {}
    wanted = {"actor": _given_id(data, "actor"), "claim": _given_id(data, "claim")}
    rows = Document.objects.raw(
        _references_sql(), [wanted["actor"], wanted["claim"], user.pk, document_id]
    )
    document = next(iter(rows), None)
    found: dict[tuple[str, int], Any] = {("document", document_id): document}
    if document is None:
        return found
    for (name, pk), model in zip(wanted.items(), (Actor, Claim), strict=True):
        if pk is not None and getattr(document, f"{name}_project") == document.project_id:
            # Only the id and the project are needed to tag; other fields load on use.
            found[name, pk] = model.from_db(
                document._state.db, ["id", "project_id"], [pk, document.project_id]
            )
    return found


def annotation_json(annotation: Annotation) -> dict[str, Any]:
    created_by = annotation.created_by if annotation.created_by_id else None
    return {
        "id": annotation.pk,
        "document": annotation.document_id,
        "start": annotation.start,
        "end": annotation.end,
        "quote": annotation.quote,
        "actor": annotation.actor_id,
        "claim": annotation.claim_id,
        "stance": annotation.stance,
        "note": annotation.note,
        "created_by": created_by.username if created_by is not None else None,
        "created_at": _timestamp(annotation.created_at),
        "updated_at": _timestamp(annotation.updated_at),
        "version": annotation.version,
    }


LIST_VALUES = (
    "id",
    "document_id",
    "start",
    "end",
    "quote",
    "actor_id",
    "claim_id",
    "stance",
    "note",
    "created_by__username",
    "created_at",
    "updated_at",
    "version",
)


def row_json(row: dict[str, Any]) -> dict[str, Any]:
    """An annotation as the API shows it, from a row of LIST_VALUES."""
    return {
        "id": row["id"],
        "document": row["document_id"],
        "start": row["start"],
        "end": row["end"],
        "quote": row["quote"],
        "actor": row["actor_id"],
        "claim": row["claim_id"],
        "stance": row["stance"],
        "note": row["note"],
        "created_by": row["created_by__username"],
        "created_at": _timestamp(row["created_at"]),
        "updated_at": _timestamp(row["updated_at"]),
        "version": row["version"],
    }


class AnnotationFilter(django_filters.FilterSet):
    project = IdFilter(field_name="document__project_id", help_text="A project's id.")
    document = IdFilter(field_name="document_id", help_text="A document's id.")
    actor = IdFilter(field_name="actor_id", help_text="An actor's id.")
    claim = IdFilter(field_name="claim_id", help_text="A claim's id.")
    stance = django_filters.ChoiceFilter(choices=Stance.choices)
    created_by = django_filters.CharFilter(
        field_name="created_by__username", help_text="The annotator's username."
    )
    updated_after = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Changed at or after this moment (ISO 8601), for incremental syncing.",
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


class PassThroughNegotiation(BaseContentNegotiation):
    """Exports choose their format by the ``format`` parameter, whatever Accept says."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return (renderers[0], renderers[0].media_type)


class BulkResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    annotations = AnnotationSerializer(many=True)


BULK_ERRORS = inline_serializer(
    "BulkErrors",
    {
        "detail": serializers.CharField(required=False),
        "errors": serializers.DictField(
            required=False,
            child=serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
            help_text=(
                "For each bad item's index: its errors, field by field. A body that is not "
                "a list of at most 10,000 items is refused under `non_field_errors`."
            ),
        ),
    },
)

ETAG_HEADER = {"ETag": OpenApiResponse(OpenApiTypes.STR)}
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you read; a stale one gets 412 and changes nothing.",
)
PRECONDITION = {412: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(summary="Annotations of your projects (trashed ones left out)"),
    retrieve=extend_schema(responses={200: AnnotationSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Highlight a passage, optionally tagged (annotators and owners)",
        responses={201: AnnotationSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change an annotation (annotators and owners)",
        parameters=[IF_MATCH],
        responses={200: AnnotationSerializer, **ERRORS, **PRECONDITION},
    ),
    destroy=extend_schema(
        summary="Move an annotation to the trash (annotators and owners)",
        parameters=[IF_MATCH],
        responses={204: None, **ERRORS, **PRECONDITION},
    ),
)
class AnnotationViewSet(
    IdLookupMixin,
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
        # The caller's role comes with each annotation, for the write permission checks.
        annotations = (
            Annotation.objects.visible_to(self.request.user)
            .select_related("created_by")
            .annotate(caller_role=F("document__project__memberships__role"))
        )
        return annotations if self.action == "restore" else annotations.alive()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Rows as plain values: a page of 1,000 builds no model instances.
        rows = self.filter_queryset(self.get_queryset()).values(*LIST_VALUES)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([row_json(row) for row in page])  # type: ignore[union-attr]

    def _answer(self, annotation: Annotation, status_code: int = 200, **headers: str) -> Response:
        return Response(
            annotation_json(annotation),
            status=status_code,
            headers={"ETag": etag_for(annotation.pk, annotation.version), **headers},
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._answer(self.get_object())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        document = data["document"]
        require_annotator(request.user, document.project_id, role=document.caller_role)
        annotation = services.create_annotation(created_by=acting_user(request), **data)
        return self._answer(
            annotation,
            status.HTTP_201_CREATED,
            Location=reverse_api("annotation-detail", annotation.pk, request),
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        annotation = self.get_object()
        require_annotator(request.user, role=annotation.caller_role)
        version = expected_version(request, annotation)
        serializer = self.get_serializer(annotation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        annotation = services.update_annotation(
            annotation=annotation,
            updated_by=acting_user(request),
            expected_version=version,
            **serializer.validated_data,
        )
        return self._answer(annotation)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        annotation = self.get_object()
        require_annotator(request.user, role=annotation.caller_role)
        annotation = services.trash_annotation(
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
        request=None,
        responses={200: AnnotationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str) -> Response:
        annotation = self.get_object()
        require_annotator(request.user, role=annotation.caller_role)
        return self._answer(
            services.restore_annotation(annotation=annotation, restored_by=acting_user(request))
        )

    @extend_schema(
        summary=f"Create up to {BULK_LIMIT:,} annotations at once, all or nothing",
        description=(
            "The body is a list of annotations as for a single create. When any item is "
            "invalid nothing is saved, and `errors` names every bad item by its index."
        ),
        request=AnnotationSerializer(many=True),
        responses={
            201: BulkResultSerializer,
            400: BULK_ERRORS,
            401: ErrorSerializer,
            403: ErrorSerializer,
            413: ErrorSerializer,
        },
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        items = bulk_items(request)
        annotations = services.create_annotations(items=items, created_by=acting_user(request))
        return Response(
            {"count": len(annotations), "annotations": [annotation_json(a) for a in annotations]},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Stream annotations as CSV, JSON Lines or W3C Web Annotation JSON-LD",
        description=(
            "The list's filters apply. `jsonld` is an AnnotationCollection with its first "
            "AnnotationPage embedded; further pages are at the IRIs in `next` (`page=N`). "
            "Each annotation targets its document with a TextQuoteSelector (exact, prefix, "
            "suffix) and a TextPositionSelector (code points)."
        ),
        parameters=[
            OpenApiParameter(
                "project", OpenApiTypes.INT, required=True, description="A project's id."
            ),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=[*exports.FORMATS],
                description="csv (the default), jsonl or jsonld.",
            ),
            OpenApiParameter(
                "page",
                OpenApiTypes.INT,
                description="jsonld only: one AnnotationPage (from 1) instead of the collection.",
            ),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description=f"jsonld only: annotations per page, 1 to {exports.MAX_PAGE_SIZE:,}.",
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/x-ndjson"): OpenApiTypes.STR,
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
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
    def export(self, request: Request) -> StreamingHttpResponse:
        kind = request.query_params.get("format", "csv")
        if kind not in exports.FORMATS:
            raise serializers.ValidationError(
                {"format": [f"Use one of {', '.join(exports.FORMATS)}, not “{kind}”."]}
            )
        project_id = request.query_params.get("project", "")
        if not project_id.isdigit():
            raise serializers.ValidationError(
                {"project": ["Give the id of the project to export, e.g. ?project=1."]}
            )
        page, page_size = _export_paging(request)
        project = get_object_or_404(Project.objects.visible_to(request.user), pk=project_id)
        annotations = self.filter_queryset(
            Annotation.objects.alive().filter(document__project=project)
        )
        return exports.stream(
            kind, annotations, project=project, request=request, page=page, page_size=page_size
        )


def _export_paging(request: Request) -> tuple[int | None, int]:
    errors: dict[str, list[str]] = {}
    page: int | None = None
    page_size = exports.DEFAULT_PAGE_SIZE
    raw_page = request.query_params.get("page")
    if raw_page is not None:
        if raw_page.isdigit() and int(raw_page) >= 1:
            page = int(raw_page)
        else:
            errors["page"] = ["A page number is a whole number from 1."]
    raw_size = request.query_params.get("page_size")
    if raw_size is not None:
        if raw_size.isdigit() and 1 <= int(raw_size) <= exports.MAX_PAGE_SIZE:
            page_size = int(raw_size)
        else:
            errors["page_size"] = [f"A page holds 1 to {exports.MAX_PAGE_SIZE:,} annotations."]
    if errors:
        raise serializers.ValidationError(errors)
    return page, page_size


def bulk_items(request: Request) -> list[services.NewAnnotation]:
    """Turn a bulk body into items for the service, naming every bad item by its index.

    Documents, actors and claims are each fetched once for the whole batch (in the
    caller's scope), so checking 10,000 items takes three queries, not 30,000.
    """
    data = request.data
    if not isinstance(data, list):
        raise serializers.ValidationError(
            {"non_field_errors": ["Send a JSON list of annotations."]}
        )
    if not data:
        raise serializers.ValidationError({"non_field_errors": ["The list is empty."]})
    if len(data) > BULK_LIMIT:
        raise serializers.ValidationError(
            {
                "non_field_errors": [
                    f"At most {BULK_LIMIT:,} annotations per request; this one has "
                    f"{len(data):,}. Split it up."
                ]
            }
        )

    def ids(name: str) -> set[int]:
        return {
            item[name]
            for item in data
            if isinstance(item, dict)
            and isinstance(item.get(name), int)
            and not isinstance(item.get(name), bool)
            and 0 <= item[name] <= MAX_ID
        }

    user = request.user
    documents = {d.pk: d for d in Document.objects.visible_to(user).filter(pk__in=ids("document"))}
    actors = {a.pk: a for a in Actor.objects.visible_to(user).filter(pk__in=ids("actor"))}
    claims = {c.pk: c for c in Claim.objects.visible_to(user).filter(pk__in=ids("claim"))}
    for project_id in {d.project_id for d in documents.values()}:
        require_annotator(user, project_id)

    allowed = {"document", "start", "end", "quote", "actor", "claim", "stance", "note"}
    errors: dict[int, dict[str, list[str]]] = {}
    items: list[services.NewAnnotation] = []
    positions: list[int] = []
    for index, item in enumerate(data):
        problems: dict[str, list[str]] = {}
        if not isinstance(item, dict):
            errors[index] = {"non_field_errors": ["Each item must be a JSON object."]}
            continue
        for name in sorted(set(item) - allowed):
            problems[name] = ["Unknown field; an item has " + ", ".join(sorted(allowed)) + "."]
        document = _lookup(item, "document", documents, problems, required=True)
        actor = _lookup(item, "actor", actors, problems)
        claim = _lookup(item, "claim", claims, problems)
        stance = item.get("stance")
        if stance is not None and stance not in Stance.values:
            problems["stance"] = [STANCE_ERROR.format(input=stance)]
        for name in ("start", "end"):
            if name not in item:
                problems[name] = ["This field is required."]
        for name in ("quote", "note"):
            if item.get(name) is not None and not isinstance(item[name], str):
                problems[name] = ["Must be a string."]
        if problems:
            errors[index] = problems
            continue
        items.append(
            services.NewAnnotation(
                document=document,  # type: ignore[arg-type]
                start=item["start"],
                end=item["end"],
                quote=item.get("quote"),
                actor=actor,
                claim=claim,
                stance=stance,
                note=item.get("note") or "",
            )
        )
        positions.append(index)
    if errors:
        # Check the well-formed items too, so one answer lists every problem.
        for position, item_errors in services.check_annotations(items=items).items():
            errors[positions[position]] = item_errors
        raise services.BulkValidationError(dict(sorted(errors.items())))
    return items


def _lookup(
    item: dict[str, Any],
    name: str,
    found: dict[int, Any],
    problems: dict[str, list[str]],
    required: bool = False,
) -> Any:
    value = item.get(name)
    if value is None:
        if required:
            problems[name] = ["This field is required."]
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        problems[name] = [f"Give the {name}'s id as a whole number."]
        return None
    if value not in found:
        problems[name] = [f"There is no {name} with id {value} in your projects."]
        return None
    return found[value]
