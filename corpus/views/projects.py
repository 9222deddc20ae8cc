from __future__ import annotations

from asgiref.sync import sync_to_async
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers

from corpus import hooks, services, teams
from corpus.access import acting_user, project_access, require_owner
from corpus.dates import published_between
from corpus.forms import ProjectForm, ProjectSettingsForm, add_service_errors
from corpus.http import HtmxHttpRequest
from corpus.models import Document, Project
from corpus.search import highlight, search_documents

DOCUMENTS_PER_PAGE = 50
#: Seconds /health/ waits for a pooled database connection.
HEALTH_TIMEOUT = 2


@never_cache
async def health(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: the app answers, and so do its database and (where the
    processes share one, ``REDIS_URL``) its cache; each is named as up or down.

    An async view, so that the ASGI server answers it at once beside the request threads
    (config/asgi.py), even while every one of them waits for a database that is down."""
    report = await sync_to_async(_health_report)()
    if "down" in report.values():
        return JsonResponse({"status": "unavailable", **report}, status=503)
    return JsonResponse({"status": "ok", **report})


def _health_report() -> dict[str, str]:
    report = {"database": "up"}
    try:
        pool = getattr(connection, "pool", None)
        if pool is not None:
            # Not the requests' wait for a connection: the answer must come at once.
            pool.open()  # as the first request would
            with pool.connection(timeout=HEALTH_TIMEOUT) as pooled:
                pooled.execute("SELECT 1")
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means not ready
        report["database"] = "down"
    shared = caches["default"]
    if isinstance(shared, RedisCache):
        report["cache"] = "up"
        try:
            shared.get("health")
        except Exception:  # noqa: BLE001 - any cache failure means not ready
            report["cache"] = "down"
    return report


@login_required
def project_list(request: HtmxHttpRequest) -> HttpResponse:
    projects = Project.objects.visible_to(request.user).order_by("name", "id")
    return render(request, "corpus/project_list.html", {"projects": projects})


@login_required
def project_create(request: HtmxHttpRequest) -> HttpResponse:
    """A new project, owned by whoever makes it."""
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_project(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                owner=acting_user(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Created “{project.name}”. You are its owner.")
            return redirect(project)
    status = 400 if form.is_bound else 200
    return render(request, "corpus/project_form.html", {"form": form}, status=status)


@login_required
def project_settings(request: HtmxHttpRequest, project: str) -> HttpResponse:
    """A project's name, description and independent coding (owners)."""
    access = project_access(request, project)
    require_owner(access.role)
    project_obj = access.project
    form = ProjectSettingsForm(
        request.POST or None,
        initial={
            "name": project_obj.name,
            "description": project_obj.description,
            "independent_coding": project_obj.independent_coding,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(
                project=project_obj, changed_by=acting_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the project's settings.")
            return redirect("corpus:project-settings", project=project_obj.slug)
    status = 400 if form.is_bound else 200
    context = {"project": project_obj, "access": access, "form": form, "section": "settings"}
    return render(request, "corpus/project_settings.html", context, status=status)


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label="Search documents", required=False, max_length=500)
    source = forms.ChoiceField(label="Source", required=False)
    published_after = forms.DateField(
        label="Published from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    published_before = forms.DateField(
        label="Published until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, sources: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        assert isinstance(source, forms.ChoiceField)
        source.choices = [("", "All sources"), *((s, s) for s in sources)]

    def clean(self):
        cleaned = super().clean() or {}
        after, before = cleaned.get("published_after"), cleaned.get("published_before")
        if after and before and after > before:
            self.add_error("published_before", "The end of the date range is before its beginning.")
        return cleaned


@login_required
@vary_on_headers("HX-Request")
def project_detail(request: HtmxHttpRequest, project: str) -> HttpResponse:
    """A project's documents: search as you type, filters by source and date, pages."""
    access = project_access(request, project)
    project_obj = access.project
    documents = Document.objects.filter(project=project_obj)
    sources = list(
        documents.exclude(source_name="")
        .order_by("source_name")
        .values_list("source_name", flat=True)
        .distinct()
    )
    form = DocumentFilterForm(request.GET or None, sources=sources)
    query = ""
    listed: QuerySet[Document] = documents.order_by("title", "id")
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
        if source := form.cleaned_data["source"]:
            listed = listed.filter(source_name=source)
        listed = listed.filter(
            published_between(
                form.cleaned_data["published_after"], form.cleaned_data["published_before"]
            )
        )
        listed = search_documents(listed, query)
    elif form.is_bound:
        listed = listed.none()
    listed = hooks.annotate_document_list(listed.select_related("project"), request.user)
    # The text stays out of the list's query unless snippets need it.
    listed = listed.defer("original") if query else listed.defer("text", "original")
    page = Paginator(listed, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {"document": document, "snippet": highlight(document.text, query) if query else ""}
        for document in page.object_list
    ]
    context = {
        "project": project_obj,
        "role": access.role,
        "form": form,
        "query": query,
        "page": page,
        "rows": rows,
        # The caller's own assignments come first, with their states.
        "my_assignments": (
            teams.my_assignments(project_obj, acting_user(request))
            if access.can_annotate and not (request.htmx and not request.htmx.boosted)
            else []
        ),
    }
    template = "corpus/project_detail.html"
    if request.htmx and not request.htmx.boosted:
        template += "#document-results"
    return render(request, template, context)
