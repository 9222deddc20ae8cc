"""Discourse networks from a project's complete statements, as the Discourse Network
Analyzer (DNA) defines them, and their export formats.

A statement is an annotation with actor, claim and stance set that is not in the trash.
Stance is the qualifier, on DNA's integer scale: oppose -1, neutral 0, support +1.

* **affiliation** (two-mode, actor × claim). Qualifier ``ignore`` counts statements,
  ``subtract`` counts support minus oppose (neutral adds nothing) and ``combine`` codes
  which stances the actor took: 1 support only, 2 oppose only, 3 both (DNA's codes for
  an agreement qualifier), plus 4 for neutral (so 5 is support and neutral, and so on).
  Normalisation ``activity`` divides each row by the actor's number of statements,
  ``prominence`` each column by the claim's number of statements.
* **congruence**, **conflict** and **cooccurrence** (one-mode, actor × actor). For each
  claim and each pair of stances the two actors took on it, the pair adds the product
  of the two counts, weighted by how close (congruence) or how far apart (conflict) the
  stances are on the scale: the same stance is fully congruent, support against oppose
  fully conflicting, neutral against either half of each. ``cooccurrence`` (DNA's
  ``ignore``) multiplies the two actors' counts on each claim regardless of stance.
  Normalisation divides each tie by ``average`` activity ((a + b) / 2), by the
  ``jaccard`` denominator over (claim, stance) cells, or by ``cosine`` (a × b, DNA's
  formula), where a and b are the two actors' numbers of statements.
* **duplicates** ``all`` counts every statement; ``document`` counts one statement per
  document for each actor, claim and (unless the stance is ignored) stance.

Nodes are the actors and claims present in the statements that pass the filters,
sorted by name as DNA sorts them. The one-mode computation packs each actor's counts
into one large integer so that a whole row of the matrix is a handful of integer
multiplications: 100,000 statements over 500 actors and 200 claims take well under a
second without any numerical library.
"""

from __future__ import annotations

import csv
import io
import math
import re
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from typing import Any

from django.db.models import Count
from django.utils import timezone

from corpus.characters import csv_safe, xml_safe
from corpus.models import Project

from .models import Actor, Annotation, Claim

KINDS = ("affiliation", "congruence", "conflict", "cooccurrence")
ONE_MODE_KINDS = ("congruence", "conflict", "cooccurrence")
QUALIFIERS = ("ignore", "subtract", "combine")
ONE_MODE_NORMALIZATIONS = ("none", "average", "jaccard", "cosine")
TWO_MODE_NORMALIZATIONS = ("none", "activity", "prominence")
NORMALIZATIONS = ("none", "average", "jaccard", "cosine", "activity", "prominence")
DUPLICATES = ("all", "document")
FORMATS = ("json", "graphml", "gexf", "csv", "edges.csv")

KIND_LABELS = {
    "affiliation": "Affiliation (actor × claim)",
    "congruence": "Congruence (actors agreeing on a claim)",
    "conflict": "Conflict (actors disagreeing on a claim)",
    "cooccurrence": "Co-occurrence (actors on the same claim, any stance)",
}
QUALIFIER_LABELS = {
    "ignore": "Count statements",
    "subtract": "Support minus oppose",
    "combine": "Combine (1 support, 2 oppose, 3 both, +4 neutral)",
}
NORMALIZATION_LABELS = {
    "none": "None",
    "average": "Average activity (one-mode)",
    "jaccard": "Jaccard (one-mode)",
    "cosine": "Cosine (one-mode)",
    "activity": "Activity (affiliation)",
    "prominence": "Prominence (affiliation)",
}
DUPLICATE_LABELS = {"all": "Count every statement", "document": "One per document"}

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
CLAIM_COLOUR = "#c0392b"


class NetworkOptionError(ValueError):
    """An option, or a combination of options, that makes no network."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class NetworkOptions:
    kind: str = "affiliation"
    qualifier: str = "ignore"
    normalization: str = "none"
    duplicates: str = "all"
    start: date | None = None
    end: date | None = None
    exclude_actors: tuple[int, ...] = ()
    exclude_claims: tuple[int, ...] = ()
    exclude_sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        errors = option_errors(
            kind=self.kind,
            qualifier=self.qualifier,
            normalization=self.normalization,
            duplicates=self.duplicates,
            start=self.start,
            end=self.end,
        )
        if errors:
            raise NetworkOptionError(errors)

    @classmethod
    def from_cleaned(cls, data: Mapping[str, Any]) -> NetworkOptions:
        """Options from a validated form's or serializer's data, where excluded actors and
        claims may be ids or model instances."""

        def ids(values: Any) -> tuple[Any, ...]:
            return tuple(getattr(value, "pk", value) for value in values or ())

        return cls(
            **{name: value for name, value in checked_options(data).items() if value is not None},
            exclude_actors=ids(data.get("exclude_actor")),
            exclude_claims=ids(data.get("exclude_claim")),
            exclude_sources=tuple(data.get("exclude_source") or ()),
        )

    @property
    def one_mode(self) -> bool:
        return self.kind in ONE_MODE_KINDS

    def as_query(self) -> dict[str, Any]:
        """These options as the API's query parameters (defaults left out)."""
        query: dict[str, Any] = {"kind": self.kind}
        for name, default in (
            ("qualifier", "ignore"),
            ("normalization", "none"),
            ("duplicates", "all"),
        ):
            if (value := getattr(self, name)) != default:
                query[name] = value
        if self.start:
            query["start"] = self.start.isoformat()
        if self.end:
            query["end"] = self.end.isoformat()
        for name, values in (
            ("exclude_actor", self.exclude_actors),
            ("exclude_claim", self.exclude_claims),
            ("exclude_source", self.exclude_sources),
        ):
            if values:
                query[name] = list(values)
        return query

    @property
    def ignores_stance(self) -> bool:
        return self.kind == "cooccurrence" or (
            self.kind == "affiliation" and self.qualifier == "ignore"
        )


def _choices(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


#: The options whose combinations option_errors() checks.
CHECKED_OPTIONS = ("kind", "qualifier", "normalization", "duplicates", "start", "end")


def checked_options(data: Mapping[str, Any]) -> dict[str, Any]:
    """The options option_errors() checks, taken from a form's or serializer's data."""
    return {name: data.get(name) for name in CHECKED_OPTIONS}


def option_errors(
    *,
    kind: str,
    qualifier: str,
    normalization: str,
    duplicates: str,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, str]:
    """What is wrong with these options, by option name; empty when they make a network.

    The API, the network page and ``NetworkOptions`` share these rules."""
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = f"'{kind}' is not a network kind; choose one of {_choices(KINDS)}."
    if qualifier not in QUALIFIERS:
        errors["qualifier"] = (
            f"'{qualifier}' is not a qualifier; choose one of {_choices(QUALIFIERS)}."
        )
    if duplicates not in DUPLICATES:
        errors["duplicates"] = (
            f"'{duplicates}' is not a duplicates setting; choose one of {_choices(DUPLICATES)}."
        )
    if kind in ONE_MODE_KINDS:
        if normalization not in ONE_MODE_NORMALIZATIONS:
            errors["normalization"] = (
                f"'{normalization}' does not apply to a {kind} network; choose one of "
                f"{_choices(ONE_MODE_NORMALIZATIONS)}."
            )
        if qualifier != "ignore":
            errors["qualifier"] = (
                f"The qualifier applies to affiliation networks only; a {kind} network "
                "takes 'ignore'."
            )
    elif kind == "affiliation":
        if normalization not in TWO_MODE_NORMALIZATIONS:
            errors["normalization"] = (
                f"'{normalization}' does not apply to an affiliation network; choose one of "
                f"{_choices(TWO_MODE_NORMALIZATIONS)}."
            )
        elif qualifier == "combine" and normalization != "none":
            errors["normalization"] = (
                "Combined stance codes cannot be normalised; choose 'none' with 'combine'."
            )
    if start and end and start > end:
        errors["end"] = "The end date is before the start date."
    return errors


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
        for i, (node, row) in enumerate(zip(self.rows, self.values, strict=True)):
            first = i + 1 if self.one_mode else 0
            for j in range(first, len(row)):
                if weight := row[j]:
                    yield node, self.columns[j], weight


def plain_number(value: float) -> float | int:
    """Whole weights as integers, as DNA writes them."""
    if isinstance(value, int):
        return value
    return int(value) if float(value).is_integer() else round(value, 10)


def _as_datetime(day: date, end_of_day: bool) -> datetime:
    moment = datetime.combine(day, time.max if end_of_day else time.min)
    return timezone.make_aware(moment, timezone.get_default_timezone())


def statements_for(project: Project, options: NetworkOptions):
    """The project's live, complete statements that pass the options' filters."""
    queryset = Annotation.objects.alive().statements().filter(document__project=project)
    if options.start:
        queryset = queryset.filter(
            document__published_at__gte=_as_datetime(options.start, end_of_day=False)
        )
    if options.end:
        queryset = queryset.filter(
            document__published_at__lte=_as_datetime(options.end, end_of_day=True)
        )
    if options.start or options.end:
        queryset = queryset.filter(document__published_at__isnull=False)
    if options.exclude_actors:
        queryset = queryset.exclude(actor_id__in=options.exclude_actors)
    if options.exclude_claims:
        queryset = queryset.exclude(claim_id__in=options.exclude_claims)
    if options.exclude_sources:
        queryset = queryset.exclude(document__source_name__in=options.exclude_sources)
    return queryset


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
        values = [[v / 2 for v in row] for row in values]

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


# Export formats -----------------------------------------------------------------------


def as_json(network: Network) -> dict[str, Any]:
    nodes = [
        {
            "id": node.id,
            "label": node.label,
            "mode": node.mode,
            "pk": node.pk,
            "kind": node.kind,
            "colour": node.colour,
            "statements": node.statements,
        }
        for node in network.nodes
    ]
    edges = [
        {"source": a.id, "target": b.id, "weight": plain_number(w)} for a, b, w in network.edges()
    ]
    return {
        "kind": network.options.kind,
        "one_mode": network.one_mode,
        "statements": network.statement_count,
        "nodes": nodes,
        "edges": edges,
    }


def _graph(network: Network):
    """The network for networkx's XML writers; a label XML cannot carry (one stored with
    a control character) is written with U+FFFD in place of that character."""
    import networkx as nx

    graph = nx.Graph()
    for node in network.nodes:
        graph.add_node(
            node.id,
            label=xml_safe(node.label),
            kind=node.kind,
            type=node.mode,
            colour=node.colour,
            statements=node.statements,
        )
    for a, b, w in network.edges():
        graph.add_edge(a.id, b.id, weight=float(w))
    return graph


def as_graphml(network: Network) -> str:
    """GraphML with node attributes label, kind, type and colour, and edge weights."""
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(_graph(network), buffer, encoding="utf-8", named_key_ids=True)
    return buffer.getvalue().decode("utf-8")


def as_gexf(network: Network) -> str:
    import networkx as nx

    graph = _graph(network)
    for node in network.nodes:
        r, g, b = (int(node.colour[i : i + 2], 16) for i in (1, 3, 5))
        graph.nodes[node.id]["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}}
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer)
    return buffer.getvalue().decode("utf-8")


def _csv(rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([csv_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def as_matrix_csv(network: Network) -> str:
    """The full matrix with labelled rows and columns, as DNA writes it."""
    header = [""] + [column.label for column in network.columns]
    body = (
        [row.label] + [plain_number(w) for w in weights]
        for row, weights in zip(network.rows, network.values, strict=True)
    )
    return _csv([header, *body])


def as_edges_csv(network: Network) -> str:
    rows: list[list[Any]] = [["source", "target", "weight", "source_id", "target_id"]]
    rows += [[a.label, b.label, plain_number(w), a.id, b.id] for a, b, w in network.edges()]
    return _csv(rows)


CONTENT_TYPES = {
    "json": "application/json",
    "graphml": "application/graphml+xml; charset=utf-8",
    "gexf": "application/gexf+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "edges.csv": "text/csv; charset=utf-8",
}
WRITERS = {
    "graphml": as_graphml,
    "gexf": as_gexf,
    "csv": as_matrix_csv,
    "edges.csv": as_edges_csv,
}


def filename(project: Project, network: Network, file_format: str) -> str:
    extension = {"json": "json", "graphml": "graphml", "gexf": "gexf", "csv": "csv"}
    suffix = "edges.csv" if file_format == "edges.csv" else extension[file_format]
    return f"{project.slug}-{network.options.kind}.{suffix}"


# A small drawing of the network -------------------------------------------------------

DRAWING_MAX_NODES = 120


def drawing(network: Network, size: int = 560) -> dict[str, Any]:
    """Positions for an SVG drawing: one-mode on a circle, two-mode in two columns.

    Deterministic, so the same network always looks the same."""
    nodes = network.nodes
    if not nodes or len(nodes) > DRAWING_MAX_NODES:
        return {"nodes": [], "edges": [], "width": size, "height": size, "too_many": bool(nodes)}
    # Two-mode drawings are wider: claim labels run long.
    width = size if network.one_mode else size + 240
    centre, radius = size / 2, size / 2 - 90
    positions: dict[str, tuple[float, float]] = {}
    if network.one_mode:
        for i, node in enumerate(nodes):
            angle = 2 * math.pi * i / len(nodes) - math.pi / 2
            positions[node.id] = (
                centre + radius * math.cos(angle),
                centre + radius * math.sin(angle),
            )
    else:
        for column, group in ((200, network.rows), (width - 300, network.columns)):
            step = (size - 40) / max(len(group), 1)
            for i, node in enumerate(group):
                positions[node.id] = (column, 20 + step * (i + 0.5))
    strongest = max((abs(w) for _, _, w in network.edges()), default=1) or 1
    edges = [
        {
            "x1": round(positions[a.id][0], 1),
            "y1": round(positions[a.id][1], 1),
            "x2": round(positions[b.id][0], 1),
            "y2": round(positions[b.id][1], 1),
            "width": round(0.5 + 3.5 * abs(w) / strongest, 2),
            "negative": w < 0,
            "title": f"{a.label} – {b.label}: {plain_number(w)}",
        }
        for a, b, w in network.edges()
    ]
    drawn = []
    for node in nodes:
        x, y = positions[node.id]
        left = (
            network.one_mode and x < centre - 1 or (not network.one_mode and node.mode == "actor")
        )
        drawn.append(
            {
                "x": round(x, 1),
                "y": round(y, 1),
                "label": node.label,
                "short": node.label if len(node.label) <= 32 else node.label[:31] + "…",
                "mode": node.mode,
                "kind": node.kind,
                "colour": node.colour,
                "anchor": "end" if left else "start",
                "dx": -9 if left else 9,
                "statements": node.statements,
            }
        )
    return {"nodes": drawn, "edges": edges, "width": width, "height": size, "too_many": False}
