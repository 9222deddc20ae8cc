"""Forming a team and splitting the work: invitations, assignments and progress.

Writes (keyword-only, atomic) that the pages and the API both call, and the reads of
the Progress page. What counts as work in a document (annotations, statements) comes
from the apps that record it, through ``corpus.hooks``.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from corpus.ids import is_id, whole_number

from . import hooks
from .models import (
    Assignment,
    AssignmentState,
    Document,
    Invitation,
    InvitationStatus,
    Membership,
    Project,
    Role,
    hash_token,
    new_token,
)
from .services import _check_role

log = logging.getLogger(__name__)

#: The most documents and annotators one bulk assignment takes.
MAX_BULK_DOCUMENTS = 10_000
MAX_BULK_ANNOTATORS = 500

# Invitations -----------------------------------------------------------------------------


@dataclass
class NewInvitation:
    """An invitation just made, with its link: the only time the link is known."""

    invitation: Invitation
    url: str
    emailed: bool = False


#: Why a link cannot be used, as the person who opened it reads it.
UNUSABLE = {
    InvitationStatus.ACCEPTED: "This invitation has already been used. Ask the project's "
    "owner for a new link if you still need to join.",
    InvitationStatus.REVOKED: "This invitation was revoked by the project's owner. Ask them "
    "for a new link.",
    InvitationStatus.EXPIRED: "This invitation has expired. Ask the project's owner for a new "
    "link.",
}
UNKNOWN_LINK = (
    "This invitation link is not valid. Check that you copied all of it, or ask the "
    "project's owner for a new one."
)


class InvitationUnusable(ValidationError):
    """The link names no invitation, or one that was used, revoked or has expired."""

    def __init__(self, message: str, invitation: Invitation | None = None):
        self.invitation = invitation
        super().__init__(message, code="unusable")


def expiry_days() -> int:
    return int(getattr(settings, "INVITATION_EXPIRY_DAYS", 14))


def can_email() -> bool:
    """Whether this server sends e-mail (a default mailer is configured)."""
    return "default" in mailers


def create_invitation(
    *,
    project: Project,
    role: str,
    created_by: User,
    url_for: Callable[[str], str],
    email: str = "",
) -> NewInvitation:
    """Make an invitation link to join ``project`` with ``role``; ``url_for`` turns the
    token into the link. With an e-mail address, and a mailer configured, the link is
    also sent there."""
    role = _check_role(role)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": [f"“{email}” is not an e-mail address."]}) from None
    token = new_token()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            project=project,
            role=role,
            email=email,
            token_hash=hash_token(token),
            created_by=created_by,
            expires_at=timezone.now() + datetime.timedelta(days=expiry_days()),
        )
    made = NewInvitation(invitation=invitation, url=url_for(token))
    if email and can_email():
        made.emailed = _send_invitation(made, created_by)
    return made


def _send_invitation(made: NewInvitation, sender: User) -> bool:
    invitation = made.invitation
    subject = f"Join “{invitation.project.name}” on Stancemap"
    body = (
        f"{sender.get_username()} invites you to the project “{invitation.project.name}” "
        f"on Stancemap as {invitation.get_role_display().lower()}.\n\n"
        f"Open this link to join (it works once, until "
        f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC):\n\n{made.url}\n"
    )
    try:
        EmailMessage(subject, body, to=[invitation.email]).send()
    except Exception:  # noqa: BLE001 - the link is shown all the same; say it was not sent
        log.warning("Could not e-mail invitation %s", invitation.pk, exc_info=True)
        return False
    return True


def find_invitation(token: str) -> Invitation | None:
    """The invitation a link's token names, with its project, or None."""
    if not token or len(token) > 200:
        return None
    return Invitation.objects.select_related("project").filter(token_hash=hash_token(token)).first()


def usable_invitation(token: str, *, lock: bool = False) -> Invitation:
    """The open invitation a token names; ``InvitationUnusable`` says why it cannot be used."""
    queryset = Invitation.objects.select_related("project")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    invitation = (
        queryset.filter(token_hash=hash_token(token)).first()
        if token and len(token) <= 200
        else None
    )
    if invitation is None:
        raise InvitationUnusable(UNKNOWN_LINK)
    status = invitation.status
    if status != InvitationStatus.OPEN:
        raise InvitationUnusable(UNUSABLE[status], invitation)
    return invitation


def accept_invitation(*, token: str, user: User) -> Membership:
    """Join the invitation's project with its role; the link is used up."""
    with transaction.atomic():
        invitation = usable_invitation(token, lock=True)
        existing = Membership.objects.filter(project=invitation.project, user=user).first()
        if existing is not None:
            raise ValidationError(
                f"You are already a member of “{invitation.project.name}” as "
                f"{existing.get_role_display().lower()}; this link stays unused."
            )
        membership = Membership.objects.create(
            project=invitation.project, user=user, role=invitation.role
        )
        invitation.accepted_by = user
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_by", "accepted_at"])
    return membership


def accept_invitation_as_new_user(*, token: str, username: str, password: str) -> Membership:
    """Create an account and join with it, both or neither (the caller validated the
    username and the password, as Django's sign-up form does)."""
    with transaction.atomic():
        usable_invitation(token, lock=True)
        users = get_user_model().objects
        # The form checked the name; someone may have taken it since.
        if users.filter(username__iexact=username).exists():
            raise ValidationError({"username": ["A user with that username already exists."]})
        user = users.create_user(username=username, password=password)
        return accept_invitation(token=token, user=user)


def revoke_invitation(*, invitation: Invitation, revoked_by: User) -> Invitation:
    """Stop an open invitation from working; who revoked it and when is kept."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        status = invitation.status
        if status != InvitationStatus.OPEN:
            raise ValidationError(
                {
                    InvitationStatus.ACCEPTED: "This invitation has already been used; remove "
                    "the member from the project instead.",
                    InvitationStatus.REVOKED: "This invitation is already revoked.",
                    InvitationStatus.EXPIRED: "This invitation has already expired.",
                }[status]
            )
        invitation.revoked_by = revoked_by
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_by", "revoked_at"])
    return invitation


# Assignments -----------------------------------------------------------------------------


def _annotators(project: Project, usernames: Sequence[str], field: str) -> list[User]:
    """The named members who may annotate, in the order given; else a 400 naming each."""
    names = list(dict.fromkeys(str(name).strip() for name in usernames))
    memberships = {
        m.user.get_username(): m
        for m in Membership.objects.filter(project=project, user__username__in=names)
        .select_related("user")
        .order_by()
    }
    errors = []
    for name in names:
        membership = memberships.get(name)
        if membership is None:
            errors.append(f"“{name}” is not a member of this project.")
        elif not Role(membership.role).can_annotate:
            errors.append(
                f"“{name}” is a {membership.get_role_display().lower()} here; only members who "
                "can annotate can be assigned documents."
            )
    if not names:
        errors.append("Choose at least one annotator.")
    if errors:
        raise ValidationError({field: errors})
    return [memberships[name].user for name in names]


def _documents(project: Project, ids: Iterable[Any], field: str) -> list[Document]:
    """The project's documents with these ids, in the order given; else a 400 naming
    each id that is not one (another project's documents are not named apart)."""
    wanted: list[int] = []
    errors = []
    for value in ids:
        if isinstance(value, bool) or not is_id(value):
            errors.append(f"“{value}” is not a document id.")
        else:
            wanted.append(int(str(value)))
    wanted = list(dict.fromkeys(wanted))
    found = {
        d.pk: d for d in Document.objects.filter(project=project, pk__in=wanted).only("id", "title")
    }
    errors += [f"There is no document {pk} in this project." for pk in wanted if pk not in found]
    if not wanted and not errors:
        errors.append("Choose at least one document.")
    if errors:
        raise ValidationError({field: errors})
    return [found[pk] for pk in wanted]


def assign_document(
    *, project: Project, document: Any, annotator: str, assigned_by: User
) -> Assignment:
    """Give one of the project's documents to one member who can annotate."""
    (found,) = _documents(project, [document], "document")
    (user,) = _annotators(project, [annotator], "annotator")
    with transaction.atomic():
        if Assignment.objects.filter(document=found, annotator=user).exists():
            raise ValidationError(
                {"annotator": [f"“{found.title}” is already assigned to {user.get_username()}."]}
            )
        assignment = Assignment(document=found, annotator=user, assigned_by=assigned_by)
        assignment._history_user = assigned_by
        assignment.save()
    return assignment


def assign_documents(
    *,
    project: Project,
    documents: Sequence[Any],
    annotators: Sequence[str],
    per_document: Any,
    assigned_by: User,
) -> list[Assignment]:
    """Give each document to ``per_document`` of the annotators, balanced: each place goes
    to the annotator with the fewest open assignments in the project so far (ties in the
    order given), never the same annotator twice on one document. Annotators already on
    a document count towards its ``per_document``. Returns the new assignments."""
    errors: dict[str, list[str]] = {}
    if len(documents) > MAX_BULK_DOCUMENTS:
        errors["documents"] = [f"At most {MAX_BULK_DOCUMENTS} documents at once."]
    if len(annotators) > MAX_BULK_ANNOTATORS:
        errors["annotators"] = [f"At most {MAX_BULK_ANNOTATORS} annotators at once."]
    if isinstance(per_document, bool) or whole_number(str(per_document)) is None:
        errors["per_document"] = ["Give the number of annotators per document (1 or more)."]
    if errors:
        raise ValidationError(errors)
    k = whole_number(str(per_document)) or 0
    found = _documents(project, documents, "documents")
    users = _annotators(project, annotators, "annotators")
    if not 1 <= k <= len(users):
        raise ValidationError(
            {
                "per_document": [
                    f"Each document can go to 1 to {len(users)} of the {len(users)} chosen "
                    f"annotator{'s' if len(users) != 1 else ''} (a document never goes to the "
                    f"same annotator twice); {k} is too many."
                    if k
                    else "Give the number of annotators per document (1 or more)."
                ]
            }
        )
    with transaction.atomic():
        # Locking the annotators' memberships serialises two bulk assignments to the
        # same people, so the loads each reads stay true.
        list(
            Membership.objects.select_for_update()
            .filter(project=project, user__in=users)
            .values_list("pk", flat=True)
        )
        load = Counter(
            Assignment.objects.filter(
                document__project=project, annotator__in=users, done_at__isnull=True
            )
            .values_list("annotator_id", flat=True)
            .order_by()
        )
        taken = set(
            Assignment.objects.filter(document__in=found, annotator__in=users)
            .values_list("document_id", "annotator_id")
            .order_by()
        )
        order = {user.pk: n for n, user in enumerate(users)}
        new: list[Assignment] = []
        for document in found:
            free = [u for u in users if (document.pk, u.pk) not in taken]
            need = k - (len(users) - len(free))
            free.sort(key=lambda u: (load[u.pk], order[u.pk]))
            for user in free[: max(need, 0)]:
                load[user.pk] += 1
                new.append(Assignment(document=document, annotator=user, assigned_by=assigned_by))
        if new:
            bulk_create_with_history(new, Assignment, default_user=assigned_by)
    if not new:
        return []
    # bulk_create_with_history does not give the ids back on every database.
    pairs = {(a.document_id, a.annotator_id) for a in new}
    created = Assignment.objects.filter(
        document__in={d for d, _ in pairs}, annotator__in={u for _, u in pairs}
    ).for_listing()
    return [a for a in created if (a.document_id, a.annotator_id) in pairs]


def unassign(*, assignment: Assignment, removed_by: User) -> None:
    """Take a document back from its annotator; their annotations stay, and the history
    keeps who assigned and who unassigned it."""
    with transaction.atomic():
        assignment._history_user = removed_by
        assignment.delete()


def mark_done(*, assignment: Assignment, by: User) -> Assignment:
    """The annotator (or an owner) says the document is coded; marking again keeps the
    first moment."""
    with transaction.atomic():
        if assignment.done_at is None:
            assignment.done_at = timezone.now()
            assignment._history_user = by
            assignment.save(update_fields=["done_at"])
    return assignment


def reopen(*, assignment: Assignment, by: User) -> Assignment:
    """Take back a "done": the document is in the annotator's work again."""
    with transaction.atomic():
        if assignment.done_at is not None:
            assignment.done_at = None
            assignment._history_user = by
            assignment.save(update_fields=["done_at"])
    return assignment


# Reads -----------------------------------------------------------------------------------


def my_assignments(project: Project, user: User) -> list[Assignment]:
    """The user's assignments in the project with their state: open ones first (in
    progress before assigned), done ones last, then by title."""
    rank = {AssignmentState.IN_PROGRESS: 0, AssignmentState.ASSIGNED: 1, AssignmentState.DONE: 2}
    found = list(Assignment.objects.filter(document__project=project, annotator=user).for_listing())
    return sorted(found, key=lambda a: (rank[a.state], a.document.title, a.pk))


@dataclass
class AnnotatorProgress:
    username: str
    role: str
    assigned: int = 0
    in_progress: int = 0
    done: int = 0
    annotations: int = 0
    statements: int = 0

    @property
    def total(self) -> int:
        return self.assigned + self.in_progress + self.done


@dataclass
class DocumentProgress:
    id: int
    title: str
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for a in self.assignments if a.state == AssignmentState.DONE)


@dataclass
class DayProgress:
    date: datetime.date
    username: str
    statements: int


@dataclass
class Progress:
    since: datetime.date
    annotators: list[AnnotatorProgress]
    documents: list[DocumentProgress]
    per_day: list[DayProgress]


def project_progress(project: Project, *, days: int = 30) -> Progress:
    """Per annotator and per assigned document: counts and states; and statements per
    day and person over the last ``days`` days. A fixed number of queries."""
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    memberships = list(
        Membership.objects.filter(project=project).select_related("user").order_by("user__username")
    )
    names = {m.user_id: m.user.get_username() for m in memberships}
    people = {
        m.user_id: AnnotatorProgress(username=names[m.user_id], role=m.role)
        for m in memberships
        if Role(m.role).can_annotate
    }
    documents: dict[int, DocumentProgress] = {}
    assignments = (
        Assignment.objects.filter(document__project=project)
        .for_listing()
        .order_by("document__title", "document_id", "annotator__username")
    )
    for assignment in assignments:
        document = documents.setdefault(
            assignment.document_id,
            DocumentProgress(id=assignment.document_id, title=assignment.document.title),
        )
        document.assignments.append(assignment)
        person = people.get(assignment.annotator_id)
        if person is None:  # no longer a member who annotates; still counted
            person = people[assignment.annotator_id] = AnnotatorProgress(
                username=assignment.annotator.get_username(), role="former"
            )
        state = assignment.state
        if state == AssignmentState.DONE:
            person.done += 1
        elif state == AssignmentState.IN_PROGRESS:
            person.in_progress += 1
        else:
            person.assigned += 1
        person.annotations += assignment.annotation_count  # type: ignore[attr-defined]
        person.statements += assignment.statement_count  # type: ignore[attr-defined]
    per_day = [
        DayProgress(date=day, username=username, statements=count)
        for day, username, count in hooks.daily_work(project, since)
    ]
    return Progress(
        since=since,
        annotators=sorted(people.values(), key=lambda p: p.username),
        documents=list(documents.values()),
        per_day=per_day,
    )
