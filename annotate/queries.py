"""Reads that other apps' pages ask of annotations, registered as corpus hooks."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate

from corpus.models import Assignment, Document, Project

from .models import Annotation, complete

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def _count(condition: Q, user: Any = None, **outer: OuterRef) -> Coalesce:
    """The live annotations that meet ``condition`` and match the outer row (``outer``:
    field → ``OuterRef``), counted in a subquery; 0 for none. With ``user``, only the
    annotations that user may see count."""
    annotations = Annotation.objects.visible_to(user) if user is not None else Annotation.objects
    counted = (
        annotations.filter(condition, deleted_at__isnull=True, **outer)
        .order_by()
        .values("document")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_annotation_counts(
    queryset: QuerySet[Document], user: User | AnonymousUser
) -> QuerySet[Document]:
    """Adds ``annotation_count`` and ``statement_count`` (live ones the user may see)
    in the same query.

    Subqueries rather than a join keep the count right next to other annotations such
    as a search rank, and keep the list's grouping out of the query.
    """
    mine = {"document": OuterRef("pk")}
    return queryset.annotate(
        annotation_count=_count(Q(), user, **mine),
        statement_count=_count(complete(), user, **mine),
    )


def with_assignment_work(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Adds the assignee's live ``annotation_count`` and ``statement_count`` in the
    assigned document, in the same query: a first annotation puts it "in progress"."""
    theirs = {"document": OuterRef("document_id"), "created_by": OuterRef("annotator_id")}
    return queryset.annotate(
        annotation_count=_count(Q(), **theirs),
        statement_count=_count(complete(), **theirs),
    )


def statements_per_day(
    project: Project, since: datetime.date
) -> list[tuple[datetime.date, str, int]]:
    """``(day, username, statements)``: the live statements each person made each day
    since ``since`` (by creation day, in the site's time zone)."""
    rows = (
        Annotation.objects.alive()
        .statements()
        .filter(document__project=project, created_by__isnull=False)
        .annotate(day=TruncDate("created_at"))
        .filter(day__gte=since)
        .order_by()
        .values_list("day", "created_by__username")
        .annotate(n=Count("id"))
    )
    return [(day, username, n) for day, username, n in rows]
