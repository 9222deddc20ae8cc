"""The agreement measures reproduce published worked examples and say "not defined"."""

import pytest

from annotate.agreement.measures import (
    Unit,
    agreement,
    coding_units,
    cohen_kappa,
    field_value,
    nominal_alpha,
    pairwise_kappa,
    unitizing_alpha,
)

N = None


def approx4(value):
    """Equal to four decimals."""
    return pytest.approx(value, abs=0.00005)


def by_value(result):
    return {category.value: category for category in result.by_category}


# --- Krippendorff's unitizing alpha ----------------------------------------------------


def krippendorff_2004_unitizing():
    # Krippendorff (2004), Content Analysis, 2nd ed., p. 254: two observers, a continuum
    # from 150 to 450, categories c and k; laid here as a document of 300 code points.
    # As in DKPro Agreement's unitizing Krippendorff2004Test.createExample.
    raw = [
        (225, 70, "i", "c"),
        (370, 30, "i", "c"),
        (220, 80, "j", "c"),
        (355, 20, "j", "c"),
        (400, 20, "j", "c"),
        (180, 60, "i", "k"),
        (300, 50, "i", "k"),
        (180, 60, "j", "k"),
        (300, 50, "j", "k"),
    ]
    units = [Unit("doc", o - 150, o - 150 + n, coder, value) for o, n, coder, value in raw]
    return unitizing_alpha(units, {"doc": 300}, ["i", "j"])


def test_unitizing_alpha_of_category_c_is_krippendorffs_0_7286():
    # Krippendorff (2004: p. 254); DKPro Krippendorff2004Test.testCategoryAgreement.
    c = by_value(krippendorff_2004_unitizing())["c"]
    assert c.observed == approx4(0.0144)
    assert c.expected == approx4(0.0532)
    assert c.alpha == approx4(0.7286)


def test_unitizing_alpha_of_category_k_is_krippendorffs_perfect_1():
    # Krippendorff (2004: p. 254); DKPro Krippendorff2004Test.testCategoryAgreement.
    k = by_value(krippendorff_2004_unitizing())["k"]
    assert k.observed == approx4(0.0)
    assert k.expected == approx4(0.0490)
    assert k.alpha == approx4(1.0)


def test_overall_unitizing_alpha_is_krippendorffs_0_8591_from_his_rounded_disagreements():
    # Krippendorff (2004: p. 254) reports alpha-U = 0.8591, which is 1 - 0.0144 / (0.0532 +
    # 0.0490), the disagreements rounded to four decimals first; unrounded it is 0.8587
    # (DKPro Krippendorff2004Test.testAgreement accepts 0.8591 +- 0.0005).
    result = krippendorff_2004_unitizing()
    rounded = [(round(c.observed, 4), round(c.expected, 4)) for c in result.by_category]
    assert 1 - sum(o for o, _ in rounded) / sum(e for _, e in rounded) == approx4(0.8591)
    assert result.alpha == approx4(0.8587)
    assert result.alpha == pytest.approx(0.8591, abs=0.0005)
    assert (result.units, result.length, result.annotators) == (9, 300, 2)


def test_unitizing_alpha_of_one_long_unit_against_three_short_ones_is_minus_0_7003():
    # DKPro Agreement, UnitizingAgreementTest.testAgreement: r0 -11111111-, r1 --1-1-1---.
    units = [
        Unit("doc", 1, 9, "r0", "A"),
        Unit("doc", 2, 3, "r1", "A"),
        Unit("doc", 4, 5, "r1", "A"),
        Unit("doc", 6, 7, "r1", "A"),
    ]
    a = by_value(unitizing_alpha(units, {"doc": 10}, ["r0", "r1"]))["A"]
    assert a.observed == approx4(0.9100)
    assert a.expected == pytest.approx(0.5351, abs=0.0001)  # DKPro's tolerance; 0.53519
    assert a.alpha == approx4(-0.7003)


def test_a_single_unit_by_one_of_three_coders_gives_alpha_zero():
    # DKPro Agreement, UnitizingAgreementTest.testSingleAnnotationUnit: D_o equals D_e.
    result = unitizing_alpha([Unit("doc", 0, 1, 0, "X")], {"doc": 20}, [0, 1, 2])
    assert result.alpha == approx4(0.0)


def krippendorff_1995_example(stretch):
    # Krippendorff (1995), On the reliability of unitizing contiguous data, p. 57: four
    # pairs of coders (A: Bertha/Bill, B: John/Jill, C: Gerret/Gill, D: Heather/Hill) on
    # a continuum of 24, stretched; as DKPro Krippendorff1995Test.createExample.
    rows = [
        (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
        (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"),
        (4, 1, 1, "B"), (5, 1, 1, "B"), (6, 3, 1, "B"), (9, 1, 1, "B"),
        (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"),
        (0, 2, 1, "C"), (4, 4, 1, "C"), (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
        (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"),
        (0, 4, 1, "D"), (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
    ]  # fmt: skip
    units = [
        Unit("doc", int(o * stretch), int(o * stretch) + int(n * stretch), coder, value)
        for o, n, coder, value in rows
    ]
    return by_value(unitizing_alpha(units, {"doc": int(24 * stretch)}, [0, 1]))


def test_observed_disagreements_of_krippendorffs_1995_four_pairs_of_coders():
    # Krippendorff (1995: p. 57); DKPro Krippendorff1995Test.testAgreement (exact values).
    categories = krippendorff_1995_example(1)
    assert categories["A"].observed == approx4(0.03125)
    assert categories["B"].observed == approx4(2.26736)
    assert categories["C"].observed == approx4(0.02778)
    assert categories["D"].observed == approx4(0.38715)


def test_krippendorffs_1995_coders_gerret_and_gill_on_a_continuum_of_12():
    # Krippendorff (1995: p. 57) at half length; DKPro Krippendorff1995Test.testVaryingLengths
    # asserts D_e = 0.05494 to five decimals and alpha 0.494.
    c = krippendorff_1995_example(0.5)["C"]
    assert c.observed == approx4(0.02777)
    assert c.expected == approx4(0.05494)
    assert c.alpha == approx4(0.4944)


def test_krippendorffs_1995_alphas_on_a_long_continuum_within_dkpros_tolerance():
    # Krippendorff (1995: p. 57) stretched to 1,200,000; the paper's alphas (0.553, -0.926,
    # 0.679, 0.066) rest on a misprinted D_e, so DKPro Krippendorff1995Test.testAgreement
    # accepts them +- 0.02 and the expected disagreements +- 0.005.
    categories = krippendorff_1995_example(1_200_000 / 24)
    published = {
        "A": (0.06990, 0.553),
        "B": (1.17731, -0.926),
        "C": (0.08642, 0.679),
        "D": (0.41445, 0.066),
    }
    for value, (expected, alpha) in published.items():
        assert categories[value].expected == pytest.approx(expected, abs=0.005)
        assert categories[value].alpha == pytest.approx(alpha, abs=0.02)
    assert categories["A"].expected == approx4(0.0699)
    assert categories["D"].expected == approx4(0.41445)


def test_documents_are_laid_end_to_end_as_one_continuum():
    # The same units in two documents give what one pooled document gives.
    one = [Unit("a", 2, 8, 0, "x"), Unit("a", 4, 8, 1, "x"), Unit("a", 14, 20, 0, "x")]
    two = [Unit("a", 2, 8, 0, "x"), Unit("a", 4, 8, 1, "x"), Unit("b", 4, 10, 0, "x")]
    pooled = unitizing_alpha(one, {"a": 24}, [0, 1])
    split = unitizing_alpha(two, {"a": 10, "b": 14}, [0, 1])
    assert split.alpha == pytest.approx(pooled.alpha)
    assert split.length == 24


def test_overlapping_units_of_one_coder_and_category_count_as_their_union():
    overlapping = [Unit("d", 2, 6, 0, "x"), Unit("d", 4, 9, 0, "x"), Unit("d", 2, 9, 1, "x")]
    union = [Unit("d", 2, 9, 0, "x"), Unit("d", 2, 9, 1, "x")]
    merged = unitizing_alpha(overlapping, {"d": 20}, [0, 1])
    assert merged.alpha == pytest.approx(unitizing_alpha(union, {"d": 20}, [0, 1]).alpha)
    assert merged.alpha == pytest.approx(1.0)
    assert merged.units == 2


def test_touching_units_of_one_coder_stay_two_units():
    touching = [Unit("d", 2, 5, 0, "x"), Unit("d", 5, 9, 0, "x"), Unit("d", 2, 9, 1, "x")]
    result = unitizing_alpha(touching, {"d": 20}, [0, 1])
    assert result.units == 3
    assert result.alpha is not None
    assert result.alpha < 1


def test_unitizing_alpha_is_not_defined_with_one_coder_or_no_units():
    units = [Unit("d", 0, 5, "a", "x"), Unit("d", 7, 9, "a", "y")]
    alone = unitizing_alpha(units, {"d": 20}, ["a"])
    assert alone.alpha is None
    assert [c.alpha for c in alone.by_category] == [None, None]
    assert alone.units == 2
    assert unitizing_alpha([], {"d": 20}, ["a", "b"]).alpha is None
    assert unitizing_alpha([], {"d": 0}, ["a", "b"]).alpha is None


def test_unitizing_alpha_is_not_defined_when_no_disagreement_is_expected():
    # One code point, marked by both: no other unitization is possible, D_e = 0.
    units = [Unit("d", 0, 1, "a", "x"), Unit("d", 0, 1, "b", "x")]
    result = unitizing_alpha(units, {"d": 1}, ["a", "b"])
    assert result.by_category[0].expected == 0
    assert result.by_category[0].alpha is None
    assert result.alpha is None


def test_a_coder_who_marked_nothing_still_disagrees_with_one_who_did():
    units = [Unit("d", 3, 8, "a", "x")]
    alpha = unitizing_alpha(units, {"d": 20}, ["a", "b"]).alpha
    assert alpha is not None
    assert alpha < 0.5
    assert unitizing_alpha(units, {"d": 20}).alpha is None  # b unknown: one coder


def test_a_span_outside_its_document_is_refused():
    with pytest.raises(ValueError, match="length 10"):
        unitizing_alpha([Unit("d", 5, 11, "a", "x")], {"d": 10}, ["a", "b"])
    with pytest.raises(ValueError, match="start <= end"):
        coding_units([Unit("d", 5, 4, "a", "x")])


# --- Krippendorff's alpha (nominal) ----------------------------------------------------


def test_nominal_alpha_of_four_coders_with_missing_values_is_0_743():
    # Krippendorff (2011), Computing Krippendorff's Alpha-Reliability, example C (nominal,
    # 4 coders, 12 units, missing data): alpha = 0.743; also Krippendorff (2004: p. 230)
    # and DKPro Krippendorff2004Test.testMultipleRatersMissingValues (D_o 0.200, D_e 0.779).
    data: list[list[int | None]] = [
        [1, 1, N, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
        [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [N, 5, 5, 5], [N, N, 1, 1], [N, N, 3, N],
    ]  # fmt: skip
    result = nominal_alpha(data)
    assert result.alpha == approx4(0.7434)
    assert result.observed == approx4(0.2000)
    assert result.expected == approx4(0.7795)
    # The last unit has a single value: 11 pairable units, 40 pairable values.
    assert (result.units, result.pairable) == (11, 40)


def test_nominal_alpha_of_two_coders_on_ten_binary_units_is_0_095():
    # Krippendorff (2004: p. 224); DKPro Krippendorff2004Test.testDichotomy.
    data = [[1, 0], [1, 1], [0, 1], [0, 0], [0, 0], [0, 1], [0, 0], [0, 1], [0, 0], [0, 0]]
    result = nominal_alpha(data)
    assert result.observed == approx4(0.4000)
    assert result.expected == approx4(0.4421)
    assert result.alpha == approx4(0.0952)


def test_nominal_alpha_of_two_coders_and_three_categories_is_0_734():
    # Krippendorff (2004: p. 227); DKPro Krippendorff2004Test.testMultipleCategories.
    pairs = ["aa", "ab", "bb", "bb", "bb", "bb", "bc", "cc", "cc", "cc", "cc", "cc"]
    result = nominal_alpha([list(pair) for pair in pairs])
    assert result.observed == approx4(0.1667)
    assert result.expected == approx4(0.6268)
    assert result.alpha == approx4(0.7341)


def test_nominal_alpha_of_three_coders_on_nine_units_is_0_642():
    # Krippendorff (1980: p. 139); DKPro Krippendorff1980Test.testMultiCategoryMultiRater.
    data = [
        [1, 1, 1], [1, 2, 2], [2, 2, 2], [4, 4, 4], [1, 4, 4],
        [2, 2, 2], [1, 2, 3], [3, 3, 3], [2, 2, 2],
    ]  # fmt: skip
    result = nominal_alpha(data)
    assert result.observed == approx4(0.2593)
    assert result.expected == approx4(0.7236)
    assert result.alpha == approx4(0.6417)


def test_nominal_alpha_is_not_defined_without_pairable_values_or_variation():
    lonely = nominal_alpha([[1, N], [N, 2], [N, N]])
    assert (lonely.alpha, lonely.units, lonely.pairable) == (None, 0, 0)
    uniform = nominal_alpha([["x", "x"], ["x", "x", "x"]])
    assert (uniform.alpha, uniform.units, uniform.pairable) == (None, 2, 5)


# --- Cohen's kappa ---------------------------------------------------------------------


def expand(cells):
    return [(a, b) for count, a, b in cells for _ in range(count)]


def test_cohens_kappa_of_his_1960_example_is_0_4915():
    # Cohen (1960: p. 45), 200 units, p_o = 0.70, p_c = 0.41, kappa = 0.49;
    # DKPro Cohen1960Test.testExample2 (0.492).
    cells = [
        (88, 1, 1), (14, 1, 2), (18, 1, 3), (10, 2, 1), (40, 2, 2),
        (10, 2, 3), (2, 3, 1), (6, 3, 2), (12, 3, 3),
    ]  # fmt: skip
    result = cohen_kappa(expand(cells))
    assert result.kappa == approx4(0.4915)
    assert result.units == 200


def test_cohens_kappa_of_krippendorffs_2004_tables_is_0_1858_and_0_2582():
    # Krippendorff (2004: p. 246), two tables with equal agreement 0.46 and different
    # marginals; DKPro Krippendorff2004Test.testOtherCoefficients (0.186 and 0.258).
    equal = [
        (12, "a", "a"), (9, "a", "b"), (9, "a", "c"), (9, "b", "a"), (14, "b", "b"),
        (9, "b", "c"), (9, "c", "a"), (9, "c", "b"), (20, "c", "c"),
    ]  # fmt: skip
    skewed = [(12, "a", "a"), (18, "a", "b"), (18, "a", "c"), (14, "b", "b"), (18, "b", "c")]
    skewed.append((20, "c", "c"))
    assert cohen_kappa(expand(equal)).kappa == approx4(0.1858)
    assert cohen_kappa(expand(skewed)).kappa == approx4(0.2582)


def test_cohens_kappa_is_not_defined_without_units_or_when_chance_agreement_is_certain():
    empty = cohen_kappa([])
    assert (empty.kappa, empty.units) == (None, 0)
    constant = cohen_kappa([("x", "x")] * 4)
    assert (constant.kappa, constant.units) == (None, 4)
    assert cohen_kappa([("x", "x"), ("y", "y")]).kappa == 1.0


# --- units of coding -------------------------------------------------------------------


def test_exact_spans_make_the_units_and_unmarked_spans_are_missing():
    units = [
        Unit("d", 0, 5, "a", "x"),
        Unit("d", 0, 5, "b", "x"),
        Unit("d", 0, 5, "c", "y"),
        Unit("d", 10, 20, "a", "x"),
        Unit("d", 10, 21, "b", "x"),  # not the same span
        Unit("d", 30, 40, "c", None),  # marked, no value in this field
    ]
    coded = coding_units(units, ["a", "b", "c"])
    assert [(u.start, u.end, u.values) for u in coded] == [
        (0, 5, {"a": "x", "b": "x", "c": "y"}),
        (10, 20, {"a": "x"}),
        (10, 21, {"b": "x"}),
        (30, 40, {}),
    ]
    result = nominal_alpha(u.values for u in coded)
    assert (result.units, result.pairable) == (1, 3)


def test_two_different_values_of_one_coder_on_a_span_are_one_composite_value():
    units = [
        Unit("d", 0, 5, "a", "x"),
        Unit("d", 0, 5, "a", "y"),
        Unit("d", 0, 5, "b", "x"),
        Unit("d", 0, 5, "b", "x"),  # the same value twice counts once
    ]
    (coded,) = coding_units(units)
    assert coded.values == {"a": frozenset({"x", "y"}), "b": "x"}


def test_overlap_matching_joins_overlapping_spans_of_different_coders():
    units = [
        Unit("d", 0, 10, "a", "x"),
        Unit("d", 2, 12, "b", "x"),
        Unit("d", 11, 15, "a", "y"),  # overlaps b's span: joins the group
        Unit("d", 20, 25, "a", "z"),
        Unit("d", 22, 24, "a", "z"),  # a's own overlap links nothing
        Unit("d", 30, 35, "b", "w"),
        Unit("e", 0, 10, "b", "x"),  # another document
    ]
    coded = coding_units(units, match="overlap")
    assert [(u.document, u.start, u.end, u.values) for u in coded] == [
        ("d", 0, 15, {"a": frozenset({"x", "y"}), "b": "x"}),
        ("d", 20, 25, {"a": "z"}),
        ("d", 22, 24, {"a": "z"}),
        ("d", 30, 35, {"b": "w"}),
        ("e", 0, 10, {"b": "x"}),
    ]


def test_overlap_matching_pairs_values_that_exact_matching_leaves_apart():
    units = [
        Unit("d", 0, 10, "a", "x"),
        Unit("d", 1, 10, "b", "x"),
        Unit("d", 20, 30, "a", "y"),
        Unit("d", 20, 29, "b", "y"),
        Unit("d", 40, 50, "a", "x"),
        Unit("d", 41, 50, "b", "y"),
    ]
    exact = agreement(units, {"d": 60}, ["a", "b"])["coding"]
    loose = agreement(units, {"d": 60}, ["a", "b"], match="overlap")["coding"]
    assert (exact["alpha"], exact["units"]) == (None, 0)
    assert (loose["units"], loose["pairable"]) == (3, 6)
    assert loose["alpha"] == pytest.approx(
        nominal_alpha([["x", "x"], ["y", "y"], ["x", "y"]]).alpha
    )
    assert loose["kappa"] == [{"a": "a", "b": "b", "kappa": pytest.approx(0.4), "units": 3}]


def test_unknown_matching_or_field_is_refused():
    with pytest.raises(ValueError, match="match"):
        coding_units([], match="fuzzy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="field"):
        field_value("topic", actor=1, claim=2, stance="support")


def test_a_statement_is_the_triple_and_only_when_all_three_are_set():
    assert field_value("statement", actor=1, claim=2, stance="oppose") == (1, 2, "oppose")
    assert field_value("statement", actor=1, claim=None, stance="oppose") is None
    assert field_value("stance", actor=None, claim=None, stance="neutral") == "neutral"


# --- the answer for the API ------------------------------------------------------------


def test_agreement_answers_the_api_shape_with_counts_beside_every_coefficient():
    units = [
        ("d1", 0, 10, "ann", 7),
        ("d1", 0, 10, "bob", 7),
        ("d1", 20, 30, "ann", 8),
        ("d1", 20, 30, "bob", 9),
        ("d2", 5, 15, "ann", 7),
        ("d2", 5, 15, "bob", 7),
        ("d2", 5, 15, "cy", 8),
        ("d3", 0, 4, "bob", 7),  # a document not chosen
        ("d1", 0, 10, "dee", 9),  # an annotator not chosen
    ]
    result = agreement(units, {"d1": 40, "d2": 20}, ["ann", "bob", "cy"])
    assert set(result) == {"annotators", "documents", "unitizing", "coding"}
    assert (result["annotators"], result["documents"]) == (3, 2)
    unitizing = result["unitizing"]
    assert set(unitizing) == {"alpha", "units", "length", "by_category"}
    assert (unitizing["units"], unitizing["length"]) == (7, 60)
    assert [c["value"] for c in unitizing["by_category"]] == [7, 8, 9]
    assert [c["units"] for c in unitizing["by_category"]] == [4, 2, 1]
    coding = result["coding"]
    assert (coding["units"], coding["pairable"]) == (3, 7)
    assert coding["alpha"] == pytest.approx(nominal_alpha([[7, 7], [8, 9], [7, 7, 8]]).alpha)
    kappas = {(k["a"], k["b"]): (k["kappa"], k["units"]) for k in coding["kappa"]}
    # ann and bob: 7/7, 8/9, 7/7; kappa = (3 * 2 - 4) / (3 * 3 - 4).
    assert kappas[("ann", "bob")] == (pytest.approx(0.4), 3)
    # One unit, 7 against 8: p_o = p_e = 0, kappa 0 (defined).
    assert kappas[("ann", "cy")] == (0.0, 1)
    assert kappas[("bob", "cy")] == (0.0, 1)


def test_agreement_of_one_annotator_is_not_defined_anywhere():
    result = agreement([("d", 0, 5, "ann", "x"), ("d", 6, 9, "ann", "y")], {"d": 10})
    assert result["annotators"] == 1
    assert result["unitizing"]["alpha"] is None
    assert all(c["alpha"] is None for c in result["unitizing"]["by_category"])
    assert (result["coding"]["alpha"], result["coding"]["units"]) == (None, 0)
    assert result["coding"]["kappa"] == []


def test_pairwise_kappa_lists_every_pair_even_without_common_units():
    coded = coding_units([Unit("d", 0, 5, "a", "x"), Unit("d", 0, 5, "b", "x")])
    pairs = pairwise_kappa(coded, ["a", "b", "c"])
    assert [(p.a, p.b, p.kappa, p.units) for p in pairs] == [
        ("a", "b", None, 1),
        ("a", "c", None, 0),
        ("b", "c", None, 0),
    ]
