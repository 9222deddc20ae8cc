"""Extension points that apps building on the corpus fill in their AppConfig.ready().

The corpus app knows nothing of annotations; an app that anchors data to a document's
text registers a *text lock* here, and the corpus refuses to change the text of a
document while any lock gives a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Document

TextLock = Callable[["Document"], str | None]

_text_locks: list[TextLock] = []


def register_text_lock(lock: TextLock) -> None:
    """Register a function that returns why a document's text may not change, or None."""
    if lock not in _text_locks:
        _text_locks.append(lock)


def text_lock_reasons(document: Document) -> list[str]:
    return [reason for lock in _text_locks if (reason := lock(document))]


# Importers for formats that carry more than documents -----------------------------------
#
# An importer turns one file's bytes into a ParsedFile (see corpus.importing.formats):
# the documents to create and, optionally, what to attach to them once they are saved
# (a DNA database's statements, for instance). The corpus app calls it like its own
# parsers, inside the file's transaction.

Importer = Callable[..., Any]

_importers: dict[str, Importer] = {}


def register_importer(extension: str, importer: Importer) -> None:
    """Register the importer for files ending in ``extension`` (such as ``".dna"``)."""
    _importers[extension.lower()] = importer


def registered_importers() -> dict[str, Importer]:
    return dict(_importers)
