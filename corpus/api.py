"""The REST API for projects, their members, documents and API tokens.

Every queryset is the caller's (``visible_to``): another project's objects answer 404.
Writes bind a serializer, check the caller's role, and call ``corpus.services``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from . import services
from .models import Document, Membership, Project, Role
from .permissions import LimitedJSONParser, acting_user, require_annotator, require_owner
from .search import search_documents

#: Ids are 64-bit; a larger number names nothing and must not reach the database.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A filter by id: a whole number, else 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IdField(serializers.PrimaryKeyRelatedField):
    """A related object by id, looked up in the caller's scope.

    With ``scope``, a function of the request's user that gives the queryset, the lookup
    is built only when the field is used, not for every serializer made. A serializer
    that has already fetched some of its related objects (several in one query) puts
    them in its ``prefetched`` dict, by field name and id (None for "not found"), and
    this field takes them from there.
    """

    def __init__(self, *args: Any, scope: Any = None, **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(*args, **kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if self.scope is not None and request is not None:
            return self.scope(request.user)
        return super().get_queryset()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, int) and not isinstance(data, bool) and not 0 <= data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        if isinstance(data, str) and data.isdigit() and int(data) > MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        prefetched = getattr(self.parent, "prefetched", {})
        if isinstance(data, int) and (self.field_name, data) in prefetched:
            found = prefetched[self.field_name, data]
            if found is None:
                self.fail("does_not_exist", pk_value=data)
            return found
        return super().to_internal_value(data)


class IdLookupMixin:
    """Detail URLs take any segment; one that is not an id answers 404 like a missing one."""

    def get_object(self) -> Any:
        value = str(self.kwargs.get("pk", "0"))  # type: ignore[attr-defined]
        if not value.isdigit() or int(value) > MAX_ID:
            raise NotFound()
        return super().get_object()  # type: ignore[misc]


class ErrorSerializer(serializers.Serializer):
    """An error: ``detail`` for the request as a whole, or a list of messages per field."""

    detail = serializers.CharField(required=False)


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Bad input, field by field."),
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
}


# Projects and members -------------------------------------------------------------------


class ProjectSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="The caller's role in the project.")

    class Meta:
        model = Project
        fields = ["id", "name", "slug", "description", "created_at", "role"]
        read_only_fields = ["slug", "created_at"]

    def get_role(self, project: Project) -> str:
        return getattr(project, "my_role", None) or Role.OWNER

    def create(self, validated_data: dict[str, Any]) -> Project:
        return services.create_project(
            name=validated_data["name"],
            description=validated_data.get("description", ""),
            owner=self.context["request"].user,
        )


@extend_schema_view(
    list=extend_schema(summary="The projects you belong to", responses={200: ProjectSerializer}),
    retrieve=extend_schema(responses={200: ProjectSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Create a project; you become its owner",
        responses={201: ProjectSerializer, 400: ERRORS[400]},
    ),
)
class ProjectViewSet(
    IdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProjectSerializer
    # Any segment reaches the view, so that a malformed id gets the API's JSON 404.
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Project]:
        # The filter and the annotation share one join, so ``my_role`` is the caller's.
        return Project.objects.visible_to(self.request.user).annotate(
            my_role=F("memberships__role")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = serializer.save()
        project.my_role = Role.OWNER  # type: ignore[attr-defined]
        headers = {"Location": reverse_api("project-detail", project.pk, request)}
        return Response(
            self.get_serializer(project).data, status=status.HTTP_201_CREATED, headers=headers
        )


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["username", "role", "created_at"]
        read_only_fields = ["created_at"]


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


@extend_schema_view(
    list=extend_schema(summary="A project's members and their roles"),
    retrieve=extend_schema(responses={200: MemberSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Add a user by username with a role (owners)",
        responses={201: MemberSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a member's role (owners)",
        request=MemberRoleSerializer,
        responses={200: MemberSerializer, **ERRORS},
    ),
    destroy=extend_schema(
        summary="Remove a member (owners); the last owner stays",
        responses={204: None, **ERRORS},
    ),
)
class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MemberSerializer
    # Any segment reaches the view, so that a malformed id gets the API's JSON 404.
    lookup_value_regex = "[^/]+"
    lookup_field = "user__username"
    lookup_url_kwarg = "username"

    def get_project(self) -> Project:
        if not hasattr(self, "_project"):
            pk = str(self.kwargs["project_pk"])
            if not pk.isdigit() or int(pk) > MAX_ID:
                raise NotFound()
            self._project = get_object_or_404(Project.objects.visible_to(self.request.user), pk=pk)
        return self._project

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return Membership.objects.filter(project=self.get_project()).select_related("user")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_project()
        require_owner(request.user, project)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.add_member(
            project=project,
            username=serializer.validated_data["user"]["username"],
            role=serializer.validated_data["role"],
            added_by=acting_user(request),
        )
        location = reverse_api(
            "project-member-detail",
            None,
            request,
            project_pk=project.pk,
            username=membership.user.username,
        )
        return Response(
            self.get_serializer(membership).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        require_owner(request.user, membership.project_id)
        serializer = MemberRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.change_role(
            membership=membership,
            role=serializer.validated_data["role"],
            changed_by=acting_user(request),
        )
        return Response(self.get_serializer(membership).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        require_owner(request.user, membership.project_id)
        services.remove_member(membership=membership, removed_by=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# Documents ------------------------------------------------------------------------------


class DocumentFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id", help_text="A project's id.")
    search = django_filters.CharFilter(
        method="full_text", help_text="Full-text search in the title and the text."
    )
    source_name = django_filters.CharFilter(help_text="The outlet, exactly.")
    published_after = django_filters.DateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="Published on or after."
    )
    published_before = django_filters.DateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="Published before."
    )

    class Meta:
        model = Document
        fields: list[str] = []

    def full_text(self, queryset: QuerySet[Document], name: str, value: str) -> QuerySet:
        return search_documents(queryset, value)


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


class DocumentListSerializer(serializers.ModelSerializer):
    source_url = serializers.CharField(read_only=True, help_text="An http(s) URL, or empty.")

    class Meta:
        model = Document
        fields = DOCUMENT_LIST_FIELDS
        read_only_fields = DOCUMENT_LIST_FIELDS


class DocumentSerializer(serializers.ModelSerializer):
    """A document with its text; offsets count code points into ``text``."""

    serializer_related_field = IdField
    source_url = serializers.CharField(
        required=False, allow_blank=True, help_text="An http(s) URL, or empty."
    )

    class Meta:
        model = Document
        fields = [*DOCUMENT_LIST_FIELDS[:3], "text", *DOCUMENT_LIST_FIELDS[3:]]
        read_only_fields = ["content_hash", "created_at", "updated_at"]
        extra_kwargs = {"text": {"trim_whitespace": False}, "title": {"allow_blank": True}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["project"].queryset = Project.objects.visible_to(request.user)  # type: ignore[attr-defined]
        # The services check titles, URLs and lengths with their own messages.
        for name in ("title", "source_url", "source_name", "author", "language"):
            field = self.fields[name]
            field.validators = []
            if isinstance(field, serializers.CharField):
                field.max_length = None


class DocumentUpdateSerializer(serializers.Serializer):
    """Metadata only: the text cannot change here, so offsets never move."""

    title = serializers.CharField(required=False, allow_blank=True)
    source_name = serializers.CharField(required=False, allow_blank=True)
    source_url = serializers.CharField(required=False, allow_blank=True)
    author = serializers.CharField(required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    language = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    metadata = serializers.JSONField(required=False)


@extend_schema_view(
    list=extend_schema(
        summary="Documents of your projects (without their text)",
        responses={200: DocumentListSerializer, 400: ERRORS[400]},
    ),
    retrieve=extend_schema(responses={200: DocumentSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Add a document from raw text (annotators and owners)",
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
        return documents.defer("original")

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return DocumentListSerializer if self.action == "list" else DocumentSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        project = fields.pop("project")
        require_annotator(request.user, project)
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
        require_annotator(request.user, document.project_id)
        serializer = DocumentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Fields that are not metadata go to the service too, which refuses them by name.
        extra = {
            key: value
            for key, value in dict(request.data).items()
            if key not in serializer.fields and key != "id"
        }
        services.update_document_metadata(document=document, **serializer.validated_data, **extra)
        return Response(DocumentSerializer(document, context=self.get_serializer_context()).data)

    def perform_destroy(self, instance: Document) -> None:
        require_owner(self.request.user, instance.project_id)
        services.delete_document(document=instance)


# Tokens ---------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class TokenThrottle(AnonRateThrottle):
    scope = "token"


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token."""

    authentication_classes = ()
    throttle_classes = (TokenThrottle,)
    parser_classes = (LimitedJSONParser, FormParser)

    @extend_schema(
        summary="Get your API token with your username and password",
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: ERRORS[400]},
        auth=[],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


def reverse_api(name: str, pk: Any, request: Request | None = None, **kwargs: Any) -> str:
    """The absolute URL of an API resource, for ``Location`` headers."""
    if pk is not None:
        kwargs["pk"] = pk
    url = reverse(f"api:{name}", kwargs=kwargs)
    return request.build_absolute_uri(url) if request is not None else url
