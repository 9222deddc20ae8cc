"""The network page: options, a drawing and the downloads."""

import pytest
from django.urls import reverse

from ..factories import make_actor, make_annotation, make_claim, make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(cast):
    document = make_document(cast.project, source_name="Daily")
    abe, putin = make_actor(cast.project, "Shinzo Abe"), make_actor(cast.project, "Vladimir Putin")
    ties = make_claim(cast.project, "Japan should deepen ties with Russia")
    make_annotation(document, actor=abe, claim=ties, stance="support")
    make_annotation(document, actor=putin, claim=ties, stance="oppose")
    return abe, putin, ties


def page(client, project, **params):
    return client.get(reverse("annotate:network", args=[project.slug]), params)


def test_viewer_gets_the_network_the_api_answers_to_draw_and_its_ties_as_a_table(
    client, cast, coded
):
    client.force_login(cast.carol)
    response = page(client, cast.project, kind="conflict")
    assert response.status_code == 200
    html = response.content.decode()
    api = client.get(
        reverse("api:project-network", kwargs={"pk": cast.project.pk}), {"kind": "conflict"}
    )
    assert response.context["network_json"] == api.json()
    assert '<script id="network-data" type="application/json">' in html
    assert "<td>Shinzo Abe</td><td>Vladimir Putin</td>" in html
    assert 'aria-label="Statements behind Shinzo Abe and Vladimir Putin"' in html
    # The Content Security Policy allows neither style attributes nor inline scripts.
    assert 'style="' not in html and "<script>" not in html


def test_an_empty_network_says_so_and_offers_no_downloads_or_drawing(client, cast, coded):
    client.force_login(cast.carol)
    html = page(client, cast.project, kind="conflict", start="2999-01-01").content.decode()
    assert "This network is empty: no statements match these options." in html
    assert "GraphML" not in html and "Line width" not in html
    assert 'id="network-canvas"' not in html and "cytoscape" not in html.split("</head>")[1]


def test_the_affiliation_qualifier_is_hidden_for_one_mode_networks(client, cast, coded):
    client.force_login(cast.carol)
    one_mode = page(client, cast.project, kind="conflict").content.decode()
    affiliation = page(client, cast.project, kind="affiliation").content.decode()
    hidden_row = '<p class="filter" hidden>\n      <label for="id_qualifier">'
    assert hidden_row in one_mode and hidden_row not in affiliation


def test_leave_out_lists_are_tick_boxes_that_keep_what_was_ticked(client, cast, coded):
    client.force_login(cast.alice)
    abe, putin, _ = coded
    response = page(client, cast.project, kind="affiliation", exclude_actor=abe.pk)
    html = response.content.decode()
    assert "<select multiple" not in html
    assert f'type="checkbox" name="exclude_actor" value="{abe.pk}"' in html
    assert "Leave out actors (1 ticked)" in html
    assert [node.label for node in response.context["network"].rows] == ["Vladimir Putin"]


def test_the_page_opens_on_the_congruence_network(client, cast, coded):
    client.force_login(cast.carol)
    response = page(client, cast.project)
    assert response.context["network"].options.kind == "congruence"


def test_the_downloads_carry_the_chosen_options(client, cast, coded):
    client.force_login(cast.alice)
    abe = coded[0]
    response = page(
        client, cast.project, kind="affiliation", qualifier="subtract", exclude_actor=abe.pk
    )
    downloads = dict(response.context["downloads"])
    graphml = downloads["GraphML (Gephi, visone)"]
    assert graphml.startswith(reverse("api:project-network", kwargs={"pk": cast.project.pk}))
    assert "qualifier=subtract" in graphml and f"exclude_actor={abe.pk}" in graphml
    assert graphml.endswith("format=graphml")
    download = client.get(graphml)
    assert download.status_code == 200 and b"Vladimir Putin" in download.content
    assert b"Shinzo Abe" not in download.content


def test_options_that_make_no_network_are_explained(client, cast, coded):
    client.force_login(cast.alice)
    response = page(client, cast.project, kind="congruence", normalization="prominence")
    assert response.status_code == 400
    assert "does not apply to a congruence network" in response.content.decode()
    assert "network" not in response.context or response.context.get("network") is None


def test_another_projects_network_page_is_404(client, cast, coded):
    client.force_login(cast.mallory)
    assert page(client, cast.project).status_code == 404


def test_query_count_holds_as_the_network_grows(client, cast, coded, django_assert_max_num_queries):
    client.force_login(cast.alice)
    with django_assert_max_num_queries(12):
        page(client, cast.project, kind="congruence")
    document = make_document(cast.project)
    ties = coded[2]
    for n in range(15):
        make_annotation(
            document,
            actor=make_actor(cast.project),
            claim=ties,
            stance="support" if n % 2 else "oppose",
        )
    with django_assert_max_num_queries(12):
        assert len(page(client, cast.project, kind="congruence").context["network"].rows) == 17


def test_switching_to_a_one_mode_network_forgets_the_affiliation_qualifier(client, cast, coded):
    client.force_login(cast.alice)
    response = page(client, cast.project, kind="conflict", qualifier="subtract")
    assert response.status_code == 200
    csv_link = dict(response.context["downloads"])["CSV matrix"]
    assert "qualifier" not in csv_link
    assert client.get(csv_link).status_code == 200


def test_the_page_offers_the_project_as_a_dna_database(client, cast, coded):
    client.force_login(cast.carol)
    response = page(client, cast.project, kind="affiliation")
    html = response.content.decode()
    url = reverse("api:project-dna", kwargs={"pk": cast.project.pk})
    assert f'<a href="{url}" download>DNA database (.dna' in html
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"SQLite format 3\x00")
