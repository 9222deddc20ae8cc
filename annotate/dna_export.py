"""Export of a project as a Discourse Network Analyzer (DNA 3) database.

The file is an SQLite database in DNA 3's own schema, the one ``annotate.dna`` imports,
so DNA and rDNA open it and the importer reads back what is written here:

* documents, with title, text, author, source, section, type, notes and date (DNA keeps
  seconds since 1970; a document without a date gets 0, which the importer reads as
  none), their DNA coder from ``metadata``;
* every statement (live, with actor, claim and stance, from the annotations the
  stance matrix counts by default for the caller) as a "DNA Statement": the actor
  as the ``organization``, the claim as the ``concept``, the stance as ``agreement``
  and, when the statement names a person (imported from DNA) or the actor is a person,
  that person as ``person``. Offsets are converted to the UTF-16 code units DNA counts;
* the codebook: actors and claims as entities with their colours and DNA's attributes
  ``Type`` (DNA's type, kept in the actor's notes on import, else the actor's kind),
  ``Alias`` and ``Notes``, a claim's parent as its concept's ``ChildOf``;
* ``agreement`` is DNA's boolean (1 support, 0 oppose) unless some statement is
  neutral, which a boolean cannot hold: then it is an integer from -1 (oppose) through
  0 (neutral) to 1 (support), a scale DNA's networks read as it reads the stances here.

DNA opens a database only for a coder with a password: every coder in the file (Admin
and one per annotator) has the password :data:`CODER_PASSWORD`, stored as DNA stores
passwords (jasypt's SHA-256 digest, 100,000 rounds, a random salt).

Rows are read in chunks and written to a temporary file, so a large project takes no
more memory than a small one.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from corpus.models import Document, Project

from . import selectors
from .models import Actor, ActorKind, Claim

#: The password of every coder in an exported database; DNA asks for it on opening.
CODER_PASSWORD = "stancemap"
DNA_VERSION = "3.0.7"
#: DNA's own limit on names and short texts (``CHECK (LENGTH(...) < 191)``).
SHORT = 190

SCHEMA = """
CREATE TABLE SETTINGS(Property TEXT PRIMARY KEY, Value TEXT NOT NULL);
CREATE TABLE CODERS(ID INTEGER NOT NULL PRIMARY KEY, Name TEXT NOT NULL CHECK (LENGTH(Name) < 191), Red INTEGER NOT NULL DEFAULT 0 CHECK (Red BETWEEN 0 AND 255), Green INTEGER NOT NULL DEFAULT 0 CHECK (Green BETWEEN 0 AND 255), Blue INTEGER NOT NULL DEFAULT 0 CHECK (Blue BETWEEN 0 AND 255), Refresh INTEGER NOT NULL CHECK (Refresh BETWEEN 0 AND 9999) DEFAULT 0, FontSize INTEGER NOT NULL CHECK (FontSize BETWEEN 1 AND 99) DEFAULT 14, Password TEXT NOT NULL CHECK (LENGTH(Password) < 191), PopupWidth INTEGER CHECK (PopupWidth BETWEEN 100 AND 9999) DEFAULT 300, ColorByCoder INTEGER NOT NULL CHECK (ColorByCoder BETWEEN 0 AND 1) DEFAULT 0, PopupDecoration INTEGER NOT NULL CHECK (PopupDecoration BETWEEN 0 AND 1) DEFAULT 0, PopupAutoComplete INTEGER NOT NULL CHECK (PopupAutoComplete BETWEEN 0 AND 1) DEFAULT 1, PermissionAddDocuments INTEGER NOT NULL CHECK (PermissionAddDocuments BETWEEN 0 AND 1) DEFAULT 1, PermissionEditDocuments INTEGER NOT NULL CHECK (PermissionEditDocuments BETWEEN 0 AND 1) DEFAULT 1, PermissionDeleteDocuments INTEGER NOT NULL CHECK (PermissionDeleteDocuments BETWEEN 0 AND 1) DEFAULT 1, PermissionImportDocuments INTEGER NOT NULL CHECK (PermissionImportDocuments BETWEEN 0 AND 1) DEFAULT 1, PermissionAddStatements INTEGER NOT NULL CHECK (PermissionAddStatements BETWEEN 0 AND 1) DEFAULT 1, PermissionEditStatements INTEGER NOT NULL CHECK (PermissionEditStatements BETWEEN 0 AND 1) DEFAULT 1, PermissionDeleteStatements INTEGER NOT NULL CHECK (PermissionDeleteStatements BETWEEN 0 AND 1) DEFAULT 1, PermissionEditAttributes INTEGER NOT NULL CHECK (PermissionEditAttributes BETWEEN 0 AND 1) DEFAULT 1, PermissionEditRegex INTEGER NOT NULL CHECK (PermissionEditRegex BETWEEN 0 AND 1) DEFAULT 1, PermissionEditStatementTypes INTEGER NOT NULL CHECK (PermissionEditStatementTypes BETWEEN 0 AND 1) DEFAULT 1, PermissionEditCoders INTEGER NOT NULL CHECK (PermissionEditCoders BETWEEN 0 AND 1) DEFAULT 1, PermissionEditCoderRelations INTEGER NOT NULL CHECK (PermissionEditCoderRelations BETWEEN 0 AND 1) DEFAULT 1, PermissionViewOthersDocuments INTEGER NOT NULL CHECK (PermissionViewOthersDocuments BETWEEN 0 AND 1) DEFAULT 1, PermissionEditOthersDocuments INTEGER NOT NULL CHECK (PermissionEditOthersDocuments BETWEEN 0 AND 1) DEFAULT 1, PermissionViewOthersStatements INTEGER NOT NULL CHECK (PermissionViewOthersStatements BETWEEN 0 AND 1) DEFAULT 1, PermissionEditOthersStatements INTEGER NOT NULL CHECK (PermissionEditOthersStatements BETWEEN 0 AND 1) DEFAULT 1);
CREATE TABLE DOCUMENTS(ID INTEGER NOT NULL PRIMARY KEY, Title TEXT NOT NULL CHECK (LENGTH(Title) < 191), Text TEXT NOT NULL, Coder INTEGER, Author TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Author) < 191), Source TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Source) < 191), Section TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Section) < 191), Notes TEXT NOT NULL DEFAULT '', Type TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Type) < 191), Date INTEGER NOT NULL, FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE);
CREATE TABLE STATEMENTTYPES(ID INTEGER NOT NULL PRIMARY KEY, Label TEXT NOT NULL CHECK (LENGTH(Label) < 191), Red INTEGER NOT NULL DEFAULT 0 CHECK (Red BETWEEN 0 AND 255), Green INTEGER NOT NULL DEFAULT 0 CHECK (Green BETWEEN 0 AND 255), Blue INTEGER NOT NULL DEFAULT 0 CHECK (Blue BETWEEN 0 AND 255));
CREATE TABLE VARIABLES(ID INTEGER NOT NULL PRIMARY KEY, Variable TEXT NOT NULL CHECK (LENGTH(Variable) < 191), DataType TEXT NOT NULL CHECK (DataType = 'boolean' OR DataType = 'integer' OR DataType = 'long text' OR DataType = 'short text') DEFAULT 'short text', StatementTypeId INTEGER, FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE, UNIQUE (Variable, StatementTypeId));
CREATE TABLE VARIABLELINKS(ID INTEGER NOT NULL PRIMARY KEY, SourceVariableId INTEGER, TargetVariableId INTEGER, CHECK (TargetVariableId != SourceVariableId), FOREIGN KEY(SourceVariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, FOREIGN KEY(TargetVariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE);
CREATE TABLE REGEXES(Label TEXT PRIMARY KEY CHECK (LENGTH(Label) < 191), Red INTEGER NOT NULL DEFAULT 0 CHECK (Red BETWEEN 0 AND 255), Green INTEGER NOT NULL DEFAULT 0 CHECK (Green BETWEEN 0 AND 255), Blue INTEGER NOT NULL DEFAULT 0 CHECK (Blue BETWEEN 0 AND 255));
CREATE TABLE CODERRELATIONS(ID INTEGER NOT NULL PRIMARY KEY, Coder INTEGER CHECK(Coder > 0), OtherCoder INTEGER CHECK(OtherCoder > 0), viewStatements INTEGER NOT NULL DEFAULT 1 CHECK(viewStatements BETWEEN 0 AND 1), editStatements INTEGER NOT NULL DEFAULT 1 CHECK(editStatements BETWEEN 0 AND 1), viewDocuments INTEGER NOT NULL DEFAULT 1 CHECK(viewDocuments BETWEEN 0 AND 1), editDocuments INTEGER NOT NULL DEFAULT 1 CHECK(editDocuments BETWEEN 0 AND 1), CHECK (Coder != OtherCoder), FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE, FOREIGN KEY(OtherCoder) REFERENCES CODERS(ID) ON DELETE CASCADE);
CREATE TABLE STATEMENTS(ID INTEGER NOT NULL PRIMARY KEY, StatementTypeId INTEGER, DocumentId INTEGER, Start INTEGER NOT NULL CHECK(Start >= 0), Stop INTEGER NOT NULL CHECK(Stop >= 0), Coder INTEGER, CHECK (Start < Stop), FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE, FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE, FOREIGN KEY(DocumentId) REFERENCES DOCUMENTS(ID) ON DELETE CASCADE);
CREATE TABLE DATABOOLEAN(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL, Value INTEGER NOT NULL DEFAULT 1, FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE, FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, UNIQUE (StatementId, VariableId));
CREATE TABLE DATAINTEGER(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL, Value INTEGER NOT NULL DEFAULT 0, FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE, FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, UNIQUE (StatementId, VariableId));
CREATE TABLE ENTITIES(ID INTEGER PRIMARY KEY NOT NULL, VariableId INTEGER NOT NULL, Value TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Value) < 191), Red INTEGER CHECK (Red BETWEEN 0 AND 255), Green INTEGER CHECK (Green BETWEEN 0 AND 255), Blue INTEGER CHECK (Blue BETWEEN 0 AND 255), ChildOf INTEGER CHECK(ChildOf > 0), UNIQUE (VariableId, Value), FOREIGN KEY(ChildOf) REFERENCES ENTITIES(ID) ON DELETE CASCADE, FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE);
CREATE TABLE DATASHORTTEXT(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL, Entity INTEGER NOT NULL, FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE, FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, FOREIGN KEY(Entity) REFERENCES ENTITIES(ID) ON DELETE CASCADE, UNIQUE (StatementId, VariableId));
CREATE TABLE DATALONGTEXT(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL, Value TEXT DEFAULT '', FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE, FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE, UNIQUE (StatementId, VariableId));
CREATE TABLE ATTRIBUTEVARIABLES(ID INTEGER PRIMARY KEY NOT NULL, VariableId INTEGER NOT NULL, AttributeVariable TEXT NOT NULL CHECK (LENGTH(AttributeVariable) < 191), UNIQUE(VariableId, AttributeVariable), FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE);
CREATE TABLE ATTRIBUTEVALUES(ID INTEGER PRIMARY KEY NOT NULL, EntityId INTEGER NOT NULL, AttributeVariableId INTEGER NOT NULL, AttributeValue TEXT NOT NULL DEFAULT '' CHECK (LENGTH(AttributeValue) < 191), UNIQUE (EntityId, AttributeVariableId), FOREIGN KEY(EntityId) REFERENCES ENTITIES(ID) ON DELETE CASCADE, FOREIGN KEY(AttributeVariableId) REFERENCES ATTRIBUTEVARIABLES(ID) ON DELETE CASCADE);
"""  # noqa: E501

# DNA's default statement types and variables, with their ids as DNA creates them.
PERSON, ORGANIZATION, CONCEPT, AGREEMENT = 1, 2, 3, 4
ATTRIBUTES = ("Type", "Alias", "Notes")
_DNA_NOTE = re.compile(r"^(?P<key>[^\n()]+) \(DNA\): (?P<value>.*)$")
_CHUNK = 2000


def password_hash(password: str, salt: bytes | None = None) -> str:
    """``password`` as DNA stores it: jasypt's StrongPasswordEncryptor, SHA-256 over the
    salt and the UTF-8 password, digested 100,000 times, the salt kept in front."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.sha256(salt + password.encode("utf-8")).digest()
    for _ in range(100_000 - 1):
        digest = hashlib.sha256(digest).digest()
    return base64.b64encode(salt + digest).decode("ascii")


def _short(value: str | None) -> str:
    return (value or "")[:SHORT]


def _rgb(colour: str) -> tuple[int | None, int | None, int | None]:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour or ""):
        return None, None, None
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _actor_attributes(actor: Actor) -> dict[str, str]:
    """DNA's attributes of an actor: the ``X (DNA): value`` lines its import kept in the
    notes become attribute X again; other notes go to ``Notes``."""
    attributes: dict[str, str] = {}
    rest: list[str] = []
    for line in actor.notes.splitlines():
        if (found := _DNA_NOTE.match(line)) and found["key"] in ATTRIBUTES:
            attributes[found["key"]] = found["value"]
        elif line.strip():
            rest.append(line)
    if rest:
        attributes["Notes"] = "\n".join([attributes.get("Notes", ""), *rest]).strip()
    attributes.setdefault("Type", actor.kind)
    if actor.aliases:
        attributes["Alias"] = "; ".join(actor.aliases)
    return attributes


def _utf16(text: str, offset: int) -> int:
    """A code point offset into ``text`` in the UTF-16 code units DNA counts."""
    return offset + sum(1 for character in text[:offset] if ord(character) > 0xFFFF)


class _Writer:
    def __init__(self, connection: sqlite3.Connection):
        self.db = connection
        # Entities by the value written, and by the value given.
        self.entities: dict[tuple[int, str], int] = {}
        self.values: dict[tuple[int, str], int] = {}
        self.coders: dict[str, int] = {}
        self.hash = password_hash(CODER_PASSWORD)

    def coder(self, name: str) -> int:
        name = _short(name) or "Stancemap"
        if name not in self.coders:
            pk = len(self.coders) + 1
            self.db.execute(
                "INSERT INTO CODERS (ID, Name, Red, Green, Blue, Password) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (pk, name, 255, 255, 0, self.hash),
            )
            for other in self.coders.values():
                self.db.executemany(
                    "INSERT INTO CODERRELATIONS (Coder, OtherCoder) VALUES (?, ?)",
                    [(pk, other), (other, pk)],
                )
            self.coders[name] = pk
        return self.coders[name]

    def entity(
        self,
        variable: int,
        value: str,
        colour: str = "",
        attributes: dict[str, str] | None = None,
        child_of: int | None = None,
    ) -> int:
        """The entity of ``value`` for a variable, written with its attributes once; a
        value cut to DNA's length that meets another gets a number."""
        value = " ".join(value.split())
        if (variable, value) in self.values:
            return self.values[variable, value]
        key = _short(value)
        n = 1
        while (variable, key) in self.entities:
            n += 1
            key = f"{value[: SHORT - len(str(n)) - 3]} ({n})"
        cursor = self.db.execute(
            "INSERT INTO ENTITIES (VariableId, Value, Red, Green, Blue, ChildOf) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (variable, key, *_rgb(colour), child_of),
        )
        pk = cursor.lastrowid
        assert pk is not None
        self.entities[variable, key] = self.values[variable, value] = pk
        if variable in (PERSON, ORGANIZATION, CONCEPT):
            attributes = attributes or {}
            self.db.executemany(
                "INSERT INTO ATTRIBUTEVALUES (EntityId, AttributeVariableId, AttributeValue) "
                "VALUES (?, (SELECT ID FROM ATTRIBUTEVARIABLES WHERE VariableId = ? "
                "AND AttributeVariable = ?), ?)",
                [(pk, variable, name, _short(attributes.get(name))) for name in ATTRIBUTES],
            )
        return pk


@dataclass
class _Batch:
    """Rows of statements waiting to be written together."""

    statements: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    entities: list[tuple[int, int, int]] = field(default_factory=list)
    agreements: list[tuple[int, int, int]] = field(default_factory=list)

    def write(self, connection: sqlite3.Connection, agreement_table: str) -> None:
        connection.executemany(
            "INSERT INTO STATEMENTS (ID, StatementTypeId, DocumentId, Start, Stop, Coder) "
            "VALUES (?, 1, ?, ?, ?, ?)",
            self.statements,
        )
        connection.executemany(
            "INSERT INTO DATASHORTTEXT (StatementId, VariableId, Entity) VALUES (?, ?, ?)",
            self.entities,
        )
        connection.executemany(
            f"INSERT INTO {agreement_table} (StatementId, VariableId, Value) VALUES (?, ?, ?)",
            self.agreements,
        )
        self.statements, self.entities, self.agreements = [], [], []


def _create(connection: sqlite3.Connection, agreement_type: str) -> None:
    connection.executescript(SCHEMA)
    connection.executemany(
        "INSERT INTO SETTINGS (Property, Value) VALUES (?, ?)",
        [("version", DNA_VERSION), ("date", datetime.date.today().isoformat())],
    )
    connection.executemany(
        "INSERT INTO STATEMENTTYPES (ID, Label, Red, Green, Blue) VALUES (?, ?, ?, ?, ?)",
        [(1, "DNA Statement", 239, 208, 51), (2, "Annotation", 211, 211, 211)],
    )
    connection.executemany(
        "INSERT INTO VARIABLES (ID, Variable, DataType, StatementTypeId) VALUES (?, ?, ?, ?)",
        [
            (PERSON, "person", "short text", 1),
            (ORGANIZATION, "organization", "short text", 1),
            (CONCEPT, "concept", "short text", 1),
            (AGREEMENT, "agreement", agreement_type, 1),
            (5, "note", "long text", 2),
        ],
    )
    connection.executemany(
        "INSERT INTO ATTRIBUTEVARIABLES (VariableId, AttributeVariable) VALUES (?, ?)",
        [(v, name) for name in ATTRIBUTES for v in (PERSON, ORGANIZATION, CONCEPT)],
    )


def _documents(project: Project) -> Iterator[Document]:
    return (
        Document.objects.filter(project=project)
        .only(
            "id",
            "title",
            "text",
            "author",
            "source_name",
            "notes",
            "metadata",
            "published_at",
        )
        .order_by("id")
        .iterator(chunk_size=200)
    )


def write_dna(project: Project, path: str, *, viewer: Any = None) -> int:
    """Write ``project`` as a DNA database at ``path``; returns the statements written.

    With a ``viewer``, the statements are those the project's default source counts for
    them, among those they may see (as the stance matrix and the networks count)."""
    filters = None
    if viewer is not None:
        filters = selectors.StatementFilter(
            origin=selectors.annotation_source(project, None, viewer), viewer=viewer
        )
    statements = selectors.statements(project, filters)
    neutral = statements.filter(stance="neutral").exists()
    connection = sqlite3.connect(path)
    # A new file that nothing else reads until it is complete: no journal, no syncs.
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    try:
        _create(connection, "integer" if neutral else "boolean")
        writer = _Writer(connection)
        writer.coder("Admin")
        blank_person = writer.entity(PERSON, "")
        actors = {a.pk: a for a in Actor.objects.filter(project=project).order_by("name", "id")}
        organisations = {
            pk: writer.entity(ORGANIZATION, a.name, a.colour, _actor_attributes(a))
            for pk, a in actors.items()
        }
        claims = list(Claim.objects.filter(project=project).order_by("label", "id"))
        concepts = {
            c.pk: writer.entity(
                CONCEPT, c.label, c.colour, {"Notes": c.description} if c.description else None
            )
            for c in claims
        }
        # A claim's category is its concept's parent (DNA's ChildOf).
        connection.executemany(
            "UPDATE ENTITIES SET ChildOf = ? WHERE ID = ?",
            [(concepts[c.parent_id], concepts[c.pk]) for c in claims if c.parent_id in concepts],
        )
        rows = (
            statements.order_by("document_id", "start", "end", "id")
            .values_list(
                "document_id",
                "start",
                "end",
                "actor_id",
                "claim_id",
                "stance",
                "metadata",
                "created_by__username",
            )
            .iterator(chunk_size=_CHUNK)
        )
        pending = next(rows, None)
        written = 0
        batch = _Batch()
        agreement_table = "DATAINTEGER" if neutral else "DATABOOLEAN"
        agreement = (
            {"support": 1, "neutral": 0, "oppose": -1} if neutral else {"support": 1, "oppose": 0}
        )
        for document in _documents(project):
            metadata = document.metadata if isinstance(document.metadata, dict) else {}
            published = document.published_at
            connection.execute(
                "INSERT INTO DOCUMENTS (ID, Title, Text, Coder, Author, Source, Section, Notes, "
                "Type, Date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    document.pk,
                    _short(document.title),
                    document.text,
                    writer.coder(str(metadata.get("coder") or "Admin")),
                    _short(document.author),
                    _short(document.source_name),
                    _short(str(metadata.get("section") or "")),
                    document.notes,
                    _short(str(metadata.get("type") or "")),
                    int(published.timestamp()) if published else 0,
                ),
            )
            wide = any(ord(character) > 0xFFFF for character in document.text)
            # A statement whose document went away while this was written is left out.
            while pending is not None and pending[0] < document.pk:
                pending = next(rows, None)
            while pending is not None and pending[0] == document.pk:
                _, start, end, actor_id, claim_id, stance, meta, username = pending
                meta = meta if isinstance(meta, dict) else {}
                actor = actors[actor_id]
                person = str(meta.get("person") or "")
                if not person and actor.kind == ActorKind.PERSON:
                    person = actor.name
                written += 1
                batch.statements.append(
                    (
                        written,
                        document.pk,
                        _utf16(document.text, start) if wide else start,
                        _utf16(document.text, end) if wide else end,
                        writer.coder(str(meta.get("coder") or username or "Admin")),
                    )
                )
                batch.entities += [
                    (written, PERSON, writer.entity(PERSON, person) if person else blank_person),
                    (written, ORGANIZATION, organisations[actor_id]),
                    (written, CONCEPT, concepts[claim_id]),
                ]
                batch.agreements.append((written, AGREEMENT, agreement[stance or ""]))
                if len(batch.statements) >= _CHUNK:
                    batch.write(connection, agreement_table)
                pending = next(rows, None)
        batch.write(connection, agreement_table)
        connection.commit()
    finally:
        connection.close()
    return written


def dna_file(project: Project, *, viewer: Any = None) -> IO[bytes]:
    """``project`` as a DNA database in an unnamed temporary file, ready to be read from
    its start; the file goes away when it is closed."""
    handle, path = tempfile.mkstemp(suffix=".dna")
    os.close(handle)
    try:
        write_dna(project, path, viewer=viewer)
        stream = open(path, "rb")  # noqa: SIM115 (the response closes it)
    finally:
        os.unlink(path)
    return stream
