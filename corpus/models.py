"""Projects, their members and their documents."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Self, TypeVar, cast

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    CURATOR = "curator", "Curator"
    ANNOTATOR = "annotator", "Annotator"
    VIEWER = "viewer", "Viewer"

    @property
    def can_annotate(self) -> bool:
        """Annotates, imports and edits the codebook; may be assigned documents."""
        return self in (Role.OWNER, Role.CURATOR, Role.ANNOTATOR)

    @property
    def can_curate(self) -> bool:
        """Sees every annotator's work and its progress, and settles the final annotations."""
        return self in (Role.OWNER, Role.CURATOR)

    @property
    def can_manage(self) -> bool:
        """Manages members, invitations, assignments, deletions and the trash."""
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
    independent_coding = models.BooleanField(
        default=False,
        help_text="Annotators see only their own annotations; owners, curators and viewers "
        "see everyone's.",
    )
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


# Teams: invitations and assignments ------------------------------------------------------


def hash_token(token: str) -> str:
    """What an invitation keeps of its token: the link itself is never stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """An unguessable token for an invitation link (256 bits)."""
    return secrets.token_urlsafe(32)


class InvitationStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class InvitationQuerySet(RoleQuerySet["Invitation"]):
    def visible_to(self, user: User | AnonymousUser) -> InvitationQuerySet:
        """Invitations of the projects the user belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(project__memberships__user=user)

    def for_members_page(self, project: Project) -> InvitationQuerySet:
        """A project's invitations, newest first, with the people named on them."""
        return (
            self.filter(project=project)
            .select_related("created_by", "accepted_by", "revoked_by")
            .order_by("-created_at", "-id")
        )


class Invitation(models.Model):
    """A link that lets whoever opens it join a project with a role, once, until it
    expires or an owner revokes it. Only the token's hash is kept."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ANNOTATOR)
    email = models.EmailField(blank=True, help_text="Where the link was sent, if anywhere.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["project_id", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.project} as {self.role}"

    @property
    def status(self) -> InvitationStatus:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.OPEN


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class AssignmentQuerySet(RoleQuerySet["Assignment"]):
    memberships = "document__project__memberships"

    def visible_to(self, user: User | AnonymousUser) -> AssignmentQuerySet:
        """Assignments in the projects the user belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(document__project__memberships__user=user)

    def with_work(self) -> AssignmentQuerySet:
        """Each assignment with the assignee's ``annotation_count`` and ``statement_count``
        in its document, in the same query, as the apps that record work supply them
        (``corpus.hooks.register_assignment_work``); its ``state`` follows from them."""
        from .hooks import annotate_assignment_work

        return cast(AssignmentQuerySet, annotate_assignment_work(self))

    def for_listing(self) -> AssignmentQuerySet:
        """What a list of assignments shows: document, annotator, who assigned, the work."""
        return (
            self.select_related("document", "annotator", "assigned_by")
            .defer("document__text", "document__original")
            .with_work()
        )


class Assignment(models.Model):
    """One document given to one annotator to code; the annotator says when it is done.

    Its state: *done* once marked so, else *in progress* once the annotator has made an
    annotation in the document, else *assigned*."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assignments")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()
    # Who assigned, marked done, reopened or unassigned, and when.
    history = HistoricalRecords()
    # Not a field: set before save() or delete(), it names the user in that history record.
    _history_user: User | None

    class Meta:
        ordering = ["document_id", "annotator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "annotator"], name="assignment_unique_annotator_per_document"
            ),
        ]
        indexes = [models.Index(fields=["annotator", "document"], name="assignment_annotator_doc")]

    def __str__(self) -> str:
        return f"Document {self.document_id} for {self.annotator}"

    @property
    def state(self) -> AssignmentState:
        if self.done_at is not None:
            return AssignmentState.DONE
        if getattr(self, "annotation_count", 0):
            return AssignmentState.IN_PROGRESS
        return AssignmentState.ASSIGNED


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class JobQuerySet(models.QuerySet["Job"]):
    def visible_to(self, user: User | AnonymousUser) -> JobQuerySet:
        """The caller's own jobs and every job of the projects the caller owns."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(owner=user)
            | Q(project__memberships__user=user, project__memberships__role=Role.OWNER)
        ).distinct()


class Job(models.Model):
    """Long work done by the worker (``corpus.jobs``): its state, progress and outcome."""

    class Kind(models.TextChoices):
        IMPORT = "import", "Import"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="jobs")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    #: What the job was asked (an import's encoding, say).
    options = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    #: How many times a worker has started it; a job whose worker died is started again
    #: until ``JOB_MAX_ATTEMPTS``.
    attempts = models.PositiveSmallIntegerField(default=0)
    #: Set by the worker at each step; a running job silent for ``JOB_STALE_SECONDS`` has
    #: lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat")]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk} ({self.status})"


class JobFile(models.Model):
    """A file an import job was given, kept in the database until the job ends, so that
    any worker on any machine can read it."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=1000)
    content = models.BinaryField()

    class Meta:
        ordering = ["job_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="jobfile_unique_position")
        ]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """One change a project's readers are told of (``corpus.events``), kept for a while so
    that a stream that dropped can resume where it stopped (``Last-Event-ID``)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    #: The annotation or document the event is about.
    object_id = models.BigIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["project", "id"], name="event_project_id")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
