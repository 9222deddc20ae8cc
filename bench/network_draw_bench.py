"""Drawing a large network on the network page, in headless Chromium.

Generates a project of 500 actors and 100 claims where each actor takes three
positions (support or oppose) on random claims: its congruence network has the 500
actors and about 5,500 ties. Serves the app on a free local port, signs in, opens the
network page in headless Chromium (Playwright) and reads the drawing's own timings:

* first render: from the start of navigation to the first picture on the canvas;
* settled: from the start of navigation to the end of the force-directed layout;
* layout: the layout alone (settled minus first render);
* zoom redraw: from a zoom step to the next frame drawn, once the layout has settled.

    .venv/bin/python bench/network_draw_bench.py                # SQLite in a temporary file
    DATABASE_URL=postgres://... .venv/bin/python bench/network_draw_bench.py
        # that database (migrated); the bench project is deleted afterwards

Targets, on an idle two-core machine: first render under 1.5 s, settled under 4 s, zoom
redraw under 100 ms. The layout runs a few milliseconds per frame, so the page answers
clicks, zooms and pans while it settles.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corpus.models import Project

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SLUG = "network-draw-bench"
PASSWORD = "bench-pass-word"


def generate(actors: int, claims: int, per_actor: int) -> Project:
    from datetime import UTC, datetime

    from django.contrib.auth import get_user_model

    from annotate.models import Actor, Annotation, Claim
    from corpus.models import Document, Membership, Project, Role, content_hash

    rng = random.Random(500)
    user_model = get_user_model()
    user = user_model.objects.filter(username="draw-bench").first()
    if user is None:
        user = user_model.objects.create_user("draw-bench", password=PASSWORD)
    project = Project.objects.create(name="Drawing bench", slug=SLUG)
    Membership.objects.create(project=project, user=user, role=Role.OWNER)
    text = "Passage text of the bench document."
    document = Document.objects.create(
        project=project,
        title="Bench document",
        text=text,
        content_hash=content_hash(text),
        published_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    kinds = ("person", "organisation", "state", "media", "other")
    actor_rows = Actor.objects.bulk_create(
        Actor(project=project, name=f"Actor {i:03d} of the bench", kind=kinds[i % 5])
        for i in range(actors)
    )
    claim_rows = Claim.objects.bulk_create(
        Claim(project=project, label=f"Claim {i:03d}: the bench should hold") for i in range(claims)
    )
    Annotation.objects.bulk_create(
        Annotation(
            document=document,
            start=0,
            end=7,
            quote="Passage",
            actor=actor,
            claim=claim,
            stance=rng.choice(("support", "oppose")),
            created_by=user,
        )
        for actor in actor_rows
        for claim in rng.sample(claim_rows, per_actor)
    )
    return project


def serve() -> tuple[str, Any]:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def measure(base_url: str, kind: str, runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    figures: dict[str, list[float]] = {
        "page served": [],
        "script start": [],
        "first render": [],
        "settled": [],
        "layout": [],
        "zoom redraw": [],
    }
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(base_url=base_url, viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("draw-bench")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/projects/**")
        for _ in range(runs):
            page.goto(f"/projects/{SLUG}/network/?kind={kind}")
            page.wait_for_selector("#network-canvas[data-layout=force]", timeout=120_000)
            page.locator("#network-canvas").screenshot(
                path=str(ROOT / "bench" / "out" / "network_draw.png")
            )
            result = page.evaluate(
                """() => new Promise(resolve => {
                    const state = window.stancemapNetwork;
                    const cy = state.cy;
                    const zoomed = performance.now();
                    cy.one("render", () => requestAnimationFrame(() => resolve({
                        nodes: cy.nodes().length,
                        edges: cy.edges().length,
                        served: performance.getEntriesByType("navigation")[0].responseEnd,
                        scriptStart: state.scriptStart,
                        firstRender: state.firstRender,
                        settled: state.settled,
                        zoom: performance.now() - zoomed,
                    })));
                    cy.zoom({level: cy.zoom() * 1.25, renderedPosition: {x: 400, y: 300}});
                })"""
            )
            figures["page served"].append(result["served"])
            figures["script start"].append(result["scriptStart"])
            figures["first render"].append(result["firstRender"])
            figures["settled"].append(result["settled"])
            figures["layout"].append(result["settled"] - result["firstRender"])
            figures["zoom redraw"].append(result["zoom"])
        print(f"drawn: {result['nodes']} nodes, {result['edges']:,} ties")
        browser.close()
    if errors:
        print("the page reported errors:", *errors, sep="\n  ")
    return figures


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from annotate.models import Annotation
    from annotate.networks import NetworkOptions, as_json, compute_network
    from corpus.models import Project

    call_command("migrate", verbosity=0)
    Annotation.objects.filter(document__project__slug=SLUG).delete()
    Project.objects.filter(slug=SLUG).delete()
    project = generate(args.actors, args.claims, args.per_actor)
    try:
        network = as_json(compute_network(project=project, options=NetworkOptions(kind=args.kind)))
        print(f"{args.kind} network: {len(network['nodes'])} nodes, {len(network['edges']):,} ties")
        (ROOT / "bench" / "out").mkdir(exist_ok=True)
        base_url, server = serve()
        try:
            figures = measure(base_url, args.kind, args.runs)
        finally:
            server.shutdown()
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"load average while measuring (1, 5, 15 min): {load} on {os.cpu_count()} cores")
        for name, values in figures.items():
            print(
                f"  {name:<13} median {statistics.median(values):7.0f} ms"
                f"   best {min(values):7.0f} ms   worst {max(values):7.0f} ms"
            )
    finally:
        # The bench's own rows; annotations first, as they hold on to actors and claims.
        Annotation.objects.filter(document__project__slug=SLUG).delete()
        Project.objects.filter(slug=SLUG).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=500)
    parser.add_argument("--claims", type=int, default=100)
    parser.add_argument("--per-actor", type=int, default=3, help="claims each actor speaks on")
    parser.add_argument("--kind", default="congruence")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Served from the source folders as in development; the page is the same.
    os.environ.setdefault("DEBUG", "true")
    # Playwright's sync API runs an event loop in this thread; Django would refuse the ORM.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if os.environ.get("DATABASE_URL"):
        run(args)
        return
    with tempfile.TemporaryDirectory() as directory:
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
        run(args)


if __name__ == "__main__":
    main()
