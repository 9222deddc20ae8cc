"""Agreement computation time for a team-coded corpus.

Generates 100 documents of about 5,000 code points and 3 annotators who code the same
passages (34 per document, 30 to 300 code points long) with 10,000 annotations in all:
each annotator marks most passages, with the exact boundaries seven times in ten and
shifted ones otherwise, and agrees on the actor (50 in the codebook), the claim (30)
and the stance about four times in five. Then, per field (actor, claim, stance,
statement), it times `annotate.agreement.measures.agreement` from the annotation rows:
shaping the rows into units with `field_value`, the unitizing alpha, the coding alpha on
exact spans and the pairwise kappas; and the same with overlap matching. Median of 5.

    .venv/bin/python bench/agreement_bench.py [--annotations 10000] [--documents 100]

Target: well under 2 s per field, shaping included.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.agreement.measures import FIELDS, Unit, agreement, field_value  # noqa: E402

ANNOTATORS = ("ann", "bob", "cy")
STANCES = ("support", "oppose", "neutral")

Row = tuple[int, int, int, str, int | None, int | None, str | None]


def generate(annotations: int, documents: int, seed: int = 1) -> tuple[list[Row], dict[int, int]]:
    rng = random.Random(seed)
    per_document = round(annotations / documents / len(ANNOTATORS) / 0.98)
    rows: list[Row] = []
    lengths: dict[int, int] = {}
    for document in range(documents):
        length = rng.randint(4_500, 5_500)
        lengths[document] = length
        for _ in range(per_document):
            size = rng.randint(30, 300)
            start = rng.randint(0, length - size)
            truth = (rng.randint(1, 50), rng.randint(1, 30), rng.choice(STANCES))
            for annotator in ANNOTATORS:
                if rng.random() > 0.98:
                    continue
                s, e = start, start + size
                if rng.random() > 0.7:
                    s = max(0, s + rng.randint(-10, 10))
                    e = min(length, max(s + 1, e + rng.randint(-10, 10)))
                actor = truth[0] if rng.random() < 0.8 else rng.randint(1, 50)
                claim: int | None = truth[1] if rng.random() < 0.8 else rng.randint(1, 30)
                stance = truth[2] if rng.random() < 0.8 else rng.choice(STANCES)
                if rng.random() < 0.05:
                    claim = None  # tagged later
                rows.append((document, s, e, annotator, actor, claim, stance))
    return rows, lengths


def run(rows: list[Row], lengths: dict[int, int], field: str, match: str) -> dict:
    units = [
        Unit(d, s, e, a, field_value(field, actor=ac, claim=cl, stance=st))
        for d, s, e, a, ac, cl, st in rows
    ]
    return agreement(units, lengths, ANNOTATORS, match=match)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotations", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=100)
    args = parser.parse_args()
    rows, lengths = generate(args.annotations, args.documents)
    print(
        f"{len(rows)} annotations, {len(lengths)} documents, "
        f"{sum(lengths.values())} code points, {len(ANNOTATORS)} annotators"
    )
    total = 0.0
    for match in ("exact", "overlap"):
        for field in FIELDS:
            times = []
            for _ in range(5):
                began = time.perf_counter()
                result = run(rows, lengths, field, match)
                times.append(time.perf_counter() - began)
            median = statistics.median(times)
            total += median
            unitizing, coding = result["unitizing"], result["coding"]
            kappas = ", ".join(f"{k['kappa']:.3f}" for k in coding["kappa"])
            print(
                f"{match:7} {field:9} {median * 1000:7.1f} ms  "
                f"alpha-U {unitizing['alpha']:.3f} ({len(unitizing['by_category'])} categories, "
                f"{unitizing['units']} units)  alpha {coding['alpha']:.3f} "
                f"({coding['units']} units, {coding['pairable']} values)  kappa {kappas}"
            )
    print(f"all eight runs: {total:.2f} s")


if __name__ == "__main__":
    main()
