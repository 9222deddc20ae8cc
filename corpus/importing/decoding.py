"""Bytes to text: the encoding asked for, else a byte order mark's, else UTF-8, else the
common code pages in which the text reads cleanly, else what charset-normalizer finds."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from charset_normalizer import from_bytes
from django.core.exceptions import ValidationError

from .formats import Rejected

# Signatures of common binary formats, so that a renamed image gets a precise reason.
_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or a Word/Excel file)",
    b"SQLite format 3\x00": "an SQLite database",
    b"\x1f\x8b": "a gzip archive",
}
_ANY_SIGNATURE = tuple(_SIGNATURES)
_CONTROL = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])


def sniff_binary(data: bytes) -> str | None:
    """A description of the binary format ``data`` is in, or None when it may be text."""
    if data.startswith(_ANY_SIGNATURE):
        for signature, kind in _SIGNATURES.items():
            if data.startswith(signature):
                return kind
    head = data[:8192]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head:
        return "binary data"
    controls = len(head) - len(head.translate(None, _CONTROL))
    if head and controls / len(head) > 0.05:
        return "binary data"
    return None


#: Single-byte encodings tried in this order after UTF-8: the first in which the text
#: reads cleanly wins. Windows-1252 (a superset of Latin-1's printable characters) comes
#: first, as by far the most common; a statistical guess among dozens of code pages picks
#: exotic ones for short texts (“café” in Windows-1252 read as MacLatin2 gives “cafť”).
PREFERRED = ("cp1252", "cp1250", "cp1251", "koi8_r", "cp1253")
# Symbols that stand inside words in real text: apostrophes, the Catalan middle dot,
# hyphens, the soft hyphen.
_IN_WORD = frozenset("’‘´`·‐‑–—\u00ad")
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


#: The encoding the person importing chose, for the file being parsed ("" to detect).
_requested: ContextVar[str] = ContextVar("requested_encoding", default="")


@contextmanager
def requested_encoding(name: str) -> Iterator[None]:
    """Have :func:`decode` read the files parsed meanwhile in ``name`` (if not empty);
    parsers keep their one signature, (bytes, filename), registered importers' too."""
    token = _requested.set(name)
    try:
        yield
    finally:
        _requested.reset(token)


def canonical(name: str) -> str:
    """Python's own name for an encoding (``koi8_r`` and ``KOI8-R`` are ``koi8-r``)."""
    return codecs.lookup(name).name


def check_encoding(name: str) -> str:
    """The codec's own name for the text encoding called ``name``, or a ValidationError
    (for the import page, the API and the command alike)."""
    try:
        info = codecs.lookup(name.strip())
    except (LookupError, ValueError):
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise ValidationError(
            f"“{name}” is not a text encoding known here; use a name such as utf-8, "
            "cp1252 (Windows Western), iso-8859-1, cp1251 or utf-16.",
            code="invalid_encoding",
        )
    return info.name


def _script(character: str) -> str:
    return unicodedata.name(character, "UNKNOWN").split(" ", 1)[0]


def reads_cleanly(text: str) -> bool:
    """Whether ``text`` reads like real writing rather than bytes read in the wrong code
    page: no stray controls or unassigned characters, no symbol wedged inside a word
    (“Za¿ó³æ”), no word mixing Latin letters with another script, no run of accented
    Latin letters with not one plain one (Cyrillic read as Western: “Ðîññèÿ”) and few
    words with capitals after a small letter (KOI8-R read as Windows-1251: “пРИВЕТ”)."""
    if text.isascii():
        return True
    for index, character in enumerate(text):
        if character.isascii() or character.isalpha():
            if ord(character) < 32 and character not in _ALLOWED_CONTROLS:
                return False
            continue
        category = unicodedata.category(character)
        if category[0] == "C" and character != "\u00ad":
            return False
        if (
            0 < index < len(text) - 1
            and text[index - 1].isalpha()
            and text[index + 1].isalpha()
            and character not in _IN_WORD
        ):
            return False
    words = re.findall(r"[^\W\d_]+", text)
    odd = 0
    for word in words:
        if word.isascii():
            continue
        scripts = {_script(character) for character in word}
        if len(scripts) > 1 and "LATIN" in scripts:
            return False
        latin_only_accented = (
            scripts == {"LATIN"}
            and len(word) >= 3
            and not any(character.isascii() for character in word)
        )
        camel = any(a.islower() and b.isupper() for a, b in zip(word, word[1:], strict=False))
        if latin_only_accented or camel:
            odd += 1
    return odd <= len(words) * 0.1


def decode(data: bytes, encoding: str = "") -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in: ``encoding`` when one is given,
    else the one its byte order mark names, else UTF-8, else the first of
    :data:`PREFERRED` in which it reads cleanly, else charset-normalizer's guess.

    Raises :class:`Rejected` for binary data or bytes in no recognisable encoding.
    """
    encoding = encoding or _requested.get()
    if encoding:
        return _decode_as(data, check_encoding(encoding))
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(name), name if name != "utf-8" else "utf-8-sig"
            except UnicodeDecodeError as error:
                raise Rejected(
                    f"The file starts with a {name.upper()} byte order mark but is not "
                    f"valid {name.upper()} (at byte {error.start})."
                ) from error
    kind = sniff_binary(data)
    if kind is not None:
        raise Rejected(f"This is not a text file: it looks like {kind}.")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for name in PREFERRED:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if reads_cleanly(text):
            return text, canonical(name)
    return _detect(data)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _decode_as(data: bytes, encoding: str) -> tuple[str, str]:
    """``data`` in the encoding the person chose; a byte that does not fit is refused
    rather than replaced."""
    if sniff_binary(data) is not None and not encoding.startswith(("utf-16", "utf-32")):
        raise Rejected(f"This is not a text file: it looks like {sniff_binary(data)}.")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise Rejected(
            f"The file is not valid {encoding}: byte {error.start + 1} "
            f"(0x{data[error.start]:02x}) has no meaning in it."
        ) from error
    return text.removeprefix("\ufeff"), encoding


def _detect(data: bytes) -> tuple[str, str]:
    # Without a byte order mark, UTF-16 and UTF-32 are only guesses (binary data with no
    # NUL bytes was refused before): leave them out.
    candidates = [
        candidate
        for candidate in from_bytes(data)
        if not candidate.encoding.startswith(("utf_16", "utf_32"))
    ]
    if not candidates:
        raise Rejected("The text is in no encoding that could be recognised; save it as UTF-8.")
    best = next((c for c in candidates if reads_cleanly(str(c))), candidates[0])
    return str(best).removeprefix("\ufeff"), canonical(best.encoding)
