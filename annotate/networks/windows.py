"""Time-window networks, as the Discourse Network Analyzer computes them.

DNA moves a window of fixed length through the time the statements cover and computes
one network per position from the statements inside it. It keeps only the windows that
lie wholly between the first and the last statement (or the start and end dates asked
for), and moves one time unit at a time; here the step is a choice, so that DNA's
windows are those of ``step=1``. A window of ``size`` units starting on day ``s`` covers
the days from ``s`` up to the day before ``s + size`` units, both included.

Each window's network is the network endpoint's answer for the window's dates: the
options are copied with the window's ``start`` and ``end`` and computed by
``compute_network``, through the same statement filter, so nothing can tell them apart.
"""

from __future__ import annotations

import calendar
import dataclasses
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Max, Min
from django.utils import timezone

from corpus.models import Project

from .computation import Network, compute_network, statements_for
from .formats import as_json
from .options import NetworkOptions

UNITS = ("days", "weeks", "months", "years")
#: The most windows one request computes.
MAX_WINDOWS = 400
#: The longest window or step, in any unit (no date beyond the calendar's end).
MAX_LENGTH = 10_000
#: Bounds on one request's work: the ties of all its windows together (each takes memory
#: until the answer is sent), and the seconds spent computing them.
MAX_TIES = 500_000
MAX_SECONDS = 60.0


class WindowError(ValueError):
    """Windows that cannot be computed, with the reason by parameter name."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Window:
    start: date
    end: date


def _add_months(day: date, months: int) -> date:
    """``day`` moved by whole months; the 31st of a shorter month is its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def shift(day: date, amount: int, unit: str) -> date:
    """``day`` moved forward by ``amount`` units; OverflowError past the calendar."""
    if unit == "days":
        return day + timedelta(days=amount)
    if unit == "weeks":
        return day + timedelta(weeks=amount)
    months = amount * (12 if unit == "years" else 1)
    try:
        return _add_months(day, months)
    except ValueError as error:  # a year past 9999
        raise OverflowError(str(error)) from error


def window_dates(first: date, last: date, *, size: int, step: int, unit: str) -> Iterator[Window]:
    """The windows of ``size`` units, ``step`` units apart, that lie wholly between
    ``first`` and ``last`` (both included)."""
    k = 0
    while True:
        try:
            start = shift(first, k * step, unit)
            end = shift(first, k * step + size, unit) - timedelta(days=1)
        except OverflowError:
            return
        if end > last:
            return
        yield Window(start, end)
        k += 1


def statement_days(project: Project, options: NetworkOptions) -> tuple[date, date] | None:
    """The first and last publication days (in the site's time zone) of the statements
    these options keep; None when none of them has a date."""
    found = (
        statements_for(project, options)
        .filter(document__published_at__isnull=False)
        .aggregate(first=Min("document__published_at"), last=Max("document__published_at"))
    )
    if found["first"] is None:
        return None
    return timezone.localdate(found["first"]), timezone.localdate(found["last"])


def windows_for(
    project: Project, options: NetworkOptions, *, size: int, step: int, unit: str
) -> list[Window]:
    """The windows these options and lengths make over the project's statements, or
    WindowError when they are more than :data:`MAX_WINDOWS`."""
    if unit not in UNITS:
        raise WindowError({"unit": f"'{unit}' is not a unit; choose one of {', '.join(UNITS)}."})
    span = statement_days(project, options)
    if span is None:
        return []
    first = options.start or span[0]
    last = options.end or span[1]
    windows: list[Window] = []
    for window in window_dates(first, last, size=size, step=step, unit=unit):
        if len(windows) == MAX_WINDOWS:
            raise WindowError(
                {
                    "step": f"These settings make more than {MAX_WINDOWS} windows between "
                    f"{first.isoformat()} and {last.isoformat()}; choose a longer step, "
                    "or start and end dates closer together."
                }
            )
        windows.append(window)
    return windows


def window_network(project: Project, options: NetworkOptions, window: Window) -> Network:
    """The network of one window: these options with the window's dates."""
    return compute_network(
        project=project, options=dataclasses.replace(options, start=window.start, end=window.end)
    )


def window_networks(
    project: Project, options: NetworkOptions, *, size: int, step: int, unit: str
) -> list[dict[str, Any]]:
    """Each window with its network as the network endpoint writes it in JSON; WindowError
    past :data:`MAX_TIES` ties in all or :data:`MAX_SECONDS` seconds."""
    windows = windows_for(project, options, size=size, step=step, unit=unit)
    deadline = time.monotonic() + MAX_SECONDS
    ties = 0
    answer = []
    for done, window in enumerate(windows):
        if time.monotonic() > deadline:
            raise WindowError(
                {
                    "step": f"These {len(windows)} windows take longer than {MAX_SECONDS:g} "
                    f"seconds to compute ({done} were done); choose a longer step, or start "
                    "and end dates closer together."
                }
            )
        network = window_network(project, options, window)
        ties += sum(1 for _ in network.edges())
        if ties > MAX_TIES:
            raise WindowError(
                {
                    "step": f"These {len(windows)} windows hold more than {MAX_TIES:,} ties "
                    f"together ({done + 1} were computed); choose a longer step, start and "
                    "end dates closer together, or leave out some actors or claims."
                }
            )
        answer.append(
            {
                "start": window.start.isoformat(),
                "end": window.end.isoformat(),
                "statements": network.statement_count,
                "network": as_json(network),
            }
        )
    return answer
