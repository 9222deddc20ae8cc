"""The charts over time: stance per claim and actor activity per period, as SVG drawn on
the server, filtered like the stance matrix."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from annotate.charts import MAX_PERIODS

from ..factories import make_actor, make_annotation, make_claim, make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(cast):
    abe, putin = make_actor(cast.project, "Shinzo Abe"), make_actor(cast.project, "Vladimir Putin")
    ties = make_claim(cast.project, "Japan should deepen ties with Russia")
    sanctions = make_claim(cast.project, "Japan should keep its sanctions")
    march = make_document(
        cast.project, published_at=datetime(2015, 3, 31, 23, tzinfo=UTC), source_name="NHK"
    )
    may = make_document(cast.project, published_at=datetime(2015, 5, 2, tzinfo=UTC))
    undated = make_document(cast.project, published_at=None)
    make_annotation(march, actor=abe, claim=ties, stance="support")
    make_annotation(march, actor=putin, claim=ties, stance="oppose")
    make_annotation(may, actor=abe, claim=ties, stance="neutral")
    make_annotation(may, actor=abe, claim=sanctions, stance="support")
    make_annotation(undated, actor=putin, claim=sanctions, stance="oppose")
    make_annotation(may, actor=abe)  # a highlight, not a statement
    return abe, putin, ties, sanctions


def page(client, project, **params):
    return client.get(reverse("annotate:charts", args=[project.slug]), params)


def test_each_claim_has_its_bars_per_month_with_totals_as_text(client, cast, coded):
    client.force_login(cast.carol)
    response = page(client, cast.project)
    assert response.status_code == 200
    timeline = response.context["timeline"]
    assert timeline.labels == ["2015-03", "2015-04", "2015-05"]
    assert (timeline.statements, timeline.undated) == (5, 1)
    [ties, sanctions] = timeline.charts
    assert ties.claim.label == "Japan should deepen ties with Russia"
    assert [bar.counts for bar in ties.bars] == [
        {"support": 1, "oppose": 1, "neutral": 0},
        {"support": 0, "oppose": 0, "neutral": 0},
        {"support": 0, "oppose": 0, "neutral": 1},
    ]
    assert sanctions.total == 1
    html = response.content.decode()
    assert re.findall(r'<text class="bar-total"[^>]*>(\d+)</text>', html) == ["2", "1", "1"]
    assert "4 statements in documents" not in html
    assert "5 statements match these filters; 1 of them in documents without" in html
    # Patterns as well as colours, named in the key; a table of the numbers for each chart.
    assert 'fill="url(#chart1-oppose)"' in html and "Oppose (hatched)" in html
    assert "<summary>Numbers for “Japan should deepen ties with Russia”</summary>" in html
    # The Content Security Policy allows neither style attributes nor inline scripts.
    assert 'style="' not in html and "<script>" not in html


def test_actor_activity_counts_each_actors_statements_per_period(client, cast, coded):
    client.force_login(cast.alice)
    response = page(client, cast.project, period="quarter")
    activity = response.context["timeline"].activity
    assert [(row.actor.name, row.total, row.active) for row in activity.rows] == [
        ("Shinzo Abe", 3, [("2015-Q1", 1), ("2015-Q2", 2)]),
        ("Vladimir Putin", 1, [("2015-Q1", 1)]),
    ]


def test_the_matrix_filters_apply(client, cast, coded):
    client.force_login(cast.alice)
    timeline = page(client, cast.project, source="NHK", period="year").context["timeline"]
    assert timeline.labels == ["2015"]
    assert [chart.total for chart in timeline.charts] == [2]
    timeline = page(client, cast.project, start="2015-04-01").context["timeline"]
    assert timeline.labels == ["2015-05"]


def test_days_are_cut_in_the_sites_time_zone(client, cast, coded, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    client.force_login(cast.alice)
    # 23:00 on 31 March in UTC is 1 April in Tokyo.
    timeline = page(client, cast.project).context["timeline"]
    assert timeline.labels == ["2015-04", "2015-05"]


def test_too_many_periods_and_an_unknown_period_are_explained(client, cast, coded):
    make_annotation(
        make_document(cast.project, published_at=datetime(1990, 1, 1, tzinfo=UTC)),
        actor=coded[0],
        claim=coded[2],
        stance="support",
    )
    client.force_login(cast.alice)
    response = page(client, cast.project, period="week")
    assert response.status_code == 400
    assert f"more than {MAX_PERIODS} weeks" in response.content.decode()
    response = page(client, cast.project, period="decade")
    assert response.status_code == 400
    assert "decade is not one of the available choices" in response.content.decode()


def test_a_project_without_statements_says_so(client, cast):
    client.force_login(cast.alice)
    response = page(client, cast.project)
    assert response.status_code == 200
    assert "0 statements match these filters." in response.content.decode()


def test_another_projects_charts_are_a_404(client, cast, coded):
    client.force_login(cast.mallory)
    assert page(client, cast.project).status_code == 404


def test_queries_do_not_grow_with_statements(client, cast, coded, django_assert_max_num_queries):
    client.force_login(cast.alice)
    page(client, cast.project)
    for month in range(1, 13):
        document = make_document(cast.project, published_at=datetime(2016, month, 1, tzinfo=UTC))
        make_annotation(document, actor=make_actor(cast.project), claim=coded[3], stance="oppose")
    with django_assert_max_num_queries(14):
        assert page(client, cast.project).status_code == 200
