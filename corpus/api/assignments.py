"""Assignments and progress over the API: owners give documents to annotators (one or
in bulk, balanced); the annotator, or an owner, marks one done or reopens it; curators
and owners read the project's progress."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from corpus import teams
from corpus.access import (
    acting_user,
    caller_role,
    require_assignee_or_owner,
    require_curator,
    require_owner,
)
from corpus.ids import whole_number
from corpus.models import Assignment, AssignmentState

from .errors import ERRORS, ErrorSerializer
from .fields import IdFilter, IdLookupMixin, ProjectChildMixin, is_id
from .links import reverse_api
from .writes import StrictFields


def assignment_json(assignment: Assignment) -> dict[str, Any]:
    """An assignment as the API shows it (read from ``Assignment.objects.for_listing()``)."""
    return {
        "id": assignment.pk,
        "document": assignment.document_id,
        "document_title": assignment.document.title,
        "annotator": assignment.annotator.get_username(),
        "state": assignment.state.value,
        "annotations": assignment.annotation_count,  # type: ignore[attr-defined]
        "statements": assignment.statement_count,  # type: ignore[attr-defined]
        "assigned_by": assignment.assigned_by.get_username() if assignment.assigned_by else None,
        "created_at": serializers.DateTimeField().to_representation(assignment.created_at),
        "done_at": (
            serializers.DateTimeField().to_representation(assignment.done_at)
            if assignment.done_at
            else None
        ),
    }


class AssignmentSerializer(StrictFields, serializers.Serializer):
    """One assignment; the schema's description of ``assignment_json``."""

    id = serializers.IntegerField(read_only=True)
    document = serializers.IntegerField(min_value=0, help_text="The document's id.")
    document_title = serializers.CharField(read_only=True)
    annotator = serializers.CharField(max_length=150, help_text="The annotator's username.")
    state = serializers.ChoiceField(
        choices=AssignmentState.choices,
        read_only=True,
        help_text="assigned; in_progress once the annotator has annotated in the document; "
        "done once marked so.",
    )
    annotations = serializers.IntegerField(read_only=True)
    statements = serializers.IntegerField(read_only=True)
    assigned_by = serializers.CharField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    done_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def to_representation(self, instance: Assignment) -> dict[str, Any]:
        return assignment_json(instance)


class BulkAssignmentSerializer(StrictFields, serializers.Serializer):
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        allow_empty=False,
        max_length=teams.MAX_BULK_DOCUMENTS,
        help_text="The documents' ids.",
    )
    annotators = serializers.ListField(
        child=serializers.CharField(max_length=150),
        allow_empty=False,
        max_length=teams.MAX_BULK_ANNOTATORS,
        help_text="Usernames of members who can annotate.",
    )
    per_document = serializers.IntegerField(
        min_value=1, help_text="How many of the annotators each document goes to."
    )


class BulkAssignmentResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    assignments = AssignmentSerializer(many=True)


class AssignmentFilter(django_filters.FilterSet):
    document = IdFilter(field_name="document_id", help_text="A document's id.")
    annotator = django_filters.CharFilter(
        field_name="annotator__username", help_text="The annotator's username."
    )

    class Meta:
        model = Assignment
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="A project's assignments with their states"),
    retrieve=extend_schema(responses={200: AssignmentSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Assign a document to an annotator, or (with documents, annotators and "
        "per_document) each document to that many of the annotators, balanced (owners)",
        request=PolymorphicProxySerializer(
            component_name="AssignmentRequest",
            serializers=[AssignmentSerializer, BulkAssignmentSerializer],
            resource_type_field_name=None,
        ),
        responses={
            201: PolymorphicProxySerializer(
                component_name="AssignmentCreated",
                serializers=[AssignmentSerializer, BulkAssignmentResultSerializer],
                resource_type_field_name=None,
            ),
            **ERRORS,
        },
    ),
    destroy=extend_schema(
        summary="Take a document back from an annotator (owners); the annotations stay",
        responses={204: None, **ERRORS},
    ),
)
class AssignmentViewSet(
    ProjectChildMixin,
    IdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Assignment]:
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return Assignment.objects.filter(document__project=self.get_project()).for_listing()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_project()
        require_owner(caller_role(project))
        if isinstance(request.data, dict) and "documents" in request.data:
            bulk = BulkAssignmentSerializer(data=request.data)
            bulk.is_valid(raise_exception=True)
            created = teams.assign_documents(
                project=project, assigned_by=acting_user(request), **bulk.validated_data
            )
            return Response(
                {"created": len(created), "assignments": [assignment_json(a) for a in created]},
                status=status.HTTP_201_CREATED,
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        made = teams.assign_document(
            project=project,
            document=serializer.validated_data["document"],
            annotator=serializer.validated_data["annotator"],
            assigned_by=acting_user(request),
        )
        assignment = self.get_queryset().get(pk=made.pk)
        location = reverse_api(
            "project-assignment-detail", assignment.pk, request, project_pk=project.pk
        )
        return Response(
            assignment_json(assignment),
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assignment = self.get_object()
        require_owner(caller_role(self.get_project()))
        teams.unassign(assignment=assignment, removed_by=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssignmentStateView(APIView):
    """``POST /api/assignments/<pk>/done/`` and ``/reopen/``: by the assigned annotator
    or an owner."""

    done: bool = True

    @extend_schema(request=None, responses={200: AssignmentSerializer, **ERRORS})
    def post(self, request: Request, pk: str) -> Response:
        if not is_id(pk):
            raise NotFound()
        user = acting_user(request)
        assignment = get_object_or_404(
            Assignment.objects.visible_to(user).with_role(user).for_listing(), pk=pk
        )
        require_assignee_or_owner(
            caller_role(assignment), assignee_id=assignment.annotator_id, user=user
        )
        if self.done:
            teams.mark_done(assignment=assignment, by=user)
        else:
            teams.reopen(assignment=assignment, by=user)
        return Response(assignment_json(assignment))


class ProgressView(ProjectChildMixin, APIView):
    """``GET /api/projects/<pk>/progress/``: per annotator and per document, with the
    states, and statements per day (curators and owners)."""

    @extend_schema(
        summary="A project's progress: per annotator and per assigned document, and "
        "statements per day (curators and owners)",
        parameters=[
            OpenApiParameter(
                "days",
                {"type": "integer", "minimum": 1, "maximum": 366},
                description="Days of statements per day (1-366, 30).",
            )
        ],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def get(self, request: Request, project_pk: str) -> Response:
        project = self.get_project()
        require_curator(caller_role(project))
        days = whole_number(request.query_params.get("days", "30"))
        if days is None or not 1 <= days <= 366:
            raise serializers.ValidationError({"days": ["Give a number of days from 1 to 366."]})
        progress = teams.project_progress(project, days=int(days))
        return Response(
            {
                "since": progress.since.isoformat(),
                "annotators": [
                    {
                        "username": p.username,
                        "role": p.role,
                        "assigned": p.assigned,
                        "in_progress": p.in_progress,
                        "done": p.done,
                        "annotations": p.annotations,
                        "statements": p.statements,
                    }
                    for p in progress.annotators
                ],
                "documents": [
                    {
                        "id": d.id,
                        "title": d.title,
                        "done": d.done,
                        "assignments": [
                            {
                                "id": a.pk,
                                "annotator": a.annotator.get_username(),
                                "state": a.state.value,
                                "annotations": a.annotation_count,  # type: ignore[attr-defined]
                                "statements": a.statement_count,  # type: ignore[attr-defined]
                            }
                            for a in d.assignments
                        ],
                    }
                    for d in progress.documents
                ],
                "per_day": [
                    {
                        "date": d.date.isoformat(),
                        "annotator": d.username,
                        "statements": d.statements,
                    }
                    for d in progress.per_day
                ],
            }
        )
