"""The networks computed from a project's statements (see the package's docstring for
what each kind and option means)."""

from __future__ import annotations

import re
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress

from django.db.models import Count

from corpus.models import Project

from ..models import Actor, AnnotationQuerySet, Claim
from ..selectors import statements
from .options import NetworkOptions

# Stance levels in the order of DNA's integer scale.
LEVELS = ("oppose", "neutral", "support")
SCALE = {"oppose": -1, "neutral": 0, "support": 1}
# Bit codes for the "combine" qualifier: DNA's 1 (positive), 2 (negative), 3 (both).
COMBINE_BITS = {"support": 1, "oppose": 2, "neutral": 4}

ACTOR_COLOURS = {
    "person": "#1a56a7",
    "organisation": "#7b3fa0",
    "state": "#0f7b6c",
    "media": "#b35c00",
    "other": "#5f6368",
}
# Claims are drawn in a dark gold, well apart from the red that means "oppose" and from
# the actor kinds' colours; the drawing tells them apart by shape as well.
CLAIM_COLOUR = "#8a6d00"


@dataclass(frozen=True)
class Node:
    pk: int
    label: str
    mode: str  # "actor" or "claim"
    kind: str  # the actor's kind, or "claim"
    colour: str
    statements: int

    @property
    def id(self) -> str:
        return f"{self.mode}-{self.pk}"


@dataclass
class Network:
    options: NetworkOptions
    rows: list[Node]
    columns: list[Node]
    # The dense matrix in row and column order; one-mode networks fill both triangles.
    values: list[list[float]] = field(default_factory=list)
    statement_count: int = 0
    # Affiliation only: statements per stance behind each (actor, claim) tie, so that a
    # drawing can colour ties by stance whatever the qualifier.
    stances: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)

    @property
    def one_mode(self) -> bool:
        return self.options.one_mode

    @property
    def nodes(self) -> list[Node]:
        return self.rows if self.one_mode else self.rows + self.columns

    def weight(self, row: int, column: int) -> float:
        """The tie from one node to another, by primary key; 0 where there is none."""
        rows, columns = self._index
        if row not in rows or column not in columns:
            return 0
        return self.values[rows[row]][columns[column]]

    @cached_property
    def _index(self) -> tuple[dict[int, int], dict[int, int]]:
        return (
            {node.pk: i for i, node in enumerate(self.rows)},
            {node.pk: j for j, node in enumerate(self.columns)},
        )

    def edges(self) -> Iterator[tuple[Node, Node, float]]:
        """Non-zero ties: one per unordered pair in one-mode networks."""
        columns = self.columns
        for i, (node, row) in enumerate(zip(self.rows, self.values, strict=True)):
            first = i + 1 if self.one_mode else 0
            # compress() walks the row in C: most cells of a large network are zero.
            for j in compress(range(first, len(row)), row[first:]):
                yield node, columns[j], row[j]


def statements_for(project: Project, options: NetworkOptions) -> AnnotationQuerySet:
    """The project's live, complete statements that pass the options' filters."""
    return statements(project, options.filters())


def _counts(
    project: Project, options: NetworkOptions, by_stance: bool
) -> dict[tuple[int, int, str | None], int]:
    """Statement counts per (actor, claim, stance), aggregated by the database."""
    keys = ["actor_id", "claim_id", "stance"] if by_stance else ["actor_id", "claim_id"]
    counter = (
        Count("document_id", distinct=True) if options.duplicates == "document" else Count("id")
    )
    rows = statements_for(project, options).order_by().values_list(*keys).annotate(n=counter)
    if by_stance:
        return {(a, c, s): n for a, c, s, n in rows}
    return {(a, c, None): n for a, c, n in rows}


def _colour(value: str) -> str:
    """A #rrggbb colour, or "" for anything else."""
    return value.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", value or "") else ""


def _nodes(project: Project, counts: dict[tuple[int, int, str | None], int]):
    actor_totals: dict[int, int] = defaultdict(int)
    claim_totals: dict[int, int] = defaultdict(int)
    for (a, c, _), n in counts.items():
        actor_totals[a] += n
        claim_totals[c] += n
    actors = Actor.objects.filter(project=project, pk__in=actor_totals).only(
        "pk", "name", "kind", "colour"
    )
    claims = Claim.objects.filter(project=project, pk__in=claim_totals).only(
        "pk", "label", "colour"
    )
    rows = sorted(
        (
            Node(
                a.pk,
                a.name,
                "actor",
                a.kind,
                _colour(a.colour) or ACTOR_COLOURS.get(a.kind, "#5f6368"),
                actor_totals[a.pk],
            )
            for a in actors
        ),
        key=lambda node: (node.label, node.pk),
    )
    columns = sorted(
        (
            Node(
                c.pk,
                c.label,
                "claim",
                "claim",
                _colour(c.colour) or CLAIM_COLOUR,
                claim_totals[c.pk],
            )
            for c in claims
        ),
        key=lambda node: (node.label, node.pk),
    )
    return rows, columns


def compute_network(*, project: Project, options: NetworkOptions) -> Network:
    """The network these options describe, from the project's statements."""
    counts = _counts(project, options, by_stance=not options.ignores_stance)
    rows, columns = _nodes(project, counts)
    network = Network(
        options=options, rows=rows, columns=columns, statement_count=sum(counts.values())
    )
    if options.kind == "affiliation":
        network.values = _affiliation(counts, rows, columns, options)
        by_stance = _counts(project, options, True) if options.ignores_stance else counts
        for (a, c, stance), n in by_stance.items():
            network.stances.setdefault((a, c), dict.fromkeys(LEVELS, 0))[stance or "neutral"] += n
    else:
        # Co-occurrence ignores the stance for its ties; its Jaccard denominator counts
        # (claim, stance) cells as DNA's does, so it needs the counts by stance too.
        by_stance = counts
        if options.kind == "cooccurrence" and options.normalization == "jaccard":
            by_stance = _counts(project, options, by_stance=True)
        network.columns = rows
        network.values = _one_mode(counts, by_stance, [node.pk for node in rows], options)
    return network


def _affiliation(
    counts: dict[tuple[int, int, str | None], int],
    rows: list[Node],
    columns: list[Node],
    options: NetworkOptions,
) -> list[list[float]]:
    row_index = {node.pk: i for i, node in enumerate(rows)}
    column_index = {node.pk: j for j, node in enumerate(columns)}
    values: list[list[float]] = [[0] * len(columns) for _ in rows]
    for (a, c, stance), n in counts.items():
        i, j = row_index[a], column_index[c]
        if options.qualifier == "ignore":
            values[i][j] += n
        elif options.qualifier == "subtract":
            values[i][j] += SCALE[stance or "neutral"] * n
        else:
            values[i][j] = int(values[i][j]) | COMBINE_BITS[stance or "neutral"]
    if options.normalization == "activity":
        for i, node in enumerate(rows):
            values[i] = [w / node.statements for w in values[i]]
    elif options.normalization == "prominence":
        totals = [node.statements for node in columns]
        values = [[w / total for w, total in zip(row, totals, strict=True)] for row in values]
    return values


# Field widths, in bytes, that unpack in C: array typecode by width.
_TYPECODES = {size: code for code in ("I", "L", "Q") if (size := array(code).itemsize) in (4, 8)}


def _products(
    left: dict[int, dict[int, int]], right: dict[int, dict[int, int]], actors: list[int]
) -> list[list[int]]:
    """The matrix of dot products left[i] · right[j] over sparse non-negative vectors,
    with a zero diagonal.

    Each right-hand vector is one field of a large integer per vector position, so that
    a row of products is a sum of integer-times-large-integer multiplications, done in C.
    """
    n = len(actors)
    index = {pk: i for i, pk in enumerate(actors)}
    left_max = max((sum(v.values()) for v in left.values()), default=0)
    right_max = max((sum(v.values()) for v in right.values()), default=0)
    # No field can exceed this bound, so no product spills into its neighbour; the
    # narrower the fields, the smaller the integers and the faster the sums.
    bound = (left_max * right_max).bit_length() + 1
    step = next((size for size in sorted(_TYPECODES) if 8 * size >= bound), (bound + 7) // 8)
    # Lay every cell's right-hand values out as bytes, then read each as one integer.
    layouts: dict[int, bytearray] = {}
    for pk, vector in right.items():
        offset = step * index[pk]
        for cell, value in vector.items():
            if (layout := layouts.get(cell)) is None:
                layout = layouts[cell] = bytearray(step * n)
            layout[offset : offset + step] = value.to_bytes(step, "little")
    columns = {cell: int.from_bytes(layout, "little") for cell, layout in layouts.items()}
    matrix = [[0] * n for _ in range(n)]
    for pk, vector in left.items():
        i = index[pk]
        # Most counts are small: add the columns of each count together, multiply once.
        by_value: dict[int, list[int]] = defaultdict(list)
        for cell, value in vector.items():
            if (packed := columns.get(cell)) is not None:
                by_value[value].append(packed)
        row = sum(value * sum(packed) for value, packed in by_value.items())
        if not row:
            continue
        raw = row.to_bytes(step * n, "little")
        if step in _TYPECODES:
            fields = array(_TYPECODES[step])
            fields.frombytes(raw)
            if sys.byteorder == "big":
                fields.byteswap()
            values = fields.tolist()
        else:
            values = [int.from_bytes(raw[j * step : (j + 1) * step], "little") for j in range(n)]
        values[i] = 0
        matrix[i] = values
    return matrix


def _one_mode(
    counts: dict[tuple[int, int, str | None], int],
    by_stance: dict[tuple[int, int, str | None], int],
    actors: list[int],
    options: NetworkOptions,
) -> list[list[float]]:
    claims = sorted({c for (_, c, _) in counts})
    claim_index = {c: i for i, c in enumerate(claims)}
    actor_index = {a: i for i, a in enumerate(actors)}
    totals = [0] * len(actors)
    for (a, _, _), n in counts.items():
        totals[actor_index[a]] += n

    # Vectors over cells; with stances, cell = claim * 3 + level (oppose, neutral, support).
    level = {stance: k for k, stance in enumerate(LEVELS)}

    def cell(claim: int, stance: str | None) -> int:
        return claim_index[claim] * 3 + level[stance] if stance else claim_index[claim]

    left: dict[int, dict[int, int]] = defaultdict(dict)
    right: dict[int, dict[int, int]] = defaultdict(dict)
    if options.kind == "cooccurrence":
        per_claim: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for (a, c, _), n in counts.items():
            per_claim[a][claim_index[c]] += n
        left = right = {a: dict(v) for a, v in per_claim.items()}
    else:
        # Twice the weights keep the half-weights of neutral stances whole:
        # congruence 2 for the same stance, 1 for neutral against either, 0 otherwise;
        # conflict 2 for support against oppose, 1 for neutral against either.
        def proximity(x: str, y: str) -> int:
            distance = abs(SCALE[x] - SCALE[y])
            return 2 - distance if options.kind == "congruence" else distance

        partners = {x: [(level[y], w) for y in LEVELS if (w := proximity(x, y))] for x in LEVELS}
        for (a, c, stance), n in counts.items():
            assert stance is not None
            base = claim_index[c] * 3
            left[a][base + level[stance]] = n
            vector = right[a]
            for k, w in partners[stance]:
                vector[base + k] = vector.get(base + k, 0) + w * n
    values: list[list[float]] = [list(row) for row in _products(left, right, actors)]
    if options.kind != "cooccurrence":
        half = (0.5).__mul__  # exact: the counts are far below 2**53
        values = [list(map(half, row)) for row in values]

    if options.normalization in ("average", "cosine"):
        average = options.normalization == "average"
        for i, row in enumerate(values):
            t = totals[i]
            values[i] = [
                (v / ((t + u) / 2) if average else v / (t * u)) if v else 0
                for v, u in zip(row, totals, strict=True)
            ]
    elif options.normalization == "jaccard":
        # DNA's denominator over (claim, stance) cells: what i said where j said nothing,
        # what j said where i said nothing, and the products where both spoke.
        cells: dict[int, dict[int, int]] = defaultdict(dict)
        present: dict[int, dict[int, int]] = defaultdict(dict)
        cell_totals = [0] * len(actors)
        for (a, c, stance), n in by_stance.items():
            key = cell(c, stance or "neutral")
            cells[a][key] = n
            present[a][key] = 1
            cell_totals[actor_index[a]] += n
        both = _products(cells, cells, actors)
        overlap = _products(cells, present, actors)  # i's statements where j spoke
        overlap_t = list(zip(*overlap, strict=True))  # j's statements where i spoke
        for i, row in enumerate(values):
            t = cell_totals[i]
            values[i] = [
                v / (t - o + u - p + b) if v else 0
                for v, u, o, p, b in zip(
                    row, cell_totals, overlap[i], overlap_t[i], both[i], strict=True
                )
            ]
    return values
