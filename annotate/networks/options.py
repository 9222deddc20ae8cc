"""What a network is computed with: the options, their labels and the rules for which
combinations make a network, shared by the network page, the API and ``NetworkOptions``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..selectors import Source, StatementFilter

KINDS = ("affiliation", "congruence", "conflict", "cooccurrence")
ONE_MODE_KINDS = ("congruence", "conflict", "cooccurrence")
QUALIFIERS = ("ignore", "subtract", "combine")
ONE_MODE_NORMALIZATIONS = ("none", "average", "jaccard", "cosine")
TWO_MODE_NORMALIZATIONS = ("none", "activity", "prominence")
NORMALIZATIONS = ("none", "average", "jaccard", "cosine", "activity", "prominence")
DUPLICATES = ("all", "document")

KIND_LABELS = {
    "affiliation": "Affiliation (actor × claim)",
    "congruence": "Congruence (actors agreeing on a claim)",
    "conflict": "Conflict (actors disagreeing on a claim)",
    "cooccurrence": "Co-occurrence (actors on the same claim, any stance)",
}
QUALIFIER_LABELS = {
    "ignore": "Count statements",
    "subtract": "Support minus oppose",
    "combine": "Combine (1 support, 2 oppose, 3 both, +4 neutral)",
}
NORMALIZATION_LABELS = {
    "none": "None",
    "average": "Average activity (one-mode)",
    "jaccard": "Jaccard (one-mode)",
    "cosine": "Cosine (one-mode)",
    "activity": "Activity (affiliation)",
    "prominence": "Prominence (affiliation)",
}
DUPLICATE_LABELS = {"all": "Count every statement", "document": "One per document"}


class NetworkOptionError(ValueError):
    """An option, or a combination of options, that makes no network."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class NetworkOptions:
    kind: str = "affiliation"
    qualifier: str = "ignore"
    normalization: str = "none"
    duplicates: str = "all"
    start: date | None = None
    end: date | None = None
    exclude_actors: tuple[int, ...] = ()
    exclude_claims: tuple[int, ...] = ()
    exclude_sources: tuple[str, ...] = ()
    #: Whose annotations count; see ``annotate.selectors.Source``.
    origin: Source | None = None
    #: The user the network is shown to: only what they may see counts.
    viewer: Any = field(default=None, compare=False)

    def __post_init__(self) -> None:
        errors = option_errors(
            kind=self.kind,
            qualifier=self.qualifier,
            normalization=self.normalization,
            duplicates=self.duplicates,
            start=self.start,
            end=self.end,
        )
        if errors:
            raise NetworkOptionError(errors)

    @classmethod
    def from_cleaned(
        cls, data: Mapping[str, Any], *, origin: Source | None = None, viewer: Any = None
    ) -> NetworkOptions:
        """Options from a validated form's or serializer's data, where excluded actors and
        claims may be ids or model instances."""

        def ids(values: Any) -> tuple[Any, ...]:
            return tuple(getattr(value, "pk", value) for value in values or ())

        return cls(
            **{name: value for name, value in checked_options(data).items() if value is not None},
            exclude_actors=ids(data.get("exclude_actor")),
            exclude_claims=ids(data.get("exclude_claim")),
            exclude_sources=tuple(data.get("exclude_source") or ()),
            origin=origin,
            viewer=viewer,
        )

    @property
    def one_mode(self) -> bool:
        return self.kind in ONE_MODE_KINDS

    def as_query(self) -> dict[str, Any]:
        """These options as the API's query parameters (defaults left out)."""
        query: dict[str, Any] = {"kind": self.kind}
        for name, default in (
            ("qualifier", "ignore"),
            ("normalization", "none"),
            ("duplicates", "all"),
        ):
            if (value := getattr(self, name)) != default:
                query[name] = value
        if self.start:
            query["start"] = self.start.isoformat()
        if self.end:
            query["end"] = self.end.isoformat()
        for name, values in (
            ("exclude_actor", self.exclude_actors),
            ("exclude_claim", self.exclude_claims),
            ("exclude_source", self.exclude_sources),
        ):
            if values:
                query[name] = list(values)
        if self.origin is not None and not self.origin.default:
            query["source"] = self.origin.value
        return query

    def filters(self) -> StatementFilter:
        """The statements these options keep, as the stance matrix filters them."""
        return StatementFilter(
            start=self.start,
            end=self.end,
            exclude_actors=self.exclude_actors,
            exclude_claims=self.exclude_claims,
            exclude_sources=self.exclude_sources,
            origin=self.origin,
            viewer=self.viewer,
        )

    @property
    def ignores_stance(self) -> bool:
        return self.kind == "cooccurrence" or (
            self.kind == "affiliation" and self.qualifier == "ignore"
        )


def _choices(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


#: The options whose combinations option_errors() checks.
CHECKED_OPTIONS = ("kind", "qualifier", "normalization", "duplicates", "start", "end")


def checked_options(data: Mapping[str, Any]) -> dict[str, Any]:
    """The options option_errors() checks, taken from a form's or serializer's data."""
    return {name: data.get(name) for name in CHECKED_OPTIONS}


def option_errors(
    *,
    kind: str,
    qualifier: str,
    normalization: str,
    duplicates: str,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, str]:
    """What is wrong with these options, by option name; empty when they make a network.

    The API, the network page and ``NetworkOptions`` share these rules."""
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = f"'{kind}' is not a network kind; choose one of {_choices(KINDS)}."
    if qualifier not in QUALIFIERS:
        errors["qualifier"] = (
            f"'{qualifier}' is not a qualifier; choose one of {_choices(QUALIFIERS)}."
        )
    if duplicates not in DUPLICATES:
        errors["duplicates"] = (
            f"'{duplicates}' is not a duplicates setting; choose one of {_choices(DUPLICATES)}."
        )
    if kind in ONE_MODE_KINDS:
        if normalization not in ONE_MODE_NORMALIZATIONS:
            errors["normalization"] = (
                f"'{normalization}' does not apply to a {kind} network; choose one of "
                f"{_choices(ONE_MODE_NORMALIZATIONS)}."
            )
        if qualifier != "ignore":
            errors["qualifier"] = (
                f"The qualifier applies to affiliation networks only; a {kind} network "
                "takes 'ignore'."
            )
    elif kind == "affiliation":
        if normalization not in TWO_MODE_NORMALIZATIONS:
            errors["normalization"] = (
                f"'{normalization}' does not apply to an affiliation network; choose one of "
                f"{_choices(TWO_MODE_NORMALIZATIONS)}."
            )
        elif qualifier == "combine" and normalization != "none":
            errors["normalization"] = (
                "Combined stance codes cannot be normalised; choose 'none' with 'combine'."
            )
    if start and end and start > end:
        errors["end"] = "The end date is before the start date."
    return errors
