from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView

from corpus.views.projects import health

urlpatterns = [
    path(
        "",
        login_required(RedirectView.as_view(pattern_name="corpus:project-list")),
        name="home",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("api/", include("annotate.api_urls")),
    path("", include("corpus.urls")),
    path("", include("annotate.urls")),
]
