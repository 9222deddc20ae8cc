import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from annotate.models import Annotation


@pytest.fixture
def demo(db):
    call_command("load_demo")


def test_the_demo_matrix_shows_who_stands_where_and_links_statements_to_passages(
    page, sign_in, demo
):
    sign_in("demo", "demo")
    page.get_by_role("link", name="Japan–Russia relations").click()
    page.get_by_role("link", name="Stance matrix").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("rowheader", name="Sergey Naryshkin")).to_be_visible()
    expect(
        table.get_by_role("columnheader", name="Japan should deepen ties with Russia")
    ).to_be_visible()
    cell = page.get_by_role(
        "link",
        name="Sergey Naryshkin on Japan should maintain sanctions on Russia: 0 support, 2 oppose",
    )
    expect(cell).to_be_visible()
    expect(
        page.get_by_role(
            "link", name="Japan on Japan should deepen ties with Russia: 2 support, 0 oppose"
        )
    ).to_be_visible()

    url_before = page.url
    cell.click()
    statements = page.get_by_role("region", name="Statements behind the selected cell")
    expect(statements.get_by_role("heading")).to_have_text(
        "Sergey Naryshkin on “Japan should maintain sanctions on Russia”"
    )
    passages = statements.get_by_role("link")
    expect(passages).to_have_count(2)
    assert page.url == url_before  # htmx swapped the list in place

    quote = "urged Japan to lift sanctions"
    statement = Annotation.objects.get(quote=quote)
    statements.get_by_role("link", name=re.compile(quote)).click()
    expect(page).to_have_url(
        re.compile(rf"/documents/{statement.document_id}/#annotation-{statement.pk}$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(statement.document.title)


def test_the_network_page_draws_the_chosen_network_and_offers_its_downloads(page, sign_in, demo):
    sign_in("demo", "demo")
    page.goto("/projects/japan-russia-relations/network/")
    page.get_by_label("Network", exact=True).select_option("conflict")
    page.get_by_role("button", name="Compute network").click()
    expect(page.get_by_role("img", name="Drawing of the conflict network")).to_be_visible()
    graphml = page.get_by_role("link", name="GraphML (Gephi, visone)")
    expect(graphml).to_have_attribute("href", re.compile(r"kind=conflict.*format=graphml"))
    with page.expect_download() as download:
        graphml.click()
    assert download.value.suggested_filename == "japan-russia-relations-conflict.graphml"


def test_actors_and_totals_stay_in_view_while_the_matrix_scrolls(page, sign_in, demo):
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in("demo", "demo")
    page.goto("/projects/japan-russia-relations/matrix/")
    region = page.get_by_role("region", name="Stance matrix")
    actor = region.get_by_role("rowheader", name="Sergey Naryshkin")
    total = region.get_by_role("columnheader", name="Total")
    frame = region.bounding_box()
    assert frame
    before = actor.bounding_box()
    assert before
    region.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
    assert region.evaluate("element => element.scrollLeft") > 0
    after = actor.bounding_box()
    assert after and abs(after["x"] - before["x"]) < 1
    total_box = total.bounding_box()
    assert total_box and total_box["x"] + total_box["width"] <= frame["x"] + frame["width"] + 1
    grand = region.locator("tfoot .total-column")
    grand_box = grand.bounding_box()
    assert grand_box and grand_box["y"] + grand_box["height"] <= frame["y"] + frame["height"] + 1


@pytest.mark.parametrize("name", ["Sergey Naryshkin", "Japan should deepen ties with Russia"])
def test_clicking_an_actor_or_a_claim_lists_its_statements(page, sign_in, demo, name):
    sign_in("demo", "demo")
    page.goto("/projects/japan-russia-relations/matrix/")
    table = page.get_by_role("table")
    table.get_by_role("link", name=name, exact=True).click()
    statements = page.get_by_role("region", name="Statements behind the selected cell")
    is_actor = name == "Sergey Naryshkin"
    heading = f"Statements by {name}" if is_actor else f"Statements on “{name}”"
    expect(statements.get_by_role("heading")).to_have_text(heading)
    expected = Annotation.objects.alive().statements()
    expected = expected.filter(actor__name=name) if is_actor else expected.filter(claim__label=name)
    expect(statements.get_by_role("link")).to_have_count(expected.count())
