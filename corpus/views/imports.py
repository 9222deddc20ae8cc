"""The import page: several files at once, or pasted text, with a result for each."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from corpus.access import project_access, require_annotator
from corpus.http import HtmxHttpRequest
from corpus.importing import FileResult, Upload, import_files, import_text
from corpus.importing.forms import ImportForm
from corpus.words import counted


@login_required
@vary_on_headers("HX-Request")
def import_documents(request: HtmxHttpRequest, project: str) -> HttpResponse:
    user = cast(User, request.user)
    access = project_access(request, project)
    require_annotator(access.role)
    project_obj, role = access.project, access.role
    results: list[FileResult] | None = None
    form = ImportForm()
    status = 200
    pasted = False
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            uploads = [Upload.from_uploaded_file(file) for file in form.cleaned_data["files"]]
            results = list(
                import_files(
                    project=project_obj,
                    uploads=uploads,
                    created_by=user,
                    encoding=form.cleaned_data["encoding"],
                )
            )
            if form.cleaned_data["text"].strip():
                pasted = True
                results.append(
                    import_text(
                        project=project_obj,
                        title=form.cleaned_data["title"],
                        text=form.cleaned_data["text"],
                        created_by=user,
                    )
                )
            form = ImportForm()
        else:
            # 422 like the reader: the form was understood, its content refused.
            status = 422
    counts = _counts(results or [])
    files = len(results or []) - pasted
    context = {
        "project": project_obj,
        "role": role,
        "form": form,
        "results": results,
        "counts": counts,
        "summary": _summary(counts, files=files, pasted=pasted),
        "pasted": pasted,
        "files": files,
    }
    template = "corpus/import.html#results" if request.htmx else "corpus/import.html"
    # htmx swaps a 400's body too (see static/js/import.js), so the errors show in place.
    return render(request, template, context, status=status)


def _counts(results: list[FileResult]) -> dict[str, int]:
    counts = {"imported": 0, "duplicate": 0, "rejected": 0, "documents": 0}
    for result in results:
        counts[result.status] += 1
        counts["documents"] += result.imported
    return counts


def _summary(counts: dict[str, int], *, files: int, pasted: bool) -> str:
    """ "2 documents imported from 1 file and the pasted text: 2 imported, …" in words."""
    sources = [counted(files, "file")] if files else []
    if pasted:
        sources.append("the pasted text")
    return (
        f"{counted(counts['documents'], 'document')} imported from {' and '.join(sources)}: "
        f"{counts['imported']} imported, {counts['duplicate']} duplicate, "
        f"{counts['rejected']} rejected."
    )
