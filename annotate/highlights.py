"""The reader's text and side list, rendered in Python because a document may carry
thousands of annotations and the page must stay fast.

The text is rendered as segments split at every annotation boundary; each segment
carries its code-point start (``data-s``) and the ids of the annotations covering it
(``data-ids``), so the page's script can turn a selection into offsets and find the
annotations under a click without searching the text. Every value is escaped.

What is drawn depends only on the document's text, the rows the viewer may see, the
filters and the time zone; :func:`draw_reader` remembers the last few drawings under
exactly those values, so that a page read again unchanged is not drawn again, and any
change to a row, a name in the codebook, the viewer's scope or the text draws anew.
"""

from __future__ import annotations

import functools
from bisect import insort
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape
from typing import TYPE_CHECKING, Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from corpus.models import Document

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

from .models import Annotation, Stance
from .representation import READER

#: Nesting deeper than this is drawn like this depth (the innermost layers are drawn).
MAX_DRAWN_DEPTH = 3

#: A sign per stance, shown where each annotation begins, so that stance is never told
#: by colour alone; the reader's key lists them with their underline patterns.
STANCE_MARKS = {"support": "+", "oppose": "−", "neutral": "=", "none": "?"}


@dataclass(slots=True)
class ReaderRow:
    """What the reader shows of one annotation, read as plain values (no model instances:
    a document may carry thousands of annotations)."""

    pk: int
    start: int
    end: int
    quote: str
    stance: str | None
    actor_id: int | None
    actor_name: str | None
    claim_id: int | None
    claim_label: str | None
    created_by_id: int | None
    username: str | None
    updated_at: datetime
    note: str
    final: bool


ROW_FIELDS = READER.sources

#: A row as read, the values of :class:`ReaderRow` in its order.
RowValues = tuple[Any, ...]


def reader_rows(document: Document, user: User | AnonymousUser) -> tuple[RowValues, ...]:
    """The document's live annotations that ``user`` may see, in reading order, in one
    query, as plain values (what :func:`draw_reader` is drawn from and remembered by)."""
    annotations = Annotation.objects.visible_to(user).for_reader(document)
    return tuple(annotations.values_list(*ROW_FIELDS))


def filter_options(rows: list[ReaderRow], key: str, name: str) -> list[tuple[str, str]]:
    """(value, label) pairs for a reader filter, by label, with "none" for untagged rows."""
    seen: dict[str, str] = {}
    untagged = False
    for row in rows:
        value = getattr(row, key)
        if value is None:
            untagged = True
        else:
            seen[str(value)] = getattr(row, name)
    options = sorted(seen.items(), key=lambda item: item[1].lower())
    if untagged:
        options.append(("none", "(none)"))
    return options


@dataclass
class ReaderFilters:
    """The side list's filters (actor, claim, stance, annotator), from the query string."""

    actor: str = ""
    claim: str = ""
    stance: str = ""
    by: str = ""

    @classmethod
    def from_query(cls, data: QueryDict) -> ReaderFilters:
        return cls(
            actor=data.get("actor_filter", ""),
            claim=data.get("claim_filter", ""),
            stance=data.get("stance_filter", ""),
            by=data.get("by_filter", ""),
        )

    def values(self) -> tuple[str, str, str, str]:
        return (self.actor, self.claim, self.stance, self.by)

    @property
    def active(self) -> bool:
        return bool(self.actor or self.claim or self.stance or self.by)

    def keeps(self, annotation: ReaderRow) -> bool:
        return (
            (not self.actor or str(annotation.actor_id or "none") == self.actor)
            and (not self.claim or str(annotation.claim_id or "none") == self.claim)
            and (not self.stance or (annotation.stance or "none") == self.stance)
            and (not self.by or str(annotation.created_by_id or "none") == self.by)
        )


STANCE_LABELS = dict(Stance.choices)
QUOTE_SHOWN = 180
NOTE_SHOWN = 300


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_entries(rows: list[ReaderRow], zone: tzinfo | None = None) -> SafeString:
    """The side list's entries: quote, actor, stance, claim, note, who and when (in
    ``zone``, the current time zone unless given).

    Built here rather than in a template loop because the reader must stay fast with
    thousands of annotations; every value is escaped.
    """
    parts: list[str] = []
    zone = zone or timezone.get_current_timezone()
    # Names repeat from row to row (a codebook's few actors and claims, a team's few
    # annotators): each is escaped once.
    names: dict[str, str] = {}

    def named(text: str) -> str:
        shown = names.get(text)
        if shown is None:
            shown = names[text] = escape(text)
        return shown

    for row in rows:
        quote = _shorten(row.quote, QUOTE_SHOWN)
        note = (
            f'<span class="entry-note"><span class="visually-hidden">Note: </span>'
            f"{escape(_shorten(row.note, NOTE_SHOWN))}</span>"
            if row.note.strip()
            else ""
        )
        stance = row.stance or "none"
        when = row.updated_at.astimezone(zone).isoformat()
        parts.append(
            f'<li id="entry-{row.pk}" class="entry st-{stance}" data-id="{row.pk}" '
            f'data-start="{row.start}" data-end="{row.end}">'
            f'<a class="entry-quote" href="#document-text" data-id="{row.pk}">“{escape(quote)}”</a>'
            f'<span class="entry-tags"><span class="entry-actor">'
            f"{named(row.actor_name or 'no actor')}</span> · "
            f'<span class="entry-stance">{STANCE_LABELS.get(stance, "no stance")}</span> · '
            f'<span class="entry-claim">{named(row.claim_label or "no claim")}</span></span>'
            f"{note}"
            f'<span class="entry-who">{"Final, curated by " if row.final else ""}'
            f"{named(row.username or 'unknown')}, "
            # ISO 8601 cut to "YYYY-MM-DD HH:MM" (four-digit years: any moment stored).
            f'<time datetime="{when}">{when[:10]} {when[11:16]}</time></span></li>'
        )
    return mark_safe("".join(parts))


def render_segments(text: str, annotations: Sequence[Annotation | ReaderRow]) -> SafeString:
    """The text as ``<span>`` segments split at every annotation boundary.

    Every character of ``text`` appears exactly once, escaped, in order. A covered
    segment is tinted by the stance of its innermost (shortest) annotation, marked with
    how many annotations cover it, and underlined once per covering annotation, outermost
    lowest (``l1-<stance>``, ``l2-<stance>``…), each stance with its own pattern. The
    segment where annotations begin carries their stance signs (``data-marks``).
    """
    # Each annotation as a tuple of what a segment writes of it, computed once; sorted,
    # these tuples put the outermost (longest) first, so the innermost is the last:
    # (start - end, start, id, end, id as text, stance).
    starting: dict[int, list[tuple[Any, ...]]] = {}
    ends: set[int] = set()
    positions = {0, len(text)}
    for start, minus_end, pk, stance in sorted(
        (a.start, -a.end, a.pk, a.stance or "none") for a in annotations
    ):
        end = -minus_end
        positions.add(start)
        positions.add(end)
        if end > start:
            span = (start - end, start, pk, end, str(pk), stance)
            if start in starting:
                starting[start].append(span)
            else:
                starting[start] = [span]
            ends.add(end)
    # The covering annotations in reading order (for ``data-ids``) and outermost first
    # (for the layers, the marks and the innermost one).
    active: list[tuple[Any, ...]] = []
    outer_first: list[tuple[Any, ...]] = []
    # A segment's classes follow from the stances of its innermost drawn layers alone.
    classes: dict[tuple[str, ...], str] = {}
    parts: list[str] = []
    append = parts.append
    low = 0
    for high in sorted(positions)[1:]:
        if low in ends:
            active = [span for span in active if span[3] > low]
            outer_first = [span for span in outer_first if span[3] > low]
        started = starting.get(low)
        if started:
            for span in started:
                active.append(span)
                insort(outer_first, span)
        piece = escape(text[low:high])
        if not active:
            append(f'<span data-s="{low}">{piece}</span>')
        else:
            drawn = tuple([span[5] for span in outer_first[-MAX_DRAWN_DEPTH:]])
            drawn_classes = classes.get(drawn)
            if drawn_classes is None:
                drawn_classes = classes[drawn] = _classes(drawn)
            ids = " ".join([span[4] for span in active])
            marked = ""
            if started:
                # Every annotation that starts here covers this segment: a sign each.
                marks = "".join([STANCE_MARKS[span[5]] for span in outer_first if span[1] == low])
                marked = f' data-marks="{marks}"'
            append(
                f'<span class="{drawn_classes}" data-s="{low}" data-ids="{ids}" '
                f'data-top="{outer_first[-1][4]}"{marked}>{piece}</span>'
            )
        low = high
    return mark_safe("".join(parts))


def _classes(stances: tuple[str, ...]) -> str:
    """The classes of a segment whose drawn layers have these stances, outermost first."""
    layers = " ".join(f"l{n}-{stance}" for n, stance in enumerate(stances, start=1))
    return f"hl st-{stances[-1]} d{len(stances)} {layers}"


@dataclass(frozen=True, slots=True)
class DrawnReader:
    """The reader's text and side list as drawn for one viewer's rows and filters."""

    segments: SafeString
    entries: SafeString
    shown: int
    total: int
    actor_options: tuple[tuple[str, str], ...]
    claim_options: tuple[tuple[str, str], ...]
    annotator_options: tuple[tuple[str, str], ...]


#: How many drawings :func:`draw_reader` keeps, the most recently used; one for a
#: document of 1,000 annotations holds about 1 MB of HTML and 0.5 MB of rows.
DRAWINGS_KEPT = 8


def draw_reader(text: str, rows: tuple[RowValues, ...], filters: ReaderFilters) -> DrawnReader:
    """The text's segments, the side list and the filters' options of these rows (from
    :func:`reader_rows`), drawn in the current time zone.

    Remembered under everything it is drawn from: the text, every value of every row
    (so an edit, a trashed annotation, a renamed actor or another viewer's scope, which
    all read different rows, draw again), the filters and the time zone."""
    return _drawn(text, rows, filters.values(), timezone.get_current_timezone())


@functools.lru_cache(maxsize=DRAWINGS_KEPT)
def _drawn(
    text: str, rows: tuple[RowValues, ...], filter_values: tuple[str, str, str, str], zone: tzinfo
) -> DrawnReader:
    return draw_anew(text, rows, ReaderFilters(*filter_values), zone)


def forget_drawings() -> None:
    """Forget every kept drawing (the benchmark's "drawn anew" figure)."""
    _drawn.cache_clear()


def draw_anew(
    text: str, rows: tuple[RowValues, ...], filters: ReaderFilters, zone: tzinfo | None = None
) -> DrawnReader:
    """What :func:`draw_reader` gives, always drawn (the path it remembers)."""
    everyone = [ReaderRow(*values) for values in rows]
    shown = [row for row in everyone if filters.keeps(row)] if filters.active else everyone
    return DrawnReader(
        segments=render_segments(text, shown),
        entries=render_entries(shown, zone),
        shown=len(shown),
        total=len(everyone),
        actor_options=tuple(filter_options(everyone, "actor_id", "actor_name")),
        claim_options=tuple(filter_options(everyone, "claim_id", "claim_label")),
        annotator_options=tuple(filter_options(everyone, "created_by_id", "username")),
    )
