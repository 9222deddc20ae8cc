"""The codebook (actors, claims) and annotations with their stance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from corpus.models import Document, Project, Role, RoleQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


class Stance(models.TextChoices):
    SUPPORT = "support", "Support"
    OPPOSE = "oppose", "Oppose"
    NEUTRAL = "neutral", "Neutral"


class ActorKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    STATE = "state", "State"
    MEDIA = "media", "Media"
    OTHER = "other", "Other"


class CodebookQuerySet(RoleQuerySet):
    def visible_to(self, user: User | AnonymousUser) -> CodebookQuerySet:
        """Entries of the projects the user belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(project__memberships__user=user)


class Actor(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="actors")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ActorKind.choices, default=ActorKind.OTHER)
    aliases = models.JSONField(default=list, blank=True)
    affiliation = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    colour = models.CharField(max_length=7, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CodebookQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "name", "id"]
        constraints = [
            models.UniqueConstraint("project", Lower("name"), name="actor_unique_name_in_project"),
            models.CheckConstraint(condition=Q(kind__in=ActorKind.values), name="actor_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="actor_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Claim(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="claims")
    label = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    colour = models.CharField(max_length=7, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CodebookQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "label", "id"]
        constraints = [
            models.UniqueConstraint(
                "project", Lower("label"), name="claim_unique_label_in_project"
            ),
            models.CheckConstraint(condition=~Q(label=""), name="claim_label_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label


def complete(path: str = "") -> Q:
    """What makes an annotation a statement: actor, claim and stance all set. ``path``
    reaches annotations through a relation, e.g. ``"annotations__"`` from an actor."""
    return Q(**{f"{path}{name}__isnull": False for name in ("actor", "claim", "stance")})


#: The roles that see every annotator's work, with or without independent coding.
SEES_EVERYONE = (Role.OWNER, Role.CURATOR, Role.VIEWER)


class AnnotationQuerySet(RoleQuerySet["Annotation"]):
    memberships = "document__project__memberships"

    def visible_to(self, user: User | AnonymousUser) -> AnnotationQuerySet:
        """Annotations (trashed ones included) of the projects the user belongs to, as
        far as the user's role lets them see: in a project with independent coding an
        annotator sees only their own, while owners, curators and viewers see
        everyone's. The one place this rule lives; every read of annotations starts here.

        One join on the user's membership: the conditions of one ``filter()`` share it."""
        if not user.is_authenticated:
            return self.none()
        membership = "document__project__memberships"
        return self.filter(
            Q(**{f"{membership}__user": user}),
            Q(**{f"{membership}__role__in": SEES_EVERYONE})
            | Q(document__project__independent_coding=False)
            | Q(created_by=user),
        )

    def coded(self) -> AnnotationQuerySet:
        """The annotators' own annotations, without the curators' final copies."""
        return self.filter(final=False)

    def final_of_curated(self) -> AnnotationQuerySet:
        """Final annotations of the documents whose curation is finished."""
        return self.filter(final=True, document__curation__curated=True)

    def alive(self) -> AnnotationQuerySet:
        """Annotations that are not in the trash."""
        return self.filter(deleted_at__isnull=True)

    def trashed(self) -> AnnotationQuerySet:
        return self.filter(deleted_at__isnull=False)

    def statements(self) -> AnnotationQuerySet:
        """Complete statements: actor, claim and stance all set."""
        return self.filter(complete())

    def for_reader(self, document: Document) -> AnnotationQuerySet:
        """A document's live annotations in reading order, with what the reader shows."""
        return (
            self.alive()
            .filter(document=document)
            .select_related("actor", "claim", "created_by")
            .order_by("start", "-end", "id")
        )


class Annotation(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="annotations")
    start = models.PositiveIntegerField(help_text="0-based code point offset, inclusive.")
    end = models.PositiveIntegerField(help_text="0-based code point offset, exclusive.")
    quote = models.TextField(help_text="The passage text[start:end], stored and checked.")
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="annotations"
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="annotations"
    )
    # NULL, not "", means "not yet tagged": the API speaks of a null stance.
    stance = models.CharField(  # noqa: DJ001
        max_length=10, choices=Stance.choices, null=True, blank=True
    )
    note = models.TextField(blank=True)
    metadata = models.JSONField(
        default=dict, blank=True, help_text="Extra attributes, such as a person from an import."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="annotations",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    final = models.BooleanField(
        default=False, help_text="One of the document's final annotations, set by curation."
    )
    curated_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="curated_copies",
        help_text="The annotator's annotation this final annotation was accepted from.",
    )

    objects = AnnotationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["document", "start", "-end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="annotation_start_not_negative"),
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="annotation_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(stance__isnull=True) | Q(stance__in=Stance.values),
                name="annotation_stance_valid",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="annotation_version_positive"),
        ]
        indexes = [
            models.Index(fields=["document", "start"]),
            models.Index(fields=["updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}[{self.start}:{self.end}] {self.quote[:40]!r}"

    @property
    def is_trashed(self) -> bool:
        return self.deleted_at is not None


class Curation(models.Model):
    """A document's curation: whether its final annotations are settled, by whom, when.

    Kept here rather than on the document, since the corpus knows nothing of annotations;
    a document without a row is not curated."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="curation")
    curated = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["document_id"]

    def __str__(self) -> str:
        return f"{self.document_id}: {'curated' if self.curated else 'not curated'}"
