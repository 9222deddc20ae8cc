"""Extension points that apps building on the corpus fill in their AppConfig.ready().

The corpus app knows nothing of annotations. An app that anchors data to a document's
text registers a *text lock*, and the corpus refuses to change the text of a document
while any lock gives a reason; an app registers *importers* for formats that carry more
than documents, *document list annotators* that add its columns to the document list,
*API error handlers* that answer its services' errors in the API, and the measures of
*work* done in assigned documents (what makes an assignment "in progress", statement
counts and statements per day on the Progress page).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import IntegerField, QuerySet, Value

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from rest_framework.response import Response

    from .models import Assignment, Document, Project

TextLock = Callable[["Document"], str | None]

_text_locks: list[TextLock] = []


def register_text_lock(lock: TextLock) -> None:
    """Register a function that returns why a document's text may not change, or None."""
    if lock not in _text_locks:
        _text_locks.append(lock)


def text_lock_reasons(document: Document) -> list[str]:
    return [reason for lock in _text_locks if (reason := lock(document))]


# Importers for formats that carry more than documents -----------------------------------
#
# An importer turns one file's bytes into a ParsedFile (see corpus.importing.formats):
# the documents to create and, optionally, what to attach to them once they are saved
# (a DNA database's statements, for instance). The corpus app calls it like its own
# parsers, inside the file's transaction.

Importer = Callable[..., Any]

_importers: dict[str, Importer] = {}


def register_importer(extension: str, importer: Importer) -> None:
    """Register the importer for files ending in ``extension`` (such as ``".dna"``)."""
    _importers[extension.lower()] = importer


def registered_importers() -> dict[str, Importer]:
    return dict(_importers)


# Document list annotators: apps add columns (such as annotation counts) to the
# project's document list in the same query, one function per app.

DocumentListAnnotator = Callable[
    [QuerySet["Document"], "User | AnonymousUser"], QuerySet["Document"]
]

_document_list_annotators: list[DocumentListAnnotator] = []


def register_document_list_annotator(annotator: DocumentListAnnotator) -> None:
    """Register a function that adds annotations (counts, flags) to a document queryset."""
    if annotator not in _document_list_annotators:
        _document_list_annotators.append(annotator)


def annotate_document_list(
    queryset: QuerySet[Document], user: User | AnonymousUser
) -> QuerySet[Document]:
    """The queryset with every registered app's columns added, as ``user`` may see them."""
    for annotator in _document_list_annotators:
        queryset = annotator(queryset, user)
    return queryset


# API error handlers: the API's exception handler (corpus.api.errors) asks each in turn
# for the answer to an exception; the first that is not None is sent.

ApiErrorHandler = Callable[[Exception], "Response | None"]

_api_error_handlers: list[ApiErrorHandler] = []


def register_api_error_handler(handler: ApiErrorHandler) -> None:
    """Register a function that answers some exceptions (say, a service's own) in the API."""
    if handler not in _api_error_handlers:
        _api_error_handlers.append(handler)


def api_error_response(exc: Exception) -> Response | None:
    """The first registered handler's answer to ``exc``, or None."""
    for handler in _api_error_handlers:
        answer = handler(exc)
        if answer is not None:
            return answer
    return None


# Work in assigned documents: an app that records work (annotations) adds, to each
# assignment, ``annotation_count`` and ``statement_count``: what the assignee made in
# the assigned document, in the same query. An assignment with work is "in progress".
# ``daily work`` gives a project's statements per day and person.

AssignmentWork = Callable[[QuerySet["Assignment"]], QuerySet["Assignment"]]
DailyWork = Callable[["Project", datetime.date], list[tuple[datetime.date, str, int]]]

_assignment_work: list[AssignmentWork] = []
_daily_work: list[DailyWork] = []


def register_assignment_work(counter: AssignmentWork) -> None:
    """Register a function that adds ``annotation_count`` and ``statement_count`` to
    each assignment of a queryset (the assignee's work in the assigned document)."""
    if counter not in _assignment_work:
        _assignment_work.append(counter)


def annotate_assignment_work(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """The assignments with their work counts (zero when no app records work)."""
    if not _assignment_work:
        zero = Value(0, output_field=IntegerField())
        return queryset.annotate(annotation_count=zero, statement_count=zero)
    for counter in _assignment_work:
        queryset = counter(queryset)
    return queryset


def register_daily_work(counter: DailyWork) -> None:
    """Register a function that gives ``(day, username, statements)`` for a project's
    statements made on or after a day."""
    if counter not in _daily_work:
        _daily_work.append(counter)


def daily_work(project: Project, since: datetime.date) -> list[tuple[datetime.date, str, int]]:
    """Statements per day and person in a project since ``since``, newest day first."""
    rows = [row for counter in _daily_work for row in counter(project, since)]
    return sorted(rows, key=lambda row: (-row[0].toordinal(), row[1]))
