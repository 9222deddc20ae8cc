from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView

from annotate.api_network import ProjectNetworkView
from corpus.api_import import DocumentImportView
from corpus.views.projects import health

urlpatterns = [
    path(
        "",
        login_required(RedirectView.as_view(pattern_name="corpus:project-list")),
        name="home",
    ),
    # Before any other api/ route, so that a router's documents/<pk>/ cannot take it.
    path("api/documents/import/", DocumentImportView.as_view(), name="api-document-import"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path(
        "api/projects/<int:pk>/network/",
        ProjectNetworkView.as_view(),
        name="api-project-network",
    ),
    path("api/", include("annotate.api_urls")),
    path("", include("corpus.urls")),
    path("", include("annotate.urls")),
]
