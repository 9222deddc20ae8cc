"""GET /api/jobs/<id>/: a job's state, progress and outcome (``corpus.jobs``)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from corpus import jobs
from corpus.ids import whole_number
from corpus.models import Job, JobStatus


class JobProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text="Steps done (files, for an import).")
    total = serializers.IntegerField(help_text="Steps in all.")


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Job.Kind.choices)
    status = serializers.ChoiceField(choices=JobStatus.choices)
    progress = JobProgressSerializer()
    result = serializers.DictField(
        help_text="What the job produced so far; for an import, the same body as an import "
        "answered at once (counts and one result per file)."
    )
    error = serializers.CharField(help_text="Why a failed job failed; empty otherwise.")


class JobView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="jobs_retrieve",
        tags=["jobs"],
        summary="A job's state and progress",
        description=(
            "A job started by a request that answered 202 with its `Location`. `status` is "
            "`queued`, `running`, `done` or `failed`; `progress` counts the steps; `result` "
            "fills in as the job goes; `error` says why a job failed. A job whose worker "
            "stopped is started again, or failed with the reason. Seen by the person who "
            "started it and the project's owners; to anyone else it is a 404."
        ),
        responses={200: OpenApiResponse(JobSerializer, "The job.")},
    )
    def get(self, request: Request, pk: str) -> Response:
        job_id = whole_number(pk)
        if job_id is None:
            raise Http404
        visible = Job.objects.visible_to(request.user).filter(pk=job_id)
        if not visible.exists():
            raise Http404
        jobs.sweep([job_id])
        return Response(jobs.representation(visible.get()))
