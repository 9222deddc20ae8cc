"""Projects over the API: the caller's projects with the caller's role, and new ones."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from corpus import services
from corpus.access import ROLE, caller_role, require_owner
from corpus.models import Project, Role

from .errors import ERRORS, ErrorSerializer
from .fields import IdLookupMixin, caller_projects
from .links import reverse_api
from .schema import LOCATION
from .writes import StrictFields


class ProjectSerializer(StrictFields, serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="The caller's role in the project.")

    class Meta:
        model = Project
        fields = ["id", "name", "slug", "description", "independent_coding", "created_at", "role"]
        read_only_fields = ["slug", "created_at"]

    def get_role(self, project: Project) -> str:
        return caller_role(project) or Role.OWNER

    def update(self, instance: Project, validated_data: dict[str, Any]) -> Project:
        return services.update_project(
            project=instance, changed_by=self.context["request"].user, **validated_data
        )

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
        parameters=[LOCATION],
        responses={201: ProjectSerializer, 400: ERRORS[400]},
    ),
    partial_update=extend_schema(
        summary="Change a project's name, description or independent coding (owners)",
        responses={200: ProjectSerializer, **ERRORS},
    ),
)
class ProjectViewSet(
    IdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProjectSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Any segment reaches the view, so that a malformed id gets the API's JSON 404.
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Project]:
        return caller_projects(self.request.user)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_object()
        require_owner(caller_role(project))
        serializer = self.get_serializer(project, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(self.get_serializer(serializer.save()).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = serializer.save()
        setattr(project, ROLE, Role.OWNER)
        headers = {"Location": reverse_api("project-detail", project.pk, request)}
        return Response(
            self.get_serializer(project).data, status=status.HTTP_201_CREATED, headers=headers
        )
