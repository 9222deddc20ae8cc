"""What a format's parser hands to the import pipeline."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from corpus.models import Document


class Rejected(Exception):
    """The file cannot be imported; the message says why, in words for the person importing."""


@dataclass
class DocumentDraft:
    """One document a file yields: the keyword arguments of ``prepare_document``."""

    text: str
    title: str
    fields: dict[str, Any] = field(default_factory=dict)
    #: Where in the file it came from ("Row 3", "Item 2"), for messages; empty when the
    #: file holds one document.
    label: str = ""


#: Called inside the file's transaction with the file's documents in draft order (None where
#: a draft was a duplicate and skipped); returns a summary such as "40 statements".
AfterSave = Callable[["Sequence[Document | None]", "User | None"], str]


@dataclass
class ParsedFile:
    #: A list, or an iterator that reads the file as the import takes its documents and
    #: may raise :class:`Rejected` on the way (a bad row far down a table).
    drafts: Iterable[DocumentDraft]
    encoding: str = ""
    after_save: AfterSave | None = None
