"""Viewers are shown nothing they cannot use: no form, button or link that writes, on any
page; a write page sent to a viewer explains itself with 403. Annotators, on the same
pages, have their controls."""

import re

import pytest
from django.urls import reverse

from annotate.services.trash import trash_annotation
from tests.factories import make_actor, make_annotation, make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, document):
    actor = make_actor(cast.project, "Shinzo Abe")
    unused = make_actor(cast.project, "Unused")
    claim = make_claim(cast.project, "Ties")
    annotation = make_annotation(document, start=0, end=5, actor=actor, claim=claim)
    trashed = make_annotation(document, start=6, end=9)
    trash_annotation(annotation=trashed, trashed_by=cast.bob)
    slug = cast.project.slug

    def url(name, *args):
        return reverse(name, args=[slug, *args])

    reading = {
        "documents": url("corpus:project-detail"),
        "reader": url("annotate:reader", document.pk),
        "actors": url("annotate:actor-list"),
        "claims": url("annotate:claim-list"),
        "trash": url("annotate:trash"),
        "members": url("corpus:members"),
        "matrix": url("annotate:matrix"),
        "network": url("annotate:network"),
        "actor history": url("annotate:actor-history", actor.pk),
        "annotation history": url("annotate:annotation-history", annotation.pk),
    }
    writing = {
        "new actor": url("annotate:actor-create"),
        "edit actor": url("annotate:actor-edit", actor.pk),
        "merge actor": url("annotate:actor-merge", actor.pk),
        "new claim": url("annotate:claim-create"),
        "edit claim": url("annotate:claim-edit", claim.pk),
        "merge claim": url("annotate:claim-merge", claim.pk),
        "import": url("corpus:import"),
        "edit document": url("corpus:document-edit", document.pk),
    }
    owning = {
        "delete actor": url("annotate:actor-delete", unused.pk),
        "delete claim": url("annotate:claim-delete", claim.pk),
        "empty trash": url("annotate:trash-empty"),
    }
    return reading, writing, owning


def write_controls(response, write_urls) -> list[str]:
    """The forms that post, htmx requests that write, and links to write pages in the
    page's main region (the header's sign-out form aside)."""
    main = response.content.decode().split('<main id="main">', 1)[1]
    found = re.findall(r'method="post"|hx-(?:post|put|patch|delete)="[^"]*"', main)
    found += re.findall(r'data-annotation-url="[^"]*"', main)
    found += [url for url in write_urls if f'href="{url}' in main]
    return found


def test_a_viewer_is_shown_no_control_that_writes_on_any_page(client, cast, world):
    reading, writing, owning = world
    write_urls = [*writing.values(), *owning.values()]
    client.force_login(cast.carol)
    for name, url in reading.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert write_controls(response, write_urls) == [], name
    for name, url in {**writing, **owning}.items():
        response = client.get(url)
        assert response.status_code == 403, name
        assert "Viewers can read this project" in response.content.decode() or (
            "Only an owner" in response.content.decode()
        ), name


def test_an_annotator_has_the_controls_of_an_annotator_but_not_of_an_owner(client, cast, world):
    reading, writing, owning = world
    client.force_login(cast.bob)
    for name in ("reader", "actors", "claims", "trash"):
        assert write_controls(client.get(reading[name]), list(writing.values())), name
    for name, url in writing.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert 'method="post"' in response.content.decode(), name
    for name, url in owning.items():
        assert client.get(url).status_code == 403, name
    assert write_controls(client.get(reading["actors"]), list(owning.values())) == []


def test_an_owner_has_every_control(client, cast, world):
    reading, writing, owning = world
    client.force_login(cast.alice)
    for name, url in owning.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert 'method="post"' in response.content.decode(), name
    assert write_controls(client.get(reading["members"]), [])
