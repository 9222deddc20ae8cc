from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from annotate.models import Annotation
from corpus.models import Document


@login_required
def reader(request: HttpRequest, project: str, document: int) -> HttpResponse:
    document_obj = get_object_or_404(
        Document.objects.visible_to(request.user).select_related("project"),
        project__slug=project,
        pk=document,
    )
    annotations = Annotation.objects.for_reader(document_obj)
    return render(
        request,
        "annotate/reader.html",
        {"document": document_obj, "project": document_obj.project, "annotations": annotations},
    )
