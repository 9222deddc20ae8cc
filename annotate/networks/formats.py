"""A network as JSON and as files for network tools: GraphML (Gephi, visone), GEXF
(Gephi), a CSV matrix as DNA writes it, and a CSV edge list."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from corpus.characters import csv_safe, xml_safe
from corpus.models import Project

from .computation import LEVELS, Network

FORMATS = ("json", "graphml", "gexf", "csv", "edges.csv")


def plain_number(value: float) -> float | int:
    """Whole weights as integers, as DNA writes them."""
    if type(value) is int:
        return value
    value = float(value)
    return int(value) if value.is_integer() else round(value, 10)


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
    ids = {node.pk: node.id for node in network.nodes if node.mode == "actor"}
    claim_ids = {node.pk: node.id for node in network.columns if node.mode == "claim"}
    edges: list[dict[str, Any]] = [
        {
            "source": ids[a.pk],
            "target": (claim_ids if b.mode == "claim" else ids)[b.pk],
            "weight": plain_number(w),
        }
        for a, b, w in network.edges()
    ]
    if not network.one_mode:
        zero = dict.fromkeys(LEVELS, 0)
        for edge, (a, b, _) in zip(edges, network.edges(), strict=True):
            edge["stances"] = network.stances.get((a.pk, b.pk), zero)
    return {
        "kind": network.options.kind,
        "one_mode": network.one_mode,
        "statements": network.statement_count,
        "nodes": nodes,
        "edges": edges,
    }


def _graph(network: Network):
    import networkx as nx

    graph = nx.Graph()
    for node in network.nodes:
        graph.add_node(
            node.id,
            # XML cannot carry some characters (a label stored with a control character):
            # they are written as U+FFFD.
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
