"""Change over time: stance per claim and actor activity per period, from the statements
the stance matrix's filters keep, laid out for SVG drawn on the server.

One aggregate query per chart counts statements by claim (or actor), stance and period
(the documents' publication dates truncated in the site's time zone); statements of
documents without a date are counted apart. Periods run without gaps from the first to
the last, so that an empty month shows as one.

Nothing is told by colour alone: support is drawn solid, oppose hatched and neutral
dotted (named in a legend), every bar carries its total as text, and every chart has a
table of its numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, DateTimeField, QuerySet
from django.db.models.functions import Trunc
from django.utils import timezone

from corpus.models import Project

from .models import Actor, Annotation, Claim

PERIODS = {"week": "Week", "month": "Month", "quarter": "Quarter", "year": "Year"}
#: A chart shows at most this many periods; a longer span asks for a longer period.
MAX_PERIODS = 160
#: Charts are drawn for the most active claims and actors.
MAX_CLAIMS = 12
MAX_ACTORS = 25
STACK = ("support", "oppose", "neutral")

# Geometry of the stacked bars, in SVG user units.
BAR, GAP, PLOT_HEIGHT, LEFT, TOP, BOTTOM = 18, 6, 140, 36, 18, 44
# Geometry of the activity grid.
CELL, LABEL_WIDTH, HEADER = 30, 190, 64


class TooManyPeriods(ValueError):
    pass


def _start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def _next(day: date, period: str) -> date:
    if period == "week":
        return day + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_label(day: date, period: str) -> str:
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return day.strftime("%Y-%m")
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def periods_between(first: date, last: date, period: str) -> list[date]:
    """Every period from the one holding ``first`` to the one holding ``last``."""
    days: list[date] = []
    day = _start(first, period)
    while day <= last:
        days.append(day)
        if len(days) > MAX_PERIODS:
            raise TooManyPeriods(
                f"The statements span more than {MAX_PERIODS} {period}s; choose a longer "
                "period or narrow the dates."
            )
        day = _next(day, period)
    return days


@dataclass
class Segment:
    stance: str
    count: int
    y: float
    height: float


@dataclass
class Bar:
    label: str
    x: float
    total: int
    segments: list[Segment]
    counts: dict[str, int]

    @property
    def top(self) -> float:
        return min((s.y for s in self.segments), default=TOP + PLOT_HEIGHT)


@dataclass
class StanceChart:
    """One claim's statements per period, stacked by stance."""

    key: str  # names the chart's patterns, unique in the page
    claim: Claim
    bars: list[Bar]
    total: int
    width: float
    height: float = TOP + PLOT_HEIGHT + BOTTOM
    ticks: list[tuple[float, str]] = field(default_factory=list)
    axis: float = TOP + PLOT_HEIGHT

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(bar.counts[s] for bar in self.bars) for s in STACK}


@dataclass
class ActivityRow:
    actor: Actor
    y: float
    cells: list[tuple[float, int, str]]  # x, count, shade class
    total: int
    active: list[tuple[str, int]]  # (period, count) where the actor spoke


@dataclass
class ActivityGrid:
    rows: list[ActivityRow]
    columns: list[tuple[float, str]]  # x, label
    width: float
    height: float


@dataclass
class Timeline:
    period: str
    labels: list[str]
    charts: list[StanceChart]
    activity: ActivityGrid | None
    statements: int
    undated: int
    hidden_claims: int
    hidden_actors: int


def _counts(
    statements: QuerySet[Annotation], key: str, period: str
) -> dict[tuple[int, str, date], int]:
    rows = (
        statements.filter(document__published_at__isnull=False)
        .annotate(
            period=Trunc(
                "document__published_at",
                period,
                output_field=DateTimeField(),
                tzinfo=timezone.get_current_timezone(),
            )
        )
        .order_by()
        .values_list(key, "stance", "period")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[int, str, date], int] = defaultdict(int)
    for pk, stance, moment, n in rows:
        day = timezone.localtime(moment).date() if isinstance(moment, datetime) else moment
        counts[pk, stance, day] += n
    return counts


def _scale(peak: int) -> float:
    return PLOT_HEIGHT / max(peak, 1)


def _shade(count: int, peak: int) -> str:
    if not count:
        return "shade-0"
    return f"shade-{min(4, 1 + (4 * count - 1) // max(peak, 1))}"


def timeline(statements: QuerySet[Annotation], project: Project, *, period: str) -> Timeline:
    """The stance charts of the most active claims and the activity grid of the most
    active actors, per ``period``; TooManyPeriods past :data:`MAX_PERIODS`."""
    by_claim = _counts(statements, "claim_id", period)
    by_actor = _counts(statements, "actor_id", period)
    total = statements.count()
    dated = sum(by_claim.values())
    days = sorted({day for (_, _, day) in by_claim})
    periods = periods_between(days[0], days[-1], period) if days else []
    index = {day: i for i, day in enumerate(periods)}
    labels = [period_label(day, period) for day in periods]
    step = max(1, len(periods) // 12)
    ticks = [
        (LEFT + i * (BAR + GAP) + BAR / 2, label) for i, label in enumerate(labels) if i % step == 0
    ]

    # Claims: a chart each for the most active.
    claim_totals: dict[int, int] = defaultdict(int)
    cells: dict[int, list[dict[str, int]]] = {}
    for (pk, stance, day), n in by_claim.items():
        claim_totals[pk] += n
        cells.setdefault(pk, [dict.fromkeys(STACK, 0) for _ in periods])[index[day]][stance] += n
    claims = Claim.objects.in_bulk(list(claim_totals))
    ranked = sorted(claim_totals, key=lambda pk: (-claim_totals[pk], claims[pk].label.casefold()))
    peak = max((sum(c.values()) for pk in ranked for c in cells[pk]), default=0)
    scale = _scale(peak)
    width = LEFT + len(periods) * (BAR + GAP) + GAP
    charts: list[StanceChart] = []
    for pk in ranked[:MAX_CLAIMS]:
        bars = []
        for i, counts in enumerate(cells[pk]):
            y: float = TOP + PLOT_HEIGHT
            segments = []
            for stance in STACK:
                if counts[stance]:
                    height = counts[stance] * scale
                    y -= height
                    segments.append(Segment(stance, counts[stance], y, height))
            bars.append(
                Bar(labels[i], LEFT + i * (BAR + GAP), sum(counts.values()), segments, counts)
            )
        charts.append(
            StanceChart(
                f"chart{len(charts) + 1}",
                claims[pk],
                bars,
                claim_totals[pk],
                max(width, 240),
                ticks=ticks,
            )
        )

    # Actors: one row each for the most active, one column per period.
    actor_totals: dict[int, int] = defaultdict(int)
    grid: dict[int, list[int]] = {}
    for (pk, _, day), n in by_actor.items():
        actor_totals[pk] += n
        grid.setdefault(pk, [0] * len(periods))[index[day]] += n
    actors = Actor.objects.in_bulk(list(actor_totals))
    active = sorted(actor_totals, key=lambda pk: (-actor_totals[pk], actors[pk].name.casefold()))
    busiest = max((n for pk in active for n in grid[pk]), default=0)
    activity = None
    if active:
        rows = [
            ActivityRow(
                actors[pk],
                HEADER + r * CELL,
                [(LABEL_WIDTH + i * CELL, n, _shade(n, busiest)) for i, n in enumerate(grid[pk])],
                actor_totals[pk],
                [(labels[i], n) for i, n in enumerate(grid[pk]) if n],
            )
            for r, pk in enumerate(active[:MAX_ACTORS])
        ]
        activity = ActivityGrid(
            rows=rows,
            columns=[
                (LABEL_WIDTH + i * CELL + CELL / 2, label)
                for i, label in enumerate(labels)
                if i % max(1, len(periods) // 24) == 0
            ],
            width=LABEL_WIDTH + len(periods) * CELL + 60,
            height=HEADER + len(rows) * CELL + 8,
        )
    return Timeline(
        period=period,
        labels=labels,
        charts=charts,
        activity=activity,
        statements=total,
        undated=total - dated,
        hidden_claims=max(0, len(ranked) - MAX_CLAIMS),
        hidden_actors=max(0, len(active) - MAX_ACTORS),
    )
