"""Writes to annotations and the codebook. The pages, the API and the importers all
call these, so a rule holds the same wherever a change comes from."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from corpus.models import Document, Project

from .models import Actor, ActorKind, Annotation, Claim, Stance

#: The fields of an annotation that a user may change.
EDITABLE_FIELDS = ("start", "end", "quote", "actor", "claim", "stance", "note")


class StaleVersion(Exception):
    """The annotation changed since the caller read it; ``current`` is what it is now."""

    def __init__(self, current: Annotation):
        self.current = current
        super().__init__(
            f"This annotation was changed by someone else (now version {current.version}); "
            "reload it and apply your change again."
        )


class BulkValidationError(ValidationError):
    """Some items of a batch are invalid; ``errors`` maps each bad item's index to its errors."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        self.errors = errors
        super().__init__(f"{len(errors)} of the items are invalid; nothing was saved.")


@dataclass
class NewAnnotation:
    """One annotation to create, as an importer or a bulk request describes it."""

    document: Document
    start: Any
    end: Any
    quote: str | None = None
    actor: Actor | None = None
    claim: Claim | None = None
    stance: str | None = None
    note: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_span(text: str, start: Any, end: Any, quote: str | None) -> dict[str, list[str]]:
    """Every reason why ``text[start:end]`` is not a valid passage quoting ``quote``."""
    errors: dict[str, list[str]] = {}
    if not _is_int(start):
        errors["start"] = ["start must be a whole number of characters."]
    if not _is_int(end):
        errors["end"] = ["end must be a whole number of characters."]
    if errors:
        return errors
    length = len(text)
    if start < 0:
        errors["start"] = ["start cannot be negative; offsets count from 0."]
    elif start >= length:
        errors["start"] = [f"start {start} is outside the document, which has {length} characters."]
    if end > length:
        errors["end"] = [f"end {end} is past the end of the document ({length} characters)."]
    elif end <= start:
        errors["end"] = [
            f"end ({end}) must be greater than start ({start}): "
            "a passage covers at least one character."
        ]
    if not errors and quote is not None and text[start:end] != quote:
        errors["quote"] = [
            f"The quote does not match the document at {start}–{end}, "
            f"where the text reads {text[start:end]!r}."
        ]
    return errors


def _check_tags(
    document: Document, actor: Actor | None, claim: Claim | None, stance: Any
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if actor is not None and actor.project_id != document.project_id:
        errors["actor"] = ["This actor belongs to another project's codebook."]
    if claim is not None and claim.project_id != document.project_id:
        errors["claim"] = ["This claim belongs to another project's codebook."]
    if stance is not None and stance not in Stance.values:
        errors["stance"] = [
            f"{stance!r} is not a stance; use one of support, oppose, neutral (or none)."
        ]
    return errors


def _validated(item: NewAnnotation, created_by: User | None) -> Annotation:
    errors = check_span(item.document.text, item.start, item.end, item.quote)
    errors.update(_check_tags(item.document, item.actor, item.claim, item.stance))
    if errors:
        raise ValidationError(errors)
    annotation = Annotation(
        document=item.document,
        start=item.start,
        end=item.end,
        quote=item.document.text[item.start : item.end],
        actor=item.actor,
        claim=item.claim,
        stance=item.stance or None,
        note=item.note or "",
        metadata=item.metadata or {},
        created_by=created_by,
    )
    annotation._history_user = created_by  # type: ignore[attr-defined]
    annotation._change_reason = "created"  # type: ignore[attr-defined]
    return annotation


def create_annotation(
    *,
    document: Document,
    start: int,
    end: int,
    created_by: User | None,
    quote: str | None = None,
    actor: Actor | None = None,
    claim: Claim | None = None,
    stance: str | None = None,
    note: str = "",
    metadata: dict[str, Any] | None = None,
) -> Annotation:
    """Highlight ``document.text[start:end]``, optionally tagged.

    Offsets are code points. A given ``quote`` must equal the passage; the stored quote
    is always the one computed from the text. The actor and claim must belong to the
    document's project. Raises ``ValidationError`` field by field and writes nothing.
    """
    annotation = _validated(
        NewAnnotation(
            document=document,
            start=start,
            end=end,
            quote=quote,
            actor=actor,
            claim=claim,
            stance=stance,
            note=note,
            metadata=metadata or {},
        ),
        created_by,
    )
    database = router.db_for_write(Annotation)
    if connections[database].vendor == "postgresql":
        _insert_with_history(annotation, created_by, database)
    else:
        with transaction.atomic(using=database):
            annotation.save()
    return annotation


def create_annotations(
    *, items: Sequence[NewAnnotation], created_by: User | None
) -> list[Annotation]:
    """Create many annotations at once, all or nothing.

    Raises :class:`BulkValidationError` naming every bad item by its index.
    """
    annotations: list[Annotation] = []
    errors: dict[int, dict[str, list[str]]] = {}
    for index, item in enumerate(items):
        try:
            annotations.append(_validated(item, created_by))
        except ValidationError as error:
            errors[index] = error.message_dict
    if errors:
        raise BulkValidationError(errors)
    database = router.db_for_write(Annotation)
    with transaction.atomic(using=database):
        if connections[database].vendor == "postgresql":
            _copy_with_history(annotations, created_by, database)
            return annotations
        return bulk_create_with_history(
            annotations,
            Annotation,
            batch_size=1000,
            default_user=created_by,
            default_change_reason="created",
        )


@functools.cache
def _history_layout() -> tuple[Any, list[Any], list[Any]]:
    """The history model, the annotation's fields and the history record's fields."""
    history = Annotation.history.model  # type: ignore[attr-defined]
    fields = list(Annotation._meta.concrete_fields)
    history_fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    record = {"history_date", "history_change_reason", "history_type", "history_user_id"}
    unknown = [
        f.attname for f in history_fields if f.attname not in record | {f.attname for f in fields}
    ]
    if unknown:  # a new history field would need a value in _CreatedRows.record
        raise RuntimeError(f"No value for the history columns {unknown}")
    return history, fields, history_fields


class _CreatedRows:
    """How new annotations and their "created" history records map onto columns, for
    the PostgreSQL paths that write both without the ORM: the same rows that ``save()``
    and simple_history's ``post_save`` write, in one round trip or one COPY."""

    def __init__(self, created_by: User | None, database: str):
        self.connection = connections[database]
        self.now = timezone.now()
        # History columns: the annotation's own (all but updated_at), then the record's.
        self.record = {
            "history_date": self.now,
            "history_change_reason": "created",
            "history_type": "+",
            "history_user_id": created_by.pk if created_by is not None else None,
        }
        self.history, self.fields, self.history_fields = _history_layout()

    def quote(self, name: str) -> str:
        return self.connection.ops.quote_name(name)

    def columns(self, model_fields: list[Any]) -> str:
        return ", ".join(self.quote(str(f.column)) for f in model_fields)

    def saved(self, annotation: Annotation, pk: int) -> None:
        annotation.pk = pk
        annotation.created_at = annotation.updated_at = self.now
        annotation._state.adding = False
        annotation._state.db = self.connection.alias


def _insert_with_history(annotation: Annotation, created_by: User | None, database: str) -> None:
    """PostgreSQL: write one new annotation and its history record in one statement
    (a data-modifying WITH), where ``save()`` and simple_history take four round trips
    (BEGIN, two INSERTs, COMMIT). A single statement is atomic by itself."""
    rows = _CreatedRows(created_by, database)
    annotation.created_at = annotation.updated_at = rows.now
    own = [f for f in rows.fields if not f.primary_key]
    selected = []
    params: list[Any] = [
        f.get_db_prep_save(getattr(annotation, f.attname), rows.connection) for f in own
    ]
    for f in rows.history_fields:
        if f.attname in rows.record:
            selected.append("%s")
            params.append(rows.record[f.attname])
        else:
            selected.append(f"new.{rows.quote(f.column)}")
    table, history_table = Annotation._meta.db_table, rows.history._meta.db_table
    sql = (
        f"WITH new AS (INSERT INTO {rows.quote(table)} ({rows.columns(own)}) "
        f"VALUES ({', '.join(['%s'] * len(own))}) RETURNING *) "
        f"INSERT INTO {rows.quote(history_table)} ({rows.columns(rows.history_fields)}) "
        f"SELECT {', '.join(selected)} FROM new RETURNING {rows.quote('id')}"
    )
    with rows.connection.cursor() as cursor:
        cursor.execute(sql, params)
        (pk,) = cursor.fetchone()
    rows.saved(annotation, pk)


def _copy_with_history(
    annotations: list[Annotation], created_by: User | None, database: str
) -> None:
    """PostgreSQL: write new annotations and their history records ("+", "created", by
    ``created_by``) with COPY, the same rows that ``bulk_create_with_history`` writes but
    in about a third of the time; Django building INSERT statements was most of the cost.

    COPY returns no ids, so one query reserves them from the table's sequence first.
    The caller's transaction makes it all or nothing.
    """
    if not annotations:
        return
    rows = _CreatedRows(created_by, database)

    def value(field: Any, annotation: Annotation) -> Any:
        if field.attname in rows.record:
            return rows.record[field.attname]
        raw = getattr(annotation, field.attname)
        if isinstance(field, models.JSONField):
            return json.dumps(raw, cls=field.encoder)
        return raw

    with rows.connection.cursor() as cursor, rows.connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Annotation._meta.db_table, len(annotations)],
        )
        for annotation, (pk,) in zip(annotations, cursor.fetchall(), strict=True):
            rows.saved(annotation, pk)
        for model_fields, name in (
            (rows.fields, Annotation._meta.db_table),
            (rows.history_fields, rows.history._meta.db_table),
        ):
            columns = rows.columns(model_fields)
            with cursor.cursor.copy(f"COPY {rows.quote(name)} ({columns}) FROM STDIN") as copy:
                for annotation in annotations:
                    copy.write_row([value(f, annotation) for f in model_fields])


def check_annotations(*, items: Sequence[NewAnnotation]) -> dict[int, dict[str, list[str]]]:
    """Every bad item of a batch by its index, without saving anything."""
    errors: dict[int, dict[str, list[str]]] = {}
    for index, item in enumerate(items):
        try:
            _validated(item, None)
        except ValidationError as error:
            errors[index] = error.message_dict
    return errors


def _locked(annotation: Annotation, expected_version: int | None) -> Annotation:
    current = (
        Annotation.objects.select_for_update()
        .select_related("document")
        .defer("document__original")  # the uploaded bytes, which no check needs
        .get(pk=annotation.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(current)
    return current


def update_annotation(
    *,
    annotation: Annotation,
    updated_by: User | None,
    expected_version: int | None = None,
    **changes: Any,
) -> Annotation:
    """Change an annotation's passage or tags and bump its version.

    With ``expected_version``, refuses (:class:`StaleVersion`) when someone else saved
    in between, so that no change is silently overwritten.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    with transaction.atomic():
        current = _locked(annotation, expected_version)
        if current.deleted_at is not None:
            raise ValidationError(
                {"non_field_errors": ["This annotation is in the trash; restore it first."]}
            )
        start = changes.get("start", current.start)
        end = changes.get("end", current.end)
        span_moved = "start" in changes or "end" in changes
        quote = changes.get("quote") if ("quote" in changes or span_moved) else None
        errors = check_span(current.document.text, start, end, quote)
        errors.update(
            _check_tags(
                current.document,
                changes.get("actor", current.actor),
                changes.get("claim", current.claim),
                changes.get("stance", current.stance) or None,
            )
        )
        if errors:
            raise ValidationError(errors)
        for name, value in changes.items():
            if name == "stance":
                value = value or None
            elif name == "note":
                value = value or ""
            if name != "quote":
                setattr(current, name, value)
        current.quote = current.document.text[start:end]
        current.version += 1
        current._history_user = updated_by  # type: ignore[attr-defined]
        current._change_reason = "updated"  # type: ignore[attr-defined]
        current.save()
    return current


def trash_annotation(
    *,
    annotation: Annotation,
    trashed_by: User | None,
    expected_version: int | None = None,
) -> Annotation:
    """Move an annotation to the trash; it leaves every list but can be restored."""
    with transaction.atomic():
        current = _locked(annotation, expected_version)
        if current.deleted_at is not None:
            return current
        current.deleted_at = timezone.now()
        current.deleted_by = trashed_by  # type: ignore[assignment]
        current.version += 1
        current._history_user = trashed_by  # type: ignore[attr-defined]
        current._change_reason = "trashed"  # type: ignore[attr-defined]
        current.save()
    return current


def restore_annotation(*, annotation: Annotation, restored_by: User | None) -> Annotation:
    """Bring an annotation back from the trash."""
    with transaction.atomic():
        current = _locked(annotation, None)
        if current.deleted_at is None:
            return current
        current.deleted_at = None
        current.deleted_by = None
        current.version += 1
        current._history_user = restored_by  # type: ignore[attr-defined]
        current._change_reason = "restored"  # type: ignore[attr-defined]
        current.save()
    return current


def annotation_text_lock(document: Document) -> str | None:
    """Text lock for the corpus: annotations' offsets count into the text."""
    count = Annotation.objects.filter(document=document).count()
    if count:
        return (
            f"The text cannot change: {count} annotation(s), trashed ones included, "
            "point into it by offset."
        )
    return None


def history_of(annotation: Annotation | Actor | Claim) -> Iterable[dict[str, Any]]:
    """An annotation's or codebook entry's history, newest first: who, when, what, and
    the fields changed."""
    records = list(annotation.history.select_related("history_user").order_by("-history_id"))
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changes = []
        if previous is not None:
            changes = [
                {"field": c.field, "before": c.old, "after": c.new}
                for c in record.diff_against(previous).changes
            ]
        yield {
            "when": record.history_date,
            "who": record.history_user,
            "what": record.history_change_reason or record.get_history_type_display(),
            "changes": changes,
        }


# The codebook --------------------------------------------------------------------------

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _clean_codebook_text(value: str, field: str, label: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field: [f"{label} cannot be empty."]})
    if len(value) > limit:
        raise ValidationError({field: [f"{label} has at most {limit} characters."]})
    return value


COLOUR_ERROR = "Give a colour as #rrggbb, for example #1a56a7."


def _check_colour(colour: str) -> None:
    if colour and not _COLOUR.match(colour):
        raise ValidationError({"colour": [COLOUR_ERROR]})


def _save_entry(entry: Actor | Claim, user: User | None, reason: str) -> None:
    entry._history_user = user  # type: ignore[union-attr]
    entry._change_reason = reason  # type: ignore[union-attr]
    entry.save()


def _check_actor(actor: Actor) -> None:
    actor.name = _clean_codebook_text(actor.name, "name", "An actor's name", 200)
    if actor.kind not in ActorKind.values:
        raise ValidationError(
            {"kind": [f"{actor.kind!r} is not a kind; use one of {', '.join(ActorKind.values)}."]}
        )
    _check_colour(actor.colour)
    if not isinstance(actor.aliases, list) or not all(isinstance(a, str) for a in actor.aliases):
        raise ValidationError({"aliases": ["Aliases must be a list of names."]})
    actor.aliases = list(dict.fromkeys(a.strip() for a in actor.aliases if a.strip()))
    clash = Actor.objects.filter(project=actor.project_id, name__iexact=actor.name).exclude(
        pk=actor.pk
    )
    if clash.exists():
        raise ValidationError(
            {"name": [f"The codebook already has an actor named “{actor.name}”."]}
        )
    _check_alias_clashes(actor)
    if actor.affiliation is not None:
        if actor.affiliation.project_id != actor.project_id:
            raise ValidationError({"affiliation": ["The affiliation belongs to another project."]})
        seen: set[int | None] = {actor.pk}
        current: Actor | None = actor.affiliation
        while current is not None:
            if current.pk in seen:
                raise ValidationError(
                    {"affiliation": ["An actor cannot be affiliated with itself."]}
                )
            seen.add(current.pk)
            current = current.affiliation


def _check_alias_clashes(actor: Actor) -> None:
    """A name or alias may stand for one actor only, or the reader could not tell which
    actor a typed name means."""
    owners: dict[str, str] = {}
    others = Actor.objects.filter(project=actor.project_id).exclude(pk=actor.pk)
    for name, aliases in others.values_list("name", "aliases"):
        for known in [name, *(aliases or [])]:
            owners.setdefault(known.casefold(), name)
    errors: dict[str, list[str]] = {}
    if (owner := owners.get(actor.name.casefold())) is not None:
        errors["name"] = [f"“{actor.name}” is already an alias of “{owner}”."]
    taken = [f"“{a}” ({owners[a.casefold()]})" for a in actor.aliases if a.casefold() in owners]
    if taken:
        errors["aliases"] = [f"Already another actor's name or alias: {', '.join(taken)}."]
    if errors:
        raise ValidationError(errors)


def _check_claim(claim: Claim) -> None:
    claim.label = _clean_codebook_text(claim.label, "label", "A claim's label", 300)
    _check_colour(claim.colour)
    clash = Claim.objects.filter(project=claim.project_id, label__iexact=claim.label).exclude(
        pk=claim.pk
    )
    if clash.exists():
        raise ValidationError({"label": [f"The codebook already has the claim “{claim.label}”."]})
    if claim.parent is not None:
        if claim.parent.project_id != claim.project_id:
            raise ValidationError({"parent": ["The parent claim belongs to another project."]})
        seen: set[int | None] = {claim.pk}
        current: Claim | None = claim.parent
        while current is not None:
            if current.pk in seen:
                raise ValidationError({"parent": ["A claim cannot be its own ancestor."]})
            seen.add(current.pk)
            current = current.parent


def create_actor(
    *,
    project: Project,
    name: str,
    created_by: User | None,
    kind: str = ActorKind.OTHER,
    aliases: Sequence[str] = (),
    affiliation: Actor | None = None,
    colour: str = "",
    notes: str = "",
) -> Actor:
    """Add an actor to a project's codebook; names are unique in a project, ignoring case."""
    actor = Actor(
        project=project,
        name=name,
        kind=kind,
        aliases=list(aliases),
        affiliation=affiliation,
        colour=colour,
        notes=notes,
    )
    with transaction.atomic():
        _check_actor(actor)
        _save_entry(actor, created_by, "created")
    return actor


def update_actor(*, actor: Actor, updated_by: User | None, **changes: Any) -> Actor:
    """Change an actor's name, kind, aliases, affiliation, colour or notes."""
    allowed = {"name", "kind", "aliases", "affiliation", "colour", "notes"}
    return _update_entry(actor, changes, allowed, _check_actor, updated_by)


def create_claim(
    *,
    project: Project,
    label: str,
    created_by: User | None,
    description: str = "",
    parent: Claim | None = None,
    colour: str = "",
) -> Claim:
    """Add a claim to a project's codebook; labels are unique in a project, ignoring case."""
    claim = Claim(
        project=project, label=label, description=description, parent=parent, colour=colour
    )
    with transaction.atomic():
        _check_claim(claim)
        _save_entry(claim, created_by, "created")
    return claim


def update_claim(*, claim: Claim, updated_by: User | None, **changes: Any) -> Claim:
    """Change a claim's label, description, parent or colour."""
    allowed = {"label", "description", "parent", "colour"}
    return _update_entry(claim, changes, allowed, _check_claim, updated_by)


def _update_entry(
    entry: Any, changes: dict[str, Any], allowed: set[str], check: Any, user: User | None
) -> Any:
    """Apply ``changes`` (of the ``allowed`` fields) to a codebook entry, ``check`` it and
    save it with its history record. Refuses any other field or a change that fails the
    check, and then writes nothing and leaves ``entry`` as it was."""
    if unknown := set(changes) - allowed:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    try:
        with transaction.atomic():
            for name, value in changes.items():
                setattr(entry, name, value)
            check(entry)
            _save_entry(entry, user, "updated")
    except ValidationError:
        entry.refresh_from_db(fields=list(changes))  # refused: the entry is as it was
        raise
    return entry


def _ancestors(entry: Actor | Claim, link: str) -> list[Actor | Claim]:
    """The chain of affiliations (actors) or parents (claims) above an entry."""
    chain: list[Actor | Claim] = []
    current = getattr(entry, link)
    while current is not None and current not in chain:
        chain.append(current)
        current = getattr(current, link)
    return chain


def _check_merge(source: Actor | Claim, target: Actor | Claim, noun: str) -> None:
    if source.pk == target.pk:
        raise ValidationError(
            {"target": [f"Choose another {noun}: an entry cannot merge into itself."]}
        )
    if source.project_id != target.project_id:
        raise ValidationError(
            {"target": [f"The {noun} to merge into belongs to another project's codebook."]}
        )


def _repoint_annotations(
    *, field: str, source: Actor | Claim, target: Actor | Claim, user: User | None, reason: str
) -> int:
    """Point every annotation (trashed ones included) of ``source`` at ``target``.

    One UPDATE and a batched insert of history records, however many annotations
    there are. Versions go up so that a form opened before the merge is refused
    rather than silently putting the old entry back.
    """
    annotations = list(Annotation.objects.select_for_update().filter(**{field: source}))
    if not annotations:
        return 0
    now = timezone.now()
    # The rows are locked, so the same filter matches exactly the rows just read.
    Annotation.objects.filter(**{field: source}).update(
        **{field: target}, version=F("version") + 1, updated_at=now
    )
    for annotation in annotations:
        setattr(annotation, field, target)
        annotation.version += 1
        annotation.updated_at = now
    Annotation.history.bulk_history_create(  # type: ignore[attr-defined]
        annotations,
        batch_size=500,
        update=True,
        default_user=user,
        default_change_reason=reason,
        default_date=now,
    )
    return len(annotations)


def _repoint_entries(
    entries: list[Actor] | list[Claim],
    model: type[Actor] | type[Claim],
    field: str,
    value: Actor | Claim | None,
    user: User | None,
    reason: str,
) -> None:
    if not entries:
        return
    for entry in entries:
        setattr(entry, field, value)
    bulk_update_with_history(
        entries, model, [field], default_user=user, default_change_reason=reason
    )


def _locked_entry(model: type[Any], pk: int, noun: str) -> Any:
    entry = model.objects.select_for_update().filter(pk=pk).first()
    if entry is None:
        # Someone merged or deleted it a moment ago.
        raise ValidationError({"non_field_errors": [f"This {noun} no longer exists."]})
    return entry


@dataclass
class MergeResult:
    """What a merge changed, for the message shown to the user."""

    target: Actor | Claim
    annotations: int
    entries: int


def merge_actors(*, source: Actor, target: Actor, merged_by: User | None) -> MergeResult:
    """Merge actor ``source`` into ``target`` and delete ``source``.

    Its annotations (trashed ones included) and the actors affiliated with it move to
    ``target``; its name and aliases become aliases of ``target``. Every changed row
    gets a history record that names the merge.
    """

    def absorb(source: Actor, target: Actor) -> None:
        folded = {target.name.casefold()}
        aliases = []
        for alias in [*target.aliases, source.name, *source.aliases]:
            if alias.casefold() not in folded:
                folded.add(alias.casefold())
                aliases.append(alias)
        target.aliases = aliases

    return _merge(Actor, "actor", "affiliation", source, target, merged_by, absorb)


def merge_claims(*, source: Claim, target: Claim, merged_by: User | None) -> MergeResult:
    """Merge claim ``source`` into ``target`` and delete ``source``.

    Its annotations (trashed ones included) move to ``target`` and its sub-claims are
    re-parented to ``target``; every changed row gets a history record naming the merge.
    """

    def absorb(source: Claim, target: Claim) -> None:
        if not target.description and source.description:
            target.description = source.description

    return _merge(Claim, "claim", "parent", source, target, merged_by, absorb)


def _merge(
    model: Any,
    noun: str,
    link: str,
    source: Any,
    target: Any,
    merged_by: User | None,
    absorb: Any,
) -> MergeResult:
    """Merge codebook entry ``source`` into ``target``: annotations and the entries linked
    under it (by ``link``: affiliation, parent) move over, ``absorb`` takes over what is
    particular to the kind of entry, and ``source`` is deleted, all with history."""
    _check_merge(source, target, noun)
    reason = f"merged {noun} “{source}” into “{target}”"
    with transaction.atomic():
        source = _locked_entry(model, source.pk, noun)
        target = (
            model.objects.select_for_update(of=("self",)).select_related(link).get(pk=target.pk)
        )
        count = _repoint_annotations(
            field=noun, source=source, target=target, user=merged_by, reason=reason
        )
        # A target that sat under the source moves up to the source's own place, so that
        # nothing ends up linked to itself.
        if any(entry.pk == source.pk for entry in _ancestors(target, link)):
            above = getattr(source, f"{link}_id")
            setattr(target, link, getattr(source, link) if above != target.pk else None)
        linked = list(model.objects.filter(**{link: source}).exclude(pk=target.pk))
        _repoint_entries(linked, model, link, target, merged_by, reason)
        absorb(source, target)
        if not target.colour and source.colour:
            target.colour = source.colour
        _save_entry(target, merged_by, reason)
        source._history_user = merged_by
        source._change_reason = reason
        source.delete()
    return MergeResult(target=target, annotations=count, entries=len(linked))


def _delete_entry(entry: Actor | Claim, noun: str, link: str, user: User | None) -> None:
    used = Annotation.objects.filter(**{noun: entry}).count()
    if used:
        raise ValidationError(
            {
                "non_field_errors": [
                    f"“{entry}” is used by {used} annotation(s), trashed ones included; "
                    f"merge it into another {noun} instead, so that no annotation loses it."
                ]
            }
        )
    reason = f"deleted {noun} “{entry}”"
    model = type(entry)
    dependants: list[Any] = list(model.objects.filter(**{link: entry}))  # type: ignore[attr-defined]
    _repoint_entries(dependants, model, link, None, user, reason)
    entry._history_user = user  # type: ignore[union-attr]
    entry._change_reason = reason  # type: ignore[union-attr]
    entry.delete()


def delete_actor(*, actor: Actor, deleted_by: User | None) -> None:
    """Delete an actor no annotation uses; actors affiliated with it lose the affiliation."""
    with transaction.atomic():
        _delete_entry(actor, "actor", "affiliation", deleted_by)


def delete_claim(*, claim: Claim, deleted_by: User | None) -> None:
    """Delete a claim no annotation uses; its sub-claims move to the top level."""
    with transaction.atomic():
        _delete_entry(claim, "claim", "parent", deleted_by)


def empty_trash(*, project: Project, emptied_by: User | None) -> int:
    """Delete the project's trashed annotations for good; their history stays.

    Each deletion is recorded in the annotation's history with who emptied the trash.
    """
    reason = "deleted for good when the trash was emptied"
    with transaction.atomic():
        trashed = list(
            Annotation.objects.select_for_update(of=("self",))
            .trashed()
            .filter(document__project=project)
        )
        if any(
            relation.on_delete is not models.DO_NOTHING
            for relation in Annotation._meta.related_objects
        ):
            # Something else hangs off annotations: let Django's deletion collector
            # cascade, one annotation at a time (each records its own history).
            for annotation in trashed:
                annotation._history_user = emptied_by  # type: ignore[attr-defined]
                annotation._change_reason = reason  # type: ignore[attr-defined]
                annotation.delete()
            return len(trashed)
        historical = Annotation.history.model  # type: ignore[attr-defined]
        now = timezone.now()
        records = []
        for annotation in trashed:
            record = historical(
                history_date=now,
                history_user=emptied_by,
                history_change_reason=reason,
                history_type="-",
                **{f.attname: getattr(annotation, f.attname) for f in historical.tracked_fields},
            )
            records.append(record)
        historical.objects.bulk_create(records, batch_size=500)
        # Nothing references annotations (checked above) and the history is written,
        # so the rows go in plain batched DELETEs instead of one per annotation.
        ids = [annotation.pk for annotation in trashed]
        for start in range(0, len(ids), 500):
            Annotation.objects.filter(pk__in=ids[start : start + 500])._raw_delete(  # type: ignore[attr-defined]
                Annotation.objects.db
            )
    return len(trashed)


def save_annotation(
    *,
    document: Document,
    user: User | None,
    start: int,
    end: int,
    annotation: Annotation | None = None,
    expected_version: int | None = None,
    quote: str | None = None,
    actor: Actor | None = None,
    claim: Claim | None = None,
    stance: str | None = None,
    note: str = "",
    new_actor_name: str = "",
    new_claim_name: str = "",
) -> Annotation:
    """Create (or, given ``annotation``, retag) an annotation as the reader's form sends it.

    A ``new_actor_name`` or ``new_claim_name`` adds that entry to the project's codebook
    and tags the annotation with it. All or nothing: when the annotation is refused,
    the new codebook entries are not kept either. An update keeps the passage and
    honours ``expected_version`` (:class:`StaleVersion`).
    """
    with transaction.atomic():
        if new_actor_name:
            actor = create_actor(project=document.project, name=new_actor_name, created_by=user)
        if new_claim_name:
            claim = create_claim(project=document.project, label=new_claim_name, created_by=user)
        if annotation is None:
            return create_annotation(
                document=document,
                start=start,
                end=end,
                quote=quote,
                created_by=user,
                actor=actor,
                claim=claim,
                stance=stance or None,
                note=note,
            )
        return update_annotation(
            annotation=annotation,
            updated_by=user,
            expected_version=expected_version,
            actor=actor,
            claim=claim,
            stance=stance or None,
            note=note,
        )
