"""Bytes to text: UTF-8 first (BOM stripped), else the encoding charset-normalizer finds."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

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


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in.

    Raises :class:`Rejected` for binary data or bytes in no recognisable encoding.
    """
    kind = sniff_binary(data)
    if kind is not None:
        raise Rejected(f"This is not a text file: it looks like {kind}.")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    text, encoding = _detect(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


def _detect(data: bytes) -> tuple[str, str]:
    candidates = list(from_bytes(data))
    if not candidates:
        raise Rejected("The text is in no encoding that could be recognised; save it as UTF-8.")
    best = candidates[0]
    # Short Western texts fit several Latin code pages about equally well; Windows-1252,
    # by far the most common of them, wins among those that read as cleanly as the best.
    for candidate in candidates:
        if candidate.encoding == "cp1252" and candidate.chaos <= best.chaos + 0.05:
            return str(candidate), "cp1252"
    try:
        if data.decode("cp1252") == str(best):
            return str(best), "cp1252"
    except UnicodeDecodeError:
        pass
    return str(best), best.encoding
