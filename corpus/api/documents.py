"""Documents over the API: members read them (the list without their text), annotators
add them and change their metadata, owners delete them; offsets count code points."""

from __future__ import annotations

from typing import Any

import django_filters
import orjson
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from corpus import services
from corpus.access import acting_user, caller_role, require_annotator, require_owner
from corpus.models import Document
from corpus.search import matching_documents

from .errors import ERRORS, ErrorSerializer
from .fields import IdField, IdFilter, IdLookupMixin, caller_projects
from .filters import ApiFilterSet, PublishedFilter
from .links import reverse_api
from .renderers import JSONRenderer
from .rows import Rows
from .schema import LOCATION
from .writes import StrictFields


class DocumentFilter(ApiFilterSet):
    project = IdFilter(field_name="project_id", help_text="A project's id.")
    search = django_filters.CharFilter(
        method="full_text", help_text="Full-text search in the title and the text."
    )
    source_name = django_filters.CharFilter(help_text="The outlet, exactly.")
    published_after = PublishedFilter(bound="after")
    published_before = PublishedFilter(bound="before")

    class Meta:
        model = Document
        fields: list[str] = []

    def full_text(self, queryset: QuerySet[Document], name: str, value: str) -> QuerySet:
        # The list pages in id order, so a rank would be computed for nothing.
        return matching_documents(queryset, value)


DOCUMENT_LIST_FIELDS = [
    "id",
    "project",
    "title",
    "source_name",
    "source_url",
    "author",
    "published_at",
    "language",
    "notes",
    "metadata",
    "content_hash",
    "created_at",
    "updated_at",
]


#: The list's rows as plain values, as ``DocumentListSerializer`` writes them (its schema
#: and the equivalence test's yardstick): a page builds no model instances or fields.
LIST_ROWS = Rows(
    DOCUMENT_LIST_FIELDS,
    ["project_id" if name == "project" else name for name in DOCUMENT_LIST_FIELDS],
)


class DocumentListSerializer(serializers.ModelSerializer):
    source_url = serializers.CharField(read_only=True, help_text="An http(s) URL, or empty.")

    class Meta:
        model = Document
        fields = DOCUMENT_LIST_FIELDS
        read_only_fields = DOCUMENT_LIST_FIELDS


def document_list_rows(documents: QuerySet[Document]) -> list[dict[str, Any]]:
    """``documents`` as :class:`DocumentListSerializer` writes them, as JSON values, for
    thousands at once (an import's ``document.imported`` events): the list's own rows
    (:data:`LIST_ROWS`) through the API's renderer, in one pass in C."""
    return orjson.loads(JSONRenderer().render(list(LIST_ROWS.of(documents))))


class DocumentSerializer(StrictFields, serializers.ModelSerializer):
    """A document with its text; offsets count code points into ``text``."""

    serializer_related_field = IdField
    metadata = serializers.DictField(required=False, help_text="Names and values.")
    source_url = serializers.CharField(
        required=False, allow_blank=True, help_text="An http(s) URL, or empty."
    )

    class Meta:
        model = Document
        fields = [*DOCUMENT_LIST_FIELDS[:3], "text", *DOCUMENT_LIST_FIELDS[3:]]
        read_only_fields = ["content_hash", "created_at", "updated_at"]
        extra_kwargs = {
            "project": {"scope": caller_projects},
            "text": {"trim_whitespace": False},
            "title": {"allow_blank": True},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The services check titles, URLs and lengths with their own messages.
        for name in ("title", "source_url", "source_name", "author", "language"):
            field = self.fields[name]
            field.validators = []
            if isinstance(field, serializers.CharField):
                field.max_length = None


class DocumentUpdateSerializer(StrictFields, serializers.Serializer):
    """Metadata only: the text cannot change here, so offsets never move."""

    shown_fields = ("id", "project", "text", "content_hash", "created_at", "updated_at")
    fixed_message = "This field cannot be changed here; only metadata can."

    title = serializers.CharField(required=False, allow_blank=True)
    source_name = serializers.CharField(required=False, allow_blank=True)
    source_url = serializers.CharField(required=False, allow_blank=True)
    author = serializers.CharField(required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    language = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    metadata = serializers.DictField(required=False, help_text="Names and values.")


@extend_schema_view(
    list=extend_schema(
        summary="Documents of your projects (without their text)",
        responses={200: DocumentListSerializer, 400: ERRORS[400]},
    ),
    retrieve=extend_schema(responses={200: DocumentSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Add a document from raw text (annotators and owners)",
        parameters=[LOCATION],
        responses={201: DocumentSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a document's metadata (annotators and owners)",
        request=DocumentUpdateSerializer,
        responses={200: DocumentSerializer, **ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete a document and its annotations (owners)",
        responses={204: None, **ERRORS},
    ),
)
class DocumentViewSet(
    IdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    filterset_class = DocumentFilter
    # Any segment reaches the view, so that a malformed id gets the API's JSON 404.
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Document]:
        documents = Document.objects.visible_to(self.request.user)
        if self.action == "list":
            return documents.defer("text", "original")
        # The caller's role comes with the document, for the write permission checks.
        return documents.defer("original").with_role(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(LIST_ROWS.of(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(page)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return DocumentListSerializer if self.action == "list" else DocumentSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        project = fields.pop("project")
        require_annotator(caller_role(project))
        document = services.create_document(
            project=project, created_by=acting_user(request), **fields
        )
        return Response(
            DocumentSerializer(document, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse_api("document-detail", document.pk, request)},
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document = self.get_object()
        require_annotator(caller_role(document))
        serializer = DocumentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.update_document_metadata(document=document, **serializer.validated_data)
        return Response(DocumentSerializer(document, context=self.get_serializer_context()).data)

    def perform_destroy(self, instance: Document) -> None:
        require_owner(caller_role(instance))
        services.delete_document(document=instance)
