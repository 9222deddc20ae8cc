from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from rest_framework.routers import DefaultRouter

from annotate.api import urls as annotate_api
from corpus.api import urls as corpus_api
from corpus.api.errors import unknown_endpoint
from corpus.views.projects import health

# One router for every app's viewsets, so that the API root (/api/) lists them all.
api_router = DefaultRouter()
for app_api in (corpus_api, annotate_api):
    api_router.registry.extend(app_api.router.registry)

api_urls = [
    *corpus_api.urlpatterns,
    *annotate_api.urlpatterns,
    *api_router.urls,
    # Last: any other path under /api/ answers the API's JSON 404.
    re_path(r"", unknown_endpoint),
]

urlpatterns = [
    path(
        "",
        login_required(RedirectView.as_view(pattern_name="corpus:project-list")),
        name="home",
    ),
    path("api/", include((api_urls, "api"))),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("", include("corpus.urls")),
    path("", include("annotate.urls")),
]

# Errors outside any view (a body past Django's limits, an unforeseen exception) answer
# JSON under /api/, as the rest of the API does.
handler400 = "corpus.api.errors.bad_request"
handler500 = "corpus.api.errors.server_error"
