"""Annotate's routes under /api/: actors, claims, annotations, a project's network
and its live events.

``router`` holds the viewsets' routes; ``config.urls`` joins it with corpus's into the
one ``api`` namespace.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .agreement import AgreementView
from .annotations import AnnotationViewSet
from .codebook import ActorViewSet, ClaimViewSet
from .curation import DocumentCuratedView
from .dna import ProjectDnaView
from .events import project_events
from .networks import FILES, ProjectNetworkView, ProjectNetworkWindowsView, network_file_view

router = SimpleRouter()
router.register("actors", ActorViewSet, basename="actor")
router.register("claims", ClaimViewSet, basename="claim")
router.register("annotations", AnnotationViewSet, basename="annotation")

urlpatterns = [
    path("projects/<int:pk>/dna/", ProjectDnaView.as_view(), name="project-dna"),
    path("projects/<str:pk>/events/", project_events, name="project-events"),
    path("projects/<str:pk>/agreement/", AgreementView.as_view(), name="project-agreement"),
    path(
        "documents/<str:pk>/curated/",
        DocumentCuratedView.as_view(curated=True),
        name="document-curated",
    ),
    path(
        "documents/<str:pk>/uncurated/",
        DocumentCuratedView.as_view(curated=False),
        name="document-uncurated",
    ),
    path("projects/<int:pk>/network/", ProjectNetworkView.as_view(), name="project-network"),
    path(
        "projects/<int:pk>/network/windows/",
        ProjectNetworkWindowsView.as_view(),
        name="project-network-windows",
    ),
    # One path per file format, so that each has one media type in the schema.
    *(
        path(
            f"projects/<int:pk>/network/{file_format}/",
            network_file_view(file_format).as_view(),
            name=f"project-network-{file_format.replace('.', '-')}",
        )
        for file_format in FILES
    ),
]
