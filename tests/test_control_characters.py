"""Invisible characters in names: refused wherever a name comes in (the API, the codebook
pages, the reader's "new actor" box), and harmless in every file we write when one is
already stored (network files, CSV, the statement table, the exports)."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from annotate.models import Actor, Claim
from annotate.services import codebook as services
from corpus.models import Document, Project
from corpus.services import create_project
from tests.factories import make_actor, make_annotation, make_claim, make_document, make_user

pytestmark = pytest.mark.django_db

#: A C0 control, DEL, a C1 control, a non-character and a lone surrogate.
BAD = ["Org \u0001 ctrl", "Org \u007f", "Org \u0085 next", "Org \ufffe", "Org \ud800"]


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_json(client, url, body):
    """POST ``body`` as JSON with every non-ASCII character escaped, as a script may send
    a lone surrogate (which no encoding can write raw)."""
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("name", BAD)
def test_the_api_refuses_an_actor_whose_name_holds_an_invisible_character(cast, name):
    response = post_json(
        api_as(cast.bob), "/api/actors/", {"project": cast.project.pk, "name": name}
    )
    odd = next(c for c in name if not c.isprintable())
    assert response.status_code == 400
    assert f"U+{ord(odd):04X}" in response.json()["name"][0]
    assert not Actor.objects.exists()


def test_the_api_refuses_invisible_characters_in_aliases_labels_and_project_names(cast):
    client = api_as(cast.bob)
    response = client.post(
        "/api/actors/",
        {"project": cast.project.pk, "name": "Abe", "aliases": ["PM\u0002Abe"]},
        format="json",
    )
    assert response.status_code == 400
    assert "U+0002" in response.json()["aliases"][0]
    response = client.post(
        "/api/claims/", {"project": cast.project.pk, "label": "Lift\u001bsanctions"}, format="json"
    )
    assert response.status_code == 400
    assert "U+001B" in response.json()["label"][0]
    response = client.post("/api/projects/", {"name": "Study \u0007"}, format="json")
    assert response.status_code == 400
    assert "U+0007" in response.json()["name"][0]
    assert not Actor.objects.exists() and not Claim.objects.exists()
    assert not Project.objects.filter(name__startswith="Study").exists()


def test_a_renamed_actor_is_checked_too_and_left_as_it_was(cast):
    abe = make_actor(cast.project, "Shinzo Abe")
    response = api_as(cast.bob).patch(
        f"/api/actors/{abe.pk}/", {"name": "Shinzo\u0000Abe"}, format="json"
    )
    assert response.status_code == 400
    abe.refresh_from_db()
    assert abe.name == "Shinzo Abe"


def test_a_document_title_with_a_control_character_is_refused(cast, document):
    response = api_as(cast.bob).patch(
        f"/api/documents/{document.pk}/", {"title": "Abe \u0003 and Putin"}, format="json"
    )
    assert response.status_code == 400
    assert "U+0003" in response.json()["title"][0]


def test_multi_line_fields_keep_tabs_and_line_breaks_but_refuse_other_controls(cast):
    claim = services.create_claim(
        project=cast.project, label="Ties", description="One\n\tTwo", created_by=cast.bob
    )
    assert claim.description == "One\n\tTwo"
    with pytest.raises(ValidationError) as refused:
        services.create_actor(
            project=cast.project, name="Abe", notes="bell \u0007", created_by=cast.bob
        )
    assert "notes" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        create_project(name="Study", description="\u0008", owner=cast.bob)
    assert "description" in refused.value.message_dict


def test_tabs_and_line_breaks_in_a_name_become_spaces(cast):
    actor = services.create_actor(project=cast.project, name="Shinzo\tAbe\n", created_by=None)
    assert actor.name == "Shinzo Abe"


def test_the_codebook_page_shows_why_a_name_is_refused(client, cast):
    client.force_login(cast.bob)
    response = client.post(
        reverse("annotate:actor-create", args=[cast.project.slug]),
        {"name": "Org \u0001 ctrl", "kind": "organisation"},
    )
    assert response.status_code == 400
    assert "U+0001" in str(response.context["form"].errors["name"])
    assert not Actor.objects.exists()


def test_the_readers_new_actor_box_shows_why_a_name_is_refused(client, cast, document):
    client.force_login(cast.bob)
    response = client.post(
        reverse("annotate:annotation-create", args=[cast.project.slug, document.pk]),
        {"start": 0, "end": 5, "actor": "Org \u0001 ctrl", "new_actor": "1"},
        headers={"HX-Request": "true"},
    )
    assert "U+0001" in str(response.context["form"].errors["actor"])
    assert not Actor.objects.exists()
    assert not document.annotations.exists()


# What is already stored is written safely -------------------------------------------


@pytest.fixture
def stored_badly(cast):
    """Names stored before they were checked: written straight to the database."""
    document = make_document(cast.project, title="Title", source_name="Daily")
    Document.objects.filter(pk=document.pk).update(title="Title \u0002 here")
    names = ["Org \u0001 ctrl", "Press \u007f\u0085 \ufffe"]
    if connection.vendor == "sqlite":
        names.append("Nul \u0000 inside")  # PostgreSQL cannot store a NUL at all
    actors = [make_actor(cast.project, name) for name in names]
    claim = make_claim(cast.project, "Claim \u000b vertical tab")
    annotator = make_user("bad\u0003user")
    for index, actor in enumerate(actors):
        make_annotation(
            document,
            start=index,
            end=index + 4,
            actor=actor,
            claim=claim,
            stance="support",
            note="note \u0001",
            created_by=annotator,
        )
    return cast.project


def _body(response):
    assert response.status_code == 200, response.content[:500]
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("kind", ["affiliation", "congruence"])
def test_network_files_of_badly_named_actors_are_valid_xml_and_csv(cast, stored_badly, kind):
    client = api_as(cast.carol)
    base = reverse("api:project-network", kwargs={"pk": stored_badly.pk})
    for file_format in ("graphml", "gexf"):
        root = ET.fromstring(_body(client.get(base, {"kind": kind, "format": file_format})))
        text = ET.tostring(root, encoding="unicode")
        assert "Org \ufffd ctrl" in text
    for file_format in ("csv", "edges.csv"):
        body = _body(client.get(base, {"kind": kind, "format": file_format})).decode("utf-8")
        cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
        assert "Org \u0001 ctrl" in cells
        assert all("\u0000" not in cell for cell in cells)
    body = json.loads(_body(client.get(base, {"kind": kind, "format": "json"})))
    assert "Org \u0001 ctrl" in {node["label"] for node in body["nodes"]}


def test_exports_and_the_statement_table_of_badly_named_entries_are_readable(
    client, cast, stored_badly
):
    api = api_as(cast.carol)
    for kind in ("csv", "jsonl", "jsonld"):
        body = _body(
            api.get("/api/annotations/export/", {"project": stored_badly.pk, "format": kind})
        )
        text = body.decode("utf-8")
        if kind == "csv":
            rows = list(csv.DictReader(io.StringIO(text)))
            assert {row["actor_name"] for row in rows} >= {"Org \u0001 ctrl"}
            assert all("\u0000" not in value for row in rows for value in row.values())
        elif kind == "jsonl":
            rows = [json.loads(line) for line in text.split("\n") if line]
            assert "Org \u0001 ctrl" in {row["actor_name"] for row in rows}
        else:
            assert json.loads(text)["total"] == len(rows)
    client.force_login(cast.carol)
    for file_format in ("csv", "excel"):
        body = _body(
            client.get(
                reverse("annotate:statements-export", args=[stored_badly.slug]),
                {"format": file_format},
            )
        )
        lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert "Org \u0001 ctrl" in {line[1] for line in lines}
        assert all("\u0000" not in cell for row in rows for cell in row)


def test_the_network_page_draws_badly_named_actors(client, cast, stored_badly):
    client.force_login(cast.carol)
    response = client.get(reverse("annotate:network", args=[stored_badly.slug]))
    assert response.status_code == 200
