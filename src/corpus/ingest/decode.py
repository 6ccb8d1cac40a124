"""Bytes to text: UTF-8, BOM-aware UTF-16/32, then charset detection; junk is refused."""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can recognise."""


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


_LATIN_GUESSES = {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_3",
                  "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14",
                  "iso8859_15", "iso8859_16", "mac_latin2", "mac_roman", "cp850", "cp437"}


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 4 KB (after any BOM)."""
    head = data[:4096]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > 0.05


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """The text of ``data``; ``declared`` is an encoding a server or a page announced."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {encoding} byte-order mark but is not "
                                  f"valid {encoding}") from exc
    if looks_binary(data):
        raise DecodeError("binary data, not text (NUL or control bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise DecodeError("not valid UTF-8 and no other text encoding recognised")
    encoding = best.encoding
    if encoding in _LATIN_GUESSES:
        # too little evidence tells Latin code pages apart (è vs č); windows-1252 is
        # what legacy Western pages use (and what HTML5 reads 'latin-1' as)
        try:
            return _refuse_unprintable(data.decode("cp1252"))
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(f"not valid UTF-8, and not valid {encoding} either") from exc
    return _refuse_unprintable(text)


def _refuse_unprintable(text: str) -> str:
    if _mostly_unprintable(text):
        raise DecodeError("decodes only to unprintable characters (binary junk)")
    return text


def _mostly_unprintable(text: str) -> bool:
    sample = text[:4000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if not (ch.isprintable() or ch.isspace()))
    return bad / len(sample) > 0.1
