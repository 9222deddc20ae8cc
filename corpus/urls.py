from django.urls import path

from .views import account, documents, imports, members, projects

app_name = "corpus"

urlpatterns = [
    path("projects/", projects.project_list, name="project-list"),
    path("projects/new/", projects.project_create, name="project-create"),
    path("projects/<slug:project>/", projects.project_detail, name="project-detail"),
    path("projects/<slug:project>/import/", imports.import_documents, name="import"),
    path(
        "projects/<slug:project>/documents/<int:document>/edit/",
        documents.document_edit,
        name="document-edit",
    ),
    path("projects/<slug:project>/members/", members.members, name="members"),
    path(
        "projects/<slug:project>/members/<int:membership>/role/",
        members.member_role,
        name="member-role",
    ),
    path(
        "projects/<slug:project>/members/<int:membership>/remove/",
        members.member_remove,
        name="member-remove",
    ),
    path("account/api-token/", account.api_token, name="api-token"),
]
