"""POST /api/documents/import/: the import pipeline over the API, one result per file."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from corpus import jobs
from corpus.access import caller_role, require_annotator
from corpus.api.fields import caller_projects
from corpus.api.jobs import JobSerializer
from corpus.api.writes import StrictFields
from corpus.importing import Upload, import_files
from corpus.importing.decoding import check_encoding


class DocumentImportRequestSerializer(StrictFields, serializers.Serializer):
    project = serializers.IntegerField(help_text="The id of the project to import into.")
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        allow_empty=False,
        min_length=1,
        max_length=settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        help_text="One or more files: .txt, .md, .html, .htm, .csv, .json, .jsonl, .dna.",
    )
    encoding = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The files' text encoding (utf-8, cp1252, iso-8859-1, cp1251, utf-16…); "
        "empty to detect it for each file.",
    )

    def validate_encoding(self, value: str) -> str:
        return check_encoding(value) if value.strip() else ""


class ImportedDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class SkippedDuplicateSerializer(serializers.Serializer):
    title = serializers.CharField()
    where = serializers.CharField(help_text="Row, item or line in the file; empty for one text.")
    existing_document = serializers.IntegerField(
        allow_null=True, help_text="The project's document with the same text."
    )
    existing_title = serializers.CharField()
    earlier_file = serializers.CharField(help_text="The file of this import with the same text.")


class FileResultSerializer(serializers.Serializer):
    filename = serializers.CharField()
    status = serializers.ChoiceField(choices=["imported", "duplicate", "rejected"])
    message = serializers.CharField(help_text="What happened, or why the file was rejected.")
    encoding = serializers.CharField(help_text="The encoding the text was read in.")
    documents = ImportedDocumentSerializer(many=True)
    duplicates = SkippedDuplicateSerializer(many=True)


class DocumentImportResponseSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    imported = serializers.IntegerField(help_text="Documents created.")
    duplicates = serializers.IntegerField(help_text="Documents skipped as duplicates.")
    rejected = serializers.IntegerField(help_text="Files rejected.")
    results = FileResultSerializer(many=True)


class DocumentImportView(APIView):
    """Import files into a project through the same pipeline as the import page."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="documents_import",
        tags=["documents"],
        summary="Import documents from files",
        description=(
            "Multipart form with `project` (its id), one or more `files` and optionally "
            "`encoding` (else detected for each file). Each file gets "
            "its own result: `imported`, `duplicate` (its text is already in the project "
            "or earlier in the same request) or `rejected` with the reason (empty, binary, "
            "over the size limit, unreadable, a bad row). A rejected file leaves nothing "
            "behind and does not stop the others.\n\n"
            "An upload of more than `IMPORT_JOB_FILES` files (100 by default) or "
            "`IMPORT_JOB_BYTES` bytes (5 MB) becomes a job: **202** with `Location: "
            "/api/jobs/<id>/`, where the progress and then the same body show.\n\n"
            "Status: **201** when at least one document was created; **200** when nothing "
            "new came in but not every file was rejected (duplicates only, say); **400** "
            "when every file was rejected (the body is then the same per-file results) or the "
            "request itself is malformed (field-by-field errors). Viewers get 403; a project "
            "the caller cannot see answers 404."
        ),
        request={"multipart/form-data": DocumentImportRequestSerializer},
        responses={
            201: OpenApiResponse(DocumentImportResponseSerializer, "Something was imported."),
            200: OpenApiResponse(DocumentImportResponseSerializer, "Nothing new was imported."),
            202: OpenApiResponse(JobSerializer, "A job imports the files; see Location."),
        },
        examples=[
            OpenApiExample(
                "A duplicate and a rejected file",
                response_only=True,
                status_codes=["200"],
                value={
                    "project": 1,
                    "imported": 0,
                    "duplicates": 1,
                    "rejected": 1,
                    "results": [
                        {
                            "filename": "abe.txt",
                            "status": "duplicate",
                            "message": "Skipped: already in the project as “Abe” (document 4).",
                            "encoding": "utf-8",
                            "documents": [],
                            "duplicates": [
                                {
                                    "title": "Abe",
                                    "where": "",
                                    "existing_document": 4,
                                    "existing_title": "Abe",
                                    "earlier_file": "",
                                }
                            ],
                        },
                        {
                            "filename": "photo.txt",
                            "status": "rejected",
                            "message": "This is not a text file: it looks like a PNG image.",
                            "encoding": "",
                            "documents": [],
                            "duplicates": [],
                        },
                    ],
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = DocumentImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = cast(User, request.user)
        project = get_object_or_404(
            caller_projects(user),
            pk=serializer.validated_data["project"],
        )
        require_annotator(caller_role(project))
        files = serializer.validated_data["files"]
        if jobs.import_is_a_job(files):
            job = jobs.start_import(
                project=project,
                owner=user,
                files=files,
                encoding=serializer.validated_data["encoding"],
            )
            location = reverse("api:job-detail", args=[job.pk])
            return Response(
                jobs.representation(job),
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": location},
            )
        uploads = [Upload.from_uploaded_file(file) for file in files]
        results = list(
            import_files(
                project=project,
                uploads=uploads,
                created_by=user,
                encoding=serializer.validated_data["encoding"],
            )
        )
        body = jobs.import_summary(project, [result.as_dict() for result in results])
        imported, rejected = body["imported"], body["rejected"]
        code: int
        if imported:
            code = status.HTTP_201_CREATED
        elif rejected == len(results):
            code = status.HTTP_400_BAD_REQUEST
        else:
            code = status.HTTP_200_OK
        return Response(body, status=code)
