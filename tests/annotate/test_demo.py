from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from annotate.models import Actor, Annotation, Claim
from corpus.access import role_in
from corpus.models import Document, Membership, Project, Role


def snapshot():
    return {
        "projects": list(Project.objects.values_list("slug", flat=True)),
        "documents": sorted(Document.objects.values_list("content_hash", flat=True)),
        "actors": sorted(Actor.objects.values_list("name", flat=True)),
        "claims": sorted(Claim.objects.values_list("label", flat=True)),
        "annotations": sorted(
            Annotation.objects.values_list("document_id", "start", "end", "stance")
        ),
        "memberships": list(Membership.objects.values_list("user__username", "role")),
    }


def test_load_demo_twice_leaves_the_same_rows(db):
    call_command("load_demo", verbosity=0)
    first = snapshot()
    call_command("load_demo", verbosity=0)
    assert snapshot() == first
    assert len(first["documents"]) == 5
    assert len(first["annotations"]) >= 15
    assert first["memberships"] == [("demo", Role.OWNER)]


def test_demo_account_signs_in_and_owns_the_demo_project(db):
    call_command("load_demo", verbosity=0)
    # As the sign-in page asks: the sign-in throttle needs the request.
    user = authenticate(RequestFactory().post("/accounts/login/"), username="demo", password="demo")
    assert user is not None
    project = Project.objects.get(name="Japan–Russia relations")
    assert role_in(user, project) == Role.OWNER


def test_every_demo_quote_is_the_passage_it_points_at(db):
    call_command("load_demo", verbosity=0)
    annotations = Annotation.objects.select_related("document")
    assert annotations.statements().count() >= 15
    for annotation in annotations:
        assert annotation.document.text[annotation.start : annotation.end] == annotation.quote
    naryshkin = Annotation.objects.filter(actor__name="Sergey Naryshkin", stance="oppose")
    assert any("obstacle to bilateral relations" in a.quote for a in naryshkin)
