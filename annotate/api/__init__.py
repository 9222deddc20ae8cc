"""The REST API for the codebook (actors, claims) and annotations.

Every queryset, and every related field's queryset, is the caller's (``visible_to``):
another project's objects answer 404 or "does not exist", never their data. Writes bind
a serializer, check the caller's role and call ``annotate.services``, the same services
the reader page calls.
"""

from .annotations import AnnotationViewSet
from .codebook import ActorViewSet, ClaimViewSet

__all__ = ["ActorViewSet", "AnnotationViewSet", "ClaimViewSet"]
