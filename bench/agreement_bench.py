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

With ``--api`` it stores the same annotations in a throwaway test database (SQLite, or
PostgreSQL with ``DATABASE_URL``; ``TEST_DATABASE_NAME`` names it) and times the whole
request ``GET /api/projects/<id>/agreement/?field=...`` instead: reading the rows,
the measures, the labels and the disagreeing passages, and the JSON. Median of 5.

Target: under 2 s per field, shaping (and with ``--api`` the whole request) included.
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


def api(rows: list[Row], lengths: dict[int, int]) -> None:
    """Time the agreement API over ``rows`` stored in a throwaway database."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from annotate.models import Actor, Claim
    from annotate.services.annotations import NewAnnotation, create_annotations
    from corpus.models import Membership, Project, Role
    from corpus.services import create_document

    setup_test_environment()
    settings.DEBUG = False
    connection.settings_dict["TEST"]["NAME"] = (
        os.environ.get("TEST_DATABASE_NAME") or "test_agreement_bench"
        if connection.vendor == "postgresql"
        else None
    )
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        project = Project.objects.create(name="Bench", slug="bench", independent_coding=True)
        owner = User.objects.create_user("owner")
        Membership.objects.create(project=project, user=owner, role=Role.OWNER)
        coders = {}
        for name in ANNOTATORS:
            coders[name] = User.objects.create_user(name)
            Membership.objects.create(project=project, user=coders[name], role=Role.ANNOTATOR)
        actors = {n: Actor.objects.create(project=project, name=f"Actor {n}") for n in range(1, 51)}
        claims = {
            n: Claim.objects.create(project=project, label=f"Claim {n}") for n in range(1, 31)
        }
        rng = random.Random(2)
        documents = {
            d: create_document(
                project=project,
                title=f"Document {d}",
                text="".join(rng.choice("abcdefgh ") for _ in range(length - 5)) + f" {d:04}",
            )
            for d, length in lengths.items()
        }
        for name in ANNOTATORS:
            create_annotations(
                items=[
                    NewAnnotation(
                        document=documents[d],
                        start=s,
                        end=e,
                        actor=actors[ac] if ac else None,
                        claim=claims[cl] if cl else None,
                        stance=st,
                    )
                    for d, s, e, who, ac, cl, st in rows
                    if who == name
                ],
                created_by=coders[name],
            )
        client = Client()
        client.force_login(owner)
        print(f"database: {connection.vendor}")
        for match in ("exact", "overlap"):
            for field in FIELDS:
                url = f"/api/projects/{project.pk}/agreement/?field={field}&match={match}"
                times = []
                for _ in range(5):
                    began = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - began)
                assert response.status_code == 200, response.content[:300]
                unitizing, coding = response.json()["unitizing"], response.json()["coding"]
                print(
                    f"{match:7} {field:9} {statistics.median(times) * 1000:7.1f} ms  "
                    f"alpha-U {unitizing['alpha']:.3f}  alpha {coding['alpha']:.3f} "
                    f"({coding['units']} units)  whole request"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotations", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--api", action="store_true", help="time the API request instead")
    args = parser.parse_args()
    rows, lengths = generate(args.annotations, args.documents)
    if args.api:
        print(f"{len(rows)} annotations, {len(lengths)} documents, {len(ANNOTATORS)} annotators")
        api(rows, lengths)
        return
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
