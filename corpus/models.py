"""Projects, their members and their documents."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Self, TypeVar

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ANNOTATOR = "annotator", "Annotator"
    VIEWER = "viewer", "Viewer"

    @property
    def can_annotate(self) -> bool:
        return self in (Role.OWNER, Role.ANNOTATOR)

    @property
    def can_manage(self) -> bool:
        return self == Role.OWNER


_M = TypeVar("_M", bound=models.Model)


class RoleQuerySet(models.QuerySet[_M]):
    """Rows that belong to a project, which bring the caller's role along on request."""

    #: The path from a row to its project's memberships.
    memberships = "project__memberships"

    def with_role(self, user: User | AnonymousUser) -> Self:
        """Each row with the user's role in its project as ``caller_role``, read in the
        same query (see ``corpus.access``)."""
        from .access import with_role

        return with_role(self, user, self.memberships)


class ProjectQuerySet(RoleQuerySet["Project"]):
    memberships = "memberships"

    def visible_to(self, user: User | AnonymousUser) -> ProjectQuerySet:
        """Projects the user is a member of, in any role."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Project(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="projects"
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("corpus:project-detail", kwargs={"project": self.slug})


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ANNOTATOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.project}"


class DocumentQuerySet(RoleQuerySet["Document"]):
    def visible_to(self, user: User | AnonymousUser) -> DocumentQuerySet:
        """Documents of the projects the user belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(project__memberships__user=user)


def content_hash(text: str) -> str:
    """The hash of a normalised text, used to find duplicates within a project."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Document(models.Model):
    # No index of its own: those on (project, content_hash) and (project, published_at)
    # serve lookups by project, and every index costs each imported document.
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="documents", db_index=False
    )
    title = models.CharField(max_length=500)
    text = models.TextField(help_text="Canonical text; annotation offsets count into it.")
    source_name = models.CharField("source", max_length=200, blank=True)
    source_url = models.URLField("source URL", max_length=2000, blank=True)
    author = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField("published", null=True, blank=True)
    language = models.CharField(max_length=35, blank=True)
    notes = models.TextField(blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    original = models.BinaryField(
        blank=True, default=b"", help_text="The uploaded bytes, unchanged, for provenance."
    )
    original_filename = models.CharField(max_length=500, blank=True)
    original_encoding = models.CharField(max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["project_id", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "content_hash"], name="document_unique_content_in_project"
            ),
        ]
        indexes = [models.Index(fields=["project", "published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "annotate:reader", kwargs={"project": self.project.slug, "document": self.pk}
        )


class DocumentSearch(models.Model):
    """A document's full-text search vector, on PostgreSQL; ``corpus.search`` fills it
    after the document arrives and migration 0004 adds the GIN index and the trigger that
    keeps it current. The table stays empty on SQLite."""

    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    vector = SearchVectorField()

    def __str__(self) -> str:
        return f"Search vector of document {self.document_id}"
