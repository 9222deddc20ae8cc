"""What a date means when it filters documents, defined once for every page, the API,
the stance matrix, the networks and the exports.

A **day** (``YYYY-MM-DD``, as a date picker gives it) is the whole day in the site's
time zone (``TIME_ZONE``), and a range of days includes both of its days: from
2015-06-01 until 2015-06-30 is every moment of June in that zone. A **moment** (an ISO
8601 timestamp with its time, which only the API takes) is exact: ``published_after``
a moment keeps what was published at or after it, ``published_before`` a moment what
was published strictly before it. A document without a publication date is left out
by any bound.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone


def day_start(day: date) -> datetime | None:
    """The first moment of ``day`` in the site's time zone; None for the first and last
    days of the calendar, which bound nothing and whose moments some zones cannot hold."""
    if not date.min < day < date.max:
        return None
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def published_between(
    start: date | datetime | None, end: date | datetime | None, path: str = ""
) -> Q:
    """Published from ``start`` until ``end``: days whole and included, moments exact
    (at or after ``start``, before ``end``). ``path`` reaches the document through a
    relation, such as ``"document__"`` from an annotation."""
    field = f"{path}published_at"
    low = start if isinstance(start, datetime) or start is None else day_start(start)
    if isinstance(end, datetime) or end is None:
        high = end
    else:
        high = day_start(end + timedelta(days=1)) if end < date.max else None
    condition = Q()
    if low is not None:
        condition &= Q(**{f"{field}__gte": low})
    if high is not None:
        condition &= Q(**{f"{field}__lt": high})
    if not condition and (start is not None or end is not None):
        condition = Q(**{f"{field}__isnull": False})
    return condition
