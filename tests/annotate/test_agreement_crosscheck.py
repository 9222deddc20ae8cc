"""The agreement measures agree with independent implementations on random data."""

import json
import math
import random

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.agreement.measures import Unit, nominal_alpha, unitizing_alpha
from tests.data import DATA

DKPRO_UNITIZING = DATA / "agreement-dkpro-unitizing.json"


def reference_alpha(matrix):
    """The `krippendorff` package's nominal alpha, or None where it is undefined."""
    data = np.array([[np.nan if v is None else v for v in row] for row in matrix], dtype=float)
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            value = krippendorff.alpha(reliability_data=data.T, level_of_measurement="nominal")
    except ValueError:  # one value in the whole domain
        return None
    return None if math.isnan(value) else float(value)


def random_matrix(rng):
    coders = rng.randint(2, 6)
    categories = rng.randint(2, 6)
    missing = rng.choice([0.0, 0.2, 0.5, 0.8])
    return [
        [None if rng.random() < missing else rng.randrange(categories) for _ in range(coders)]
        for _ in range(rng.randint(1, 60))
    ]


def test_nominal_alpha_matches_the_krippendorff_package_on_500_random_matrices():
    rng = random.Random(20240601)
    compared = 0
    for _ in range(500):
        matrix = random_matrix(rng)
        ours = nominal_alpha(matrix).alpha
        theirs = reference_alpha(matrix)
        if theirs is None:
            assert ours is None
        else:
            assert ours == pytest.approx(theirs, abs=1e-9)
            compared += 1
    assert compared > 400  # the comparison is not vacuous


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=3, max_size=3),
        min_size=1,
        max_size=25,
    )
)
def test_nominal_alpha_matches_the_krippendorff_package_on_any_matrix(matrix):
    theirs = reference_alpha(matrix)
    ours = nominal_alpha(matrix).alpha
    if theirs is None:
        assert ours is None
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


def test_nominal_alpha_does_not_depend_on_what_the_values_are_called():
    rng = random.Random(7)
    for _ in range(50):
        matrix = random_matrix(rng)
        names = {i: f"actor {i}" for i in range(6)}
        renamed = [[None if v is None else names[v] for v in row] for row in matrix]
        assert nominal_alpha(renamed) == nominal_alpha(matrix)


def dkpro_studies():
    return json.loads(DKPRO_UNITIZING.read_text())["studies"]


@pytest.mark.parametrize("study", dkpro_studies(), ids=lambda s: f"{len(s['units'])} units")
def test_unitizing_alpha_equals_dkpros_on_random_studies(study):
    # Figures computed by DKPro Agreement's KrippendorffAlphaUnitizingAgreement (see the
    # file's "about").
    units = [Unit(*row) for row in study["units"]]
    result = unitizing_alpha(units, study["lengths"], study["annotators"])
    reference = study["dkpro"]
    assert result.alpha == pytest.approx(reference["alpha"], abs=1e-12)
    assert {c.value for c in result.by_category} == set(reference["by_category"])
    for category in result.by_category:
        expected = reference["by_category"][category.value]
        assert category.observed == pytest.approx(expected["observed"], abs=1e-12)
        assert category.expected == pytest.approx(expected["expected"], abs=1e-12)
        assert category.alpha == pytest.approx(expected["alpha"], abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_unitizing_alpha_is_one_when_every_coder_marks_the_same_units(data):
    length = data.draw(st.integers(2, 200))
    starts = sorted(data.draw(st.sets(st.integers(0, length - 1), min_size=1, max_size=8)))
    spans = [(s, min(length, s + data.draw(st.integers(1, 30)))) for s in starts]
    coders = data.draw(st.integers(2, 4))
    units = [Unit("d", s, e, c, "x") for c in range(coders) for s, e in spans]
    result = unitizing_alpha(units, {"d": length}, list(range(coders)))
    assert result.alpha is None or result.alpha == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_unitizing_alpha_does_not_depend_on_the_order_of_coders(data):
    length = data.draw(st.integers(5, 100))
    units = [
        Unit("d", s, s + n, data.draw(st.sampled_from("abc")), data.draw(st.sampled_from("xy")))
        for s, n in data.draw(
            st.lists(st.tuples(st.integers(0, length - 5), st.integers(1, 5)), max_size=12)
        )
    ]
    forward = unitizing_alpha(units, {"d": length}, ["a", "b", "c"])
    backward = unitizing_alpha(units, {"d": length}, ["c", "b", "a"])
    assert forward.alpha == pytest.approx(backward.alpha)
