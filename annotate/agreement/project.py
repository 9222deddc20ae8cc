"""Agreement in a project: the annotators' own annotations read from the database and
measured with ``annotate.agreement.measures``, for the agreement API and page alike.

Request values are checked here, each error naming its parameter; the answer is the
API's dict. Final annotations (curators' copies) never count: agreement is between the
annotators' independent work.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models.functions import Length

from corpus.access import Refused
from corpus.ids import MAX_ID, whole_number
from corpus.models import Document, Project, Role

from ..models import SEES_EVERYONE, Actor, Annotation, Claim, Stance
from .measures import FIELDS, Match, Unit, agreement, coding_units, field_value

#: Most annotators and documents one request may name.
MAX_ANNOTATORS = 50
MAX_DOCUMENTS = 10_000
#: The disagreeing passages the page lists at most.
MAX_DISAGREEMENTS = 200

AGREEMENT_NEEDED = (
    "In a project with independent coding, agreement is shown to owners, curators and viewers only."
)


def require_agreement_reader(project: Project, role: Role | None) -> None:
    """Agreement is for those who may see every annotator's work: owners, curators and
    viewers, and annotators of a project without independent coding."""
    if role is None or (project.independent_coding and role not in SEES_EVERYONE):
        raise Refused(AGREEMENT_NEEDED)


class AgreementError(ValueError):
    """Bad request values: ``errors`` maps each parameter to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class AgreementRequest:
    field: str
    annotators: tuple[str, ...]
    documents: tuple[int, ...]
    match: Match


def _listed(values: Iterable[str]) -> list[str]:
    """Values given repeated or comma-separated, blanks dropped, in order, once each."""
    items = [part.strip() for value in values for part in value.split(",")]
    return list(dict.fromkeys(item for item in items if item))


def coders_of(project: Project) -> list[str]:
    """Usernames of the members who have annotations of their own in the project."""
    return list(
        Annotation.objects.alive()
        .coded()
        .filter(document__project=project, created_by__isnull=False)
        .order_by("created_by__username")
        .values_list("created_by__username", flat=True)
        .distinct()
    )


def parse_request(
    project: Project,
    *,
    field: str | None,
    annotators: Iterable[str],
    documents: Iterable[str],
    match: str | None,
) -> AgreementRequest:
    """The checked request: every error at once, each under its parameter's name."""
    errors: dict[str, str] = {}
    field = field or "statement"
    if field not in FIELDS:
        errors["field"] = f"“{field[:50]}” is not a field; choose one of {', '.join(FIELDS)}."
    match = match or "exact"
    if match not in ("exact", "overlap"):
        errors["match"] = f"“{match[:50]}” is not a matching; choose exact or overlap."
    names = _listed(annotators)
    if len(names) > MAX_ANNOTATORS:
        errors["annotators"] = f"Name at most {MAX_ANNOTATORS} annotators."
    elif names:
        members = set(
            project.memberships.filter(user__username__in=names).values_list(
                "user__username", flat=True
            )
        )
        unknown = [name for name in names if name not in members]
        if unknown:
            errors["annotators"] = (
                f"Not a member of this project: {', '.join(n[:50] for n in unknown[:5])}."
            )
    else:
        names = coders_of(project)
    raw_documents = _listed(documents)
    ids: list[int] = []
    if len(raw_documents) > MAX_DOCUMENTS:
        errors["document"] = f"Name at most {MAX_DOCUMENTS:,} documents."
    elif raw_documents:
        numbers = [whole_number(value) for value in raw_documents]
        if any(n is None or not 1 <= n <= MAX_ID for n in numbers):
            errors["document"] = "Give documents by their ids, whole numbers from 1."
        else:
            ids = [n for n in numbers if n is not None]
            found = set(
                Document.objects.filter(project=project, pk__in=ids).values_list("pk", flat=True)
            )
            missing = [str(pk) for pk in ids if pk not in found]
            if missing:
                errors["document"] = f"No such document in this project: {', '.join(missing[:5])}."
    if errors:
        raise AgreementError(errors)
    return AgreementRequest(field, tuple(names), tuple(ids), match)  # type: ignore[arg-type]


def request_of(project: Project, query: Any) -> AgreementRequest:
    """The checked request from a query string (``QueryDict``): ``field``,
    ``annotators`` and ``document`` (each repeatable or comma-separated), ``match``."""
    return parse_request(
        project,
        field=query.get("field"),
        annotators=query.getlist("annotators"),
        documents=query.getlist("document"),
        match=query.get("match"),
    )


def _labels(project: Project, field: str, values: Iterable[Any]) -> dict[Any, str]:
    values = list(values)
    actors: dict[Any, str] = {}
    claims: dict[Any, str] = {}
    if field in ("actor", "statement"):
        wanted = [v if field == "actor" else v[0] for v in values]
        actors = dict(
            Actor.objects.filter(project=project, pk__in=wanted).values_list("pk", "name")
        )
    if field in ("claim", "statement"):
        wanted = [v if field == "claim" else v[1] for v in values]
        claims = dict(
            Claim.objects.filter(project=project, pk__in=wanted).values_list("pk", "label")
        )
    stances = dict(Stance.choices)
    labels: dict[Any, str] = {}
    for value in values:
        if field == "actor":
            labels[value] = actors.get(value, str(value))
        elif field == "claim":
            labels[value] = claims.get(value, str(value))
        elif field == "stance":
            labels[value] = stances.get(str(value), str(value))
        else:
            actor, claim, stance = value
            labels[value] = f"{actors.get(actor, actor)} · {stances.get(stance, stance)} · " + (
                f"{claims.get(claim, claim)}"
            )
    return labels


def _json_value(value: Hashable) -> Any:
    return list(value) if isinstance(value, tuple) else value


@dataclass
class Disagreement:
    """A passage where the chosen annotators differ: what each gave, missing included."""

    document: int
    title: str
    start: int
    end: int
    quote: str
    values: list[tuple[str, str]]


@dataclass
class ProjectAgreement:
    answer: dict[str, Any]
    disagreements: list[Disagreement]
    disagreement_count: int


def project_agreement(
    project: Project, chosen: AgreementRequest, annotations: Any
) -> ProjectAgreement:
    """The measures over ``annotations`` (the caller's visible annotations) for the
    chosen field, annotators and documents (by default every document one of them
    annotated), and the passages where they disagree."""
    rows = (
        annotations.alive()
        .coded()
        .filter(document__project=project, created_by__username__in=chosen.annotators)
        .values_list(
            "document_id", "start", "end", "created_by__username", "actor_id", "claim_id", "stance"
        )
    )
    if chosen.documents:
        rows = rows.filter(document_id__in=chosen.documents)
    units: list[Unit] = []
    annotated: set[int] = set()
    for doc, start, end, who, a, c, s in rows.iterator(chunk_size=5000):
        annotated.add(doc)
        units.append(
            Unit(doc, start, end, who, field_value(chosen.field, actor=a, claim=c, stance=s))
        )
    document_ids: list[int] = list(chosen.documents) or sorted(annotated)
    found: dict[Any, int] = dict(
        Document.objects.filter(project=project, pk__in=document_ids)
        .annotate(length=Length("text"))
        .values_list("pk", "length")
    )
    lengths: dict[Hashable, int] = {pk: found[pk] for pk in document_ids if pk in found}
    result = agreement(units, lengths, chosen.annotators, match=chosen.match)
    unitizing = result["unitizing"]
    labels = _labels(project, chosen.field, [c["value"] for c in unitizing["by_category"]])
    answer = {
        "field": chosen.field,
        "match": chosen.match,
        "annotators": list(chosen.annotators),
        "documents": list(lengths),
        "counts": {"annotators": result["annotators"], "documents": result["documents"]},
        "unitizing": {
            "alpha": unitizing["alpha"],
            "units": unitizing["units"],
            "length": unitizing["length"],
            "by_category": [
                {
                    "value": _json_value(c["value"]),
                    "label": labels.get(c["value"], str(c["value"])),
                    "alpha": c["alpha"],
                    "units": c["units"],
                }
                for c in unitizing["by_category"]
            ],
        },
        "coding": result["coding"],
    }
    disagreements, count = _disagreements(project, chosen, units, lengths)
    return ProjectAgreement(answer, disagreements, count)


def _disagreements(
    project: Project,
    chosen: AgreementRequest,
    units: list[Unit],
    lengths: dict[Hashable, int],
) -> tuple[list[Disagreement], int]:
    coded = coding_units(units, chosen.annotators, match="overlap", documents=list(lengths))
    differing = [
        unit
        for unit in coded
        if len(unit.values) < len(chosen.annotators) or len(set(unit.values.values())) > 1
    ]
    shown = differing[:MAX_DISAGREEMENTS]
    documents = {
        pk: (title, text)
        for pk, title, text in Document.objects.filter(
            pk__in={unit.document for unit in shown}
        ).values_list("pk", "title", "text")
    }
    all_values = {v for unit in shown for v in unit.values.values() if not isinstance(v, frozenset)}
    labels = _labels(project, chosen.field, all_values)
    listed = []
    for unit in shown:
        title, text = documents[unit.document]  # type: ignore[index]
        listed.append(
            Disagreement(
                document=int(unit.document),  # type: ignore[call-overload]
                title=title,
                start=unit.start,
                end=unit.end,
                quote=text[unit.start : unit.end],
                values=[
                    (
                        str(who),
                        labels.get(unit.values[who], "several values")
                        if who in unit.values
                        else "nothing",
                    )
                    for who in chosen.annotators
                ],
            )
        )
    return listed, len(differing)
