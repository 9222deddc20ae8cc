"""Reads of the codebook and the annotations that pages and the API share.

Views and API views bind their input, call one of these and render; the rules of what
a filter keeps or what a typed name finds live here (and in ``annotate.names``), so
that the browser and the API cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from corpus.dates import published_between
from corpus.models import Project

from .models import Annotation, AnnotationQuerySet

# Statements -------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementFilter:
    """Validated filter values of the stance matrix, the statement table and the networks.

    Dates are days, both included (see ``corpus.dates``)."""

    source: str = ""
    start: date | None = None
    end: date | None = None
    annotator: int | None = None
    category: int | None = None
    exclude_actors: tuple[int, ...] = ()
    exclude_claims: tuple[int, ...] = ()
    exclude_sources: tuple[str, ...] = ()


def statements(project: Project, filters: StatementFilter | None = None) -> AnnotationQuerySet:
    """The project's live, complete statements that pass the filters: what the stance
    matrix counts, the statement table lists and the networks are computed from."""
    filters = filters or StatementFilter()
    queryset = Annotation.objects.alive().statements().filter(document__project=project)
    if filters.source:
        queryset = queryset.filter(document__source_name=filters.source)
    if filters.start or filters.end:
        queryset = queryset.filter(published_between(filters.start, filters.end, "document__"))
    if filters.annotator is not None:
        queryset = queryset.filter(created_by_id=filters.annotator)
    if filters.category is not None:
        queryset = queryset.filter(
            Q(claim__parent_id=filters.category) | Q(claim_id=filters.category)
        )
    if filters.exclude_actors:
        queryset = queryset.exclude(actor_id__in=filters.exclude_actors)
    if filters.exclude_claims:
        queryset = queryset.exclude(claim_id__in=filters.exclude_claims)
    if filters.exclude_sources:
        queryset = queryset.exclude(document__source_name__in=filters.exclude_sources)
    return queryset
