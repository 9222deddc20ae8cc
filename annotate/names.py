"""How a typed name matches a codebook entry, defined once for the reader's form and its
suggestions, the codebook pages' search, the API's search and the codebook's rule that
a name or alias stands for one actor only.

Two kinds of match:

* **the same name** (:func:`same_name`): equal once case is folded (``casefold``, so
  "ABE" is "Abe" and "STRASSE" is "straße"); accents count, so "Shinzo" and "Shinzō"
  may be two actors. An actor answers to its name and to each of its aliases.
* **a search** (:func:`mentions`): the query is part of the text once case and accents
  are folded, so "shinzo" finds "Shinzō Abe".

Matching happens in Python rather than in SQL because SQLite folds only ASCII case and
stores JSON lists with non-ASCII characters escaped; a codebook is small enough to scan
in one query of a few columns.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def name_key(text: str) -> str:
    """What two names share when they are the same name."""
    return text.casefold()


def search_key(text: str) -> str:
    """Text for searching: case and accents folded."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def names_of(name: str, aliases: Iterable[str] | None) -> list[str]:
    """All that an actor answers to: its name first, then its aliases."""
    return [name, *(aliases or [])]


def same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


def mentions(texts: Iterable[str | list[str] | None], query: str) -> bool:
    """Whether any of the texts (strings, or lists of them such as aliases) contains the
    query, case and accents folded."""
    needle = search_key(query)
    for value in texts:
        for text in value if isinstance(value, list) else [value]:
            if text and needle in search_key(str(text)):
                return True
    return False
