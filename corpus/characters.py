"""Characters that text may not hold, and text made safe for the file formats we write.

Names (actors, aliases, claims, projects, titles) are shown in pages, spreadsheets and
network files; a control character in one is invisible on screen and breaks XML, where
it is not allowed at all. ``text_problem`` says why a value is refused, for the services
to raise with the field's name; ``xml_safe`` and ``csv_safe`` make whatever is already
stored safe to write.
"""

from __future__ import annotations

import re
import unicodedata

#: Half of a UTF-16 surrogate pair: no encoding can write one on its own.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: What text may not hold: C0 controls other than tab and line breaks (which names turn
#: into spaces), DEL, C1 controls, surrogates, and the non-characters (U+FDD0–U+FDEF,
#: U+xFFFE and U+xFFFF).
_NOT_IN_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane * 0x10000 + last) for plane in range(17) for last in (0xFFFE, 0xFFFF))
    + "]"
)
#: What XML 1.0 does not allow anywhere in a document (its ``Char`` production).
_NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: What no text column can store, and no CSV reader takes: NUL and lone surrogates.
_NOT_IN_STORE = _NOT_IN_CSV = re.compile("[\x00\ud800-\udfff]")

REPLACEMENT = "\ufffd"


def _describe(character: str) -> str:
    code = f"U+{ord(character):04X}"
    if _SURROGATE.match(character):
        return f"{code}, half of a UTF-16 surrogate pair as a broken \\u escape leaves"
    if character == "\x00":
        return f"{code}, a NUL character"
    if unicodedata.category(character) == "Cc":
        return f"{code}, a control character"
    return f"{code}, a non-character"


def text_problem(value: str) -> str | None:
    """Why ``value`` is refused, in a sentence, or None when it is fine.

    Text may hold tabs and line breaks (names turn them into spaces), but no other
    control character, no NUL, lone surrogate or non-character. The message names the
    character by its code point and position, never by itself, which could not be shown.
    """
    if value.isascii() and value.isprintable():
        return None
    found = _NOT_IN_TEXT.search(value)
    if found is None:
        return None
    return (
        f"It contains a character that cannot be used here "
        f"({_describe(found.group())}, at character {found.start() + 1}); remove it."
    )


def unstorable_character(value: str) -> str | None:
    """Why ``value`` cannot be stored at all, or None: a NUL (PostgreSQL keeps none in
    text or JSON) or a lone surrogate (no encoding can write one). Any text field
    refuses these, free text included."""
    if "\x00" not in value and value.isascii():
        return None
    found = _NOT_IN_STORE.search(value)
    if found is None:
        return None
    return (
        f"It contains a character that cannot be stored "
        f"({_describe(found.group())}, at character {found.start() + 1}); remove it."
    )


def xml_safe(value: str) -> str:
    """``value`` with every character XML 1.0 does not allow replaced by U+FFFD."""
    return _NOT_IN_XML.sub(REPLACEMENT, value)


def csv_safe(value: object) -> object:
    """A CSV cell that any reader takes and UTF-8 can encode: NUL and lone surrogates
    replaced by U+FFFD; other values unchanged."""
    if isinstance(value, str) and ("\x00" in value or not value.isascii()):
        return _NOT_IN_CSV.sub(REPLACEMENT, value)
    return value
