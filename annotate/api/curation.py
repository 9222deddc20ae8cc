"""POST /api/documents/<id>/curated/ and /uncurated/: a document's curation state.
Accepting an annotation is the annotations' ``accept`` action."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from corpus.access import acting_user, caller_role, require_curator
from corpus.api.errors import ERRORS
from corpus.api.fields import is_id
from corpus.models import Document

from ..representation import timestamp
from ..services.curation import set_curated

CURATION = inline_serializer(
    "DocumentCuration",
    {
        "document": serializers.IntegerField(),
        "curated": serializers.BooleanField(),
        "changed_by": serializers.CharField(allow_null=True),
        "changed_at": serializers.DateTimeField(),
    },
)


class DocumentCuratedView(APIView):
    """Mark a document's curation finished (``curated``) or open again (``uncurated``)."""

    permission_classes = [IsAuthenticated]
    curated = True

    @extend_schema(
        summary="Mark a document curated or uncurated (curators and owners)",
        request=None,
        responses={200: CURATION, **ERRORS},
    )
    def post(self, request: Request, pk: str) -> Response:
        document = get_object_or_404(
            Document.objects.visible_to(request.user).with_role(request.user).only("id", "project"),
            pk=pk if is_id(pk) else 0,
        )
        require_curator(caller_role(document))
        curation = set_curated(
            document=document, curated=self.curated, changed_by=acting_user(request)
        )
        return Response(
            {
                "document": document.pk,
                "curated": curation.curated,
                "changed_by": request.user.get_username(),
                "changed_at": timestamp(curation.changed_at),
            }
        )
