from django.urls import path

from .views import account, assignments, documents, imports, invitations, members, projects

app_name = "corpus"

urlpatterns = [
    path("projects/", projects.project_list, name="project-list"),
    # Before projects/<slug>/, which would take it ("new" is no project's slug).
    path("projects/new/", projects.project_create, name="project-create"),
    path("projects/<slug:project>/", projects.project_detail, name="project-detail"),
    path("projects/<slug:project>/import/", imports.import_documents, name="import"),
    path("projects/<slug:project>/import/jobs/<int:job>/", imports.import_job, name="import-job"),
    path("projects/<slug:project>/settings/", projects.project_settings, name="project-settings"),
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
    path(
        "projects/<slug:project>/invitations/",
        members.invitation_create,
        name="invitation-create",
    ),
    path(
        "projects/<slug:project>/invitations/<int:invitation>/revoke/",
        members.invitation_revoke,
        name="invitation-revoke",
    ),
    path("invitations/<str:token>/", invitations.invitation, name="invitation"),
    path("projects/<slug:project>/progress/", assignments.progress, name="progress"),
    path(
        "projects/<slug:project>/assignments/<int:assignment>/remove/",
        assignments.assignment_remove,
        name="assignment-remove",
    ),
    path(
        "projects/<slug:project>/assignments/<int:assignment>/done/",
        assignments.assignment_done,
        name="assignment-done",
    ),
    path(
        "projects/<slug:project>/assignments/<int:assignment>/reopen/",
        assignments.assignment_reopen,
        name="assignment-reopen",
    ),
    path("account/api-token/", account.api_token, name="api-token"),
]
