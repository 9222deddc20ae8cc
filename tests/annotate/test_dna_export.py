"""Export of a project as a DNA database (GET /api/projects/<id>/dna/), and the round
trip through the import: DNA's sample database imported, exported and imported again
keeps every document, offset, statement and codebook entry."""

from __future__ import annotations

import base64
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from annotate.dna_export import CODER_PASSWORD, password_hash
from annotate.models import Actor, Annotation, Claim
from corpus.importing import Upload, import_files
from corpus.models import Document, Project
from tests.data import DNA_SAMPLE

from ..factories import (
    actor_of,
    claim_of,
    make_actor,
    make_annotation,
    make_claim,
    make_document,
    make_project,
)

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def export(user, project, tmp_path: Path) -> Path:
    response = client_for(user).get(reverse("api:project-dna", kwargs={"pk": project.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{project.slug}.dna"'
    path = tmp_path / f"{project.slug}.dna"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def import_into(project: Project, path: Path, user) -> None:
    [result] = import_files(project=project, uploads=[Upload.from_path(path)], created_by=user)
    assert result.status == "imported", result.message


def without_dna_ids(metadata: dict) -> dict:
    return {k: v for k, v in metadata.items() if k not in ("dna_document_id", "dna_statement_id")}


def snapshot(project: Project) -> dict:
    """What DNA can hold of a project, without the ids each database gives its rows."""
    documents = sorted(
        (
            d.title,
            d.text,
            d.author,
            d.source_name,
            d.notes,
            d.published_at,
            tuple(sorted(without_dna_ids(d.metadata).items())),
        )
        for d in Document.objects.filter(project=project)
    )
    statements = sorted(
        (
            a.document.title,
            a.start,
            a.end,
            a.quote,
            a.actor.name if a.actor else None,
            a.claim.label if a.claim else None,
            a.stance,
            tuple(sorted(without_dna_ids(a.metadata).items())),
        )
        for a in Annotation.objects.alive()
        .filter(document__project=project)
        .select_related("document", "actor", "claim")
    )
    actors = sorted(
        (a.name, a.kind, tuple(a.aliases), a.colour, a.notes)
        for a in Actor.objects.filter(project=project)
    )
    claims = sorted(
        (c.label, c.description, c.colour) for c in Claim.objects.filter(project=project)
    )
    return {"documents": documents, "statements": statements, "actors": actors, "claims": claims}


def test_the_dna_sample_survives_import_export_and_import(cast, tmp_path):
    import_into(cast.project, DNA_SAMPLE, cast.alice)
    before = snapshot(cast.project)
    assert len(before["documents"]) == 7 and len(before["statements"]) == 40
    assert len(before["actors"]) == 7 and len(before["claims"]) == 6

    exported = export(cast.alice, cast.project, tmp_path)
    again = make_project("Round trip")
    import_into(again, exported, cast.alice)
    assert snapshot(again) == before


def test_the_export_has_dnas_own_schema_and_default_types(cast, tmp_path):
    import_into(cast.project, DNA_SAMPLE, cast.alice)
    exported = sqlite3.connect(export(cast.alice, cast.project, tmp_path))
    sample = sqlite3.connect(DNA_SAMPLE)
    schema = (
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    assert exported.execute(schema).fetchall() == sample.execute(schema).fetchall()
    assert exported.execute("SELECT * FROM VARIABLES WHERE StatementTypeId = 1").fetchall() == [
        (1, "person", "short text", 1),
        (2, "organization", "short text", 1),
        (3, "concept", "short text", 1),
        (4, "agreement", "boolean", 1),
    ]
    assert exported.execute("SELECT Value FROM SETTINGS WHERE Property = 'version'").fetchone()
    # Each statement has its three entities and its agreement, as DNA reads them.
    assert exported.execute("SELECT COUNT(*) FROM DATASHORTTEXT").fetchone() == (120,)
    assert exported.execute("SELECT COUNT(*) FROM DATABOOLEAN").fetchone() == (40,)


def test_coders_passwords_are_stored_as_dna_stores_them(cast, tmp_path):
    # The sample's Admin password is "sample": the same digest of it with its salt.
    stored = sqlite3.connect(DNA_SAMPLE).execute("SELECT Password FROM CODERS WHERE ID = 1")
    [sample_hash] = stored.fetchone()
    assert password_hash("sample", base64.b64decode(sample_hash)[:16]) == sample_hash

    make_document(cast.project)
    exported = sqlite3.connect(export(cast.alice, cast.project, tmp_path))
    [(name, stored_hash)] = exported.execute("SELECT Name, Password FROM CODERS").fetchall()
    assert name == "Admin"
    salt = base64.b64decode(stored_hash)[:16]
    assert password_hash(CODER_PASSWORD, salt) == stored_hash


def test_neutral_stances_and_wide_characters_make_the_round_trip(cast, tmp_path):
    text = "東京 🗾 report: Abe wants talks. Putin 👍 agrees. Lavrov is undecided."
    document = make_document(
        cast.project,
        title="Summit 🗾",
        text=text,
        published_at=datetime(2016, 5, 6, 12, tzinfo=UTC),
        source_name="NHK",
    )
    abe = make_actor(cast.project, "Shinzo Abe", kind="person", aliases=["Abe Shinzō"])
    putin = make_actor(cast.project, "Vladimir Putin", kind="person", colour="#aa0000")
    lavrov = make_actor(cast.project, "Sergey Lavrov", kind="state", notes="Foreign minister")
    relations = make_claim(cast.project, "Relations", colour="#123456")
    talks = make_claim(
        cast.project, "Japan and Russia should talk", description="Any talks.", parent=relations
    )
    for actor, passage, stance in (
        (abe, "Abe wants talks.", "support"),
        (putin, "Putin 👍 agrees.", "oppose"),
        (lavrov, "Lavrov is undecided.", "neutral"),
    ):
        start = text.index(passage)
        make_annotation(
            document,
            start=start,
            end=start + len(passage),
            quote=passage,
            actor=actor,
            claim=talks,
            stance=stance,
            created_by=cast.bob,
        )
    # Highlights without a stance are not statements, and the trash stays behind.
    make_annotation(document, start=0, end=2)
    trashed = make_annotation(document, start=3, end=4, actor=abe, claim=talks, stance="support")
    trashed.deleted_at = datetime.now(UTC)
    trashed.save()

    path = export(cast.alice, cast.project, tmp_path)
    dna = sqlite3.connect(path)
    assert dna.execute("SELECT DataType FROM VARIABLES WHERE ID = 4").fetchone() == ("integer",)
    assert sorted(dna.execute("SELECT Value FROM DATAINTEGER")) == [(-1,), (0,), (1,)]
    # DNA counts UTF-16 units: the emoji before "Putin" and in it count twice.
    putin_start = text.index("Putin")
    assert dna.execute("SELECT Start, Stop FROM STATEMENTS ORDER BY Start").fetchall()[1] == (
        putin_start + 1,
        putin_start + 1 + len("Putin 👍 agrees.") + 1,
    )
    assert {name for (name,) in dna.execute("SELECT Name FROM CODERS")} == {"Admin", "bob"}

    again = make_project("Round trip")
    import_into(again, path, cast.alice)
    statements = sorted(
        (a.quote, actor_of(a).name, claim_of(a).label, a.stance)
        for a in Annotation.objects.filter(document__project=again).select_related("actor", "claim")
    )
    assert statements == [
        ("Abe wants talks.", "Shinzo Abe", "Japan and Russia should talk", "support"),
        ("Lavrov is undecided.", "Sergey Lavrov", "Japan and Russia should talk", "neutral"),
        ("Putin 👍 agrees.", "Vladimir Putin", "Japan and Russia should talk", "oppose"),
    ]
    assert {a.name: (a.kind, a.aliases, a.colour) for a in Actor.objects.filter(project=again)} == {
        "Shinzo Abe": ("person", ["Abe Shinzō"], ""),
        "Vladimir Putin": ("person", [], "#aa0000"),
        "Sergey Lavrov": ("state", [], ""),
    }
    copied = Claim.objects.get(project=again, label="Japan and Russia should talk")
    assert copied.description == "Any talks."
    assert copied.parent is not None
    assert (copied.parent.label, copied.parent.colour) == ("Relations", "#123456")
    copy = Document.objects.get(project=again)
    assert (copy.title, copy.text, copy.source_name, copy.published_at) == (
        "Summit 🗾",
        text,
        "NHK",
        datetime(2016, 5, 6, 12, tzinfo=UTC),
    )


def test_another_projects_database_is_a_404(cast):
    response = client_for(cast.mallory).get(
        reverse("api:project-dna", kwargs={"pk": cast.project.pk})
    )
    assert response.status_code == 404


def test_an_empty_project_exports_an_empty_database(cast, tmp_path):
    dna = sqlite3.connect(export(cast.carol, cast.project, tmp_path))
    assert dna.execute("SELECT COUNT(*) FROM DOCUMENTS").fetchone() == (0,)
    assert dna.execute("SELECT COUNT(*) FROM STATEMENTS").fetchone() == (0,)
