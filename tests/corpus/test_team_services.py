"""Invitations and assignments, as the services that pages and API share do them."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from corpus import teams
from corpus.models import (
    Assignment,
    AssignmentState,
    Invitation,
    InvitationStatus,
    Membership,
    Role,
    hash_token,
)
from tests.factories import add_member, make_annotation, make_document, make_user

pytestmark = pytest.mark.django_db


def link(token: str) -> str:
    return f"https://stancemap.example.org/invitations/{token}/"


def invite(cast, role="annotator", **extra):
    return teams.create_invitation(
        project=cast.project, role=role, created_by=cast.alice, url_for=link, **extra
    )


def token_of(made) -> str:
    return made.url.rstrip("/").rsplit("/", 1)[1]


# Invitations -----------------------------------------------------------------------------


def test_an_invitation_keeps_only_the_hash_of_its_unguessable_token(cast):
    made = invite(cast)
    token = token_of(made)
    assert len(token) >= 40
    assert made.invitation.token_hash == hash_token(token)
    assert token not in made.invitation.token_hash
    assert invite(cast).url != made.url


def test_an_invitation_expires_after_the_configured_days(cast, settings):
    settings.INVITATION_EXPIRY_DAYS = 3
    made = invite(cast)
    left = made.invitation.expires_at - timezone.now()
    assert dt.timedelta(days=2, hours=23) < left <= dt.timedelta(days=3)


@pytest.fixture
def mailer(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def test_an_invitation_with_an_email_is_sent_there(cast, mailer):
    made = invite(cast, role="curator", email="dora@example.org")
    assert made.emailed
    (message,) = mail.outbox
    assert message.to == ["dora@example.org"]
    assert made.url in message.body and "as curator" in message.body


def test_an_invitation_without_an_email_sends_nothing(cast, mailer):
    assert not invite(cast).emailed
    assert mail.outbox == []


def test_without_a_mailer_the_address_is_kept_and_nothing_is_sent(cast):
    made = invite(cast, email="dora@example.org")
    assert not made.emailed and made.invitation.email == "dora@example.org"
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("role", "email", "field"), [("boss", "", "role"), ("viewer", "not an address", "email")]
)
def test_a_bad_invitation_is_refused_and_nothing_is_made(cast, role, email, field):
    with pytest.raises(ValidationError) as caught:
        invite(cast, role=role, email=email)
    assert field in caught.value.message_dict
    assert not Invitation.objects.exists()


def test_accepting_joins_the_project_with_the_role_and_uses_up_the_link(cast):
    made = invite(cast, role="curator")
    dave = make_user("dave")
    membership = teams.accept_invitation(token=token_of(made), user=dave)
    assert membership.role == Role.CURATOR and membership.project == cast.project
    made.invitation.refresh_from_db()
    assert made.invitation.accepted_by == dave and made.invitation.status == "accepted"
    with pytest.raises(teams.InvitationUnusable, match="already been used"):
        teams.accept_invitation(token=token_of(made), user=make_user("erin"))


def test_a_revoked_or_expired_link_says_so_and_adds_nobody(cast):
    revoked, expired = invite(cast), invite(cast)
    teams.revoke_invitation(invitation=revoked.invitation, revoked_by=cast.alice)
    Invitation.objects.filter(pk=expired.invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    dave = make_user("dave")
    with pytest.raises(teams.InvitationUnusable, match="revoked"):
        teams.accept_invitation(token=token_of(revoked), user=dave)
    with pytest.raises(teams.InvitationUnusable, match="expired"):
        teams.accept_invitation(token=token_of(expired), user=dave)
    with pytest.raises(teams.InvitationUnusable, match="not valid"):
        teams.accept_invitation(token="made-up", user=dave)
    assert not Membership.objects.filter(user=dave).exists()


def test_revoking_records_who_and_when_and_cannot_be_repeated(cast):
    made = invite(cast)
    teams.revoke_invitation(invitation=made.invitation, revoked_by=cast.alice)
    made.invitation.refresh_from_db()
    assert made.invitation.revoked_by == cast.alice and made.invitation.revoked_at
    assert made.invitation.status == InvitationStatus.REVOKED
    with pytest.raises(ValidationError, match="already revoked"):
        teams.revoke_invitation(invitation=made.invitation, revoked_by=cast.alice)


def test_a_member_cannot_use_a_link_to_change_their_role(cast):
    made = invite(cast, role="owner")
    with pytest.raises(ValidationError, match="already a member"):
        teams.accept_invitation(token=token_of(made), user=cast.carol)
    assert Membership.objects.get(project=cast.project, user=cast.carol).role == Role.VIEWER
    made.invitation.refresh_from_db()
    assert made.invitation.status == InvitationStatus.OPEN


def test_a_newcomer_gets_an_account_and_the_membership_or_neither(cast):
    made = invite(cast)
    membership = teams.accept_invitation_as_new_user(
        token=token_of(made), username="dave", password="a-long-pass-phrase"
    )
    assert membership.user.check_password("a-long-pass-phrase")
    with pytest.raises(teams.InvitationUnusable):
        teams.accept_invitation_as_new_user(
            token=token_of(made), username="erin", password="a-long-pass-phrase"
        )
    assert not Membership.objects.filter(user__username="erin").exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="erin").exists()


# Assignments -----------------------------------------------------------------------------


def test_assigning_a_document_records_who_assigned_it(cast, document):
    assignment = teams.assign_document(
        project=cast.project, document=document.pk, annotator="bob", assigned_by=cast.alice
    )
    assert assignment.assigned_by == cast.alice
    (record,) = assignment.history.all()
    assert record.history_user == cast.alice and record.history_type == "+"


@pytest.mark.parametrize(
    ("annotator", "message"),
    [
        ("carol", "only members who can annotate"),
        ("mallory", "not a member of this project"),
        ("nobody", "not a member of this project"),
    ],
)
def test_only_members_who_can_annotate_can_be_assigned(cast, document, annotator, message):
    with pytest.raises(ValidationError, match=message):
        teams.assign_document(
            project=cast.project, document=document.pk, annotator=annotator, assigned_by=cast.alice
        )
    assert not Assignment.objects.exists()


def test_another_projects_document_cannot_be_assigned(cast, document):
    foreign = make_document(cast.other)
    with pytest.raises(ValidationError, match=f"no document {foreign.pk} in this project"):
        teams.assign_document(
            project=cast.project, document=foreign.pk, annotator="bob", assigned_by=cast.alice
        )


def test_the_same_document_cannot_go_to_the_same_annotator_twice(cast, document):
    teams.assign_document(
        project=cast.project, document=document.pk, annotator="bob", assigned_by=cast.alice
    )
    with pytest.raises(ValidationError, match="already assigned to bob"):
        teams.assign_document(
            project=cast.project, document=document.pk, annotator="bob", assigned_by=cast.alice
        )


def test_a_first_annotation_puts_an_assignment_in_progress_and_done_and_reopen_follow(
    cast, document
):
    teams.assign_document(
        project=cast.project, document=document.pk, annotator="bob", assigned_by=cast.alice
    )

    def state():
        return Assignment.objects.for_listing().get().state

    assert state() == AssignmentState.ASSIGNED
    make_annotation(document, created_by=cast.alice)  # someone else's work does not count
    assert state() == AssignmentState.ASSIGNED
    make_annotation(document, start=6, end=14, created_by=cast.bob)
    assert state() == AssignmentState.IN_PROGRESS
    assignment = Assignment.objects.get()
    teams.mark_done(assignment=assignment, by=cast.bob)
    assert state() == AssignmentState.DONE
    teams.reopen(assignment=assignment, by=cast.alice)
    assert state() == AssignmentState.IN_PROGRESS
    people = [r.history_user.username for r in assignment.history.order_by("history_id")]
    assert people == ["alice", "bob", "alice"]


def make_team(cast, n):
    people = []
    for i in range(n):
        person = make_user(f"coder{i}")
        add_member(cast.project, person, Role.ANNOTATOR)
        people.append(person.username)
    return people


def test_bulk_assignment_gives_each_document_k_different_annotators_balanced(cast):
    coders = make_team(cast, 3)
    documents = [make_document(cast.project).pk for _ in range(6)]
    created = teams.assign_documents(
        project=cast.project,
        documents=documents,
        annotators=coders,
        per_document=2,
        assigned_by=cast.alice,
    )
    assert len(created) == 12
    per_document: dict[int, set[str]] = {}
    for a in created:
        per_document.setdefault(a.document_id, set()).add(a.annotator.username)
    assert all(len(names) == 2 for names in per_document.values())
    load = {name: sum(name in names for names in per_document.values()) for name in coders}
    assert sorted(load.values()) == [4, 4, 4]


def test_bulk_assignment_fills_the_least_loaded_first_and_counts_who_is_already_on(cast):
    coders = make_team(cast, 3)
    busy, idle = make_document(cast.project), make_document(cast.project)
    for _ in range(2):
        teams.assign_document(
            project=cast.project,
            document=make_document(cast.project).pk,
            annotator=coders[0],
            assigned_by=cast.alice,
        )
    teams.assign_document(
        project=cast.project, document=busy.pk, annotator=coders[0], assigned_by=cast.alice
    )
    created = teams.assign_documents(
        project=cast.project,
        documents=[busy.pk, idle.pk],
        annotators=coders,
        per_document=2,
        assigned_by=cast.alice,
    )
    names = sorted((a.document_id, a.annotator.username) for a in created)
    # busy already has coder0, so it gets one more; coder0 (3 open) is the last choice.
    assert names == sorted(
        [(busy.pk, coders[1]), (idle.pk, coders[2]), (idle.pk, coders[1])]
    ) or names == sorted([(busy.pk, coders[1]), (idle.pk, coders[1]), (idle.pk, coders[2])])
    assert all(a.annotator.username != coders[0] for a in created)


@pytest.mark.parametrize(
    ("per_document", "field"), [(3, "per_document"), (0, "per_document"), ("x", "per_document")]
)
def test_bulk_assignment_refuses_impossible_counts_and_assigns_nothing(
    cast, document, per_document, field
):
    with pytest.raises(ValidationError) as caught:
        teams.assign_documents(
            project=cast.project,
            documents=[document.pk],
            annotators=["alice", "bob"],
            per_document=per_document,
            assigned_by=cast.alice,
        )
    assert field in caught.value.message_dict
    assert not Assignment.objects.exists()


def test_bulk_assignment_with_one_bad_annotator_assigns_nothing(cast, document):
    with pytest.raises(ValidationError, match="carol"):
        teams.assign_documents(
            project=cast.project,
            documents=[document.pk],
            annotators=["bob", "carol"],
            per_document=1,
            assigned_by=cast.alice,
        )
    assert not Assignment.objects.exists()


def test_unassigning_keeps_the_annotations_and_the_history(cast, document):
    assignment = teams.assign_document(
        project=cast.project, document=document.pk, annotator="bob", assigned_by=cast.alice
    )
    annotation = make_annotation(document, created_by=cast.bob)
    teams.unassign(assignment=assignment, removed_by=cast.alice)
    assert not Assignment.objects.exists()
    annotation.refresh_from_db()
    last = Assignment.history.order_by("-history_id").first()
    assert last.history_type == "-" and last.history_user == cast.alice


def test_progress_counts_states_and_statements_per_day(cast, document):
    from tests.factories import make_actor, make_claim

    other = make_document(cast.project, title="Other")
    for doc in (document, other):
        teams.assign_document(
            project=cast.project, document=doc.pk, annotator="bob", assigned_by=cast.alice
        )
    actor, claim = make_actor(cast.project), make_claim(cast.project)
    make_annotation(
        document, created_by=cast.bob, actor=actor, claim=claim, stance="support", start=0, end=5
    )
    make_annotation(document, created_by=cast.bob, start=6, end=14)
    progress = teams.project_progress(cast.project)
    bob = next(p for p in progress.annotators if p.username == "bob")
    assert (bob.assigned, bob.in_progress, bob.done) == (1, 1, 0)
    assert (bob.annotations, bob.statements) == (2, 1)
    assert {p.username for p in progress.annotators} == {"alice", "bob"}  # not carol
    assert [(d.username, d.statements) for d in progress.per_day] == [("bob", 1)]
    assert progress.per_day[0].date == timezone.localdate()
    states = {d.title: [a.state for a in d.assignments] for d in progress.documents}
    assert states == {"Abe and Putin": ["in_progress"], "Other": ["assigned"]}


def test_a_taken_username_is_refused_and_the_link_stays_open(cast):
    made = invite(cast)
    with pytest.raises(ValidationError) as caught:
        teams.accept_invitation_as_new_user(
            token=token_of(made), username="Bob", password="a-long-pass-phrase"
        )
    assert caught.value.message_dict == {"username": ["A user with that username already exists."]}
    made.invitation.refresh_from_db()
    assert made.invitation.status == InvitationStatus.OPEN
