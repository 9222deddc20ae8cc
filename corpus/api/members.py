"""A project's members over the API: everyone reads, owners add, change and remove."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from corpus import services
from corpus.access import acting_user, caller_role, require_owner
from corpus.characters import unstorable_character
from corpus.models import Membership, Role

from .errors import ERRORS, ErrorSerializer
from .fields import ProjectChildMixin
from .links import reverse_api
from .schema import LOCATION
from .writes import StrictFields


class MemberSerializer(StrictFields, serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["username", "role", "created_at"]
        read_only_fields = ["created_at"]


class MemberRoleSerializer(StrictFields, serializers.Serializer):
    """The new role; a change of role always names it, PATCH or not."""

    shown_fields = ("username", "created_at")

    # Never partial, so that the schema of the PATCH that takes it requires the role too.
    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        pass

    role = serializers.ChoiceField(choices=Role.choices)


@extend_schema_view(
    list=extend_schema(summary="A project's members and their roles"),
    retrieve=extend_schema(responses={200: MemberSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Add a user by username with a role (owners)",
        parameters=[LOCATION],
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
    ProjectChildMixin,
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

    def get_object(self) -> Membership:
        # A username no text column can hold names nobody; PostgreSQL would refuse it.
        if unstorable_character(self.kwargs[self.lookup_url_kwarg]):
            raise NotFound()
        return super().get_object()

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return Membership.objects.filter(project=self.get_project()).select_related("user")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_project()
        require_owner(caller_role(project))
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
        require_owner(caller_role(self.get_project()))
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
        require_owner(caller_role(self.get_project()))
        services.remove_member(membership=membership, removed_by=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
