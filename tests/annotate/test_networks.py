"""Every network option pinned on small hand-computed data.

The base data: three actors A, B, C and two claims X, Y.
A supports X twice in document 1, opposes Y in document 1; B supports X (doc 1) and
Y (doc 2); C opposes X and Y (doc 2)."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from annotate.networks import (
    NetworkOptionError,
    NetworkOptions,
    as_edges_csv,
    as_gexf,
    as_graphml,
    as_json,
    as_matrix_csv,
    compute_network,
)
from annotate.services.trash import trash_annotation

from ..factories import make_actor, make_annotation, make_claim, make_document, make_project

pytestmark = pytest.mark.django_db


def say(document, actor, claim, stance):
    return make_annotation(document, actor=actor, claim=claim, stance=stance)


@pytest.fixture
def data():
    project = make_project()
    d1 = make_document(project, source_name="Daily", published_at=datetime(2015, 1, 10, tzinfo=UTC))
    d2 = make_document(project, source_name="Weekly", published_at=datetime(2016, 5, 1, tzinfo=UTC))
    a = make_actor(project, "A", kind="person")
    b = make_actor(project, "B", kind="state")
    c = make_actor(project, "C", kind="organisation", colour="#123456")
    x = make_claim(project, "X")
    y = make_claim(project, "Y")
    say(d1, a, x, "support")
    say(d1, a, x, "support")
    say(d1, a, y, "oppose")
    say(d1, b, x, "support")
    say(d2, b, y, "support")
    say(d2, c, x, "oppose")
    say(d2, c, y, "oppose")
    return SimpleNamespace(project=project, d1=d1, d2=d2, a=a, b=b, c=c, x=x, y=y)


def net(data, **options):
    return compute_network(project=data.project, options=NetworkOptions(**options))


def matrix(network):
    """The matrix keyed by labels, zeros left out."""
    return {
        (r.label, c.label): w
        for r in network.rows
        for c in network.columns
        if (w := network.weight(r.pk, c.pk))
    }


def test_affiliation_ignore_counts_statements(data):
    network = net(data, kind="affiliation")
    assert [n.label for n in network.rows] == ["A", "B", "C"]
    assert [n.label for n in network.columns] == ["X", "Y"]
    assert matrix(network) == {
        ("A", "X"): 2,
        ("A", "Y"): 1,
        ("B", "X"): 1,
        ("B", "Y"): 1,
        ("C", "X"): 1,
        ("C", "Y"): 1,
    }
    assert network.statement_count == 7


def test_affiliation_subtract_is_support_minus_oppose(data):
    assert matrix(net(data, kind="affiliation", qualifier="subtract")) == {
        ("A", "X"): 2,
        ("A", "Y"): -1,
        ("B", "X"): 1,
        ("B", "Y"): 1,
        ("C", "X"): -1,
        ("C", "Y"): -1,
    }


def test_affiliation_combine_codes_support_one_oppose_two_both_three(data):
    say(data.d2, data.b, data.x, "oppose")
    assert matrix(net(data, kind="affiliation", qualifier="combine")) == {
        ("A", "X"): 1,
        ("A", "Y"): 2,
        ("B", "X"): 3,
        ("B", "Y"): 1,
        ("C", "X"): 2,
        ("C", "Y"): 2,
    }


def test_affiliation_combine_adds_four_for_neutral(data):
    say(data.d2, data.b, data.x, "neutral")
    say(data.d2, data.c, data.y, "neutral")
    result = matrix(net(data, kind="affiliation", qualifier="combine"))
    assert result[("B", "X")] == 5
    assert result[("C", "Y")] == 6


def test_affiliation_activity_divides_by_the_actors_statements(data):
    result = matrix(net(data, kind="affiliation", normalization="activity"))
    assert result[("A", "X")] == pytest.approx(2 / 3)
    assert result[("A", "Y")] == pytest.approx(1 / 3)
    assert result[("B", "X")] == 0.5
    subtract = matrix(net(data, kind="affiliation", qualifier="subtract", normalization="activity"))
    assert subtract[("A", "Y")] == pytest.approx(-1 / 3)
    assert subtract[("C", "X")] == -0.5


def test_affiliation_prominence_divides_by_the_claims_statements(data):
    result = matrix(net(data, kind="affiliation", normalization="prominence"))
    assert result[("A", "X")] == 0.5
    assert result[("B", "X")] == 0.25
    assert result[("C", "Y")] == pytest.approx(1 / 3)


def test_affiliation_counts_one_statement_per_document_when_asked(data):
    assert matrix(net(data, kind="affiliation", duplicates="document"))[("A", "X")] == 1
    # The same stance twice in one document counts once; different stances count apart.
    say(data.d1, data.a, data.x, "oppose")
    deduped = net(data, kind="affiliation", qualifier="subtract", duplicates="document")
    assert deduped.weight(data.a.pk, data.x.pk) == 0
    assert matrix(net(data, kind="affiliation", duplicates="document"))[("A", "X")] == 1


def test_congruence_counts_shared_stances_on_a_claim(data):
    network = net(data, kind="congruence")
    assert [n.label for n in network.rows] == [n.label for n in network.columns] == ["A", "B", "C"]
    assert matrix(network) == {("A", "B"): 2, ("B", "A"): 2, ("A", "C"): 1, ("C", "A"): 1}


def test_conflict_counts_opposite_stances_on_a_claim(data):
    assert matrix(net(data, kind="conflict")) == {
        ("A", "B"): 1,
        ("B", "A"): 1,
        ("A", "C"): 2,
        ("C", "A"): 2,
        ("B", "C"): 2,
        ("C", "B"): 2,
    }


def test_cooccurrence_ignores_the_stance(data):
    assert matrix(net(data, kind="cooccurrence")) == {
        ("A", "B"): 3,
        ("B", "A"): 3,
        ("A", "C"): 3,
        ("C", "A"): 3,
        ("B", "C"): 2,
        ("C", "B"): 2,
    }


def test_neutral_is_half_congruent_and_half_conflicting_with_either_stance(data):
    project = data.project
    d, e, f = (make_actor(project, name) for name in ("D", "E", "F"))
    z = make_claim(project, "Z")
    say(data.d1, d, z, "neutral")
    say(data.d1, e, z, "support")
    say(data.d1, f, z, "oppose")
    congruence = matrix(net(data, kind="congruence", exclude_claims=(data.x.pk, data.y.pk)))
    conflict = matrix(net(data, kind="conflict", exclude_claims=(data.x.pk, data.y.pk)))
    assert congruence == {("D", "E"): 0.5, ("E", "D"): 0.5, ("D", "F"): 0.5, ("F", "D"): 0.5}
    assert conflict[("D", "E")] == 0.5
    assert conflict[("E", "F")] == 1


def test_average_normalisation_divides_by_the_mean_activity(data):
    result = matrix(net(data, kind="congruence", normalization="average"))
    assert result[("A", "B")] == pytest.approx(2 / 2.5)
    assert result[("A", "C")] == pytest.approx(1 / 2.5)


def test_cosine_normalisation_divides_by_the_product_of_activities(data):
    result = matrix(net(data, kind="congruence", normalization="cosine"))
    assert result[("A", "B")] == pytest.approx(2 / 6)
    assert result[("A", "C")] == pytest.approx(1 / 6)


def test_jaccard_normalisation_uses_claim_and_stance_cells(data):
    congruence = matrix(net(data, kind="congruence", normalization="jaccard"))
    assert congruence[("A", "B")] == 0.5  # 2 / (1 + 1 + 2)
    assert congruence[("A", "C")] == 0.25  # 1 / (2 + 1 + 1)
    conflict = matrix(net(data, kind="conflict", normalization="jaccard"))
    assert conflict[("B", "C")] == 0.5  # 2 / (2 + 2 + 0)
    cooccurrence = matrix(net(data, kind="cooccurrence", normalization="jaccard"))
    assert cooccurrence[("A", "B")] == 0.75  # 3 / 4


def test_one_mode_duplicates_per_document(data):
    assert matrix(net(data, kind="congruence", duplicates="document"))[("A", "B")] == 1
    assert matrix(net(data, kind="cooccurrence", duplicates="document"))[("A", "B")] == 2


def test_date_range_keeps_statements_of_documents_published_within_it(data):
    network = net(data, kind="affiliation", start=date(2016, 1, 1))
    assert [n.label for n in network.rows] == ["B", "C"]
    assert matrix(network) == {("B", "Y"): 1, ("C", "X"): 1, ("C", "Y"): 1}
    assert net(data, kind="affiliation", end=date(2015, 1, 10)).statement_count == 4


def test_excluded_actors_claims_and_sources_leave_the_network(data):
    assert [n.label for n in net(data, kind="congruence", exclude_actors=(data.a.pk,)).rows] == [
        "B",
        "C",
    ]
    assert [
        n.label for n in net(data, kind="affiliation", exclude_claims=(data.y.pk,)).columns
    ] == ["X"]
    assert net(data, kind="affiliation", exclude_sources=("Daily",)).statement_count == 3


def test_trashed_and_incomplete_annotations_are_not_statements(data):
    trash_annotation(annotation=say(data.d1, data.c, data.x, "support"), trashed_by=None)
    make_annotation(data.d1, actor=data.c, claim=data.x)
    make_annotation(data.d1, actor=data.c, stance="support")
    assert net(data, kind="affiliation").statement_count == 7


def test_other_projects_statements_never_count(data):
    other = make_project()
    actor, claim = make_actor(other, "A"), make_claim(other, "X")
    say(make_document(other), actor, claim, "support")
    assert net(data, kind="affiliation").statement_count == 7


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"kind": "bridges"}, "kind"),
        ({"kind": "congruence", "normalization": "activity"}, "normalization"),
        ({"kind": "affiliation", "normalization": "jaccard"}, "normalization"),
        (
            {"kind": "affiliation", "qualifier": "combine", "normalization": "activity"},
            "normalization",
        ),
        ({"kind": "conflict", "qualifier": "subtract"}, "qualifier"),
        ({"duplicates": "week"}, "duplicates"),
        ({"start": date(2016, 1, 1), "end": date(2015, 1, 1)}, "end"),
    ],
)
def test_options_that_make_no_network_are_refused_by_name(options, field):
    with pytest.raises(NetworkOptionError) as error:
        NetworkOptions(**options)
    assert field in error.value.errors


def test_an_empty_project_gives_an_empty_network():
    network = compute_network(project=make_project(), options=NetworkOptions(kind="conflict"))
    assert network.rows == [] and list(network.edges()) == []
    assert as_json(network)["nodes"] == [] and as_json(network)["edges"] == []


def test_json_lists_each_one_mode_pair_once(data):
    result = as_json(net(data, kind="conflict"))
    ids = {n["label"]: n["id"] for n in result["nodes"]}
    assert {n["mode"] for n in result["nodes"]} == {"actor"}
    pairs = {(e["source"], e["target"]): e["weight"] for e in result["edges"]}
    assert pairs == {
        (ids["A"], ids["B"]): 1,
        (ids["A"], ids["C"]): 2,
        (ids["B"], ids["C"]): 2,
    }


def test_matrix_csv_fills_both_triangles_with_labels(data):
    lines = as_matrix_csv(net(data, kind="conflict")).splitlines()
    assert lines == [",A,B,C", "A,0,1,2", "B,1,0,2", "C,2,2,0"]


def test_edge_list_csv_names_both_ends(data):
    lines = as_edges_csv(net(data, kind="affiliation", qualifier="subtract")).splitlines()
    assert lines[0] == "source,target,weight,source_id,target_id"
    assert f"A,Y,-1,actor-{data.a.pk},claim-{data.y.pk}" in lines


def test_graphml_and_gexf_carry_labels_kinds_types_and_colours(data):
    import networkx as nx

    graphml = as_graphml(net(data, kind="affiliation"))
    graph = nx.parse_graphml(graphml)
    node = graph.nodes[f"actor-{data.c.pk}"]
    assert node == {
        "label": "C",
        "kind": "organisation",
        "type": "actor",
        "colour": "#123456",
        "statements": 2,
    }
    assert graph.nodes[f"claim-{data.x.pk}"]["type"] == "claim"
    assert graph.edges[f"actor-{data.a.pk}", f"claim-{data.x.pk}"]["weight"] == 2.0
    gexf = as_gexf(net(data, kind="congruence"))
    assert 'label="C"' in gexf and "viz:color" in gexf


@pytest.mark.parametrize("qualifier", ["ignore", "subtract", "combine"])
def test_affiliation_json_counts_the_stances_behind_each_tie(data, qualifier):
    edges = as_json(net(data, kind="affiliation", qualifier=qualifier))["edges"]
    stances = {(e["source"], e["target"]): e["stances"] for e in edges}
    assert stances[f"actor-{data.a.pk}", f"claim-{data.x.pk}"] == {
        "oppose": 0,
        "neutral": 0,
        "support": 2,
    }
    assert stances[f"actor-{data.c.pk}", f"claim-{data.y.pk}"]["oppose"] == 1


def test_one_mode_json_edges_carry_no_stances(data):
    assert all("stances" not in e for e in as_json(net(data, kind="conflict"))["edges"])


def dna_one_mode(counts, actors, kind, normalization):
    """DNA's Exporter.computeOneModeMatrix, written out loop by loop, for comparison."""
    from annotate.networks import LEVELS, SCALE

    claims = sorted({c for (_, c, _) in counts})
    array = {(a, c, q): counts.get((a, c, q), 0) for a in actors for c in claims for q in LEVELS}
    total = {a: sum(array[a, c, q] for c in claims for q in LEVELS) for a in actors}
    result = {}
    for i in actors:
        for j in actors:
            if i == j:
                continue
            value = 0.0
            for c in claims:
                if kind == "cooccurrence":
                    value += sum(array[i, c, q] for q in LEVELS) * sum(
                        array[j, c, q] for q in LEVELS
                    )
                    continue
                for q1 in LEVELS:
                    for q2 in LEVELS:
                        distance = abs(SCALE[q1] - SCALE[q2]) / 2
                        weight = 1 - distance if kind == "congruence" else distance
                        value += array[i, c, q1] * array[j, c, q2] * weight
            norm = 1.0
            if normalization == "average":
                norm = (total[i] + total[j]) / 2
            elif normalization == "cosine":
                norm = total[i] * total[j]
            elif normalization == "jaccard":
                m10 = m01 = m11 = 0
                for c in claims:
                    for q in LEVELS:
                        a, b = array[i, c, q], array[j, c, q]
                        m10 += a if b == 0 else 0
                        m01 += b if a == 0 else 0
                        m11 += a * b if a and b else 0
                norm = m10 + m01 + m11
            result[i, j] = value / norm if norm else 0
    return result


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("kind", ["congruence", "conflict", "cooccurrence"])
def test_one_mode_networks_match_dnas_loops_on_random_data(seed, kind):
    import random

    from annotate.networks import LEVELS
    from annotate.networks.computation import _one_mode

    rng = random.Random(seed)
    actors = list(range(1, 9))
    # Large counts on some seeds force the wider packed fields.
    high = [3, 40, 5000, 2_000_000_000, 3, 7][seed]
    counts: dict[tuple[int, int, str | None], int] = {}
    for _ in range(40):
        key = (rng.choice(actors), rng.randint(1, 5), rng.choice(LEVELS))
        counts[key] = counts.get(key, 0) + rng.randint(1, high)
    present = sorted({a for (a, _, _) in counts})
    for normalization in ("none", "average", "jaccard", "cosine"):
        options = NetworkOptions(kind=kind, normalization=normalization)
        if kind == "cooccurrence":
            merged: dict[tuple[int, int, str | None], int] = {}
            for (a, c, _), n in counts.items():
                merged[a, c, None] = merged.get((a, c, None), 0) + n
            values = _one_mode(merged, counts, present, options)
        else:
            values = _one_mode(counts, counts, present, options)
        expected = dna_one_mode(counts, present, kind, normalization)
        for i, a in enumerate(present):
            assert values[i][i] == 0
            for j, b in enumerate(present):
                if a != b:
                    assert values[i][j] == pytest.approx(expected[a, b], rel=1e-12), (
                        normalization,
                        a,
                        b,
                    )
