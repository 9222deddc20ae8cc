"""The stance matrix page: who stands where, with filters and the statements behind a cell."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from annotate.services.trash import trash_annotation

from ..factories import make_actor, make_annotation, make_claim, make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(cast):
    times = make_document(
        cast.project, source_name="The Japan Times", published_at=datetime(2015, 6, 9, tzinfo=UTC)
    )
    sputnik = make_document(
        cast.project, source_name="Sputnik", published_at=datetime(2016, 12, 29, tzinfo=UTC)
    )
    abe = make_actor(cast.project, "Shinzo Abe")
    naryshkin = make_actor(cast.project, "Sergey Naryshkin")
    bilateral = make_claim(cast.project, "Bilateral ties")
    ties = make_claim(cast.project, "Japan should deepen ties with Russia", parent=bilateral)
    sanctions = make_claim(cast.project, "Japan should maintain sanctions on Russia")
    statements = [
        make_annotation(times, actor=abe, claim=ties, stance="support", created_by=cast.bob),
        make_annotation(sputnik, actor=abe, claim=ties, stance="support", created_by=cast.alice),
        make_annotation(
            times, actor=naryshkin, claim=sanctions, stance="oppose", created_by=cast.bob
        ),
        make_annotation(
            times, actor=naryshkin, claim=sanctions, stance="oppose", created_by=cast.bob
        ),
        make_annotation(
            sputnik, actor=naryshkin, claim=ties, stance="neutral", created_by=cast.bob
        ),
    ]
    return {
        "abe": abe,
        "naryshkin": naryshkin,
        "ties": ties,
        "sanctions": sanctions,
        "bilateral": bilateral,
        "statements": statements,
        "times": times,
    }


def url(project, **params):
    from urllib.parse import urlencode

    base = reverse("annotate:matrix", kwargs={"project": project.slug})
    return f"{base}?{urlencode(params)}" if params else base


def test_viewer_sees_each_actors_support_and_opposition_per_claim(client, cast, coded):
    client.force_login(cast.carol)
    response = client.get(url(cast.project))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        'aria-label="Shinzo Abe on Japan should deepen ties with Russia: 2 support, 0 oppose"'
        in html
    )
    naryshkin = "Sergey Naryshkin on Japan should maintain sanctions on Russia: 0 support, 2 oppose"
    assert f'aria-label="{naryshkin}"' in html
    assert (
        "Sergey Naryshkin on Japan should deepen ties with Russia: 0 support, 0 oppose, 1 neutral"
        in html
    )
    # Support is coloured as support, opposition as opposition.
    assert 'class="cell tone-support-2"' in html and 'class="cell tone-oppose-2"' in html
    assert '<th scope="col">Total</th>' in html


def test_rows_and_columns_totals_add_up(client, cast, coded):
    client.force_login(cast.alice)
    context = client.get(url(cast.project)).context
    grand = context["grand"]
    assert (grand.support, grand.oppose, grand.neutral) == (2, 2, 1)
    totals = {line.name: line.totals.total for line in context["columns"]}
    assert totals == {
        "Japan should deepen ties with Russia": 3,
        "Japan should maintain sanctions on Russia": 2,
    }


def test_rows_sort_by_activity_or_by_name(client, cast, coded):
    client.force_login(cast.alice)
    by_activity = [row.name for row, _ in client.get(url(cast.project)).context["table"]]
    assert by_activity == ["Sergey Naryshkin", "Shinzo Abe"]
    make_annotation(coded["times"], actor=coded["abe"], claim=coded["sanctions"], stance="support")
    make_annotation(coded["times"], actor=coded["abe"], claim=coded["sanctions"], stance="support")
    context = client.get(url(cast.project, sort="activity")).context
    assert [row.name for row, _ in context["table"]] == ["Shinzo Abe", "Sergey Naryshkin"]
    assert [c.name for c in context["columns"]][0] == "Japan should maintain sanctions on Russia"
    by_name = client.get(url(cast.project, sort="name")).context
    assert [row.name for row, _ in by_name["table"]] == ["Sergey Naryshkin", "Shinzo Abe"]
    assert [c.name for c in by_name["columns"]][0] == "Japan should deepen ties with Russia"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"source": "Sputnik"}, (1, 0, 1)),
        ({"start": "2016-01-01"}, (1, 0, 1)),
        ({"end": "2015-06-09"}, (1, 2, 0)),
        ({"annotator": "alice"}, (1, 0, 0)),
        ({"category": "bilateral"}, (2, 0, 1)),
    ],
)
def test_filters_narrow_the_statements(client, cast, coded, params, expected):
    if "annotator" in params:
        params = {"annotator": cast.alice.pk}
    if "category" in params:
        params = {"category": coded["bilateral"].pk}
    client.force_login(cast.alice)
    grand = client.get(url(cast.project, **params)).context["grand"]
    assert (grand.support, grand.oppose, grand.neutral) == expected


def test_a_bad_filter_is_explained_and_shows_nothing(client, cast, coded):
    client.force_login(cast.alice)
    response = client.get(url(cast.project, start="2016-01-01", end="2015-01-01", source="Nowhere"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The end date is before the start date." in html
    assert "Select a valid choice" in html
    assert "Shinzo Abe on" not in html


def test_trashed_statements_leave_the_matrix(client, cast, coded):
    for statement in coded["statements"][:2]:
        trash_annotation(annotation=statement, trashed_by=cast.alice)
    client.force_login(cast.alice)
    html = client.get(url(cast.project)).content.decode()
    assert "Shinzo Abe on" not in html


def test_a_cell_lists_its_statements_with_links_to_their_passages(client, cast, coded):
    client.force_login(cast.carol)
    first, second = coded["statements"][:2]
    params = {"actor": coded["abe"].pk, "claim": coded["ties"].pk}
    response = client.get(url(cast.project, **params), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="cell-statements"')
    assert "<table" not in html
    for statement in (first, second):
        reader = reverse("annotate:reader", args=[cast.project.slug, statement.document_id])
        assert f'href="{reader}#annotation-{statement.pk}"' in html
    assert response["Vary"].count("HX-Request") == 1
    # Without htmx the whole page comes, with the cell's statements in it.
    page = client.get(url(cast.project, **params)).content.decode()
    assert "<table" in page and f"#annotation-{first.pk}" in page


def test_a_cell_keeps_the_filters(client, cast, coded):
    client.force_login(cast.alice)
    params = {"actor": coded["abe"].pk, "claim": coded["ties"].pk, "source": "Sputnik"}
    context = client.get(url(cast.project, **params), headers={"HX-Request": "true"}).context
    assert [s.pk for s in context["selected"]["statements"]] == [coded["statements"][1].pk]


def test_another_projects_matrix_and_codebook_are_404(client, cast, coded):
    client.force_login(cast.mallory)
    assert client.get(url(cast.project)).status_code == 404
    mallory_actor = make_actor(cast.other, "Mallory's actor")
    client.force_login(cast.alice)
    response = client.get(url(cast.project, actor=mallory_actor.pk, claim=coded["ties"].pk))
    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, cast):
    response = client.get(url(cast.project))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_project_navigation_links_the_matrix_and_the_network(client, cast):
    client.force_login(cast.carol)
    html = client.get(reverse("corpus:project-detail", args=[cast.project.slug])).content.decode()
    assert f'href="{url(cast.project)}">Stance matrix</a>' in html
    assert reverse("annotate:network", args=[cast.project.slug]) in html


def test_query_count_holds_as_the_matrix_grows(client, cast, coded, django_assert_max_num_queries):
    client.force_login(cast.alice)
    with django_assert_max_num_queries(12):
        client.get(url(cast.project))
    document = make_document(cast.project)
    for n in range(12):
        make_annotation(
            document,
            actor=make_actor(cast.project),
            claim=make_claim(cast.project),
            stance="support" if n % 2 else "oppose",
        )
    with django_assert_max_num_queries(12):
        assert client.get(url(cast.project)).status_code == 200
    params = {"actor": coded["abe"].pk, "claim": coded["ties"].pk}
    with django_assert_max_num_queries(12):
        client.get(url(cast.project, **params), headers={"HX-Request": "true"})


def test_a_large_codebook_shows_the_most_active_entries_and_says_so(
    client, cast, coded, monkeypatch
):
    from annotate.views import analysis

    monkeypatch.setattr(analysis, "MAX_ROWS", 1)
    monkeypatch.setattr(analysis, "MAX_COLUMNS", 1)
    client.force_login(cast.alice)
    response = client.get(url(cast.project, sort="name"))
    assert [row.name for row, _ in response.context["table"]] == ["Sergey Naryshkin"]
    assert [c.name for c in response.context["columns"]] == ["Japan should deepen ties with Russia"]
    html = response.content.decode()
    assert "1 more actor" in html and "1 more claim" in html
    grand = response.context["grand"]
    assert (grand.support, grand.oppose, grand.neutral) == (2, 2, 1)  # totals count everything


def test_an_actor_lists_all_its_statements_and_a_claim_all_of_its(client, cast, coded):
    client.force_login(cast.carol)
    response = client.get(
        url(cast.project, actor=coded["naryshkin"].pk), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<h3>Statements by Sergey Naryshkin</h3>" in html
    assert [s.pk for s in response.context["selected"]["statements"]] == [
        s.pk for s in coded["statements"][2:]
    ]
    # Each statement names the claim it is about, as the row holds several.
    assert "Japan should maintain sanctions on Russia · Oppose" in html
    response = client.get(url(cast.project, claim=coded["ties"].pk, source="Sputnik"))
    assert "<h3>Statements on “Japan should deepen ties with Russia”</h3>" in (
        response.content.decode()
    )
    assert {s.pk for s in response.context["selected"]["statements"]} == {
        coded["statements"][1].pk,
        coded["statements"][4].pk,
    }


def test_actor_and_claim_headings_link_to_their_statements(client, cast, coded):
    client.force_login(cast.carol)
    html = client.get(url(cast.project)).content.decode()
    assert f'hx-get="?actor={coded["abe"].pk}"' in html
    assert f'hx-get="?claim={coded["ties"].pk}"' in html


def test_a_long_list_of_statements_says_how_many_it_leaves_out(client, cast, coded):
    from annotate.views.analysis import MAX_LISTED

    for _ in range(MAX_LISTED + 1 - 2):
        make_annotation(coded["times"], actor=coded["abe"], claim=coded["ties"], stance="support")
    client.force_login(cast.alice)
    response = client.get(url(cast.project, actor=coded["abe"].pk))
    assert len(response.context["selected"]["statements"]) == MAX_LISTED
    assert f"The first {MAX_LISTED} of {MAX_LISTED + 1} statements" in response.content.decode()


def test_a_foreign_or_malformed_actor_or_claim_is_a_404(client, cast, coded):
    client.force_login(cast.alice)
    foreign = make_actor(cast.other, "Elsewhere")
    for params in ({"actor": foreign.pk}, {"claim": "²"}, {"actor": "x"}):
        assert client.get(url(cast.project, **params)).status_code == 404


def heatmap(client, project, **params):
    from urllib.parse import urlencode

    base = reverse("annotate:matrix-heatmap", args=[project.slug])
    return client.get(f"{base}?{urlencode(params)}" if params else base)


def test_the_heat_map_is_an_svg_with_the_counts_in_its_cells(client, cast, coded):
    import xml.etree.ElementTree as ET

    client.force_login(cast.carol)
    response = heatmap(client, cast.project)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{cast.project.slug}-matrix.svg"'
    )
    root = ET.fromstring(response.content)
    texts = ["".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")]
    # Naryshkin: 2 oppose on sanctions, 1 neutral on ties; Abe: 2 support on ties.
    assert "+0 −2" in texts and "+0 −0 ○1" in texts and "+2 −0" in texts
    assert "+2 −2 ○1" in texts  # the grand total
    assert any(t.startswith("Sergey Naryshkin") for t in texts)
    html = client.get(url(cast.project)).content.decode()
    assert reverse("annotate:matrix-heatmap", args=[cast.project.slug]) in html


def test_the_heat_map_keeps_the_filters_and_refuses_bad_ones(client, cast, coded):
    client.force_login(cast.alice)
    body = heatmap(client, cast.project, source="Sputnik").content.decode()
    assert "+2 −0" not in body and "+1 −0" in body
    response = heatmap(client, cast.project, start="2016-01-01", end="2015-01-01")
    assert response.status_code == 400
    assert "end" in response.content.decode()


def test_names_xml_cannot_hold_are_written_safely_in_the_heat_map(client, cast, coded):
    import xml.etree.ElementTree as ET

    coded["abe"].name = "Abe \x07 <b>&"
    coded["abe"].save()
    client.force_login(cast.alice)
    root = ET.fromstring(heatmap(client, cast.project).content)
    assert any("Abe \ufffd <b>&" in "".join(t.itertext()) for t in root.iter())


def test_another_projects_heat_map_is_a_404(client, cast, coded):
    client.force_login(cast.mallory)
    assert heatmap(client, cast.project).status_code == 404
