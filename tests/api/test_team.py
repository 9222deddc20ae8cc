"""Invitations, assignments and progress over the API: shapes, status codes, scoping."""

import pytest

from corpus import teams
from corpus.models import Assignment, Invitation, Membership, Role
from tests.factories import add_member, make_annotation, make_document, make_user

pytestmark = pytest.mark.django_db


def invitations_url(project):
    return f"/api/projects/{project.pk}/invitations/"


def assignments_url(project):
    return f"/api/projects/{project.pk}/assignments/"


# Invitations -----------------------------------------------------------------------------


def test_an_owner_makes_an_invitation_whose_link_lets_a_newcomer_join(api, cast, client):
    response = api("alice").post(
        invitations_url(cast.project), {"role": "annotator"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert {"id", "url", "role", "expires_at", "status", "created_by"} <= body.keys()
    assert body["role"] == "annotator" and body["status"] == "open"
    assert body["created_by"] == "alice" and body["url"].startswith("http://testserver/")
    assert response["Location"].endswith(f"/invitations/{body['id']}/")

    joined = client.post(
        body["url"],
        {"username": "dave", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert joined.status_code == 302
    assert Membership.objects.get(project=cast.project, user__username="dave").role == "annotator"


def test_the_list_shows_who_made_and_used_each_invitation_but_never_the_link(api, cast):
    made = teams.create_invitation(
        project=cast.project, role="viewer", created_by=cast.alice, url_for=lambda t: t
    )
    teams.accept_invitation(token=made.url, user=make_user("dave"))
    (item,) = api("alice").get(invitations_url(cast.project)).json()["results"]
    assert item["url"] is None
    assert (item["status"], item["accepted_by"]) == ("accepted", "dave")
    assert item["accepted_at"] is not None


def test_revoking_answers_the_revoked_invitation_and_a_second_revoke_is_refused(api, cast):
    made = teams.create_invitation(
        project=cast.project, role="viewer", created_by=cast.alice, url_for=str
    )
    url = f"{invitations_url(cast.project)}{made.invitation.pk}/"
    response = api("alice").delete(url)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["revoked_by"]) == ("revoked", "alice")
    again = api("alice").delete(url)
    assert again.status_code == 400
    assert "already revoked" in str(again.json())


@pytest.mark.parametrize(
    ("body", "field"),
    [({"role": "boss"}, "role"), ({"role": "viewer", "email": "nope"}, "email"), ({}, "role")],
)
def test_a_bad_invitation_is_a_400_naming_the_field(api, cast, body, field):
    response = api("alice").post(invitations_url(cast.project), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Invitation.objects.exists()


def test_an_annotator_is_refused_an_invitation_with_the_reason(api, cast):
    response = api("bob").post(invitations_url(cast.project), {"role": "owner"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only an owner of this project can do this."
    assert not Invitation.objects.exists()


def test_another_projects_invitation_is_not_found(api, cast):
    theirs = teams.create_invitation(
        project=cast.other, role="viewer", created_by=cast.mallory, url_for=str
    ).invitation
    response = api("alice").delete(f"{invitations_url(cast.project)}{theirs.pk}/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


# Assignments -----------------------------------------------------------------------------


def test_an_owner_assigns_a_document_and_gets_its_id_and_state(api, cast, document):
    response = api("alice").post(
        assignments_url(cast.project), {"document": document.pk, "annotator": "bob"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "assigned" and body["annotator"] == "bob"
    assert body["document"] == document.pk and body["assigned_by"] == "alice"
    assert Assignment.objects.get().pk == body["id"]


@pytest.mark.parametrize(
    ("annotator", "message"),
    [("carol", "only members who can annotate"), ("mallory", "not a member")],
)
def test_assigning_to_someone_who_cannot_annotate_here_is_a_400(
    api, cast, document, annotator, message
):
    response = api("alice").post(
        assignments_url(cast.project),
        {"document": document.pk, "annotator": annotator},
        format="json",
    )
    assert response.status_code == 400
    assert message in response.json()["annotator"][0]
    assert not Assignment.objects.exists()


def test_assigning_another_projects_document_is_a_400_naming_it(api, cast, foreign_document):
    response = api("alice").post(
        assignments_url(cast.project),
        {"document": foreign_document.pk, "annotator": "bob"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["document"] == [
        f"There is no document {foreign_document.pk} in this project."
    ]


def test_bulk_assignment_answers_what_it_made(api, cast):
    for name in ("dave", "erin"):
        add_member(cast.project, make_user(name), Role.ANNOTATOR)
    documents = [make_document(cast.project).pk for _ in range(3)]
    response = api("alice").post(
        assignments_url(cast.project),
        {"documents": documents, "annotators": ["bob", "dave", "erin"], "per_document": 2},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 6 and len(body["assignments"]) == 6
    per_person: dict[str, int] = {}
    for item in body["assignments"]:
        per_person[item["annotator"]] = per_person.get(item["annotator"], 0) + 1
    assert sorted(per_person.values()) == [2, 2, 2]


def test_bulk_assignment_with_more_per_document_than_annotators_is_a_400(api, cast, document):
    response = api("alice").post(
        assignments_url(cast.project),
        {"documents": [document.pk], "annotators": ["bob"], "per_document": 2},
        format="json",
    )
    assert response.status_code == 400
    assert "per_document" in response.json()
    assert not Assignment.objects.exists()


def test_the_annotator_marks_done_and_reopens_and_the_state_follows(api, cast, document):
    assignment = teams.assign_document(
        project=cast.project, document=document.pk, annotator="bob", assigned_by=cast.alice
    )
    make_annotation(document, created_by=cast.bob)
    done = api("bob").post(f"/api/assignments/{assignment.pk}/done/")
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert done.json()["done_at"] is not None
    reopened = api("bob").post(f"/api/assignments/{assignment.pk}/reopen/")
    assert reopened.json()["state"] == "in_progress" and reopened.json()["done_at"] is None


def test_another_annotator_cannot_mark_someone_elses_document_done(api, cast, document):
    dave = make_user("dave")
    add_member(cast.project, dave, Role.ANNOTATOR)
    assignment = teams.assign_document(
        project=cast.project, document=document.pk, annotator="dave", assigned_by=cast.alice
    )
    response = api("bob").post(f"/api/assignments/{assignment.pk}/done/")
    assert response.status_code == 403
    assert "assigned to" in response.json()["detail"]
    assignment.refresh_from_db()
    assert assignment.done_at is None


def test_a_stranger_cannot_reach_an_assignment_at_all(api, cast, document):
    assignment = teams.assign_document(
        project=cast.project, document=document.pk, annotator="bob", assigned_by=cast.alice
    )
    assert api("mallory").post(f"/api/assignments/{assignment.pk}/done/").status_code == 404
    assert api("mallory").get(assignments_url(cast.project)).status_code == 404
    assert api("alice").post("/api/assignments/nonsense/done/").status_code == 404


def test_the_list_filters_by_annotator(api, cast, document):
    add_member(cast.project, make_user("dave"), Role.ANNOTATOR)
    for name in ("bob", "dave"):
        teams.assign_document(
            project=cast.project, document=document.pk, annotator=name, assigned_by=cast.alice
        )
    listed = api("carol").get(assignments_url(cast.project), {"annotator": "dave"}).json()
    assert [item["annotator"] for item in listed["results"]] == ["dave"]


def test_progress_gives_counts_and_states_per_annotator_and_document(api, cast, document):
    teams.assign_document(
        project=cast.project, document=document.pk, annotator="bob", assigned_by=cast.alice
    )
    make_annotation(document, created_by=cast.bob)
    body = api("alice").get(f"/api/projects/{cast.project.pk}/progress/").json()
    bob = next(p for p in body["annotators"] if p["username"] == "bob")
    assert (bob["assigned"], bob["in_progress"], bob["done"], bob["annotations"]) == (0, 1, 0, 1)
    (doc,) = body["documents"]
    assert doc["id"] == document.pk
    assert [(a["annotator"], a["state"]) for a in doc["assignments"]] == [("bob", "in_progress")]
    assert body["per_day"] == []  # an annotation without actor, claim and stance


def test_progress_refuses_a_bad_number_of_days(api, cast):
    response = api("alice").get(f"/api/projects/{cast.project.pk}/progress/", {"days": "0"})
    assert response.status_code == 400
    assert "days" in response.json()


# Query counts ----------------------------------------------------------------------------


def grow(cast, n):
    people = []
    for _ in range(n):
        person = make_user()
        add_member(cast.project, person, Role.ANNOTATOR)
        people.append(person.username)
    documents = [make_document(cast.project) for _ in range(n)]
    teams.assign_documents(
        project=cast.project,
        documents=[d.pk for d in documents],
        annotators=people,
        per_document=2,
        assigned_by=cast.alice,
    )
    for d in documents:
        make_annotation(d, created_by=cast.bob)


@pytest.mark.parametrize(
    "url",
    [
        "/api/projects/{pk}/assignments/",
        "/api/projects/{pk}/invitations/",
        "/api/projects/{pk}/progress/",
    ],
)
def test_the_new_lists_make_the_same_queries_however_many_rows(api, cast, url):
    client = api("alice")
    url = url.format(pk=cast.project.pk)

    def queries_for() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    grow(cast, 2)
    teams.create_invitation(project=cast.project, role="viewer", created_by=cast.alice, url_for=str)
    few = queries_for()
    grow(cast, 12)
    for _ in range(10):
        teams.create_invitation(
            project=cast.project, role="viewer", created_by=cast.alice, url_for=str
        )
    assert queries_for() == few
