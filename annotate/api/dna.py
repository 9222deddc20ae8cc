"""GET /api/projects/<id>/dna/: a project as a Discourse Network Analyzer database."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from corpus.http import FileDownload
from corpus.models import Project

from ..dna_export import CODER_PASSWORD, dna_file
from .networks import ERRORS, JsonOnly

MEDIA_TYPE = "application/vnd.sqlite3"


class ProjectDnaView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = JsonOnly

    @extend_schema(
        operation_id="project_dna",
        summary="A project as a Discourse Network Analyzer database",
        description="An SQLite database in DNA 3's schema (`.dna`), which DNA and rDNA open "
        "and the import reads back: documents, the statements (actor as organization, claim "
        "as concept, stance as agreement) and the codebook. Every coder's password is "
        f"`{CODER_PASSWORD}`.",
        responses={(200, MEDIA_TYPE): OpenApiTypes.BINARY, 401: ERRORS[401], 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> FileDownload:
        project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
        return FileDownload(
            dna_file(project, viewer=request.user),
            as_attachment=True,
            filename=f"{project.slug}.dna",
            content_type=MEDIA_TYPE,
        )
