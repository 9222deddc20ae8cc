"""GET /api/projects/<id>/agreement/: inter-coder agreement per field over chosen
documents and annotators (``annotate.agreement``)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from corpus.access import caller_role
from corpus.api.errors import ErrorSerializer
from corpus.api.fields import ID_SCHEMA, caller_projects, is_id

from ..agreement.measures import FIELDS
from ..agreement.project import (
    AgreementError,
    project_agreement,
    request_of,
    require_agreement_reader,
)
from ..models import Annotation


class AgreementView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Inter-coder agreement: Krippendorff's alpha-U and alpha, Cohen's kappa",
        description=(
            "Over the chosen annotators' own annotations (final annotations never count) "
            "of the chosen documents (by default every document one of them annotated). "
            "`unitizing` is Krippendorff's alpha-U over the documents laid end to end, "
            "overall and per category; `coding` is Krippendorff's nominal alpha over the "
            "spans at least one annotator marked (`units` with two or more values, "
            "`pairable` values), and Cohen's kappa per pair over the spans both coded. "
            "null means not defined. For owners, curators and viewers; annotators too "
            "when the project does not code independently."
        ),
        parameters=[
            OpenApiParameter("field", OpenApiTypes.STR, enum=list(FIELDS)),
            OpenApiParameter(
                "annotators", OpenApiTypes.STR, description="Usernames, comma-separated."
            ),
            OpenApiParameter(
                "document", ID_SCHEMA, description="A document's id; repeatable or comma-separated."
            ),
            OpenApiParameter("match", OpenApiTypes.STR, enum=["exact", "overlap"]),
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    def get(self, request: Request, pk: str) -> Response:
        project = get_object_or_404(caller_projects(request.user), pk=pk if is_id(pk) else 0)
        require_agreement_reader(project, caller_role(project))
        try:
            chosen = request_of(project, request.query_params)
        except AgreementError as error:
            raise serializers.ValidationError(
                {key: [message] for key, message in error.errors.items()}
            ) from error
        result = project_agreement(project, chosen, Annotation.objects.visible_to(request.user))
        return Response(result.answer)
