"""The import page: several files at once, or pasted text, with a result for each.

An upload over the job threshold (``corpus.jobs.import_is_a_job``) is imported by the
worker; the page then shows the job's progress, polled by htmx every second from
``import_job``, and its results once it ends."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.vary import vary_on_headers

from corpus import jobs
from corpus.access import project_access, require_annotator
from corpus.http import HtmxHttpRequest
from corpus.importing import FileResult, Upload, import_files, import_text
from corpus.importing.forms import ImportForm
from corpus.models import Job, JobStatus, Project, Role
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
        if form.is_valid() and jobs.import_is_a_job(form.cleaned_data["files"]):
            # Large: the worker imports the files; the page follows the job's progress.
            job = jobs.start_import(
                project=project_obj,
                owner=user,
                files=form.cleaned_data["files"],
                encoding=form.cleaned_data["encoding"],
            )
            pasted_result = None
            if form.cleaned_data["text"].strip():
                pasted_result = import_text(
                    project=project_obj,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    created_by=user,
                )
            job.refresh_from_db()
            return _job_response(request, project_obj, role, job, pasted_result)
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


@login_required
def import_job(request: HtmxHttpRequest, project: str, job: int) -> HttpResponse:
    """An import job's progress, then its results: the part of the page that follows it."""
    access = project_access(request, project)
    found = get_object_or_404(
        Job.objects.visible_to(request.user).filter(project=access.project), pk=job
    )
    jobs.sweep([found.pk])
    found.refresh_from_db()
    return _job_response(request, access.project, access.role, found, None)


def _job_response(
    request: HtmxHttpRequest,
    project: Project,
    role: Role | None,
    job: Job,
    pasted_result: FileResult | None,
) -> HttpResponse:
    results = [FileResult.from_dict(kept) for kept in job.result.get("results", [])]
    counts = _counts(results)
    context = {
        "project": project,
        "role": role,
        "form": ImportForm(),
        "job": job,
        "finished": job.status in (JobStatus.DONE, JobStatus.FAILED),
        "pasted_result": pasted_result,
        "results": results if job.status in (JobStatus.DONE, JobStatus.FAILED) else None,
        "counts": counts,
        "summary": _summary(counts, files=len(results), pasted=False),
        "files": len(results),
        "pasted": False,
    }
    template = "corpus/import.html#results" if request.htmx else "corpus/import.html"
    return render(request, template, context)


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
