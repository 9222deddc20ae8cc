"""GET /api/projects/<id>/network/windows/: one network per time window, as DNA moves
its window, each equal to the network endpoint's answer for the window's dates."""

import random
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from annotate.networks import MAX_WINDOWS
from annotate.networks.windows import Window, window_dates
from tests.data import DNA_SAMPLE

from ..factories import make_actor, make_annotation, make_claim, make_document

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def windows_url(project, **params):
    base = reverse("api:project-network-windows", kwargs={"pk": project.pk})
    return f"{base}?{urlencode(params, doseq=True)}"


def network_url(project, **params):
    base = reverse("api:project-network", kwargs={"pk": project.pk})
    return f"{base}?{urlencode(params, doseq=True)}"


def assert_each_window_is_the_network_of_its_dates(client, project, options, **lengths):
    response = client.get(windows_url(project, **options, **lengths))
    assert response.status_code == 200, response.content
    windows = response.json()
    assert windows, "these settings should make windows"
    for window in windows:
        alone = client.get(
            network_url(project, **{**options, "start": window["start"], "end": window["end"]})
        )
        assert alone.status_code == 200
        assert window["network"] == alone.json(), window["start"]
        assert window["statements"] == alone.json()["statements"]
    return windows


# Window dates ------------------------------------------------------------------------


def test_a_step_of_one_day_gives_dnas_windows_wholly_inside_the_range():
    windows = list(window_dates(date(2015, 1, 1), date(2015, 1, 10), size=3, step=1, unit="days"))
    # DNA: a window of 3 days centred on each day whose window fits, 10 - 3 + 1 of them.
    assert len(windows) == 8
    assert windows[0] == Window(date(2015, 1, 1), date(2015, 1, 3))
    assert windows[-1] == Window(date(2015, 1, 8), date(2015, 1, 10))


def test_month_windows_keep_to_the_calendar():
    windows = list(
        window_dates(date(2015, 1, 31), date(2015, 12, 31), size=1, step=1, unit="months")
    )
    assert windows[0] == Window(date(2015, 1, 31), date(2015, 2, 27))
    assert windows[1] == Window(date(2015, 2, 28), date(2015, 3, 30))
    years = list(window_dates(date(2014, 1, 1), date(2016, 12, 31), size=2, step=1, unit="years"))
    assert years == [
        Window(date(2014, 1, 1), date(2015, 12, 31)),
        Window(date(2015, 1, 1), date(2016, 12, 31)),
    ]


def test_windows_end_at_the_end_of_the_calendar_without_an_error():
    windows = list(window_dates(date(9990, 1, 1), date(9999, 12, 31), size=3, step=5, unit="years"))
    assert windows[-1].end <= date(9999, 12, 31)


# Equality with the network endpoint --------------------------------------------------


@pytest.fixture
def generated(cast):
    """Three years of statements by eight actors on five claims, with documents published
    near midnight, some on the same day, and one without a date."""
    rng = random.Random(14)
    actors = [make_actor(cast.project, f"Actor {i}") for i in range(8)]
    claims = [make_claim(cast.project, f"Claim {i}") for i in range(5)]
    moments = [
        datetime(2014, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(0, 3 * 365), hours=h)
        for h in (0, 23, 11)
        for _ in range(14)
    ]
    documents = [
        make_document(cast.project, published_at=moment, source_name=rng.choice("AB"))
        for moment in moments
    ] + [make_document(cast.project, published_at=None)]
    for document in documents:
        for _ in range(rng.randrange(1, 6)):
            make_annotation(
                document,
                actor=rng.choice(actors),
                claim=rng.choice(claims),
                stance=rng.choice(["support", "oppose", "neutral"]),
            )
    return actors, claims


OPTIONS = [
    {"kind": "affiliation"},
    {"kind": "affiliation", "qualifier": "subtract", "normalization": "activity"},
    {"kind": "affiliation", "qualifier": "combine", "duplicates": "document"},
    {"kind": "congruence", "normalization": "jaccard"},
    {"kind": "conflict", "normalization": "average"},
    {"kind": "cooccurrence", "normalization": "cosine", "exclude_source": ["B"]},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(map(str, o.values())))
def test_each_window_equals_the_network_of_its_dates_on_generated_data(cast, generated, options):
    windows = assert_each_window_is_the_network_of_its_dates(
        client_for(cast.alice), cast.project, options, window=3, step=2, unit="months"
    )
    assert len(windows) > 10
    assert any(w["statements"] for w in windows)


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles"])
def test_windows_cut_days_where_the_date_filter_does_in_any_time_zone(
    cast, generated, settings, zone
):
    settings.TIME_ZONE = zone
    assert_each_window_is_the_network_of_its_dates(
        client_for(cast.bob), cast.project, {"kind": "congruence"}, window=30, step=15
    )


def test_excluded_actors_and_the_given_dates_apply_to_every_window(cast, generated):
    actors, _ = generated
    options = {
        "kind": "affiliation",
        "exclude_actor": [actors[0].pk],
        "start": "2014-06-01",
        "end": "2015-05-31",
    }
    windows = assert_each_window_is_the_network_of_its_dates(
        client_for(cast.alice), cast.project, options, window=2, step=2, unit="weeks"
    )
    assert windows[0]["start"] == "2014-06-01"
    assert windows[-1]["end"] <= "2015-05-31"
    labels = {n["label"] for w in windows for n in w["network"]["nodes"]}
    assert actors[0].name not in labels


@pytest.mark.parametrize("kind", ["affiliation", "congruence", "conflict", "cooccurrence"])
def test_each_window_equals_the_network_of_its_dates_on_the_dna_sample(cast, kind):
    call_command("import_documents", str(DNA_SAMPLE), "--project", cast.project.slug)
    # The sample's seven testimonies fall on four days from 2005-01-26 to 2005-02-16.
    windows = assert_each_window_is_the_network_of_its_dates(
        client_for(cast.alice), cast.project, {"kind": kind}, window=7, step=1
    )
    assert windows[0]["start"] == "2005-01-26"
    assert windows[-1]["end"] == "2005-02-16"
    assert len(windows) == 22 - 7 + 1
    # The first week holds the first testimony's statements only, the last week those of
    # 10 and 16 February.
    assert 0 < windows[0]["statements"] < windows[-1]["statements"] < 40


# Bounds, errors and scope ------------------------------------------------------------


def test_more_than_the_bound_of_windows_is_a_clear_400(cast, generated):
    response = client_for(cast.alice).get(windows_url(cast.project, window=1, step=1))
    assert response.status_code == 400
    message = response.json()["step"][0]
    assert str(MAX_WINDOWS) in message and "longer step" in message


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"window": 0, "step": 1}, "window"),
        ({"window": 30}, "step"),
        ({"window": "x", "step": 1}, "window"),
        ({"window": 30, "step": 7, "unit": "fortnights"}, "unit"),
        ({"window": 10**9, "step": 1}, "window"),
        ({"window": 30, "step": 7, "kind": "congruence", "qualifier": "subtract"}, "qualifier"),
        ({"window": 30, "step": 7, "start": "2016-01-01", "end": "2015-01-01"}, "end"),
    ],
)
def test_bad_window_parameters_are_a_400_naming_the_parameter(cast, generated, params, field):
    response = client_for(cast.alice).get(windows_url(cast.project, **params))
    assert response.status_code == 400
    assert field in response.json()


def test_the_longest_windows_and_steps_are_answered(cast, generated):
    for unit in ("days", "weeks", "months", "years"):
        response = client_for(cast.alice).get(
            windows_url(cast.project, window=10_000, step=10_000, unit=unit)
        )
        assert response.status_code == 200
        assert response.json() == []


def test_a_project_without_dated_statements_has_no_windows(cast):
    make_annotation(
        make_document(cast.project, published_at=None),
        actor=make_actor(cast.project),
        claim=make_claim(cast.project),
        stance="support",
    )
    response = client_for(cast.alice).get(windows_url(cast.project, window=30, step=7))
    assert response.status_code == 200
    assert response.json() == []


def test_another_projects_windows_are_a_404(cast, generated):
    response = client_for(cast.mallory).get(windows_url(cast.project, window=30, step=7))
    assert response.status_code == 404


def test_queries_per_window_do_not_grow_with_the_statements(
    cast, generated, django_assert_max_num_queries
):
    client = client_for(cast.alice)
    params = {"kind": "affiliation", "window": 12, "step": 12, "unit": "months"}
    count = len(client.get(windows_url(cast.project, **params)).json())
    assert count >= 2
    document = make_document(cast.project, published_at=datetime(2015, 6, 1, tzinfo=UTC))
    actor, claim = make_actor(cast.project), make_claim(cast.project)
    for _ in range(30):
        make_annotation(document, actor=actor, claim=claim, stance="oppose")
    # Authentication and the project, the date range, then four queries per window.
    with django_assert_max_num_queries(3 + 4 * count):
        assert len(client.get(windows_url(cast.project, **params)).json()) == count


def test_a_format_parameter_changes_nothing_the_windows_are_json(cast, generated):
    client = client_for(cast.alice)
    plain = client.get(windows_url(cast.project, window=12, step=12, unit="months"))
    asked = client.get(windows_url(cast.project, window=12, step=12, unit="months", format="csv"))
    assert asked.status_code == 200
    assert asked.json() == plain.json()


def test_windows_past_the_bounds_on_ties_and_time_are_a_clear_400(cast, generated, monkeypatch):
    from annotate.networks import windows

    client = client_for(cast.alice)
    params = {"kind": "congruence", "window": 3, "step": 1, "unit": "months"}
    monkeypatch.setattr(windows, "MAX_TIES", 10)
    response = client.get(windows_url(cast.project, **params))
    assert response.status_code == 400
    assert "more than 10 ties" in response.json()["step"][0]
    monkeypatch.setattr(windows, "MAX_TIES", 10**9)
    monkeypatch.setattr(windows, "MAX_SECONDS", -1.0)
    response = client.get(windows_url(cast.project, **params))
    assert response.status_code == 400
    assert "take longer than -1 seconds" in response.json()["step"][0]
