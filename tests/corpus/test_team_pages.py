"""Forming a team and splitting the work in the browser's pages (without a browser)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from corpus import teams
from corpus.models import Assignment, Invitation, Membership, Project, Role
from tests.factories import add_member, make_annotation, make_document, make_user

pytestmark = pytest.mark.django_db


def body_of(response) -> str:
    return response.content.decode().split('<main id="main">', 1)[1]


# A new project ---------------------------------------------------------------------------


def test_anyone_signed_in_starts_a_project_and_owns_it(client, cast):
    client.force_login(cast.carol)
    listing = client.get(reverse("corpus:project-list")).content.decode()
    assert reverse("corpus:project-create") in listing and "New project" in listing
    response = client.post(
        reverse("corpus:project-create"), {"name": "Kuril islands", "description": "Who wants what"}
    )
    project = Project.objects.get(name="Kuril islands")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert Membership.objects.get(project=project).role == Role.OWNER
    assert project.description == "Who wants what"


def test_a_project_without_a_name_is_refused_with_the_reason(client, cast):
    client.force_login(cast.carol)
    response = client.post(reverse("corpus:project-create"), {"name": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Project.objects.count() == 2


def test_a_project_called_new_does_not_hide_the_new_project_page(client, cast):
    client.force_login(cast.carol)
    client.post(reverse("corpus:project-create"), {"name": "New"})
    assert Project.objects.get(name="New").slug != "new"
    assert client.get(reverse("corpus:project-create")).status_code == 200


def test_the_header_links_to_the_password_change_that_works(client, cast):
    client.force_login(cast.bob)
    page = client.get(reverse("corpus:project-list")).content.decode()
    assert reverse("password_change") in page and "Change password" in page
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pass-word-123",
            "new_password1": "another-pass-phrase",
            "new_password2": "another-pass-phrase",
        },
        follow=True,
    )
    assert "Your password was changed" in response.content.decode()
    cast.bob.refresh_from_db()
    assert cast.bob.check_password("another-pass-phrase")


# Invitations on the members page ---------------------------------------------------------


def invite(client, cast, **data):
    return client.post(
        reverse("corpus:invitation-create", args=[cast.project.slug]),
        {"role": "annotator", **data},
    )


def test_an_owner_makes_a_link_shown_once_with_a_copy_button(client, cast):
    client.force_login(cast.alice)
    response = invite(client, cast, role="curator")
    assert response.status_code == 201
    page = body_of(response)
    assert "Copy invitation link" in page and 'id="invitation-link"' in page
    assert "not shown again" in page
    url = page.split('id="invitation-link" class="token-value" type="text" value="')[1]
    url = url.split('"')[0]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert Invitation.objects.get().token_hash == teams.hash_token(token)
    assert url not in body_of(client.get(reverse("corpus:members", args=[cast.project.slug])))


def test_after_making_a_link_the_add_member_form_still_adds_a_member(client, cast):
    client.force_login(cast.alice)
    page = body_of(invite(client, cast))
    members_url = reverse("corpus:members", args=[cast.project.slug])
    adding = page.split("Add a member", 1)[0].rsplit("<form", 1)[1]
    assert f'action="{members_url}"' in adding
    dora = make_user("dora")
    response = client.post(members_url, {"username": "dora", "role": "viewer"})
    assert response.status_code in (200, 302)
    assert Membership.objects.get(project=cast.project, user=dora).role == Role.VIEWER


def test_without_a_mailer_the_page_says_the_link_was_not_emailed(client, cast):
    client.force_login(cast.alice)
    page = body_of(invite(client, cast, email="dora@example.org"))
    assert "not e-mailed" in page and "does not send e-mail" in page


def test_with_a_mailer_the_page_says_where_the_link_went(client, cast, settings, mailoutbox):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    client.force_login(cast.alice)
    page = body_of(invite(client, cast, email="dora@example.org"))
    assert "sent to dora@example.org" in page
    assert len(mailoutbox) == 1


def test_a_bad_email_is_refused_in_the_form(client, cast):
    client.force_login(cast.alice)
    response = invite(client, cast, email="not-an-address")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["bob", "cora", "carol"])
def test_only_owners_see_and_make_invitations(client, cast, curator, who):
    client.force_login(getattr(cast, who))
    page = body_of(client.get(reverse("corpus:members", args=[cast.project.slug])))
    assert "Invite someone" not in page
    assert invite(client, cast).status_code == 403
    assert not Invitation.objects.exists()


def test_an_owner_revokes_an_invitation_and_the_list_says_by_whom(client, cast):
    made = teams.create_invitation(
        project=cast.project, role="viewer", created_by=cast.alice, url_for=str
    )
    client.force_login(cast.alice)
    response = client.post(
        reverse("corpus:invitation-revoke", args=[cast.project.slug, made.invitation.pk]),
        follow=True,
    )
    page = response.content.decode()
    assert "Revoked the invitation" in page and "Revoked by alice" in page


# Opening a link --------------------------------------------------------------------------


def link_for(cast, role="annotator") -> str:
    made = teams.create_invitation(
        project=cast.project,
        role=role,
        created_by=cast.alice,
        url_for=lambda token: reverse("corpus:invitation", args=[token]),
    )
    return made.url


def test_a_newcomer_chooses_a_username_and_password_and_joins(client, cast):
    url = link_for(cast, "curator")
    page = client.get(url).content.decode()
    assert "Join “Japan–Russia relations”" in page and "as <strong>curator</strong>" in page
    response = client.post(
        url,
        {"username": "dave", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
        follow=True,
    )
    assert (
        "Welcome to “Japan–Russia relations”. You joined as curator." in response.content.decode()
    )
    assert response.context["user"].username == "dave"
    assert Membership.objects.get(user__username="dave").role == Role.CURATOR


def test_a_bad_sign_up_creates_no_account_and_keeps_the_link(client, cast):
    url = link_for(cast)
    response = client.post(url, {"username": "bob", "password1": "short", "password2": "other"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "A user with that username already exists." in page
    assert "didn’t match" in page or "didn't match" in page
    assert get_user_model().objects.count() == 4
    assert Invitation.objects.get().status == "open"


def test_someone_with_an_account_signs_in_and_joins(client, cast):
    url = link_for(cast, "viewer")
    dave = make_user("dave")
    page = client.get(url).content.decode()
    assert f"{reverse('login')}?next={url}" in page.replace("%2F", "/")
    client.force_login(dave)
    response = client.post(url)
    assert response.status_code == 302
    assert Membership.objects.get(user=dave).role == Role.VIEWER


def test_a_member_opening_a_link_is_told_and_keeps_their_role(client, cast):
    url = link_for(cast, "owner")
    client.force_login(cast.carol)
    response = client.post(url)
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert Membership.objects.get(project=cast.project, user=cast.carol).role == Role.VIEWER


def test_used_revoked_expired_and_unknown_links_say_so(client, cast):
    used, revoked, expired = link_for(cast), link_for(cast), link_for(cast)
    client.post(
        used, {"username": "dave", "password1": "a-long-pass-1", "password2": "a-long-pass-1"}
    )
    client.logout()
    invitation = teams.find_invitation(revoked.rstrip("/").rsplit("/", 1)[1])
    assert invitation is not None
    teams.revoke_invitation(invitation=invitation, revoked_by=cast.alice)
    Invitation.objects.filter(
        token_hash=teams.hash_token(expired.rstrip("/").rsplit("/", 1)[1])
    ).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    for url, status, words in (
        (used, 410, "already been used"),
        (revoked, 410, "was revoked"),
        (expired, 410, "has expired"),
        (reverse("corpus:invitation", args=["x" * 43]), 404, "not valid"),
    ):
        response = client.get(url)
        assert response.status_code == status
        assert words in response.content.decode()
        assert (
            client.post(
                url,
                {"username": "erin", "password1": "a-long-pass-1", "password2": "a-long-pass-1"},
            ).status_code
            == status
        )
    assert not get_user_model().objects.filter(username="erin").exists()


# Assignments and progress ----------------------------------------------------------------


def progress_url(cast):
    return reverse("corpus:progress", args=[cast.project.slug])


def test_an_owner_assigns_documents_from_the_progress_page(client, cast, curator):
    first, second = make_document(cast.project), make_document(cast.project)
    client.force_login(cast.alice)
    response = client.post(
        progress_url(cast),
        {"documents": [first.pk, second.pk], "annotators": ["bob", "cora"], "per_document": 1},
        follow=True,
    )
    assert "Made 2 assignments." in response.content.decode()
    assert sorted(Assignment.objects.values_list("annotator__username", flat=True)) == [
        "bob",
        "cora",
    ]


def test_an_impossible_assignment_shows_the_reason_in_the_form(client, cast, document):
    client.force_login(cast.alice)
    response = client.post(
        progress_url(cast), {"documents": [document.pk], "annotators": ["bob"], "per_document": 2}
    )
    assert response.status_code == 400
    assert "is too many" in response.content.decode()
    assert not Assignment.objects.exists()


def test_an_owner_unassigns_from_the_progress_page(client, cast, document):
    assignment = teams.assign_document(
        project=cast.project, document=document.pk, annotator="bob", assigned_by=cast.alice
    )
    client.force_login(cast.alice)
    page = body_of(client.get(progress_url(cast)))
    assert "Unassign bob from Abe and Putin" in page
    client.post(reverse("corpus:assignment-remove", args=[cast.project.slug, assignment.pk]))
    assert not Assignment.objects.exists()


def test_a_curator_reads_progress_but_assigns_nothing(client, cast, curator, document):
    client.force_login(cast.cora)
    page = body_of(client.get(progress_url(cast)))
    assert "Per annotator" in page and "Assign documents" not in page
    response = client.post(
        progress_url(cast), {"documents": [document.pk], "annotators": ["bob"], "per_document": 1}
    )
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_the_progress_link_is_in_the_nav_for_curators_and_owners_only(client, cast, curator):
    url = progress_url(cast)
    for user, shown in (
        (cast.alice, True),
        (cast.cora, True),
        (cast.bob, False),
        (cast.carol, False),
    ):
        client.force_login(user)
        page = client.get(reverse("corpus:project-detail", args=[cast.project.slug])).content
        assert (url.encode() in page) is shown, user.username


def test_the_progress_page_queries_stay_flat(client, cast):
    client.force_login(cast.alice)

    def grow(n):
        names = []
        for _ in range(n):
            person = make_user()
            add_member(cast.project, person, Role.ANNOTATOR)
            names.append(person.username)
        docs = [make_document(cast.project).pk for _ in range(n)]
        teams.assign_documents(
            project=cast.project,
            documents=docs,
            annotators=names,
            per_document=1,
            assigned_by=cast.alice,
        )

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(progress_url(cast)).status_code == 200
        return len(captured)

    grow(2)
    few = count()
    grow(10)
    assert count() == few


def test_an_annotators_documents_come_first_with_their_state(client, cast):
    mine = make_document(cast.project, title="Zebra talks")
    done = make_document(cast.project, title="Yak summit")
    make_document(cast.project, title="Aardvark pact")
    for doc in (mine, done):
        teams.assign_document(
            project=cast.project, document=doc.pk, annotator="bob", assigned_by=cast.alice
        )
    make_annotation(mine, created_by=cast.bob)
    teams.mark_done(assignment=Assignment.objects.get(document=done), by=cast.bob)
    client.force_login(cast.bob)
    page = body_of(client.get(reverse("corpus:project-detail", args=[cast.project.slug])))
    mine_section, everything = page.split("All documents", 1)
    assert "My documents" in mine_section and "Aardvark pact" not in mine_section
    assert mine_section.index("Zebra talks") < mine_section.index("Yak summit")
    assert "In progress" in mine_section and "Done" in mine_section
    assert "Aardvark pact" in everything


def test_the_document_list_makes_the_same_queries_however_many_assignments(client, cast):
    client.force_login(cast.bob)
    url = reverse("corpus:project-detail", args=[cast.project.slug])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def assign(n):
        for _ in range(n):
            doc = make_document(cast.project)
            teams.assign_document(
                project=cast.project, document=doc.pk, annotator="bob", assigned_by=cast.alice
            )
            make_annotation(doc, created_by=cast.bob)

    assign(1)
    few = count()
    assign(10)
    assert count() == few


def test_the_annotator_marks_a_document_done_in_the_reader_and_reopens_it(client, cast, document):
    assignment = teams.assign_document(
        project=cast.project, document=document.pk, annotator="bob", assigned_by=cast.alice
    )
    reader = reverse("annotate:reader", args=[cast.project.slug, document.pk])
    client.force_login(cast.bob)
    assert "Mark this document as done" in client.get(reader).content.decode()
    response = client.post(
        reverse("corpus:assignment-done", args=[cast.project.slug, assignment.pk]), follow=True
    )
    page = response.content.decode()
    assert "Marked “Abe and Putin” as done." in page and "Reopen this document" in page
    client.post(reverse("corpus:assignment-reopen", args=[cast.project.slug, assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.done_at is None


def test_no_one_else_but_an_owner_marks_an_annotators_document_done(client, cast, document):
    assignment = teams.assign_document(
        project=cast.project, document=document.pk, annotator="bob", assigned_by=cast.alice
    )
    url = reverse("corpus:assignment-done", args=[cast.project.slug, assignment.pk])
    client.force_login(cast.carol)
    assert client.post(url).status_code == 403
    client.force_login(cast.mallory)
    assert client.post(url).status_code == 404
    assignment.refresh_from_db()
    assert assignment.done_at is None
    client.force_login(cast.alice)
    assert client.post(url).status_code == 302
    assignment.refresh_from_db()
    assert assignment.done_at is not None
