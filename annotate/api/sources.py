"""The ``source`` parameter of the API's analyses and exports: whose annotations count
(``annotate.selectors.Source``), checked once for every endpoint that takes it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from corpus.models import Project

from ..selectors import Source, SourceError, annotation_source

SOURCE_PARAMETER = OpenApiParameter(
    "source",
    OpenApiTypes.STR,
    description=(
        "Whose annotations count: `final` (the final annotations of curated documents, "
        "the default in a project with independent coding), `all` (every annotator's own, "
        "the default otherwise) or an annotator's username."
    ),
)


def request_source(project: Project, value: str | None, user: Any) -> Source:
    """The request's ``source``, or the project's default; 400 naming it otherwise."""
    try:
        return annotation_source(project, value, user)
    except SourceError as error:
        raise serializers.ValidationError({"source": [str(error)]}) from error
