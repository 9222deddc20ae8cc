"""Import of Discourse Network Analyzer (DNA 3) databases.

A ``.dna`` file is an SQLite database. Its documents become documents (title, text,
author, source, date, notes; section, type, coder and DNA's id in ``metadata``), and its
"DNA Statement" statements become statements: the organisation as actor (its DNA type
as the actor's kind), the concept as claim, agreement 1/0 as support/oppose (an integer
agreement: above 0 support, 0 neutral, below 0 oppose). The person
and the DNA coder stay on the annotation's ``metadata``.

DNA is written in Java and counts offsets in UTF-16 code units; here offsets count code
points, so every offset is converted. The text is normalised piece by piece between
statement boundaries, so that a line break turned from ``\\r\\n`` into ``\\n`` moves the
offsets after it exactly as it moves the text.
"""

from __future__ import annotations

import datetime
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from corpus.importing import DocumentDraft, ParsedFile, Rejected
from corpus.models import Document
from corpus.services import normalize_text
from corpus.words import counted

from .models import Actor, ActorKind, Claim, Stance
from .services.annotations import BulkValidationError, NewAnnotation, create_annotations
from .services.codebook import create_actor, create_claim

STATEMENT_TYPE = "DNA Statement"
# Every table the import reads; ATTRIBUTEVALUES and ATTRIBUTEVARIABLES only when present.
_REQUIRED_TABLES = {
    "CODERS",
    "DATABOOLEAN",
    "DATASHORTTEXT",
    "DOCUMENTS",
    "ENTITIES",
    "STATEMENTS",
    "STATEMENTTYPES",
    "VARIABLES",
}

# DNA leaves actor types free; these words name one of Stancemap's kinds.
_KINDS = {
    "person": ActorKind.PERSON,
    "individual": ActorKind.PERSON,
    "state": ActorKind.STATE,
    "country": ActorKind.STATE,
    "media": ActorKind.MEDIA,
    "newspaper": ActorKind.MEDIA,
    "organisation": ActorKind.ORGANISATION,
    "organization": ActorKind.ORGANISATION,
    "other": ActorKind.OTHER,
}


@dataclass
class _Entity:
    value: str
    colour: str
    attributes: dict[str, str]
    parent: _Entity | None = None  # DNA's ChildOf: a concept's parent is its category


@dataclass
class _Statement:
    id: int
    document_id: int
    start: int  # code points into the normalised text, once converted
    end: int
    person: str
    organisation: _Entity | None
    concept: _Entity | None
    stance: Stance | None
    coder: str


def _colour(red: Any, green: Any, blue: Any) -> str:
    if None in (red, green, blue):
        return ""
    return f"#{int(red):02x}{int(green):02x}{int(blue):02x}"


def utf16_to_code_points(text: str, offsets: set[int]) -> dict[int, int]:
    """Map UTF-16 offsets into ``text`` to code point offsets; refuses one that splits a
    character or lies past the end."""
    mapping: dict[int, int] = {}
    wanted = sorted(offsets)
    units = 0
    index = 0
    for position, character in enumerate(text):
        while index < len(wanted) and wanted[index] <= units:
            if wanted[index] < units:
                raise Rejected(f"Offset {wanted[index]} falls inside a character.")
            mapping[wanted[index]] = position
            index += 1
        units += 2 if ord(character) > 0xFFFF else 1
    while index < len(wanted) and wanted[index] == units:
        mapping[wanted[index]] = len(text)
        index += 1
    if index < len(wanted):
        raise Rejected(f"Offset {wanted[index]} lies past the end of the text ({units} units).")
    return mapping


def normalise_between(text: str, boundaries: set[int]) -> tuple[str, dict[int, int]]:
    """Normalise ``text`` piece by piece between ``boundaries`` (code points); returns the
    text and where each boundary lands in it."""
    cuts = sorted({0, len(text), *boundaries})
    pieces: list[str] = []
    landing: dict[int, int] = {0: 0}
    length = 0
    for start, end in zip(cuts, cuts[1:], strict=False):
        piece = normalize_text(text[start:end])
        pieces.append(piece)
        length += len(piece)
        landing[end] = length
    return "".join(pieces), landing


#: Bounds on reading one file: wall-clock seconds, and rows read from all its tables.
#: A real DNA database of tens of thousands of statements stays far inside both.
MAX_SECONDS = 20.0
MAX_ROWS = 1_000_000
#: The deepest chain of parent concepts kept.
_MAX_DEPTH = 20
#: SQLite virtual machine steps between two looks at the clock.
_PROGRESS_STEPS = 10_000


class _Reader:
    """A DNA database opened in memory for reading only what DNA itself writes.

    The file comes from outside and may hold views (endless recursive queries, millions of
    made-up rows), triggers or computed columns. Views and triggers are switched off,
    the tables read must be ordinary tables, no value may be larger than the file itself,
    a progress handler stops any query past :data:`MAX_SECONDS`, and at most
    :data:`MAX_ROWS` rows are read in all.
    """

    def __init__(self, data: bytes):
        self.connection = sqlite3.connect(":memory:")
        self.deadline = time.monotonic() + MAX_SECONDS
        self.budget = MAX_ROWS
        self.size = len(data)
        self._harden()
        try:
            self.connection.deserialize(data)
            self.connection.execute("PRAGMA query_only = ON")
            self.objects = {
                name.upper(): (kind, sql or "")
                for kind, name, sql in self.connection.execute(
                    "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view')"
                )
            }
        except sqlite3.DatabaseError as error:
            raise Rejected(f"This is not a readable DNA database: {error}.") from error
        for name in sorted(_REQUIRED_TABLES):
            self.require(name)

    def _harden(self) -> None:
        connection = self.connection
        # Whatever a hostile schema holds, nothing but plain reads of tables runs.
        connection.setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_VIEW, False)
        connection.setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_TRIGGER, False)
        connection.setconfig(sqlite3.SQLITE_DBCONFIG_TRUSTED_SCHEMA, False)
        connection.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)
        # No string or blob (a computed column's, say) larger than the file itself.
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max(self.size, 1_000_000))
        connection.set_progress_handler(self._too_long, _PROGRESS_STEPS)

    def _too_long(self) -> int:
        return 1 if time.monotonic() > self.deadline else 0

    def require(self, name: str) -> None:
        """Refuse the file unless ``name`` is an ordinary table of it."""
        kind, sql = self.objects.get(name, ("", ""))
        if not kind:
            raise Rejected(
                f"This is not a Discourse Network Analyzer 3 database (it has no {name} table)."
            )
        if kind == "view":
            raise Rejected(
                f"{name} is a view, not a table; a DNA database is read from its tables only."
            )
        if sql.lstrip().upper().startswith("CREATE VIRTUAL"):
            raise Rejected(f"{name} is a virtual table; a DNA database has plain tables only.")

    def has_table(self, name: str) -> bool:
        return self.objects.get(name, ("", ""))[0] == "table"

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """The rows of a query, counted against the file's budget; refuses the file past
        its bounds."""
        try:
            cursor = self.connection.execute(sql, params)
            found = cursor.fetchmany(self.budget + 1)
        except sqlite3.OperationalError as error:
            if time.monotonic() > self.deadline:
                raise Rejected(
                    f"Reading the DNA database took longer than {MAX_SECONDS:g} seconds; "
                    "it was stopped."
                ) from error
            raise Rejected(f"This is not a readable DNA database: {error}.") from error
        except sqlite3.DataError as error:  # a value over the length limit
            raise Rejected(
                "The DNA database makes a value larger than the file itself; it is refused."
            ) from error
        self.budget -= len(found)
        if self.budget < 0:
            raise Rejected(
                f"The DNA database has more than {MAX_ROWS:,} rows to read; import it in "
                "smaller parts."
            )
        return found

    def coders(self) -> dict[int, str]:
        return dict(self.rows("SELECT ID, Name FROM CODERS"))

    def entities(self) -> dict[int, _Entity]:
        attributes: dict[int, dict[str, str]] = {}
        if self.has_table("ATTRIBUTEVALUES") and self.has_table("ATTRIBUTEVARIABLES"):
            for entity, name, value in self.rows(
                "SELECT a.EntityId, v.AttributeVariable, a.AttributeValue FROM ATTRIBUTEVALUES a "
                "JOIN ATTRIBUTEVARIABLES v ON v.ID = a.AttributeVariableId"
            ):
                if value:
                    attributes.setdefault(entity, {})[name] = value
        rows = self.rows("SELECT ID, Value, Red, Green, Blue, ChildOf FROM ENTITIES")
        found = {
            pk: _Entity(value or "", _colour(red, green, blue), attributes.get(pk, {}))
            for pk, value, red, green, blue, _ in rows
        }
        for pk, *_, parent in rows:
            if parent in found and parent != pk:
                found[pk].parent = found[parent]
        # A chain of parents that comes back on itself, or runs deeper than any codebook
        # does, is cut where it closes or goes too deep.
        for entity in found.values():
            seen, step = {id(entity)}, entity
            while step.parent is not None:
                if id(step.parent) in seen or len(seen) >= _MAX_DEPTH:
                    step.parent = None
                    break
                seen.add(id(step.parent))
                step = step.parent
        return found


def _kind(entity: _Entity, default: ActorKind) -> ActorKind:
    return _KINDS.get(entity.attributes.get("Type", "").strip().lower(), default)


def _parse(data: bytes) -> tuple[list[DocumentDraft], list[list[_Statement]], str]:
    reader = _Reader(data)
    coders = reader.coders()
    entities = reader.entities()
    types = dict(reader.rows("SELECT ID, Label FROM STATEMENTTYPES"))
    statement_type = next((pk for pk, label in types.items() if label == STATEMENT_TYPE), None)
    variables: dict[str, int] = {}
    data_types: dict[str, str] = {}
    for pk, name, data_type in reader.rows(
        "SELECT ID, Variable, DataType FROM VARIABLES WHERE StatementTypeId = ?", statement_type
    ):
        variables[name] = pk
        data_types[name] = data_type
    short: dict[tuple[int, int], int] = {
        (statement, variable): entity
        for statement, variable, entity in reader.rows(
            "SELECT StatementId, VariableId, Entity FROM DATASHORTTEXT"
        )
    }
    # Agreement is DNA's boolean (1 support, 0 oppose), or an integer scale whose sign
    # is the stance and whose 0 is neutral (as Stancemap writes it when some are neutral).
    scale = data_types.get("agreement") == "integer"
    agreements = "DATAINTEGER" if scale else "DATABOOLEAN"
    reader.require(agreements)
    booleans: dict[tuple[int, int], int] = {
        (statement, variable): value
        for statement, variable, value in reader.rows(
            f"SELECT StatementId, VariableId, Value FROM {agreements} WHERE VariableId = ?",
            variables.get("agreement", -1),
        )
    }

    def entity(statement: int, name: str) -> _Entity | None:
        found = entities.get(short.get((statement, variables.get(name, -1)), -1))
        return found if found is not None and found.value.strip() else None

    by_document: dict[int, list[tuple[int, int, int, int | None]]] = {}
    others = 0
    for pk, type_id, document, start, stop, coder in reader.rows(
        "SELECT ID, StatementTypeId, DocumentId, Start, Stop, Coder FROM STATEMENTS ORDER BY ID"
    ):
        if type_id != statement_type:
            others += 1
            continue
        by_document.setdefault(document, []).append((pk, start, stop, coder))

    drafts: list[DocumentDraft] = []
    statements: list[list[_Statement]] = []
    for pk, title, text, coder, author, source, section, notes, kind, date in reader.rows(
        "SELECT ID, Title, Text, Coder, Author, Source, Section, Notes, Type, Date "
        "FROM DOCUMENTS ORDER BY ID"
    ):
        if not isinstance(text, str):
            raise Rejected(f"Document {pk} (“{title}”): its text is not text.")
        raw = by_document.get(pk, [])
        try:
            points = utf16_to_code_points(
                text, {offset for _, start, stop, _ in raw for offset in (start, stop)}
            )
        except Rejected as error:
            raise Rejected(f"Document {pk} (“{title}”): {error}") from error
        normalised, landing = normalise_between(text, set(points.values()))
        metadata: dict[str, Any] = {"dna_document_id": pk}
        for name, value in (("section", section), ("type", kind), ("coder", coders.get(coder))):
            if value:
                metadata[name] = value
        fields: dict[str, Any] = {"metadata": metadata}
        if author:
            fields["author"] = author
        if source:
            fields["source_name"] = source
        if notes:
            fields["notes"] = notes
        if date:
            fields["published_at"] = datetime.datetime.fromtimestamp(int(date), tz=datetime.UTC)
        drafts.append(
            DocumentDraft(
                text=normalised,
                title=title or f"DNA document {pk}",
                fields=fields,
                label=f"Document {pk}",
            )
        )
        document_statements = []
        for statement_pk, start, stop, statement_coder in raw:
            person = entity(statement_pk, "person")
            document_statements.append(
                _Statement(
                    id=statement_pk,
                    document_id=pk,
                    start=landing[points[start]],
                    end=landing[points[stop]],
                    person=person.value if person else "",
                    organisation=entity(statement_pk, "organization"),
                    concept=entity(statement_pk, "concept"),
                    stance=_stance(
                        booleans.get((statement_pk, variables.get("agreement", -1))), scale
                    ),
                    coder=coders.get(statement_coder or 0, ""),
                )
            )
        statements.append(document_statements)
    skipped = (
        f"{counted(others, 'statement')} of other types (not “{STATEMENT_TYPE}”) "
        f"{'was' if others == 1 else 'were'} not imported."
        if others
        else ""
    )
    return drafts, statements, skipped


def _stance(agreement: int | None, scale: bool) -> Stance | None:
    if agreement is None:
        return None
    if not scale:
        return Stance.SUPPORT if agreement else Stance.OPPOSE
    if agreement == 0:
        return Stance.NEUTRAL
    return Stance.SUPPORT if agreement > 0 else Stance.OPPOSE


def parse_dna(data: bytes, filename: str) -> ParsedFile:
    """Read a DNA database into documents, with its statements attached once they are saved."""
    drafts, statements, skipped = _parse(data)
    if not drafts:
        raise Rejected("The DNA database holds no documents.")
    expected = [draft.text for draft in drafts]

    def attach(documents: Sequence[Document | None], created_by: User | None) -> str:
        return _attach_statements(documents, statements, expected, created_by, skipped)

    return ParsedFile(drafts=drafts, encoding="sqlite", after_save=attach)


def _attach_statements(
    documents: Sequence[Document | None],
    statements: list[list[_Statement]],
    expected: list[str],
    created_by: User | None,
    skipped: str,
) -> str:
    project = next((d.project for d in documents if d is not None), None)
    if project is None:
        return "Its statements were not imported again."
    actors = {a.name.lower(): a for a in Actor.objects.filter(project=project)}
    claims = {c.label.lower(): c for c in Claim.objects.filter(project=project)}
    new_actors = new_claims = 0

    def actor_for(found: _Entity) -> Actor:
        nonlocal new_actors
        name = " ".join(found.value.split())
        if name.lower() not in actors:
            notes = "\n".join(
                f"{key} (DNA): {value}" for key, value in found.attributes.items() if key != "Alias"
            )
            aliases = [a.strip() for a in found.attributes.get("Alias", "").split(";") if a.strip()]
            actors[name.lower()] = create_actor(
                project=project,
                name=name,
                created_by=created_by,
                kind=_kind(found, ActorKind.ORGANISATION),
                aliases=aliases,
                colour=found.colour,
                notes=notes,
            )
            new_actors += 1
        return actors[name.lower()]

    def claim_for(found: _Entity) -> Claim:
        nonlocal new_claims
        label = " ".join(found.value.split())
        if label.lower() not in claims:
            parent = found.parent
            claims[label.lower()] = create_claim(
                project=project,
                label=label,
                created_by=created_by,
                description=found.attributes.get("Notes", ""),
                colour=found.colour,
                parent=claim_for(parent) if parent is not None and parent.value.strip() else None,
            )
            new_claims += 1
        return claims[label.lower()]

    items: list[NewAnnotation] = []
    origins: list[int] = []
    passed_over = 0
    for document, text, document_statements in zip(documents, expected, statements, strict=True):
        if document is None:
            passed_over += len(document_statements)
            continue
        if document.text != text:
            raise Rejected(
                f"“{document.title}”: a statement boundary splits a character, so its "
                "offsets cannot be kept exact."
            )
        for statement in document_statements:
            metadata: dict[str, Any] = {"dna_statement_id": statement.id}
            if statement.person:
                metadata["person"] = statement.person
            if statement.coder:
                metadata["coder"] = statement.coder
            items.append(
                NewAnnotation(
                    document=document,
                    start=statement.start,
                    end=statement.end,
                    actor=actor_for(statement.organisation) if statement.organisation else None,
                    claim=claim_for(statement.concept) if statement.concept else None,
                    stance=statement.stance,
                    metadata=metadata,
                )
            )
            origins.append(statement.id)
    try:
        create_annotations(items=items, created_by=created_by)
    except BulkValidationError as error:
        index, problems = next(iter(error.errors.items()))
        details = " ".join(f"{k}: {' '.join(v)}" for k, v in problems.items())
        raise Rejected(f"DNA statement {origins[index]} cannot be kept: {details}") from error
    except ValidationError as error:
        raise Rejected(" ".join(error.messages)) from error
    summary = [
        f"With {counted(len(items), 'statement')}; {counted(new_actors, 'actor')} and "
        f"{counted(new_claims, 'claim')} added to the codebook."
    ]
    if passed_over:
        summary.append(
            f"{counted(passed_over, 'statement')} of documents already in the project "
            f"{'was' if passed_over == 1 else 'were'} not imported again."
        )
    if skipped:
        summary.append(skipped)
    return " ".join(summary)
