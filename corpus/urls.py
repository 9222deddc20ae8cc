from django.urls import path

from .views import documents, imports, projects

app_name = "corpus"

urlpatterns = [
    path("projects/", projects.project_list, name="project-list"),
    path("projects/<slug:project>/", projects.project_detail, name="project-detail"),
    path("projects/<slug:project>/import/", imports.import_documents, name="import"),
    path(
        "projects/<slug:project>/documents/<int:document>/edit/",
        documents.document_edit,
        name="document-edit",
    ),
]
