"""The corpus's routes under /api/: token exchange, projects, members, invitations,
assignments and progress, documents and their import, jobs, and the schema and docs of the
whole API.

``router`` holds the viewsets' routes; ``config.urls`` joins every app's router into
one, so that the API root (/api/) lists every resource, and ends the API with the
catch-all ``errors.unknown_endpoint``.
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from .assignments import AssignmentStateView, AssignmentViewSet, ProgressView
from .documents import DocumentViewSet
from .imports import DocumentImportView
from .invitations import InvitationViewSet
from .jobs import JobView
from .members import MemberViewSet
from .projects import ProjectViewSet
from .schema import SwaggerView
from .tokens import ObtainTokenView

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("documents", DocumentViewSet, basename="document")

urlpatterns = [
    # Before the router's documents/<pk>/, which would take it.
    path("documents/import/", DocumentImportView.as_view(), name="document-import"),
    path("jobs/<str:pk>/", JobView.as_view(), name="job-detail"),
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path(
        "projects/<str:project_pk>/members/",
        MemberViewSet.as_view({"get": "list", "post": "create"}),
        name="project-member-list",
    ),
    path(
        "projects/<str:project_pk>/members/<str:username>/",
        MemberViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="project-member-detail",
    ),
    path(
        "projects/<str:project_pk>/invitations/",
        InvitationViewSet.as_view({"get": "list", "post": "create"}),
        name="project-invitation-list",
    ),
    path(
        "projects/<str:project_pk>/invitations/<str:pk>/",
        InvitationViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="project-invitation-detail",
    ),
    path(
        "projects/<str:project_pk>/assignments/",
        AssignmentViewSet.as_view({"get": "list", "post": "create"}),
        name="project-assignment-list",
    ),
    path(
        "projects/<str:project_pk>/assignments/<str:pk>/",
        AssignmentViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="project-assignment-detail",
    ),
    path("projects/<str:project_pk>/progress/", ProgressView.as_view(), name="project-progress"),
    path(
        "assignments/<str:pk>/done/",
        AssignmentStateView.as_view(done=True),
        name="assignment-done",
    ),
    path(
        "assignments/<str:pk>/reopen/",
        AssignmentStateView.as_view(done=False),
        name="assignment-reopen",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
]
