"""Who may do what, endpoint by endpoint: alice owns the project, cora curates, bob
annotates, carol views, mallory belongs elsewhere (and meets 404 or "does not exist",
never data), and a stranger without credentials gets 401."""

import pytest

from annotate.models import Annotation
from tests.factories import make_annotation

pytestmark = pytest.mark.django_db


# (name, method, url, body) with {placeholders} filled from the world and the user.
CASES = [
    ("list projects", "get", "/api/projects/", None),
    ("read a project", "get", "/api/projects/{project}/", None),
    ("create a project", "post", "/api/projects/", {"name": "New {user}"}),
    ("list members", "get", "/api/projects/{project}/members/", None),
    (
        "add a member",
        "post",
        "/api/projects/{project}/members/",
        {"username": "dave", "role": "viewer"},
    ),
    ("change a role", "patch", "/api/projects/{project}/members/carol/", {"role": "annotator"}),
    ("remove a member", "delete", "/api/projects/{project}/members/carol/", None),
    ("list documents", "get", "/api/documents/", None),
    ("read a document", "get", "/api/documents/{document}/", None),
    (
        "add a document",
        "post",
        "/api/documents/",
        {"project": "{project}", "title": "T", "text": "Text by {user}."},
    ),
    ("edit a document", "patch", "/api/documents/{document}/", {"title": "Renamed"}),
    ("delete a document", "delete", "/api/documents/{document}/", None),
    ("list actors", "get", "/api/actors/", None),
    ("read an actor", "get", "/api/actors/{actor}/", None),
    ("add an actor", "post", "/api/actors/", {"project": "{project}", "name": "Actor of {user}"}),
    ("edit an actor", "patch", "/api/actors/{actor}/", {"kind": "person"}),
    ("list claims", "get", "/api/claims/", None),
    ("read a claim", "get", "/api/claims/{claim}/", None),
    ("add a claim", "post", "/api/claims/", {"project": "{project}", "label": "Claim of {user}"}),
    ("edit a claim", "patch", "/api/claims/{claim}/", {"description": "Why"}),
    ("list annotations", "get", "/api/annotations/", None),
    ("read an annotation", "get", "/api/annotations/{annotation}/", None),
    ("annotate", "post", "/api/annotations/", {"document": "{document}", "start": 0, "end": 5}),
    ("edit an annotation", "patch", "/api/annotations/{annotation}/", {"stance": "oppose"}),
    ("trash an annotation", "delete", "/api/annotations/{annotation}/", None),
    ("restore an annotation", "post", "/api/annotations/{trashed}/restore/", None),
    (
        "bulk annotate",
        "post",
        "/api/annotations/bulk/",
        [{"document": "{document}", "start": 0, "end": 5}],
    ),
    ("export", "get", "/api/annotations/export/?project={project}&format=csv", None),
    ("list invitations", "get", "/api/projects/{project}/invitations/", None),
    ("invite", "post", "/api/projects/{project}/invitations/", {"role": "annotator"}),
    ("revoke an invitation", "delete", "/api/projects/{project}/invitations/{invitation}/", None),
    ("list assignments", "get", "/api/projects/{project}/assignments/", None),
    ("read an assignment", "get", "/api/projects/{project}/assignments/{assignment}/", None),
    (
        "assign a document",
        "post",
        "/api/projects/{project}/assignments/",
        {"document": "{second}", "annotator": "bob"},
    ),
    (
        "assign in bulk",
        "post",
        "/api/projects/{project}/assignments/",
        {"documents": ["{second}"], "annotators": ["bob", "cora"], "per_document": 2},
    ),
    ("unassign", "delete", "/api/projects/{project}/assignments/{assignment}/", None),
    ("mark bob's document done", "post", "/api/assignments/{assignment}/done/", None),
    ("reopen bob's document", "post", "/api/assignments/{assignment}/reopen/", None),
    ("read the progress", "get", "/api/projects/{project}/progress/", None),
    (
        "turn on independent coding",
        "patch",
        "/api/projects/{project}/",
        {"independent_coding": True},
    ),
    ("read the agreement", "get", "/api/projects/{project}/agreement/?field=claim", None),
    ("accept an annotation", "post", "/api/annotations/{annotation}/accept/", None),
    ("mark a document curated", "post", "/api/documents/{document}/curated/", None),
    ("mark a document uncurated", "post", "/api/documents/{document}/uncurated/", None),
    ("list final annotations", "get", "/api/annotations/?final=true", None),
    (
        "read the network of one coder",
        "get",
        "/api/projects/{project}/network/?source=bob",
        None,
    ),
]

# Expected status for alice (owner), cora (curator), bob (annotator), carol (viewer),
# mallory (outsider).
EXPECTED = {
    "list projects": (200, 200, 200, 200, 200),
    "read a project": (200, 200, 200, 200, 404),
    "create a project": (201, 201, 201, 201, 201),
    "list members": (200, 200, 200, 200, 404),
    "add a member": (201, 403, 403, 403, 404),
    "change a role": (200, 403, 403, 403, 404),
    "remove a member": (204, 403, 403, 403, 404),
    "list documents": (200, 200, 200, 200, 200),
    "read a document": (200, 200, 200, 200, 404),
    "add a document": (201, 201, 201, 403, 400),
    "edit a document": (200, 200, 200, 403, 404),
    "delete a document": (204, 403, 403, 403, 404),
    "list actors": (200, 200, 200, 200, 200),
    "read an actor": (200, 200, 200, 200, 404),
    "add an actor": (201, 201, 201, 403, 400),
    "edit an actor": (200, 200, 200, 403, 404),
    "list claims": (200, 200, 200, 200, 200),
    "read a claim": (200, 200, 200, 200, 404),
    "add a claim": (201, 201, 201, 403, 400),
    "edit a claim": (200, 200, 200, 403, 404),
    "list annotations": (200, 200, 200, 200, 200),
    "read an annotation": (200, 200, 200, 200, 404),
    "annotate": (201, 201, 201, 403, 400),
    "edit an annotation": (200, 200, 200, 403, 404),
    "trash an annotation": (204, 204, 204, 403, 404),
    "restore an annotation": (200, 200, 200, 403, 404),
    "bulk annotate": (201, 201, 201, 403, 400),
    "export": (200, 200, 200, 200, 404),
    "list invitations": (200, 403, 403, 403, 404),
    "invite": (201, 403, 403, 403, 404),
    "revoke an invitation": (200, 403, 403, 403, 404),
    "list assignments": (200, 200, 200, 200, 404),
    "read an assignment": (200, 200, 200, 200, 404),
    "assign a document": (201, 403, 403, 403, 404),
    "assign in bulk": (201, 403, 403, 403, 404),
    "unassign": (204, 403, 403, 403, 404),
    "mark bob's document done": (200, 403, 200, 403, 404),
    "reopen bob's document": (200, 403, 200, 403, 404),
    "read the progress": (200, 200, 403, 403, 404),
    "turn on independent coding": (200, 403, 403, 403, 404),
    # Without independent coding everyone in the project sees every coder's work.
    "read the agreement": (200, 200, 200, 200, 404),
    "accept an annotation": (201, 201, 403, 403, 404),
    "mark a document curated": (200, 200, 403, 403, 404),
    "mark a document uncurated": (200, 200, 403, 403, 404),
    "list final annotations": (200, 200, 200, 200, 200),
    "read the network of one coder": (200, 200, 200, 200, 404),
}

# The same endpoints in a project that codes independently, where they differ: bob sees
# only his own annotations (cora's is a 404 to him) and may not read the agreement.
INDEPENDENT = [
    ("read the agreement", "get", "/api/projects/{project}/agreement/", None),
    ("read bob's annotation", "get", "/api/annotations/{annotation}/", None),
    ("read cora's annotation", "get", "/api/annotations/{coras}/", None),
    ("edit cora's annotation", "patch", "/api/annotations/{coras}/", {"stance": "oppose"}),
    ("accept cora's annotation", "post", "/api/annotations/{coras}/accept/", None),
    ("accept bob's annotation", "post", "/api/annotations/{annotation}/accept/", None),
]
EXPECTED_INDEPENDENT = {
    "read the agreement": (200, 200, 403, 200, 404),
    "read bob's annotation": (200, 200, 200, 200, 404),
    "read cora's annotation": (200, 200, 404, 200, 404),
    "edit cora's annotation": (200, 200, 404, 403, 404),
    "accept cora's annotation": (201, 201, 404, 403, 404),
    "accept bob's annotation": (201, 201, 403, 403, 404),
}
USERS = ("alice", "cora", "bob", "carol", "mallory")


def fill(value, world, user):
    names = {key: getattr(value, "pk", value) for key, value in vars(world).items()}
    names["user"] = user
    if isinstance(value, str):
        filled = value.format(**names)
        return int(filled) if filled.isdigit() else filled
    if isinstance(value, dict):
        return {key: fill(item, world, user) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, world, user) for item in value]
    return value


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(("name", "method", "url", "body"), CASES, ids=[c[0] for c in CASES])
def test_each_role_gets_its_answer_from_every_endpoint(api, world, user, name, method, url, body):
    from tests.factories import make_user

    make_user("dave")
    response = getattr(api(user), method)(
        fill(url, world, user), fill(body, world, user), format="json"
    )
    assert response.status_code == EXPECTED[name][USERS.index(user)], (
        response.content if not response.streaming else ""
    )


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(
    ("name", "method", "url", "body"), INDEPENDENT, ids=[c[0] for c in INDEPENDENT]
)
def test_each_role_gets_its_answer_with_independent_coding(
    api, cast, world, user, name, method, url, body
):
    world.project.independent_coding = True
    world.project.save()
    world.coras = make_annotation(world.document, start=20, end=30, created_by=cast.cora)
    response = getattr(api(user), method)(
        fill(url, world, user), fill(body, world, user), format="json"
    )
    assert response.status_code == EXPECTED_INDEPENDENT[name][USERS.index(user)], response.content
    if response.status_code >= 400:
        assert not Annotation.objects.filter(final=True).exists()
        assert Annotation.objects.get(pk=world.coras.pk).stance is None


@pytest.mark.parametrize(
    ("name", "method", "url", "body"),
    [*CASES, *INDEPENDENT],
    ids=[c[0] for c in CASES] + [f"independent: {c[0]}" for c in INDEPENDENT],
)
def test_a_stranger_without_credentials_gets_401_everywhere(api, world, name, method, url, body):
    world.coras = world.annotation
    response = getattr(api(), method)(fill(url, world, "x"), fill(body, world, "x"), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_refusals_change_nothing_and_say_why(api, world):
    response = api("carol").patch(
        f"/api/annotations/{world.annotation.pk}/", {"stance": "oppose"}, format="json"
    )
    assert response.status_code == 403
    assert "Viewers can read this project but not change it" in response.json()["detail"]
    world.annotation.refresh_from_db()
    assert world.annotation.stance is None


def test_outsider_learns_nothing_about_another_projects_annotation(api, world):
    response = api("mallory").get(f"/api/annotations/{world.annotation.pk}/")
    assert response.status_code == 404
    assert "Prime" not in response.content.decode()
    assert Annotation.objects.get(pk=world.annotation.pk).quote == "Prime"


def test_lists_hold_only_the_callers_projects(api, world, foreign_document):
    make_annotation(foreign_document, start=0, end=5)
    assert {d["id"] for d in api("mallory").get("/api/documents/").json()["results"]} == {
        foreign_document.pk
    }
    assert {a["document"] for a in api("bob").get("/api/annotations/").json()["results"]} == {
        world.document.pk
    }


def test_an_invalid_token_gets_401(api):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get("/api/annotations/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_the_token_of_a_deactivated_account_gets_401(api, cast):
    client = api("bob")
    cast.bob.is_active = False
    cast.bob.save()
    response = client.get("/api/annotations/")
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


def test_a_viewer_is_refused_before_the_input_is_judged(api, world):
    response = api("carol").patch(
        f"/api/documents/{world.document.pk}/", {"published_at": "not a date"}, format="json"
    )
    assert response.status_code == 403
    response = api("bob").post(
        f"/api/projects/{world.project.pk}/members/", {"username": "", "role": "x"}, format="json"
    )
    assert response.status_code == 403
