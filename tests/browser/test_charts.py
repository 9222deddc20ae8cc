"""The charts over time, as a person reads them, at desktop width and at 390 px."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from annotate.models import Annotation

CHARTS = "/projects/japan-russia-relations/charts/"
WIDTHS = [pytest.param(1400, id="desktop"), pytest.param(390, id="phone")]


@pytest.fixture
def demo(db):
    call_command("load_demo")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_charts_show_every_statement_per_claim_and_per_actor(page, sign_in, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in("demo", "demo")
    page.goto(CHARTS)
    statements = Annotation.objects.alive().statements()
    total = statements.count()
    expect(page.get_by_role("status").first).to_contain_text(f"{total} statements match")
    expect(page.get_by_role("img", name="Key: support is solid, oppose is hatched")).to_be_visible()

    charts = page.locator("figure.stance-chart")
    claims = statements.values("claim").distinct().count()
    expect(charts).to_have_count(claims)
    drawn = 0
    for i in range(claims):
        chart = charts.nth(i)
        label = chart.get_attribute("data-claim")
        expected = statements.filter(claim__label=label).count()
        bars = [int(t) for t in chart.locator("text.bar-total").all_text_contents()]
        assert sum(bars) == expected == int(chart.get_attribute("data-total") or 0), label
        expect(chart.get_by_role("img")).to_have_accessible_name(
            f"Statements on “{label}” per month, stacked by stance; the table below gives "
            "the numbers."
        )
        drawn += expected
    assert drawn == total

    # The actor grid: each row's total is the actor's statements, its cells add up to it.
    rows = page.locator("#activity-grid g.activity-row")
    for i in range(rows.count()):
        row = rows.nth(i)
        name = row.get_attribute("data-actor")
        cells = [int(t) for t in row.locator("text.cell-count").all_text_contents()]
        assert sum(cells) == statements.filter(actor__name=name).count(), name
        assert row.locator("text.row-total").text_content() == str(sum(cells))

    # The numbers behind a chart, for a reader who cannot see it.
    first = charts.first
    first.get_by_text("Numbers for").click()
    expect(first.get_by_role("table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_choosing_a_period_redraws_by_year(page, sign_in, demo):
    sign_in("demo", "demo")
    page.goto(CHARTS)
    page.get_by_label("Period").select_option("year")
    page.get_by_role("button", name="Draw charts").click()
    expect(page.get_by_role("status").first).to_contain_text("One bar per year, 2014 to 2016.")
