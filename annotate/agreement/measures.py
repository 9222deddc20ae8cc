"""Inter-coder agreement measures on plain data: no models, no database.

The input is a list of *units*: one annotator's annotation of one passage, as
``Unit(document, start, end, annotator, value)`` or the same five-tuple. ``start`` and
``end`` are code-point offsets (``end`` exclusive) into the document's text; ``value`` is
the annotation's value in the field being measured (an actor id, a claim id, a stance
word, or for the statement the ``(actor, claim, stance)`` triple, see `field_value`), or
``None`` when the annotation has no value in that field. Document lengths come as a
mapping ``{document: length in code points}``; its keys are the documents measured, in
the order in which they are laid end to end for the unitizing alpha.

Three measures, each returned with the counts behind it, and ``None`` ("not defined";
never 0 or 1) wherever the coefficient is undefined:

- `unitizing_alpha`: Krippendorff's alpha-U for unitizing a continuum (Krippendorff 1995,
  2004), computed as DKPro Agreement's ``KrippendorffAlphaUnitizingAgreement``
  computes it, overall and per category.
- `nominal_alpha`: Krippendorff's alpha for nominal data with missing values, on the
  reliability data that `coding_units` forms from the spans.
- `cohen_kappa` and `pairwise_kappa`: Cohen's (1960) kappa for each pair of annotators,
  over the units both coded.

`agreement` runs all three and answers the dict the agreement API serves.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import Any, Literal

FIELDS = ("actor", "claim", "stance", "statement")

Match = Literal["exact", "overlap"]


@dataclass(frozen=True, slots=True)
class Unit:
    """One annotator's annotation of ``[start, end)`` in a document, with its value."""

    document: Hashable
    start: int
    end: int
    annotator: Hashable
    value: Hashable | None = None


UnitLike = Unit | tuple[Any, int, int, Any, Any]


@dataclass(frozen=True, slots=True)
class CategoryAlpha:
    """Alpha-U for one category: ``observed`` and ``expected`` are D_o and D_e."""

    value: Hashable
    alpha: float | None
    observed: float
    expected: float
    units: int


@dataclass(frozen=True, slots=True)
class UnitizingAlpha:
    alpha: float | None
    observed: float
    expected: float
    by_category: tuple[CategoryAlpha, ...]
    units: int
    length: int
    annotators: int


@dataclass(frozen=True, slots=True)
class NominalAlpha:
    """``units`` counts the pairable units (two values or more), ``pairable`` their values."""

    alpha: float | None
    units: int
    pairable: int
    observed: float | None
    expected: float | None


@dataclass(frozen=True, slots=True)
class Kappa:
    kappa: float | None
    units: int


@dataclass(frozen=True, slots=True)
class PairKappa:
    a: Hashable
    b: Hashable
    kappa: float | None
    units: int


@dataclass(frozen=True, slots=True)
class CodedUnit:
    """A unit of the reliability data: a passage and each annotator's value on it.

    Annotators without a value there are absent from ``values`` (missing data).
    """

    document: Hashable
    start: int
    end: int
    values: dict[Hashable, Hashable] = field(default_factory=dict)


def field_value(
    field_name: str, *, actor: Hashable | None, claim: Hashable | None, stance: str | None
) -> Hashable | None:
    """An annotation's value in one of `FIELDS`.

    The statement is the ``(actor, claim, stance)`` triple, and only when all three are
    set: a passage tagged with an actor alone is not a statement.
    """
    if field_name == "actor":
        return actor
    if field_name == "claim":
        return claim
    if field_name == "stance":
        return stance
    if field_name == "statement":
        if actor is None or claim is None or stance is None:
            return None
        return (actor, claim, stance)
    raise ValueError(f"Unknown field {field_name!r}; expected one of {', '.join(FIELDS)}.")


# --- input shaping ---------------------------------------------------------------------


def _as_units(units: Iterable[UnitLike]) -> list[Unit]:
    return [u if isinstance(u, Unit) else Unit(*u) for u in units]


def _ordered(items: Iterable[Hashable]) -> list[Hashable]:
    """Distinct items, sorted when they compare, else in order of first appearance."""
    distinct = list(dict.fromkeys(items))
    try:
        return sorted(distinct)  # type: ignore[type-var]
    except TypeError:
        return distinct


def _coders(units: Sequence[Unit], annotators: Iterable[Hashable] | None) -> list[Hashable]:
    if annotators is None:
        return _ordered(u.annotator for u in units)
    return list(dict.fromkeys(annotators))


def _check_span(unit: Unit, length: int | None = None) -> None:
    start, end = unit.start, unit.end
    if not isinstance(start, int) or not isinstance(end, int):
        raise ValueError(f"Offsets must be integers: {unit!r}.")
    if start < 0 or end < start or (length is not None and end > length):
        bound = f" and end at most the document's length {length}" if length is not None else ""
        raise ValueError(f"Offsets must satisfy 0 <= start <= end{bound}: {unit!r}.")


def _in_scope(
    units: Sequence[Unit], coders: Sequence[Hashable], documents: Iterable[Hashable] | None
) -> list[Unit]:
    chosen = set(coders)
    keep = None if documents is None else set(documents)
    return [u for u in units if u.annotator in chosen and (keep is None or u.document in keep)]


# --- Krippendorff's unitizing alpha ----------------------------------------------------


def unitizing_alpha(
    units: Iterable[UnitLike],
    lengths: Mapping[Hashable, int],
    annotators: Iterable[Hashable] | None = None,
) -> UnitizingAlpha:
    """Krippendorff's alpha-U (1995; 2004, worked example p. 254), overall and per category.

    The documents in ``lengths`` are laid end to end, in the mapping's order, as one
    continuum of code points (each document offset by the sum of the lengths before it),
    so a gap at the end of one document runs on into the start of the next. For each
    category (each distinct value), every annotator's units of that value cut the
    continuum into units and gaps. For each pair of annotators and each pair of their
    overlapping segments the squared distance is: both units, the squared differences of
    their starts plus of their ends; a unit lying wholly inside the other's gap, its
    squared length; otherwise 0. D_o sums it over ordered pairs of annotators divided by
    m(m-1)L^2; D_e is Krippendorff's expected disagreement over all possible
    unitizations with the same units and gaps (DKPro Agreement's formula, which corrects
    a misprint of the 1995 paper). A category's alpha is 1 - D_o/D_e; the overall alpha is
    1 - sum(D_o)/sum(D_e) over the categories, as DKPro computes it.

    Choices where the coefficient's definition says nothing about our data:

    - Units of the same value by the same annotator that overlap are merged into their
      union first: Krippendorff's unitization (and DKPro's precondition) has each coder's
      units of a category disjoint, and a code point either is in a unit of that category
      or is not. Units that only touch (one ends where the next starts) stay two units.
    - Empty spans (start == end) cover no code point and are left out.
    - Annotations without a value, by annotators not chosen, or in documents not in
      ``lengths`` are left out. A chosen annotator without any unit still counts as a
      coder whose whole continuum is a gap.
    - "Not defined" (``None``): fewer than two annotators, an empty continuum, no unit at
      all, or an expected disagreement of zero. DKPro answers 0 when D_o equals D_e
      (including 0/0); here 0/0 is ``None``.
    """
    all_units = _as_units(units)
    coders = _coders(all_units, annotators)
    index = {coder: i for i, coder in enumerate(coders)}
    offsets: dict[Hashable, int] = {}
    total = 0
    for document, length in lengths.items():
        if not isinstance(length, int) or length < 0:
            raise ValueError(f"Document {document!r} has an invalid length {length!r}.")
        offsets[document] = total
        total += length

    spans: dict[Hashable, list[list[tuple[int, int]]]] = {}
    for unit in all_units:
        if unit.value is None or unit.document not in offsets or unit.annotator not in index:
            continue
        _check_span(unit, lengths[unit.document])
        if unit.start == unit.end:
            continue
        base = offsets[unit.document]
        per_coder = spans.get(unit.value)
        if per_coder is None:
            per_coder = spans[unit.value] = [[] for _ in coders]
        per_coder[index[unit.annotator]].append((base + unit.start, base + unit.end))

    m = len(coders)
    defined = m >= 2 and total > 0
    # D_o = 2 * pair sum / (m(m-1)L^2) and D_e = 2 * numerator / (L * denominator), all
    # integers: each ratio is computed from exact integers and rounded once.
    scale = m * (m - 1) * total * total
    categories = []
    sum_pairs = 0
    sum_expected = 0.0
    for value in _ordered(spans):
        merged = [_merge(coder_spans) for coder_spans in spans[value]]
        pairs = _observed_pair_sum(merged, total)
        numerator, denominator = _expected_terms(merged, total)
        expected = 2 * numerator / (total * denominator) if numerator else 0.0
        sum_pairs += pairs
        sum_expected += expected
        categories.append(
            CategoryAlpha(
                value=value,
                alpha=(
                    1 - (pairs * total * denominator) / (scale * numerator)
                    if defined and numerator
                    else None
                ),
                observed=2 * pairs / scale if scale else 0.0,
                expected=expected,
                units=sum(len(s) for s in merged),
            )
        )
    count = len(categories)
    sum_observed = 2 * sum_pairs / scale if scale else 0.0
    return UnitizingAlpha(
        alpha=1 - sum_observed / sum_expected if defined and sum_expected > 0 else None,
        observed=sum_observed / count if count else 0.0,
        expected=sum_expected / count if count else 0.0,
        by_category=tuple(categories),
        units=sum(c.units for c in categories),
        length=total,
        annotators=m,
    )


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint spans: overlapping spans merged, touching spans kept apart."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _segments(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int, bool]]:
    """The continuum cut by one annotator's units into (start, end, is_unit) segments."""
    segments = []
    position = 0
    for start, end in spans:
        if start > position:
            segments.append((position, start, False))
        segments.append((start, end, True))
        position = end
    if position < length:
        segments.append((position, length, False))
    return segments


def _pair_disagreement(a: list[tuple[int, int, bool]], b: list[tuple[int, int, bool]]) -> int:
    """Sum of squared distances over each pair of overlapping segments (a sweep line)."""
    total = 0
    i = j = 0
    while i < len(a) and j < len(b):
        start1, end1, unit1 = a[i]
        start2, end2, unit2 = b[j]
        if unit1 and unit2:
            total += (start1 - start2) ** 2 + (end1 - end2) ** 2
        elif unit1:
            if start2 <= start1 and end1 <= end2:
                total += (end1 - start1) ** 2
        elif unit2 and start1 <= start2 and end2 <= end1:
            total += (end2 - start2) ** 2
        if end1 <= end2:
            i += 1
        if end2 <= end1:
            j += 1
    return total


def _observed_pair_sum(merged: list[list[tuple[int, int]]], length: int) -> int:
    """The squared distances summed over each unordered pair of coders."""
    segments = [_segments(spans, length) for spans in merged]
    return sum(_pair_disagreement(a, b) for a, b in combinations(segments, 2))


def _expected_terms(merged: list[list[tuple[int, int]]], length: int) -> tuple[int, int]:
    """D_e as (numerator, denominator) with D_e = 2 numerator / (L denominator).

    A numerator of 0 means no expected disagreement.
    """
    m = len(merged)
    unit_lengths = [end - start for spans in merged for start, end in spans]
    gaps = sorted(
        end - start
        for spans in merged
        for start, end, is_unit in _segments(spans, length)
        if not is_unit
    )
    prefix = [0]
    for gap in gaps:
        prefix.append(prefix[-1] + gap)
    count = len(unit_lengths)
    numerator = 0
    for size in unit_lengths:
        # (N_c - 1)(2l^3 - 3l^2 + l)/3: l(l-1)(2l-1) is six times a sum of squares.
        numerator += (count - 1) * size * (size - 1) * (2 * size - 1) // 3
        # l^2 * sum of (g - l + 1) over the gaps g at least as long as the unit.
        k = bisect.bisect_left(gaps, size)
        numerator += size * size * ((prefix[-1] - prefix[k]) - (size - 1) * (len(gaps) - k))
    denominator = m * length * (m * length - 1) - sum(s * (s - 1) for s in unit_lengths)
    if length == 0 or denominator <= 0:
        return 0, 1
    return numerator, denominator


# --- reliability data for coding -------------------------------------------------------


def _value_of(values: set[Hashable]) -> Hashable:
    """One annotator's value on a unit; several different values make one composite."""
    return next(iter(values)) if len(values) == 1 else frozenset(values)


def coding_units(
    units: Iterable[UnitLike],
    annotators: Iterable[Hashable] | None = None,
    *,
    match: Match = "exact",
    documents: Iterable[Hashable] | None = None,
) -> list[CodedUnit]:
    """The reliability data (units by annotators) formed from the annotated spans.

    ``match="exact"`` (the default): a unit is a distinct span ``(document, start, end)``
    that at least one chosen annotator marked; each annotator's value is the value they
    gave on exactly that span, missing where they did not mark it or gave no value.

    ``match="overlap"``: a looser matching. Spans of *different* annotators that share at
    least one code point (identical spans always match, empty ones included) are linked,
    and each connected group is one unit spanning from its first start to its last end.
    Each annotator still contributes at most one value per unit. Linking is transitive:
    a long span overlapping two short ones of another annotator makes one unit of all
    three, and chains of overlaps can join passages that do not overlap themselves.

    In both modes, an annotator who gave several *different* values within one unit
    (two annotations on the same passage, say) contributes one composite value, the set
    of those values, which agrees only with the same set.

    Units come sorted by document, start and end.
    """
    all_units = _as_units(units)
    coders = _coders(all_units, annotators)
    scoped = _in_scope(all_units, coders, documents)
    for unit in scoped:
        _check_span(unit)
    if match == "exact":
        groups: dict[tuple[Hashable, int, int], list[Unit]] = defaultdict(list)
        for unit in scoped:
            groups[(unit.document, unit.start, unit.end)].append(unit)
        keyed = list(groups.items())
    elif match == "overlap":
        keyed = _overlap_groups(scoped)
    else:
        raise ValueError(f"Unknown match {match!r}; expected 'exact' or 'overlap'.")

    coded = []
    for (document, start, end), members in keyed:
        given: dict[Hashable, set[Hashable]] = defaultdict(set)
        for unit in members:
            if unit.value is not None:
                given[unit.annotator].add(unit.value)
        values = {coder: _value_of(given[coder]) for coder in coders if coder in given}
        coded.append(CodedUnit(document=document, start=start, end=end, values=values))
    try:
        coded.sort(key=lambda c: (c.document, c.start, c.end))  # type: ignore[arg-type]
    except TypeError:
        coded.sort(key=lambda c: (c.start, c.end))
    return coded


def _overlap_groups(units: list[Unit]) -> list[tuple[tuple[Hashable, int, int], list[Unit]]]:
    by_document: dict[Hashable, list[Unit]] = defaultdict(list)
    for unit in units:
        by_document[unit.document].append(unit)
    result = []
    for document, members in by_document.items():
        members.sort(key=lambda u: (u.start, u.end))
        parent = list(range(len(members)))
        active: list[int] = []
        for i, unit in enumerate(members):
            active = [
                j
                for j in active
                if members[j].end > unit.start
                or (members[j].start, members[j].end) == (unit.start, unit.end)
            ]
            for j in active:
                other = members[j]
                same_span = (other.start, other.end) == (unit.start, unit.end)
                overlaps = other.start < unit.end and unit.start < other.end
                if same_span or (overlaps and other.annotator != unit.annotator):
                    parent[_root(parent, i)] = _root(parent, j)
            active.append(i)
        clusters: dict[int, list[Unit]] = defaultdict(list)
        for i, unit in enumerate(members):
            clusters[_root(parent, i)].append(unit)
        for cluster in clusters.values():
            start = min(u.start for u in cluster)
            end = max(u.end for u in cluster)
            result.append(((document, start, end), cluster))
    return result


def _root(parent: list[int], i: int) -> int:
    """The representative of ``i``'s group in a union-find forest (path halving)."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


# --- Krippendorff's alpha (nominal) and Cohen's kappa ----------------------------------


def nominal_alpha(
    data: Iterable[Mapping[Any, Hashable | None] | Sequence[Hashable | None]],
) -> NominalAlpha:
    """Krippendorff's alpha for nominal data (Krippendorff 2004, example p. 230; 2011).

    ``data`` holds one entry per unit: a mapping annotator -> value, or a sequence of
    values (one per annotator), ``None`` marking a missing value. Units with fewer than
    two values are not pairable and do not count. With n pairable values, o_cc the
    coincidences of equal values and n_c the values of each category:
    alpha = 1 - (n - 1)(n - sum o_cc) / (n^2 - sum n_c^2), in exact rational arithmetic.
    Not defined (``None``) without a pairable unit or when all values are the same
    category (no expected disagreement).
    """
    categories: Counter[Hashable] = Counter()
    agreeing_by_m: Counter[int] = Counter()
    units = pairable = 0
    for entry in data:
        raw = entry.values() if isinstance(entry, Mapping) else entry
        values = [v for v in raw if v is not None]
        m = len(values)
        if m < 2:
            continue
        units += 1
        pairable += m
        counts = Counter(values)
        categories.update(counts)
        agreeing_by_m[m] += sum(k * (k - 1) for k in counts.values())
    n = pairable
    coincident = sum((Fraction(s, m - 1) for m, s in agreeing_by_m.items()), Fraction(0))
    expected_pairs = n * n - sum(k * k for k in categories.values())
    if units == 0 or expected_pairs == 0:
        return NominalAlpha(
            alpha=None, units=units, pairable=pairable, observed=None, expected=None
        )
    observed = (n - coincident) / n
    expected = Fraction(expected_pairs, n * (n - 1))
    return NominalAlpha(
        alpha=float(1 - observed / expected),
        units=units,
        pairable=pairable,
        observed=float(observed),
        expected=float(expected),
    )


def cohen_kappa(pairs: Iterable[tuple[Hashable, Hashable]]) -> Kappa:
    """Cohen's (1960) kappa for two coders: ``(p_o - p_e) / (1 - p_e)``.

    ``pairs`` holds one (first coder's value, second coder's value) per unit. Not defined
    (``None``) without units or when chance agreement is certain (p_e = 1: both coders
    used one and the same category throughout).
    """
    first: Counter[Hashable] = Counter()
    second: Counter[Hashable] = Counter()
    agree = units = 0
    for a, b in pairs:
        units += 1
        first[a] += 1
        second[b] += 1
        agree += a == b
    chance = sum(k * second[c] for c, k in first.items())
    denominator = units * units - chance
    if denominator == 0:
        return Kappa(kappa=None, units=units)
    return Kappa(kappa=(units * agree - chance) / denominator, units=units)


def pairwise_kappa(
    coded: Iterable[CodedUnit], annotators: Sequence[Hashable] | None = None
) -> list[PairKappa]:
    """Cohen's kappa for each pair of annotators over the units both gave a value on."""
    coded = list(coded)
    coders = (
        list(dict.fromkeys(annotators))
        if annotators is not None
        else _ordered(coder for unit in coded for coder in unit.values)
    )
    result = []
    for a, b in combinations(coders, 2):
        kappa = cohen_kappa(
            (u.values[a], u.values[b]) for u in coded if a in u.values and b in u.values
        )
        result.append(PairKappa(a=a, b=b, kappa=kappa.kappa, units=kappa.units))
    return result


# --- everything at once ----------------------------------------------------------------


def agreement(
    units: Iterable[UnitLike],
    lengths: Mapping[Hashable, int],
    annotators: Iterable[Hashable] | None = None,
    *,
    match: Match = "exact",
) -> dict[str, Any]:
    """All the measures for one field over the documents in ``lengths``.

    ``annotators`` are the chosen coders (by default everyone with a unit); units of
    other annotators or documents are left out. The answer::

        {"annotators": <count>, "documents": <count>,
         "unitizing": {"alpha", "units", "length",
                       "by_category": [{"value", "alpha", "units"}, ...]},
         "coding": {"alpha", "units", "pairable",
                    "kappa": [{"a", "b", "kappa", "units"}, ...]}}

    ``unitizing.units`` counts the units after merging overlaps, ``length`` the code
    points of the continuum; ``coding.units`` the pairable units and ``pairable`` their
    values. Every coefficient is a float or ``None`` (not defined).
    """
    all_units = _as_units(units)
    coders = _coders(all_units, annotators)
    scoped = _in_scope(all_units, coders, lengths)
    unitizing = unitizing_alpha(scoped, lengths, coders)
    coded = coding_units(scoped, coders, match=match)
    coding = nominal_alpha(unit.values for unit in coded)
    return {
        "annotators": len(coders),
        "documents": len(lengths),
        "unitizing": {
            "alpha": unitizing.alpha,
            "units": unitizing.units,
            "length": unitizing.length,
            "by_category": [
                {"value": c.value, "alpha": c.alpha, "units": c.units}
                for c in unitizing.by_category
            ],
        },
        "coding": {
            "alpha": coding.alpha,
            "units": coding.units,
            "pairable": coding.pairable,
            "kappa": [
                {"a": k.a, "b": k.b, "kappa": k.kappa, "units": k.units}
                for k in pairwise_kappa(coded, coders)
            ],
        },
    }
