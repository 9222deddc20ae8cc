"""Import of Discourse Network Analyzer databases: documents, statements, exact offsets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotate.models import Actor, Annotation, Claim
from corpus.importing import Upload, import_files
from corpus.models import Document
from tests.data import DNA_SAMPLE
from tests.factories import actor_of, claim_of, make_actor

SAMPLE = DNA_SAMPLE

# DNA 3's tables, as far as the import reads them.
SCHEMA = """
CREATE TABLE SETTINGS(Property TEXT PRIMARY KEY, Value TEXT NOT NULL);
CREATE TABLE CODERS(ID INTEGER NOT NULL PRIMARY KEY, Name TEXT NOT NULL,
  Red INTEGER NOT NULL DEFAULT 0, Green INTEGER NOT NULL DEFAULT 0,
  Blue INTEGER NOT NULL DEFAULT 0, Password TEXT NOT NULL DEFAULT '');
CREATE TABLE DOCUMENTS(ID INTEGER NOT NULL PRIMARY KEY, Title TEXT NOT NULL, Text TEXT NOT NULL,
  Coder INTEGER, Author TEXT NOT NULL DEFAULT '', Source TEXT NOT NULL DEFAULT '',
  Section TEXT NOT NULL DEFAULT '', Notes TEXT NOT NULL DEFAULT '', Type TEXT NOT NULL DEFAULT '',
  Date INTEGER NOT NULL);
CREATE TABLE STATEMENTTYPES(ID INTEGER NOT NULL PRIMARY KEY, Label TEXT NOT NULL,
  Red INTEGER NOT NULL DEFAULT 0, Green INTEGER NOT NULL DEFAULT 0,
  Blue INTEGER NOT NULL DEFAULT 0);
CREATE TABLE VARIABLES(ID INTEGER NOT NULL PRIMARY KEY, Variable TEXT NOT NULL,
  DataType TEXT NOT NULL DEFAULT 'short text', StatementTypeId INTEGER);
CREATE TABLE STATEMENTS(ID INTEGER NOT NULL PRIMARY KEY, StatementTypeId INTEGER,
  DocumentId INTEGER, Start INTEGER NOT NULL, Stop INTEGER NOT NULL, Coder INTEGER);
CREATE TABLE DATABOOLEAN(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, Value INTEGER NOT NULL DEFAULT 1);
CREATE TABLE ENTITIES(ID INTEGER PRIMARY KEY NOT NULL, VariableId INTEGER NOT NULL,
  Value TEXT NOT NULL DEFAULT '', Red INTEGER, Green INTEGER, Blue INTEGER, ChildOf INTEGER);
CREATE TABLE DATASHORTTEXT(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, Entity INTEGER NOT NULL);
CREATE TABLE DATALONGTEXT(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, Value TEXT DEFAULT '');
CREATE TABLE ATTRIBUTEVARIABLES(ID INTEGER PRIMARY KEY NOT NULL, VariableId INTEGER NOT NULL,
  AttributeVariable TEXT NOT NULL);
CREATE TABLE ATTRIBUTEVALUES(ID INTEGER PRIMARY KEY NOT NULL, EntityId INTEGER NOT NULL,
  AttributeVariableId INTEGER NOT NULL, AttributeValue TEXT NOT NULL DEFAULT '');
"""

# Windows line breaks, an emoji (two UTF-16 units) and a decomposed é (two code points that
# NFC makes one) all stand before the statements, so each moves DNA's offsets.
TEXT_ONE = (
    "Tokyo 🗾 report\r\nThe Caf\u0065\u0301 meeting.\r\n"
    "Naryshkin said sanctions are an obstacle to relations. "
    "The Duma is ready to discuss a peace treaty."
)
TEXT_TWO = "Abe said Japan keeps its sanctions while it talks to Moscow."


def utf16(text: str, passage: str) -> tuple[int, int]:
    """DNA's offsets of ``passage``: UTF-16 code units, as Java counts."""
    start = len(text[: text.index(passage)].encode("utf-16-le")) // 2
    return start, start + len(passage.encode("utf-16-le")) // 2


def build_dna(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO CODERS(ID, Name) VALUES (?, ?)", [(1, "Admin"), (2, "Yuki")])
    db.executemany(
        "INSERT INTO DOCUMENTS(ID, Title, Text, Coder, Author, Source, Section, Notes, Type, Date) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                1,
                "Duma speaker on Japan",
                TEXT_ONE,
                2,
                "TASS desk",
                "TASS",
                "World",
                "Wire copy",
                "news",
                1433808000,
            ),
            (2, "Abe on sanctions", TEXT_TWO, 2, "", "NHK", "", "", "", 1394409600),
        ],
    )
    db.executemany(
        "INSERT INTO STATEMENTTYPES(ID, Label) VALUES (?, ?)",
        [(1, "DNA Statement"), (3, "Annotation")],
    )
    db.executemany(
        "INSERT INTO VARIABLES(ID, Variable, DataType, StatementTypeId) VALUES (?, ?, ?, ?)",
        [
            (1, "person", "short text", 1),
            (2, "organization", "short text", 1),
            (3, "concept", "short text", 1),
            (4, "agreement", "boolean", 1),
            (11, "note", "long text", 3),
        ],
    )
    db.executemany(
        "INSERT INTO ENTITIES(ID, VariableId, Value, Red, Green, Blue) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (1, 1, "Sergey Naryshkin", 0, 0, 0),
            (2, 1, "Shinzo Abe", 0, 0, 0),
            (3, 2, "State Duma", 204, 0, 0),
            (4, 2, "Japan", 0, 0, 204),
            (5, 3, "Japan should lift its sanctions", 0, 153, 0),
            (6, 3, "Talks can settle the dispute", 0, 0, 0),
        ],
    )
    db.executemany(
        "INSERT INTO ATTRIBUTEVARIABLES(ID, VariableId, AttributeVariable) VALUES (?, ?, ?)",
        [(1, 2, "Type"), (2, 2, "Alias"), (3, 3, "Notes")],
    )
    db.executemany(
        "INSERT INTO ATTRIBUTEVALUES(EntityId, AttributeVariableId, AttributeValue) "
        "VALUES (?, ?, ?)",
        [
            (3, 1, "Parliament"),
            (4, 1, "State"),
            (4, 2, "Tokyo; Japanese government"),
            (5, 3, "Lifting the Ukraine sanctions."),
        ],
    )
    statements = [
        # id, type, document, passage, coder, person, organisation, concept, agreement
        (1, 1, 1, TEXT_ONE, "sanctions are an obstacle to relations", 2, 1, 3, 5, 1),
        (2, 1, 1, TEXT_ONE, "ready to discuss a peace treaty", 2, 1, 3, 6, 1),
        (3, 1, 2, TEXT_TWO, "Japan keeps its sanctions", 2, 2, 4, 5, 0),
        (4, 3, 1, TEXT_ONE, "Tokyo 🗾 report", 1, None, None, None, None),
    ]
    for (
        pk,
        kind,
        document,
        text,
        passage,
        coder,
        person,
        organisation,
        concept,
        agreement,
    ) in statements:
        start, stop = utf16(text, passage)
        db.execute(
            "INSERT INTO STATEMENTS(ID, StatementTypeId, DocumentId, Start, Stop, Coder) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (pk, kind, document, start, stop, coder),
        )
        for variable, entity in ((1, person), (2, organisation), (3, concept)):
            if entity is not None:
                db.execute(
                    "INSERT INTO DATASHORTTEXT(StatementId, VariableId, Entity) VALUES (?, ?, ?)",
                    (pk, variable, entity),
                )
        if agreement is not None:
            db.execute(
                "INSERT INTO DATABOOLEAN(StatementId, VariableId, Value) VALUES (?, 4, ?)",
                (pk, agreement),
            )
    db.commit()
    db.close()
    return path


@pytest.fixture
def dna_file(tmp_path) -> Path:
    return build_dna(tmp_path / "small.dna")


def import_dna(project, path: Path, user=None):
    [result] = import_files(project=project, uploads=[Upload.from_path(path)], created_by=user)
    return result


def test_a_dna_database_brings_its_documents_with_their_metadata(cast, dna_file):
    result = import_dna(cast.project, dna_file, cast.bob)

    assert result.status == "imported", result.message
    assert result.imported == 2
    duma = Document.objects.get(title="Duma speaker on Japan")
    assert duma.text.startswith("Tokyo 🗾 report\nThe Café meeting.\n")
    assert (duma.author, duma.source_name, duma.notes) == ("TASS desk", "TASS", "Wire copy")
    assert duma.published_at is not None
    assert duma.published_at.date().isoformat() == "2015-06-09"
    assert duma.metadata == {
        "dna_document_id": 1,
        "section": "World",
        "type": "news",
        "coder": "Yuki",
    }
    assert bytes(duma.original) == dna_file.read_bytes()


def test_dna_statements_become_statements_with_exact_quotes_actors_claims_and_stances(
    cast, dna_file
):
    result = import_dna(cast.project, dna_file, cast.bob)

    statements = {
        a.metadata["dna_statement_id"]: a
        for a in Annotation.objects.select_related("actor", "claim", "document")
    }
    assert set(statements) == {1, 2, 3}, "the “Annotation” statement type is not a statement"
    obstacle = statements[1]
    assert obstacle.quote == "sanctions are an obstacle to relations"
    assert obstacle.document.text[obstacle.start : obstacle.end] == obstacle.quote
    assert (actor_of(obstacle).name, claim_of(obstacle).label, obstacle.stance) == (
        "State Duma",
        "Japan should lift its sanctions",
        "support",
    )
    assert obstacle.metadata == {
        "dna_statement_id": 1,
        "person": "Sergey Naryshkin",
        "coder": "Yuki",
    }
    assert obstacle.created_by == cast.bob
    assert statements[2].quote == "ready to discuss a peace treaty"
    keeps = statements[3]
    assert (keeps.quote, actor_of(keeps).name, keeps.stance) == (
        "Japan keeps its sanctions",
        "Japan",
        "oppose",
    )
    japan = Actor.objects.get(name="Japan")
    assert (japan.kind, japan.aliases, japan.colour) == (
        "state",
        ["Tokyo", "Japanese government"],
        "#0000cc",
    )
    assert Actor.objects.get(name="State Duma").kind == "organisation"
    assert Claim.objects.get(label="Japan should lift its sanctions").description == (
        "Lifting the Ukraine sanctions."
    )
    assert "With 3 statements" in result.message
    assert "1 statement of other types (not “DNA Statement”) was not imported" in result.message


def test_dna_actors_already_in_the_codebook_are_reused(cast, dna_file):
    duma = make_actor(cast.project, "state duma", kind="organisation")
    import_dna(cast.project, dna_file)
    assert Actor.objects.filter(project=cast.project).count() == 2
    assert Annotation.objects.filter(actor=duma).count() == 2


def test_importing_a_dna_database_again_adds_nothing(cast, dna_file):
    import_dna(cast.project, dna_file)
    again = import_dna(cast.project, dna_file)
    assert again.status == "duplicate"
    assert Document.objects.count() == 2
    assert Annotation.objects.count() == 3


def test_a_dna_statement_past_the_end_of_its_document_rejects_the_whole_file(cast, dna_file):
    db = sqlite3.connect(dna_file)
    db.execute("UPDATE STATEMENTS SET Stop = 100000 WHERE ID = 3")
    db.commit()
    db.close()
    result = import_dna(cast.project, dna_file)
    assert result.status == "rejected"
    assert "Document 2 (“Abe on sanctions”)" in result.message
    assert "past the end" in result.message
    assert not Document.objects.exists()
    assert not Actor.objects.exists()


def test_an_sqlite_file_that_is_no_dna_database_is_rejected(cast, tmp_path):
    path = tmp_path / "other.dna"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t(x)")
    db.commit()
    db.close()
    result = import_dna(cast.project, path)
    assert result.status == "rejected"
    assert "not a Discourse Network Analyzer 3 database" in result.message


def test_a_dna_file_that_is_no_database_at_all_is_rejected(cast, tmp_path):
    path = tmp_path / "notes.dna"
    path.write_text("just some text")
    result = import_dna(cast.project, path)
    assert result.status == "rejected"
    assert result.message.startswith("This is not a readable DNA database")


def test_the_dna_sample_brings_its_seven_documents_and_forty_statements_exactly(cast):
    result = import_dna(cast.project, SAMPLE, cast.alice)

    assert result.status == "imported", result.message
    assert Document.objects.filter(project=cast.project).count() == 7
    annotations = list(Annotation.objects.select_related("document", "actor", "claim"))
    assert len(annotations) == 40
    sample = sqlite3.connect(SAMPLE)
    texts = dict(sample.execute("SELECT ID, Text FROM DOCUMENTS"))
    for annotation in annotations:
        document, start, stop = sample.execute(
            "SELECT DocumentId, Start, Stop FROM STATEMENTS WHERE ID = ?",
            (annotation.metadata["dna_statement_id"],),
        ).fetchone()
        shown = texts[document].encode("utf-16-le")[2 * start : 2 * stop].decode("utf-16-le")
        assert annotation.quote == shown
        assert annotation.actor is not None
        assert annotation.claim is not None
        assert annotation.stance in {"support", "oppose"}
    stances = sorted(
        (actor_of(a).name, claim_of(a).label, a.stance, a.metadata["person"])
        for a in annotations
        if a.metadata["dna_statement_id"] in (1, 4)
    )
    assert stances == [
        (
            "Energy and Environmental Analysis, Inc.",
            "CO2 legislation will not hurt the economy.",
            "oppose",
            "Joel Bluestein",
        ),
        (
            "Energy and Environmental Analysis, Inc.",
            "Emissions legislation should regulate CO2.",
            "support",
            "Joel Bluestein",
        ),
    ]
    assert Actor.objects.filter(project=cast.project).count() == 7
    assert Claim.objects.filter(project=cast.project).count() == 6


def test_a_concepts_parent_becomes_the_claims_category_and_loops_are_cut(cast, dna_file):
    db = sqlite3.connect(dna_file)
    db.execute("INSERT INTO ENTITIES(ID, VariableId, Value) VALUES (7, 3, 'Sanctions')")
    db.execute("UPDATE ENTITIES SET ChildOf = 7 WHERE ID = 5")
    # 6 and 8 name each other as parent: a loop DNA would never write.
    db.execute("INSERT INTO ENTITIES(ID, VariableId, Value, ChildOf) VALUES (8, 3, 'Loop', 6)")
    db.execute("UPDATE ENTITIES SET ChildOf = 8 WHERE ID = 6")
    db.commit()
    db.close()
    result = import_dna(cast.project, dna_file, cast.bob)
    assert result.status == "imported", result.message
    lift = Claim.objects.get(project=cast.project, label="Japan should lift its sanctions")
    assert lift.parent is not None and lift.parent.label == "Sanctions"
    talks = Claim.objects.get(project=cast.project, label="Talks can settle the dispute")
    chain = [talks.label]
    while talks.parent is not None and len(chain) < 5:
        talks = talks.parent
        chain.append(talks.label)
    assert len(chain) < 5
