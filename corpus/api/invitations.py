"""A project's invitations over the API (owners only): make a link, list, revoke."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from corpus import teams
from corpus.access import acting_user, caller_role, require_owner
from corpus.models import Invitation, InvitationStatus, Role

from .errors import ERRORS, ErrorSerializer
from .fields import IdLookupMixin, ProjectChildMixin
from .links import reverse_api
from .writes import StrictFields


class InvitationSerializer(StrictFields, serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="The link to pass on; given only in the answer that makes the invitation "
        "(the server keeps no copy of it)."
    )
    role = serializers.ChoiceField(choices=Role.choices)
    email = serializers.EmailField(
        required=False, allow_blank=True, max_length=254, help_text="Send the link here too."
    )
    status = serializers.ChoiceField(choices=InvitationStatus.choices, read_only=True)
    created_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    accepted_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    revoked_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    emailed = serializers.SerializerMethodField(help_text="Whether the link was e-mailed.")

    class Meta:
        model = Invitation
        fields = [
            "id",
            "url",
            "role",
            "email",
            "emailed",
            "status",
            "expires_at",
            "created_by",
            "created_at",
            "accepted_by",
            "accepted_at",
            "revoked_by",
            "revoked_at",
        ]
        read_only_fields = ["expires_at", "created_at", "accepted_at", "revoked_at"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, invitation: Invitation) -> str | None:
        return self.context.get("urls", {}).get(invitation.pk)

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_emailed(self, invitation: Invitation) -> bool | None:
        return self.context.get("emailed", {}).get(invitation.pk)


@extend_schema_view(
    list=extend_schema(summary="A project's invitations, oldest first (owners)"),
    retrieve=extend_schema(responses={200: InvitationSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Make an invitation link for a role (owners); e-mailed when an address is "
        "given and the server sends mail",
        responses={201: InvitationSerializer, **ERRORS},
    ),
    destroy=extend_schema(
        summary="Revoke an open invitation (owners); it stays listed as revoked",
        responses={200: InvitationSerializer, **ERRORS},
    ),
)
class InvitationViewSet(
    ProjectChildMixin,
    IdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = InvitationSerializer
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Invitation]:
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        project = self.get_project()
        require_owner(caller_role(project))
        return Invitation.objects.for_members_page(project)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_project()
        require_owner(caller_role(project))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        made = teams.create_invitation(
            project=project,
            role=serializer.validated_data["role"],
            email=serializer.validated_data.get("email", ""),
            created_by=acting_user(request),
            url_for=lambda token: request.build_absolute_uri(
                reverse("corpus:invitation", args=[token])
            ),
        )
        context = {
            **self.get_serializer_context(),
            "urls": {made.invitation.pk: made.url},
            "emailed": {made.invitation.pk: made.emailed},
        }
        location = reverse_api(
            "project-invitation-detail", made.invitation.pk, request, project_pk=project.pk
        )
        return Response(
            InvitationSerializer(made.invitation, context=context).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invitation = teams.revoke_invitation(
            invitation=self.get_object(), revoked_by=acting_user(request)
        )
        return Response(self.get_serializer(invitation).data)
