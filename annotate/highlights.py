"""The reader's text and side list, rendered in Python because a document may carry
thousands of annotations and the page must stay fast.

The text is rendered as segments split at every annotation boundary; each segment
carries its code-point start (``data-s``) and the ids of the annotations covering it
(``data-ids``), so the page's script can turn a selection into offsets and find the
annotations under a click without searching the text. Every value is escaped.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

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


def reader_rows(document: Document, user: User | AnonymousUser) -> list[ReaderRow]:
    """The document's live annotations that ``user`` may see, in reading order, in one
    query."""
    annotations = Annotation.objects.visible_to(user).for_reader(document)
    return [ReaderRow(*values) for values in annotations.values_list(*ROW_FIELDS)]


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


def render_entries(rows: list[ReaderRow]) -> SafeString:
    """The side list's entries: quote, actor, stance, claim, note, who and when.

    Built here rather than in a template loop because the reader must stay fast with
    thousands of annotations; every value is escaped.
    """
    parts: list[str] = []
    zone = timezone.get_current_timezone()
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
    bounds = sorted({0, len(text), *(a.start for a in annotations), *(a.end for a in annotations)})
    # Each annotation as a tuple of what a segment writes of it, computed once: the
    # active ones are kept in reading order (for ``data-ids``) and outermost first (for
    # the layers, the marks and the innermost one, which is the last).
    spans = sorted(
        (
            a.start,
            -a.end,
            a.pk,
            a.end,
            str(a.pk),
            a.stance or "none",
            (a.start - a.end, a.start, a.pk),
        )
        for a in annotations
    )
    active: list[tuple] = []
    outer_first: list[tuple] = []
    following = 0
    parts: list[str] = []
    for low, high in zip(bounds, bounds[1:], strict=False):
        started = following
        while following < len(spans) and spans[following][0] <= low:
            span = spans[following]
            active.append(span)
            insort(outer_first, span, key=_outer_first)
            following += 1
        if active:
            active = [span for span in active if span[3] > low]
            outer_first = [span for span in outer_first if span[3] > low]
        piece = escape(text[low:high])
        if not active:
            parts.append(f'<span data-s="{low}">{piece}</span>')
            continue
        inner = outer_first[-1]
        drawn = outer_first[-MAX_DRAWN_DEPTH:]
        layers = " ".join(f"l{n}-{span[5]}" for n, span in enumerate(drawn, start=1))
        marks = (
            "".join(STANCE_MARKS[span[5]] for span in outer_first if span[0] == low)
            if following > started
            else ""
        )
        marked = f' data-marks="{marks}"' if marks else ""
        parts.append(
            f'<span class="hl st-{inner[5]} d{min(len(active), MAX_DRAWN_DEPTH)} {layers}" '
            f'data-s="{low}" data-ids="{" ".join(span[4] for span in active)}" '
            f'data-top="{inner[2]}"{marked}>{piece}</span>'
        )
    return mark_safe("".join(parts))


def _outer_first(span: tuple) -> tuple:
    return span[6]
