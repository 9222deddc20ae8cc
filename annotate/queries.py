"""Reads that other apps' pages ask of annotations, registered as corpus hooks."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from corpus.models import Document

from .models import Annotation, complete


def _count(condition: Q) -> Coalesce:
    counted = (
        Annotation.objects.filter(condition, document=OuterRef("pk"), deleted_at__isnull=True)
        .order_by()
        .values("document")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_annotation_counts(queryset: QuerySet[Document]) -> QuerySet[Document]:
    """Adds ``annotation_count`` and ``statement_count`` (live ones only) in the same query.

    Subqueries rather than a join keep the count right next to other annotations such
    as a search rank, and keep the list's grouping out of the query.
    """
    return queryset.annotate(
        annotation_count=_count(Q()),
        statement_count=_count(complete()),
    )
