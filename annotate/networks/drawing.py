"""A small drawing of a network for the network page."""

from __future__ import annotations

import math
from typing import Any

from .computation import Network
from .formats import plain_number

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
