"""The codebook over the API: actors and claims, read by members, written by annotators
and owners through ``annotate.services``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from corpus.access import acting_user, caller_role, require_annotator
from corpus.api.errors import ERRORS, ErrorSerializer
from corpus.api.fields import IdField, IdFilter, IdLookupMixin, caller_projects
from corpus.api.filters import ApiFilterSet
from corpus.api.links import reverse_api
from corpus.api.schema import LOCATION
from corpus.api.writes import StrictFields

from .. import selectors
from ..models import Actor, ActorKind, Claim
from ..services.codebook import COLOUR_ERROR, create_actor, create_claim, update_actor, update_claim

#: The colour a codebook entry takes, as the schema states it (the service says why not).
COLOUR = {"validators": [RegexValidator(r"^#[0-9A-Fa-f]{6}$", message=COLOUR_ERROR)]}


class ActorSerializer(StrictFields, serializers.ModelSerializer):
    create_only = ("project",)
    serializer_related_field = IdField
    aliases = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = Actor
        fields = [
            "id",
            "project",
            "name",
            "kind",
            "aliases",
            "affiliation",
            "colour",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "project": {"scope": caller_projects},
            "affiliation": {"scope": Actor.objects.visible_to},
            "colour": COLOUR,
        }


class ClaimSerializer(StrictFields, serializers.ModelSerializer):
    create_only = ("project",)
    serializer_related_field = IdField

    class Meta:
        model = Claim
        fields = [
            "id",
            "project",
            "label",
            "description",
            "parent",
            "colour",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "project": {"scope": caller_projects},
            "parent": {"scope": Claim.objects.visible_to},
            "colour": COLOUR,
        }


class ActorFilter(ApiFilterSet):
    project = IdFilter(field_name="project_id", help_text="A project's id.")
    search = django_filters.CharFilter(
        method="name_or_alias", help_text="Part of the name or of an alias, any case or accents."
    )
    kind = django_filters.ChoiceFilter(choices=ActorKind.choices)

    class Meta:
        model = Actor
        fields: list[str] = []

    def name_or_alias(self, queryset: QuerySet[Actor], name: str, value: str) -> QuerySet:
        return selectors.search_actors(queryset, value)


class ClaimFilter(ApiFilterSet):
    project = IdFilter(field_name="project_id", help_text="A project's id.")
    search = django_filters.CharFilter(
        method="label_or_description",
        help_text="Part of the label or description, any case or accents.",
    )
    parent = IdFilter(field_name="parent_id", help_text="The parent's id.")

    class Meta:
        model = Claim
        fields: list[str] = []

    def label_or_description(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet:
        return selectors.search_claims(queryset, value)


class CodebookViewSet(
    IdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Shared by actors and claims: reads for members, writes for annotators and owners."""

    # Any segment reaches the view, so that a malformed id gets the API's JSON 404.
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    entry_name = ""

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        require_annotator(caller_role(data["project"]))
        entry = self.create_entry(data)
        return Response(
            self.get_serializer(entry).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse_api(f"{self.entry_name}-detail", entry.pk, request)},
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entry = self.get_object()
        require_annotator(caller_role(entry))
        serializer = self.get_serializer(entry, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        entry = self.update_entry(entry, dict(serializer.validated_data))
        return Response(self.get_serializer(entry).data)

    def create_entry(self, data: dict[str, Any]) -> Actor | Claim:
        raise NotImplementedError

    def update_entry(self, entry: Any, data: dict[str, Any]) -> Actor | Claim:
        raise NotImplementedError


@extend_schema_view(
    list=extend_schema(summary="Actors of your projects' codebooks"),
    retrieve=extend_schema(responses={200: ActorSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Add an actor (annotators and owners)",
        parameters=[LOCATION],
        responses={201: ActorSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change an actor (annotators and owners)",
        responses={200: ActorSerializer, **ERRORS},
    ),
)
class ActorViewSet(CodebookViewSet):
    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    entry_name = "actor"

    def get_queryset(self) -> QuerySet[Actor]:
        return Actor.objects.visible_to(self.request.user).with_role(self.request.user)

    def create_entry(self, data: dict[str, Any]) -> Actor:
        return create_actor(created_by=acting_user(self.request), **data)

    def update_entry(self, entry: Actor, data: dict[str, Any]) -> Actor:
        return update_actor(actor=entry, updated_by=acting_user(self.request), **data)


@extend_schema_view(
    list=extend_schema(summary="Claims of your projects' codebooks"),
    retrieve=extend_schema(responses={200: ClaimSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Add a claim (annotators and owners)",
        parameters=[LOCATION],
        responses={201: ClaimSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a claim (annotators and owners)",
        responses={200: ClaimSerializer, **ERRORS},
    ),
)
class ClaimViewSet(CodebookViewSet):
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    entry_name = "claim"

    def get_queryset(self) -> QuerySet[Claim]:
        return Claim.objects.visible_to(self.request.user).with_role(self.request.user)

    def create_entry(self, data: dict[str, Any]) -> Claim:
        return create_claim(created_by=acting_user(self.request), **data)

    def update_entry(self, entry: Claim, data: dict[str, Any]) -> Claim:
        return update_claim(claim=entry, updated_by=acting_user(self.request), **data)
