"""Writes to the codebook: actors and claims, created, changed, merged and deleted,
each change with its history record."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_update_with_history, get_history_manager_for_model

from corpus.characters import text_problem
from corpus.models import Project
from corpus.words import counted

from ..models import Actor, ActorKind, Annotation, Claim
from ..names import name_key, names_of
from .history import note_change

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _clean_codebook_text(value: str, field: str, label: str, limit: int) -> str:
    """A name or label with its runs of whitespace (tabs and line breaks too) made one
    space; refused when empty, too long, or holding any other invisible character."""
    if problem := text_problem(value or ""):
        raise ValidationError({field: [f"{label} is refused. {problem}"]})
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field: [f"{label} cannot be empty."]})
    if len(value) > limit:
        raise ValidationError({field: [f"{label} has at most {limit} characters."]})
    return value


def _check_free_text(entry: Actor | Claim, field: str) -> None:
    """Notes and descriptions may run over lines, but hold no other invisible character."""
    if problem := text_problem(getattr(entry, field) or ""):
        raise ValidationError({field: [problem]})


COLOUR_ERROR = "Give a colour as #rrggbb, for example #1a56a7."


def _check_colour(colour: str) -> None:
    if colour and not _COLOUR.match(colour):
        raise ValidationError({"colour": [COLOUR_ERROR]})


def _save_entry(entry: Actor | Claim, user: User | None, reason: str) -> None:
    note_change(entry, user, reason)
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
    for number, alias in enumerate(actor.aliases, start=1):
        if problem := text_problem(alias):
            raise ValidationError({"aliases": [f"Alias {number} is refused. {problem}"]})
    actor.aliases = list(dict.fromkeys(" ".join(a.split()) for a in actor.aliases if a.strip()))
    _check_free_text(actor, "notes")
    clash = Actor.objects.filter(project=actor.project_id, name__iexact=actor.name).exclude(
        pk=actor.pk
    )
    if clash.exists():
        raise ValidationError(
            {"name": [f"The codebook already has an actor named “{actor.name}”."]}
        )
    _check_alias_clashes(actor)
    _check_link(
        actor,
        "affiliation",
        foreign="The affiliation belongs to another project.",
        cycle="An actor cannot be affiliated with itself.",
    )


def _check_link(entry: Actor | Claim, link: str, *, foreign: str, cycle: str) -> None:
    """The entry above ``entry`` by ``link`` (an actor's affiliation, a claim's parent)
    is of the same project, and neither ``entry`` nor one below it."""
    above = getattr(entry, link)
    if above is None:
        return
    if above.project_id != entry.project_id:
        raise ValidationError({link: [foreign]})
    seen: set[int | None] = {entry.pk}
    current = above
    while current is not None:
        if current.pk in seen:
            raise ValidationError({link: [cycle]})
        seen.add(current.pk)
        current = getattr(current, link)


def _check_alias_clashes(actor: Actor) -> None:
    """A name or alias may stand for one actor only, or the reader could not tell which
    actor a typed name means."""
    owners: dict[str, str] = {}
    others = Actor.objects.filter(project=actor.project_id).exclude(pk=actor.pk)
    for name, aliases in others.values_list("name", "aliases"):
        for known in names_of(name, aliases):
            owners.setdefault(name_key(known), name)
    errors: dict[str, list[str]] = {}
    if (owner := owners.get(name_key(actor.name))) is not None:
        errors["name"] = [f"“{actor.name}” is already an alias of “{owner}”."]
    taken = [f"“{a}” ({owners[name_key(a)]})" for a in actor.aliases if name_key(a) in owners]
    if taken:
        errors["aliases"] = [f"Already another actor's name or alias: {', '.join(taken)}."]
    if errors:
        raise ValidationError(errors)


def _check_claim(claim: Claim) -> None:
    claim.label = _clean_codebook_text(claim.label, "label", "A claim's label", 300)
    _check_free_text(claim, "description")
    _check_colour(claim.colour)
    clash = Claim.objects.filter(project=claim.project_id, label__iexact=claim.label).exclude(
        pk=claim.pk
    )
    if clash.exists():
        raise ValidationError({"label": [f"The codebook already has the claim “{claim.label}”."]})
    _check_link(
        claim,
        "parent",
        foreign="The parent claim belongs to another project.",
        cycle="A claim cannot be its own ancestor.",
    )


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
    get_history_manager_for_model(Annotation).bulk_history_create(
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
    """Point ``entries`` (affiliated actors, sub-claims) at ``value``, in batched UPDATEs
    with their history records; ``updated_at`` moves as ``save()`` would move it."""
    if not entries:
        return
    now = timezone.now()
    for entry in entries:
        setattr(entry, field, value)
        entry.updated_at = now
    bulk_update_with_history(
        entries,
        model,
        [field, "updated_at"],
        default_user=user,
        default_change_reason=reason,
        default_date=now,
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
        note_change(source, merged_by, reason)
        source.delete()
    return MergeResult(target=target, annotations=count, entries=len(linked))


def _delete_entry(entry: Actor | Claim, noun: str, link: str, user: User | None) -> None:
    used = Annotation.objects.filter(**{noun: entry}).count()
    if used:
        raise ValidationError(
            {
                "non_field_errors": [
                    f"“{entry}” is used by {counted(used, 'annotation')}, trashed ones included; "
                    f"merge it into another {noun} instead, so that no annotation loses it."
                ]
            }
        )
    reason = f"deleted {noun} “{entry}”"
    model = type(entry)
    dependants: list[Any] = list(model.objects.filter(**{link: entry}))  # type: ignore[attr-defined]
    _repoint_entries(dependants, model, link, None, user, reason)
    note_change(entry, user, reason)
    entry.delete()


def delete_actor(*, actor: Actor, deleted_by: User | None) -> None:
    """Delete an actor no annotation uses; actors affiliated with it lose the affiliation."""
    with transaction.atomic():
        _delete_entry(actor, "actor", "affiliation", deleted_by)


def delete_claim(*, claim: Claim, deleted_by: User | None) -> None:
    """Delete a claim no annotation uses; its sub-claims move to the top level."""
    with transaction.atomic():
        _delete_entry(claim, "claim", "parent", deleted_by)
