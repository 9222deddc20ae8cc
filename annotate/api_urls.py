"""The REST API v1 under /api/: resources, token exchange, schema and docs."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from corpus.api import DocumentViewSet, MemberViewSet, ObtainTokenView, ProjectViewSet

from .api import ActorViewSet, AnnotationViewSet, ClaimViewSet
from .api_errors import unknown_endpoint

app_name = "api"

router = DefaultRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("documents", DocumentViewSet, basename="document")
router.register("actors", ActorViewSet, basename="actor")
router.register("claims", ClaimViewSet, basename="claim")
router.register("annotations", AnnotationViewSet, basename="annotation")


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from the app's own static files, its script and styles in files too,
    so that it runs under the site's Content Security Policy unchanged."""

    template_name = "api/swagger_ui.html"


urlpatterns = [
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
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
    re_path(r"", unknown_endpoint),
]
