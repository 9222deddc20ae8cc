"""Who may open and use which page: alice owns the project, cora curates, bob annotates,
carol views, mallory belongs elsewhere (404: she learns nothing), and a visitor who is
not signed in is sent to sign in."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from annotate.models import Annotation, Curation
from annotate.services.curation import accept_annotation
from corpus.models import Membership, Project

pytestmark = pytest.mark.django_db

USERS = ("alice", "cora", "bob", "carol", "mallory")


@pytest.fixture
def names(world, cast):
    """The world's objects as page URLs name them: ids, and the project by its slug."""
    found = {key: getattr(value, "pk", value) for key, value in vars(world).items()}
    found["project"] = cast.project.slug
    found["carol"] = Membership.objects.get(project=cast.project, user=cast.carol).pk
    found["final"] = accept_annotation(annotation=world.annotation, accepted_by=cast.cora).pk
    return SimpleNamespace(**found)


# (name, url name, url arguments from the world); every page answers a GET.
PAGES = [
    ("projects", "corpus:project-list", []),
    ("new project", "corpus:project-create", []),
    ("documents", "corpus:project-detail", ["project"]),
    ("import", "corpus:import", ["project"]),
    ("document details", "corpus:document-edit", ["project", "document"]),
    ("members", "corpus:members", ["project"]),
    ("progress", "corpus:progress", ["project"]),
    ("reader", "annotate:reader", ["project", "document"]),
    ("actors", "annotate:actor-list", ["project"]),
    ("new actor", "annotate:actor-create", ["project"]),
    ("edit actor", "annotate:actor-edit", ["project", "actor"]),
    ("merge actor", "annotate:actor-merge", ["project", "actor"]),
    ("delete actor", "annotate:actor-delete", ["project", "actor"]),
    ("actor history", "annotate:actor-history", ["project", "actor"]),
    ("claims", "annotate:claim-list", ["project"]),
    ("new claim", "annotate:claim-create", ["project"]),
    ("edit claim", "annotate:claim-edit", ["project", "claim"]),
    ("claim history", "annotate:claim-history", ["project", "claim"]),
    ("trash", "annotate:trash", ["project"]),
    ("empty trash", "annotate:trash-empty", ["project"]),
    ("annotation history", "annotate:annotation-history", ["project", "annotation"]),
    ("actor suggestions", "annotate:suggest-actors", ["project"]),
    ("matrix", "annotate:matrix", ["project"]),
    ("statements export", "annotate:statements-export", ["project"]),
    ("network", "annotate:network", ["project"]),
    ("api token", "corpus:api-token", []),
    ("settings", "corpus:project-settings", ["project"]),
    ("agreement", "annotate:agreement", ["project"]),
    ("curation", "annotate:curation", ["project", "document"]),
]

# Expected status for alice, cora, bob, carol and mallory. The codebook's forms open only
# for those who may use them (deleting is the owners'); the others get the reason.
PAGE_EXPECTED = {
    "projects": (200, 200, 200, 200, 200),
    "new project": (200, 200, 200, 200, 200),
    "documents": (200, 200, 200, 200, 404),
    "import": (200, 200, 200, 403, 404),
    "document details": (200, 200, 200, 403, 404),
    "members": (200, 200, 200, 200, 404),
    "progress": (200, 200, 403, 403, 404),
    "reader": (200, 200, 200, 200, 404),
    "actors": (200, 200, 200, 200, 404),
    "new actor": (200, 200, 200, 403, 404),
    "edit actor": (200, 200, 200, 403, 404),
    "merge actor": (200, 200, 200, 403, 404),
    "delete actor": (200, 403, 403, 403, 404),
    "actor history": (200, 200, 200, 200, 404),
    "claims": (200, 200, 200, 200, 404),
    "new claim": (200, 200, 200, 403, 404),
    "edit claim": (200, 200, 200, 403, 404),
    "claim history": (200, 200, 200, 200, 404),
    "trash": (200, 200, 200, 200, 404),
    "empty trash": (200, 403, 403, 403, 404),
    "annotation history": (200, 200, 200, 200, 404),
    "actor suggestions": (200, 200, 200, 200, 404),
    "matrix": (200, 200, 200, 200, 404),
    "statements export": (200, 200, 200, 200, 404),
    "network": (200, 200, 200, 200, 404),
    "api token": (200, 200, 200, 200, 200),
    "settings": (200, 403, 403, 403, 404),
    # Without independent coding every member sees every coder's work.
    "agreement": (200, 200, 200, 200, 404),
    "curation": (200, 200, 403, 403, 404),
}

# Writes through pages: (name, url name, url arguments, form data).
WRITES = [
    ("change a role", "corpus:member-role", ["project", "carol"], {"m{carol}-role": "annotator"}),
    ("remove a member", "corpus:member-remove", ["project", "carol"], {}),
    ("invite", "corpus:invitation-create", ["project"], {"role": "annotator"}),
    ("revoke an invitation", "corpus:invitation-revoke", ["project", "invitation"], {}),
    (
        "assign",
        "corpus:progress",
        ["project"],
        {"documents": ["{second}"], "annotators": ["bob"], "per_document": "1"},
    ),
    ("unassign", "corpus:assignment-remove", ["project", "assignment"], {}),
    ("mark bob's document done", "corpus:assignment-done", ["project", "assignment"], {}),
    ("reopen bob's document", "corpus:assignment-reopen", ["project", "assignment"], {}),
    (
        "change the settings",
        "corpus:project-settings",
        ["project"],
        {"name": "Renamed", "independent_coding": "on"},
    ),
    ("accept", "annotate:curation-accept", ["project", "document", "annotation"], {}),
    ("reject", "annotate:curation-reject", ["project", "document", "final"], {}),
    ("mark curated", "annotate:curation-mark", ["project", "document"], {"curated": "1"}),
]

WRITE_EXPECTED = {
    "change a role": (302, 403, 403, 403, 404),
    "remove a member": (302, 403, 403, 403, 404),
    "invite": (201, 403, 403, 403, 404),
    "revoke an invitation": (302, 403, 403, 403, 404),
    "assign": (302, 403, 403, 403, 404),
    "unassign": (302, 403, 403, 403, 404),
    "mark bob's document done": (302, 403, 302, 403, 404),
    "reopen bob's document": (302, 403, 302, 403, 404),
    "change the settings": (302, 403, 403, 403, 404),
    "accept": (302, 302, 403, 403, 404),
    "reject": (302, 302, 403, 403, 404),
    "mark curated": (302, 302, 403, 403, 404),
}


def url_of(world, name, args):
    return reverse(name, args=[getattr(world, arg) for arg in args])


def form_of(world, data):
    filled = {}
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        filled[key.format(**vars(world))] = [
            v.format(**vars(world)) if isinstance(v, str) else v for v in values
        ]
    return filled


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(("name", "url_name", "args"), PAGES, ids=[p[0] for p in PAGES])
def test_each_role_gets_its_answer_from_every_page(client, cast, names, user, name, url_name, args):
    client.force_login(getattr(cast, user))
    response = client.get(url_of(names, url_name, args))
    assert response.status_code == PAGE_EXPECTED[name][USERS.index(user)]


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(("name", "url_name", "args", "data"), WRITES, ids=[w[0] for w in WRITES])
def test_each_role_gets_its_answer_from_every_new_write(
    client, cast, names, user, name, url_name, args, data
):
    client.force_login(getattr(cast, user))
    finals = set(Annotation.objects.alive().filter(final=True).values_list("pk", flat=True))
    response = client.post(url_of(names, url_name, args), form_of(names, data))
    assert response.status_code == WRITE_EXPECTED[name][USERS.index(user)]
    if response.status_code >= 400:  # refused: nothing changed
        assert Project.objects.get(pk=cast.project.pk).name == cast.project.name
        assert not Curation.objects.exists()
        assert finals == set(
            Annotation.objects.alive().filter(final=True).values_list("pk", flat=True)
        )


@pytest.mark.parametrize(("name", "url_name", "args"), PAGES, ids=[p[0] for p in PAGES])
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, names, name, url_name, args):
    response = client.get(url_of(names, url_name, args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
