"""The statements behind one node or one tie of a discourse network.

A node's statements are its actor's or its claim's; an affiliation tie's are the actor's
statements on the claim. A one-mode tie between two actors rests on the claims both
spoke about, and on those only through the pairs of stances that count for the network:
any pair for co-occurrence, stances that are not opposite for congruence (the same
stance, or neutral against either) and different stances for conflict. The statements
behind it are each actor's statements that take part in such a pair.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import cast

from django.db.models import QuerySet

from corpus.models import Project

from .models import Actor, Annotation, Claim
from .networks import SCALE, NetworkOptions, statements_for

NODE_ID = re.compile(r"(actor|claim)-([1-9][0-9]{0,17})")
#: A list shows at most this many statements; the count says how many there are.
LIMIT = 200
ORDER = ("document__published_at", "document_id", "start", "id")


class SelectionError(ValueError):
    """A node or tie that cannot be in the network: its message says why."""


@dataclass
class Behind:
    """What the page lists for a selection."""

    title: str
    statements: list[Annotation]
    total: int


def parse_node_id(value: str) -> tuple[str, int]:
    """("actor", 12) from "actor-12"; SelectionError for anything else."""
    match = NODE_ID.fullmatch(value or "")
    if match is None:
        raise SelectionError(f"'{value}' is not a node; nodes are 'actor-<id>' or 'claim-<id>'.")
    return match[1], int(match[2])


def _entry(project: Project, mode: str, pk: int) -> Actor | Claim:
    """The project's actor or claim; Actor.DoesNotExist / Claim.DoesNotExist otherwise."""
    model: type[Actor] | type[Claim] = Actor if mode == "actor" else Claim
    return model.objects.filter(project=project).get(pk=pk)


def _listed(statements: QuerySet[Annotation]) -> tuple[list[Annotation], int]:
    ordered = statements.select_related("document", "actor", "claim").order_by(*ORDER)
    shown = list(ordered[: LIMIT + 1])
    total = len(shown) if len(shown) <= LIMIT else statements.count()
    return shown[:LIMIT], total


def _counts_for(kind: str, x: str, y: str) -> bool:
    if kind == "congruence":
        return abs(SCALE[x] - SCALE[y]) < 2
    if kind == "conflict":
        return x != y
    return True


def node_statements(*, project: Project, options: NetworkOptions, node: str) -> Behind:
    """The statements behind a node, with the network's filters."""
    mode, pk = parse_node_id(node)
    entry = _entry(project, mode, pk)
    statements = statements_for(project, options).filter(**{f"{mode}_id": pk})
    shown, total = _listed(statements)
    return Behind(str(entry), shown, total)


def tie_statements(
    *, project: Project, options: NetworkOptions, source: str, target: str
) -> Behind:
    """The statements behind the tie between two nodes, with the network's filters."""
    ends = sorted([parse_node_id(source), parse_node_id(target)])
    modes = [mode for mode, _ in ends]
    if options.one_mode and modes != ["actor", "actor"]:
        raise SelectionError(f"A tie of a {options.kind} network joins two actors.")
    if not options.one_mode and modes != ["actor", "claim"]:
        raise SelectionError("A tie of an affiliation network joins an actor and a claim.")
    if ends[0] == ends[1]:
        raise SelectionError("A tie joins two different actors.")
    first, second = (_entry(project, mode, pk) for mode, pk in ends)
    statements = statements_for(project, options)
    if not options.one_mode:
        statements = statements.filter(actor_id=first.pk, claim_id=second.pk)
        return Behind(f"{first} on “{second}”", *_listed(statements))
    pair = statements.filter(actor_id__in=[first.pk, second.pk]).order_by(*ORDER)
    stances: dict[tuple[int, int], set[str]] = defaultdict(set)
    # Statements are complete, so every stance is set.
    rows = cast(
        list[tuple[int, int, int, str]],
        list(pair.values_list("pk", "actor_id", "claim_id", "stance")),
    )
    for _, actor, claim, stance in rows:
        stances[actor, claim].add(stance)
    other = {first.pk: second.pk, second.pk: first.pk}
    chosen = [
        pk
        for pk, actor, claim, stance in rows
        if any(_counts_for(options.kind, stance, y) for y in stances[other[actor], claim])
    ]
    # The ids come in reading order, so the first LIMIT of them are the ones listed.
    shown, _ = _listed(Annotation.objects.filter(pk__in=chosen[:LIMIT]))
    return Behind(f"{first} and {second}", shown, len(chosen))
