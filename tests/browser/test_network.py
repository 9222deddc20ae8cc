"""The network page's interactive drawing, at desktop width and at 390 px."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from annotate.models import Annotation
from corpus.models import Project

NETWORK = "/projects/japan-russia-relations/network/"
WIDTHS = [pytest.param(1400, id="desktop"), pytest.param(390, id="phone")]


@pytest.fixture
def demo(db):
    call_command("load_demo")


def open_network(page, sign_in, width, query="kind=affiliation"):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in("demo", "demo")
    page.goto(f"{NETWORK}?{query}")
    canvas = page.locator("#network-canvas")
    # The force-directed layout has settled once the drawing names its layout.
    expect(canvas).to_have_attribute("data-layout", re.compile("force|bipartite"))
    return canvas


def drawn(page):
    return page.evaluate(
        """() => {
            const cy = window.stancemapNetwork.cy;
            return {
                nodes: cy.nodes().map(n => n.id()).sort(),
                edges: cy.edges().map(e => [e.data("source"), e.data("target")].join(" ")).sort(),
            };
        }"""
    )


def scroll_to_drawing(page):
    page.locator("#network-canvas").scroll_into_view_if_needed()
    # Cytoscape ignores taps for 250 ms after the page scrolls, as a person's
    # scroll-then-click never comes that fast.
    page.wait_for_timeout(300)


def click_node(page, label):
    """Click a node where the drawing shows it, as a person would."""
    scroll_to_drawing(page)
    point = page.evaluate(
        """(label) => {
            const cy = window.stancemapNetwork.cy;
            const node = cy.nodes().filter(n => n.data("label") === label)[0];
            cy.center(node);
            const box = cy.container().getBoundingClientRect();
            const p = node.renderedPosition();
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        label,
    )
    page.mouse.click(point["x"], point["y"])


def assert_no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = page.locator("#network-canvas").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["affiliation", "congruence", "conflict"])
def test_the_drawing_has_the_nodes_and_ties_of_the_api_network(page, sign_in, demo, width, kind):
    canvas = open_network(page, sign_in, width, f"kind={kind}")
    expect(page.get_by_role("img", name=f"Drawing of the {kind} network")).to_be_visible()
    project_id = Project.objects.get(slug="japan-russia-relations").pk
    api = page.request.get(f"/api/projects/{project_id}/network/?kind={kind}").json()
    assert api["nodes"] and api["edges"]
    assert drawn(page) == {
        "nodes": sorted(n["id"] for n in api["nodes"]),
        "edges": sorted(f"{e['source']} {e['target']}" for e in api["edges"]),
    }
    assert canvas.get_attribute("data-nodes") == str(len(api["nodes"]))
    assert_no_sideways_scroll(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_clicking_a_node_lists_its_statements_linked_to_the_reader(page, sign_in, demo, width):
    open_network(page, sign_in, width)
    click_node(page, "Sergey Naryshkin")
    statements = page.locator("#network-statements")
    expect(statements.get_by_role("heading")).to_have_text("Statements behind Sergey Naryshkin")
    expected = Annotation.objects.alive().statements().filter(actor__name="Sergey Naryshkin")
    links = statements.get_by_role("link")
    expect(links).to_have_count(expected.count())
    assert_no_sideways_scroll(page)

    first = expected.order_by("document__published_at", "document_id", "start", "id").first()
    assert first is not None
    links.first.click()
    expect(page).to_have_url(re.compile(rf"/documents/{first.document_id}/#annotation-{first.pk}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(first.document.title)


def test_clicking_a_tie_lists_the_statements_behind_it(page, sign_in, demo):
    open_network(page, sign_in, 1400, "kind=affiliation")
    scroll_to_drawing(page)
    point = page.evaluate(
        """() => {
            const cy = window.stancemapNetwork.cy;
            const edge = cy.edges().filter(e =>
                e.source().data("label") === "Sergey Naryshkin"
                && e.target().data("label") === "Japan should maintain sanctions on Russia")[0];
            cy.fit(edge.connectedNodes(), 80);
            const box = cy.container().getBoundingClientRect();
            const p = edge.renderedMidpoint();
            return {x: box.left + p.x, y: box.top + p.y};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    statements = page.locator("#network-statements")
    expect(statements.get_by_role("heading")).to_have_text(
        "Statements behind Sergey Naryshkin on “Japan should maintain sanctions on Russia”"
    )
    expect(statements.get_by_role("link")).to_have_count(2)
    expect(statements).to_contain_text("Oppose")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_legend_names_shapes_and_dash_patterns(page, sign_in, demo, width):
    open_network(page, sign_in, width, "kind=affiliation")
    legend = page.get_by_role("region", name="Legend")
    for item in ("Person", "State", "Claim", "Support (solid)", "Oppose (dashed)"):
        expect(legend.get_by_role("listitem").filter(has_text=item)).to_have_count(1)
    # Claims are not drawn in the red that means "oppose", and ties are coloured by stance.
    colours = page.evaluate(
        """() => {
            const cy = window.stancemapNetwork.cy;
            return {
                claim: cy.nodes("[mode = 'claim']")[0].style("background-color"),
                oppose: cy.edges(".tie-oppose")[0].style("line-color"),
                support: cy.edges(".tie-support")[0].style("line-color"),
                opposeStyle: cy.edges(".tie-oppose")[0].style("line-style"),
            };
        }"""
    )
    assert colours["claim"] != colours["oppose"] and colours["oppose"] != colours["support"]
    assert colours["opposeStyle"] == "dashed"

    page.goto(f"{NETWORK}?kind=conflict")
    expect(page.get_by_role("region", name="Legend")).to_contain_text(
        "Disagreement (conflict, dashed)"
    )
    page.goto(f"{NETWORK}?kind=congruence")
    legend = page.get_by_role("region", name="Legend")
    expect(legend).to_contain_text("Agreement (congruence, solid)")
    expect(legend).not_to_contain_text("conflict")


@pytest.mark.parametrize("width", WIDTHS)
def test_finding_a_node_selects_it_and_lists_its_statements(page, sign_in, demo, width):
    open_network(page, sign_in, width, "kind=congruence")
    search = page.get_by_label("Find a node")
    search.fill("shinzo")
    search.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Found Shinzo Abe.")).to_be_visible()
    selected = page.evaluate("() => window.stancemapNetwork.cy.$(':selected').map(n => n.id())")
    expect(page.locator("#network-statements").get_by_role("heading")).to_have_text(
        "Statements behind Shinzo Abe"
    )
    assert len(selected) == 1 and selected[0].startswith("actor-")

    search.fill("Nobody by this name")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("status").filter(has_text="No node is called")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_drawing_downloads_as_svg_and_png(page, sign_in, demo, width):
    open_network(page, sign_in, width, "kind=conflict")
    with page.expect_download() as svg:
        page.get_by_role("button", name="Download the drawing as SVG").click()
    assert svg.value.suggested_filename == "japan-russia-relations-conflict.svg"
    text = Path(svg.value.path()).read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<svg" in text and "Sergey Naryshkin" in text
    with page.expect_download() as png:
        page.get_by_role("button", name="Download the drawing as PNG").click()
    assert png.value.suggested_filename == "japan-russia-relations-conflict.png"
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_keyboard_users_reach_a_ties_statements_from_the_table(page, sign_in, demo):
    open_network(page, sign_in, 1400, "kind=affiliation")
    link = page.get_by_role(
        "link",
        name="Statements behind Sergey Naryshkin and Japan should maintain sanctions on Russia",
    )
    link.focus()
    page.keyboard.press("Enter")
    statements = page.locator("#network-statements")
    expect(statements.get_by_role("heading")).to_contain_text("Sergey Naryshkin on")
    expect(statements).to_be_focused()


def test_the_two_column_layout_and_node_size_options(page, sign_in, demo):
    canvas = open_network(page, sign_in, 1400, "kind=affiliation")
    page.get_by_label("Layout").select_option("bipartite")
    expect(canvas).to_have_attribute("data-layout", "bipartite")
    columns = page.evaluate(
        """() => {
            const cy = window.stancemapNetwork.cy;
            const xs = mode =>
                [...new Set(cy.nodes(`[mode = '${mode}']`).map(n => n.position("x")))];
            return {actor: xs("actor"), claim: xs("claim")};
        }"""
    )
    assert len(columns["actor"]) == 1 and len(columns["claim"]) == 1
    assert columns["actor"][0] < columns["claim"][0]

    page.get_by_label("Node size by").select_option("degree")
    expect(page.get_by_text("Node size shows the number of ties.")).to_be_visible()


def test_one_mode_networks_hide_the_affiliation_qualifier(page, sign_in, demo):
    open_network(page, sign_in, 1400, "kind=affiliation")
    qualifier = page.get_by_label("Stances in an affiliation network")
    expect(qualifier).to_be_visible()
    page.get_by_label("Network", exact=True).select_option("conflict")
    expect(qualifier).to_be_hidden()
    expect(page.get_by_label("Layout").locator("option")).to_have_count(2)


def test_leaving_out_an_actor_takes_a_tick(page, sign_in, demo):
    open_network(page, sign_in, 1400, "kind=affiliation")
    # A disclosure (<summary>), which has no ARIA role to find it by.
    page.locator("summary").filter(has_text="Leave out actors").click()
    page.get_by_role("checkbox", name="Sergey Naryshkin").check()
    page.get_by_role("checkbox", name="Shinzo Abe").check()
    page.get_by_role("button", name="Compute network").click()
    expect(page.locator("#network-canvas")).to_have_attribute("data-layout", "force")
    labels = page.evaluate("() => window.stancemapNetwork.cy.nodes().map(n => n.data('label'))")
    assert "Sergey Naryshkin" not in labels and "Shinzo Abe" not in labels and labels


def test_an_empty_network_says_so_without_downloads(page, sign_in, demo):
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in("demo", "demo")
    page.goto(f"{NETWORK}?kind=conflict&start=2999-01-01")
    expect(page.get_by_role("status")).to_have_text(
        "This network is empty: no statements match these options."
    )
    expect(page.get_by_role("navigation", name="Downloads")).to_have_count(0)
    expect(page.get_by_text("Line width")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def drawn_of(network):
    return {
        "nodes": sorted(n["id"] for n in network["nodes"]),
        "edges": sorted(f"{e['source']} {e['target']}" for e in network["edges"]),
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_the_time_slider_steps_the_drawing_through_the_windows(page, sign_in, demo, width):
    canvas = open_network(page, sign_in, width, "kind=affiliation")
    whole = drawn(page)
    page.get_by_label("Window length").fill("6")
    page.get_by_label("Step between windows").fill("3")
    page.get_by_label("Window unit").select_option("months")
    page.get_by_role("button", name="Show windows").click()
    slider = page.get_by_label("Time window", exact=True)
    expect(slider).to_be_visible()
    project_id = Project.objects.get(slug="japan-russia-relations").pk
    windows = page.request.get(
        f"/api/projects/{project_id}/network/windows/?kind=affiliation&window=6&step=3&unit=months"
    ).json()
    expect(page.get_by_role("status").filter(has_text="windows, from")).to_have_text(
        re.compile(rf"^{len(windows)} windows, from {windows[0]['start']} to ")
    )
    expect(canvas).to_have_attribute("data-layout", re.compile("force"))
    assert drawn(page) == drawn_of(windows[0]["network"])
    assert drawn(page) != whole

    # Step with the keyboard to the first window that draws something else.
    later = next(
        i
        for i, w in enumerate(windows)
        if w["network"]["nodes"] and drawn_of(w["network"]) != drawn_of(windows[0]["network"])
    )
    slider.focus()
    for _ in range(later):
        page.keyboard.press("ArrowRight")
    count = windows[later]["statements"]
    expect(page.locator("#network-window-label")).to_have_text(
        f"{windows[later]['start']} to {windows[later]['end']} · "
        f"{count} statement{'s' if count != 1 else ''}"
    )
    expect(canvas).to_have_attribute("data-nodes", str(len(windows[later]["network"]["nodes"])))
    assert drawn(page) == drawn_of(windows[later]["network"])
    assert_no_sideways_scroll(page)

    # The statements behind a node are those of the window's dates.
    label = windows[later]["network"]["nodes"][0]["label"]
    click_node(page, label)
    expect(page.locator("#network-statements").get_by_role("heading")).to_have_text(
        f"Statements behind {label}"
    )

    page.get_by_role("button", name="All dates").click()
    expect(canvas).to_have_attribute("data-nodes", str(len(whole["nodes"])))
    assert drawn(page) == whole


def test_windows_that_cannot_be_computed_are_explained(page, sign_in, demo):
    open_network(page, sign_in, 1400, "kind=congruence")
    page.get_by_label("Window length").fill("1")
    page.get_by_label("Step between windows").fill("1")
    page.get_by_label("Window unit").select_option("days")
    page.get_by_role("button", name="Show windows").click()
    expect(page.locator("#network-windows-status")).to_contain_text("more than 400 windows")
    expect(page.get_by_label("Time window", exact=True)).to_be_hidden()
