"""Reads of the codebook and the annotations that pages and the API share.

Views and API views bind their input, call one of these and render; the rules of what
a filter keeps or what a typed name finds live here (and in ``annotate.names``), so
that the browser and the API cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from corpus.access import role_in
from corpus.dates import published_between
from corpus.models import Project, Role

from .models import Actor, Annotation, AnnotationQuerySet, Claim, complete
from .names import mentions, name_key, names_of, same_name, search_key

# Whose annotations an analysis counts ----------------------------------------------------

FINAL = "final"
ALL = "all"


class SourceError(ValueError):
    """A ``source`` that is neither ``final``, ``all`` nor an annotator of the project."""


@dataclass(frozen=True)
class Source:
    """Whose annotations the stance matrix, the statement table, the networks and the
    exports count: the final annotations of curated documents (``final``), every
    annotator's own (``all``, the curators' final copies left out), or one annotator's
    (a username). ``default`` says the caller did not choose."""

    value: str
    final: bool = False
    annotator: int | None = None
    default: bool = False

    def apply(self, annotations: AnnotationQuerySet) -> AnnotationQuerySet:
        if self.final:
            return annotations.final_of_curated()
        annotations = annotations.coded()
        if self.annotator is not None:
            annotations = annotations.filter(created_by_id=self.annotator)
        return annotations

    @property
    def description(self) -> str:
        if self.final:
            return "the final annotations of curated documents"
        if self.annotator is not None:
            return f"the annotations of {self.value}"
        return "every annotator's annotations"


def default_source(project: Project, role: Role | None) -> Source:
    """Final annotations of curated documents in a project with independent coding (for
    those who see everyone's work; an annotator's default is their own), else everyone's."""
    if project.independent_coding and role is not None and role != Role.ANNOTATOR:
        return Source(FINAL, final=True, default=True)
    return Source(ALL, default=True)


def annotation_source(project: Project, value: str | None, user: Any) -> Source:
    """The ``source`` a request names: ``final``, ``all``, an annotator's username, or
    nothing for the project's default. Raises ``SourceError`` for anything else."""
    if not value:
        return default_source(project, role_in(user, project))
    if value == FINAL:
        return Source(FINAL, final=True)
    if value == ALL:
        return Source(ALL)
    found = (
        project.memberships.filter(user__username=value).values_list("user_id", flat=True).first()
    )
    if found is None:
        raise SourceError(
            f"“{value[:100]}” is not a source; use final, all or the username of a member."
        )
    return Source(value, annotator=found)


# Statements -------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementFilter:
    """Validated filter values of the stance matrix, the statement table and the networks.

    Dates are days, both included (see ``corpus.dates``)."""

    source: str = ""
    start: date | None = None
    end: date | None = None
    annotator: int | None = None
    category: int | None = None
    exclude_actors: tuple[int, ...] = ()
    exclude_claims: tuple[int, ...] = ()
    exclude_sources: tuple[str, ...] = ()
    #: Whose annotations count (by default every annotator's own, as ``Source(ALL)``).
    origin: Source | None = None
    #: The user the statements are shown to: only what they may see counts.
    viewer: Any = field(default=None, compare=False)


def statements(project: Project, filters: StatementFilter | None = None) -> AnnotationQuerySet:
    """The project's live, complete statements that pass the filters: what the stance
    matrix counts, the statement table lists and the networks are computed from."""
    filters = filters or StatementFilter()
    annotations = (
        Annotation.objects.visible_to(filters.viewer)
        if filters.viewer is not None
        else Annotation.objects.all()
    )
    queryset = (filters.origin or Source(ALL)).apply(
        annotations.alive().statements().filter(document__project=project)
    )
    if filters.source:
        queryset = queryset.filter(document__source_name=filters.source)
    if filters.start or filters.end:
        queryset = queryset.filter(published_between(filters.start, filters.end, "document__"))
    if filters.annotator is not None:
        queryset = queryset.filter(created_by_id=filters.annotator)
    if filters.category is not None:
        queryset = queryset.filter(
            Q(claim__parent_id=filters.category) | Q(claim_id=filters.category)
        )
    if filters.exclude_actors:
        queryset = queryset.exclude(actor_id__in=filters.exclude_actors)
    if filters.exclude_claims:
        queryset = queryset.exclude(claim_id__in=filters.exclude_claims)
    if filters.exclude_sources:
        queryset = queryset.exclude(document__source_name__in=filters.exclude_sources)
    return queryset


def cell_statements(statements: QuerySet[Annotation], actor: Actor, claim: Claim) -> QuerySet:
    """The statements behind one cell of the stance matrix, in the order of the sources."""
    return (
        statements.filter(actor=actor, claim=claim)
        .select_related("document", "created_by")
        .order_by("document__published_at", "document_id", "start", "id")
    )


# The stance matrix ------------------------------------------------------------------


@dataclass
class Cell:
    support: int = 0
    oppose: int = 0
    neutral: int = 0

    @property
    def total(self) -> int:
        return self.support + self.oppose + self.neutral

    @property
    def tone(self) -> str:
        """A colour class from opposition (-2) to support (+2)."""
        if not self.total:
            return ""
        score = (self.support - self.oppose) / self.total
        if score <= -0.6:
            return "tone-oppose-2"
        if score < -0.2:
            return "tone-oppose-1"
        if score <= 0.2:
            return "tone-mixed"
        return "tone-support-1" if score < 0.6 else "tone-support-2"

    def add(self, other: Cell) -> None:
        self.support += other.support
        self.oppose += other.oppose
        self.neutral += other.neutral


@dataclass
class Line:
    """A row (actor) or column (claim) of the matrix with its totals."""

    entry: Actor | Claim
    totals: Cell = field(default_factory=Cell)

    @property
    def name(self) -> str:
        return str(self.entry)


@dataclass
class StanceMatrix:
    """The most active actors (rows) and claims (columns), each row with its cells."""

    table: list[tuple[Line, list[tuple[Line, Cell]]]]
    columns: list[Line]
    grand: Cell
    hidden_rows: int
    hidden_columns: int


def stance_matrix(
    statements: QuerySet[Annotation],
    project: Project,
    *,
    sort: str,
    max_rows: int,
    max_columns: int,
) -> StanceMatrix:
    """Rows (actors), columns (claims) and cells of the matrix: two queries for the
    codebook and one aggregate over the statements, however many there are. Rows and
    columns beyond the limits are the least active; ``sort`` is "activity" or "name"."""
    counts = (
        statements.order_by().values_list("actor_id", "claim_id", "stance").annotate(n=Count("id"))
    )
    cells: dict[tuple[int, int], Cell] = defaultdict(Cell)
    for actor_id, claim_id, stance, n in counts:
        setattr(cells[actor_id, claim_id], stance, n)
    actor_ids = {a for a, _ in cells}
    claim_ids = {c for _, c in cells}
    rows = {a.pk: Line(a) for a in Actor.objects.filter(project=project, pk__in=actor_ids)}
    columns = {c.pk: Line(c) for c in Claim.objects.filter(project=project, pk__in=claim_ids)}
    for (a, c), cell in cells.items():
        rows[a].totals.add(cell)
        columns[c].totals.add(cell)

    def order(line: Line) -> tuple[Any, ...]:
        return (
            (-line.totals.total, line.name.casefold())
            if sort == "activity"
            else (line.name.casefold(), 0)
        )

    def most_active(lines: Iterable[Line], limit: int) -> list[Line]:
        ranked = sorted(lines, key=lambda line: (-line.totals.total, line.name.casefold()))
        return sorted(ranked[:limit], key=order)

    ordered_rows = most_active(rows.values(), max_rows)
    ordered_columns = most_active(columns.values(), max_columns)
    grand = Cell()
    for line in rows.values():
        grand.add(line.totals)
    table = [
        (
            row,
            [
                (column, cells.get((row.entry.pk, column.entry.pk), Cell()))
                for column in ordered_columns
            ],
        )
        for row in ordered_rows
    ]
    return StanceMatrix(
        table=table,
        columns=ordered_columns,
        grand=grand,
        hidden_rows=len(rows) - len(ordered_rows),
        hidden_columns=len(columns) - len(ordered_columns),
    )


# The codebook -----------------------------------------------------------------------


def with_usage(entries: QuerySet[Any], by: int | None = None) -> QuerySet[Any]:
    """Actors or claims with their number of live annotations and of complete
    statements, counted in the same query as the entries themselves; with ``by``, only
    that user's annotations count."""
    alive = Q(annotations__deleted_at__isnull=True)
    if by is not None:
        alive &= Q(annotations__created_by_id=by)
    return entries.annotate(
        annotation_count=Count("annotations", filter=alive),
        statement_count=Count("annotations", filter=alive & complete("annotations__")),
    )


def matching_ids(entries: QuerySet[Any], query: str, *fields: str) -> list[int]:
    """Ids of the entries whose fields (strings, or lists of strings such as aliases)
    contain ``query`` as ``annotate.names.mentions`` finds it: one query of a few columns."""
    return [pk for pk, *values in entries.values_list("pk", *fields) if mentions(values, query)]


def search_actors(actors: QuerySet[Actor], query: str) -> QuerySet[Actor]:
    """Actors whose name or an alias contains ``query``, case and accents folded."""
    return actors.filter(pk__in=matching_ids(actors, query, "name", "aliases"))


def search_claims(claims: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """Claims whose label or description contains ``query``, case and accents folded."""
    return claims.filter(pk__in=matching_ids(claims, query, "label", "description"))


def actors_page(
    project: Project, *, query: str = "", kind: str = "", by: int | None = None
) -> QuerySet[Actor]:
    """The actors page: the project's actors with their usage, by name, searched by
    name or alias and filtered by kind."""
    actors: QuerySet[Actor] = Actor.objects.filter(project=project).select_related("affiliation")
    if query:
        actors = search_actors(actors, query)
    if kind:
        actors = actors.filter(kind=kind)
    return with_usage(actors, by).order_by(Lower("name"), "id")


def claims_page(
    project: Project, *, query: str = "", parent: str = "", by: int | None = None
) -> QuerySet[Claim]:
    """The claims page: the project's claims with their usage, by label, searched by
    label or description, and filtered by parent (an id, or "none" for the top level)."""
    claims: QuerySet[Claim] = Claim.objects.filter(project=project).select_related("parent")
    if query:
        claims = search_claims(claims, query)
    if parent == "none":
        claims = claims.filter(parent__isnull=True)
    elif parent:
        claims = claims.filter(parent_id=int(parent))
    return with_usage(claims, by).order_by(Lower("label"), "id")


def actor_named(project: Project, name: str) -> Actor | None:
    """The project's actor that answers to ``name``, by its name or an alias
    (``annotate.names.same_name``); the codebook lets one name stand for one actor."""
    actors = Actor.objects.filter(project=project)
    # The usual case, a name typed as it stands, takes one query on the name's index.
    found = actors.filter(name__iexact=name).first()
    if found is not None and same_name(found.name, name):
        return found
    key = name_key(name)
    for pk, actor_name, aliases in actors.values_list("pk", "name", "aliases"):
        if any(name_key(known) == key for known in names_of(actor_name, aliases)):
            return actors.get(pk=pk)
    return None


def find_codebook_entry(
    model: type[Actor] | type[Claim], project: Project, name: str
) -> Actor | Claim | None:
    """The project's actor (by name or alias) or claim (by label) called ``name``, any case."""
    if model is Actor:
        return actor_named(project, name)
    return Claim.objects.filter(project=project, label__iexact=name).first()


#: How many suggestions the reader's form offers at most.
SUGGESTIONS = 12


@dataclass
class Suggestions:
    """What the reader's form suggests for a typed name: (value, label) pairs, where
    the label shows the alias that matched when the name itself does not; and whether
    the codebook has that very name already."""

    options: list[tuple[str, str]]
    exact: bool
    #: How many match in all; the list shows the first ``SUGGESTIONS`` and says so.
    total: int


def suggestions(project: Project, kind: str, query: str) -> Suggestions:
    """Actors (``kind`` "actor": names and aliases) or claims (labels) of the project
    that contain ``query``, case and accents folded, those that begin with it first."""
    needle = search_key(query)
    options: list[tuple[str, str]] = []
    exact = False
    if kind == "actor":
        for name, aliases in Actor.objects.filter(project=project).values_list("name", "aliases"):
            names = names_of(name, aliases)
            hits = [known for known in names if needle in search_key(known)]
            if hits:
                exact = exact or any(same_name(known, query) for known in names)
                alias = next((known for known in hits if known != name), None)
                shown = alias if alias and needle not in search_key(name) else None
                options.append((name, f"{name} (also “{shown}”)" if shown else ""))
    else:
        for label in Claim.objects.filter(project=project).values_list("label", flat=True):
            if needle in search_key(label):
                exact = exact or same_name(label, query)
                options.append((label, ""))
    options.sort(key=lambda option: (not search_key(option[0]).startswith(needle), option[0]))
    return Suggestions(options[:SUGGESTIONS], exact, len(options))


# The trash --------------------------------------------------------------------------


def trash_page(project: Project, user: Any) -> QuerySet[Annotation]:
    """The project's trashed annotations that ``user`` may see, last trashed first, with
    what the trash page shows of each (its document, tags and who trashed it)."""
    return (
        Annotation.objects.visible_to(user)
        .trashed()
        .filter(document__project=project)
        .select_related("document", "actor", "claim", "deleted_by")
        .only(
            "id",
            "start",
            "end",
            "quote",
            "stance",
            "deleted_at",
            "version",
            "document__id",
            "document__title",
            "document__project_id",
            "actor__id",
            "actor__name",
            "claim__id",
            "claim__label",
            "deleted_by__id",
            "deleted_by__username",
        )
        .order_by("-deleted_at", "-id")
    )
