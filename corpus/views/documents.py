"""A document's details: title, source, URL, author, date, language, notes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from corpus.access import project_access, require_annotator
from corpus.forms import add_service_errors
from corpus.importing.forms import DocumentDetailsForm
from corpus.models import Document
from corpus.services import update_document_metadata

_FORM_FIELDS = ("title", "source_name", "source_url", "author", "published_at", "language", "notes")


@login_required
def document_edit(request: HttpRequest, project: str, document: int) -> HttpResponse:
    access = project_access(request, project)
    project_obj, role = access.project, access.role
    document_obj = get_object_or_404(
        Document.objects.filter(project=project_obj).defer("original"), pk=document
    )
    require_annotator(role)
    initial = {name: getattr(document_obj, name) for name in _FORM_FIELDS}
    if document_obj.published_at is not None:
        initial["published_at"] = document_obj.published_at.date()
    form = DocumentDetailsForm(initial=initial)
    status = 200
    if request.method == "POST":
        form = DocumentDetailsForm(request.POST, initial=initial)
        if form.is_valid():
            # Only what changed is written, so a stored time of day survives a date field
            # that was left alone.
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                update_document_metadata(document=document_obj, **changes)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the details of “{document_obj.title}”.")
                return redirect(document_obj)
        status = 400
    return render(
        request,
        "corpus/document_edit.html",
        {"project": project_obj, "document": document_obj, "form": form, "role": role},
        status=status,
    )
