from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from corpus.models import Document, Project


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: the app answers and its database does too."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means not ready
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.visible_to(request.user).order_by("name", "id")
    return render(request, "corpus/project_list.html", {"projects": projects})


@login_required
def project_detail(request: HttpRequest, project: str) -> HttpResponse:
    project_obj = get_object_or_404(Project.objects.visible_to(request.user), slug=project)
    documents = Document.objects.filter(project=project_obj).for_list().order_by("title", "id")
    return render(
        request,
        "corpus/project_detail.html",
        {"project": project_obj, "documents": documents, "role": project_obj.role_of(request.user)},
    )
