from django.urls import path

from .views import analysis, reader

app_name = "annotate"

urlpatterns = [
    path(
        "projects/<slug:project>/documents/<int:document>/",
        reader.reader,
        name="reader",
    ),
    path("projects/<slug:project>/matrix/", analysis.matrix, name="matrix"),
    path(
        "projects/<slug:project>/statements/export/",
        analysis.statements_export,
        name="statements-export",
    ),
    path("projects/<slug:project>/network/", analysis.network, name="network"),
]
