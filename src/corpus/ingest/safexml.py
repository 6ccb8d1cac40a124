"""Safe parsing of XML (feeds, sitemaps) and safe paths for names taken from inputs.

Feeds come from strangers. The parser never resolves entities, never touches
the network, refuses documents that declare entities (XXE, billion laughs) and
keeps libxml2's limits on depth and node size (``huge_tree=False``).
"""
from __future__ import annotations

import html
import os
import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from lxml import etree

MAX_XML_BYTES = 50_000_000

_DOCTYPE = re.compile(r"<!\s*DOCTYPE", re.IGNORECASE)
_ENTITY_DECL = re.compile(r"<!\s*ENTITY", re.IGNORECASE)
_ELEMENT_START = re.compile(r"<[A-Za-z_:]")


class XMLError(ValueError):
    """The bytes are not XML corpus is willing to read; the message says why."""


class UnsafeXMLError(XMLError):
    """The XML declares entities or otherwise tries to reach beyond itself."""


class UnsafePathError(ValueError):
    """A name from an archive or a feed would land outside its folder."""


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
        dtd_validation=False, attribute_defaults=False, remove_pis=True,
        recover=recover,
    )


def _xml_text(data: bytes) -> str:
    """The document as text, good enough to find markup in any common encoding."""
    for bom, codec in ((b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, "ignore")
    if b"\x00" in data[:200]:     # UTF-16 without a byte-order mark
        codec = "utf-16-be" if data[:1] == b"\x00" else "utf-16-le"
        return data.decode(codec, "ignore")
    return data.decode("latin-1")


def _declares_entities(data: bytes) -> bool:
    """A DOCTYPE before the root element whose internal subset declares an entity.

    Only the prolog counts, so a feed *about* XXE that quotes ``<!ENTITY`` in
    CDATA is still read.
    """
    text = _xml_text(data)
    doctype = _DOCTYPE.search(text)
    if doctype is None or _ELEMENT_START.search(text, 0, doctype.start()):
        return False
    root = _ELEMENT_START.search(text, doctype.end())
    return bool(_ENTITY_DECL.search(text, doctype.end(), root.start() if root else len(text)))


def parse_xml(data: bytes, *, recover: bool = False,
              max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Parse untrusted XML and return its root element.

    Raises :class:`UnsafeXMLError` for documents that declare entities (the
    XXE and billion-laughs attacks need a declaration) and :class:`XMLError`
    for anything else unreadable. ``recover=True`` lets libxml2 repair broken
    but harmless markup, as browsers and feed readers do.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"parse_xml takes bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data.strip():
        raise XMLError("empty document")
    if len(data) > max_bytes:
        raise XMLError(f"XML document larger than {max_bytes / 1_000_000:g} MB")
    if _declares_entities(data):
        raise UnsafeXMLError("refused: the XML declares entities (<!ENTITY>), "
                             "which can read local files or expand without bound")
    try:
        root = etree.fromstring(data, parser=_parser(recover))
    except etree.XMLSyntaxError as exc:
        raise XMLError(f"not well-formed XML: {_first_line(exc)}") from None
    except (ValueError, etree.LxmlError) as exc:
        raise XMLError(f"not readable as XML: {_first_line(exc)}") from None
    if root is None:
        raise XMLError("not readable as XML: no root element")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise UnsafeXMLError("refused: the XML declares entities (<!ENTITY>), "
                             "which can read local files or expand without bound")
    _replace_entity_references(root)
    return root


def _replace_entity_references(root: etree._Element) -> None:
    """Turn references to undeclared entities (kept by ``recover``) into their HTML
    characters (``&nbsp;`` is common in feeds), or drop them; nothing is fetched."""
    for node in list(root.iter(etree.Entity)):
        text = html.unescape(node.text or "")
        if text == node.text:
            text = ""
        text += node.tail or ""
        parent = node.getparent()
        if parent is None:
            continue
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(node)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    return text.splitlines()[0][:200]


_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_join(base: str | os.PathLike[str], name: str) -> Path:
    """Join ``name`` (from an archive, a feed, a URL path) under ``base``, or refuse.

    Absolute names, drive letters, ``..`` steps, NUL bytes and symbolic links
    that lead out of ``base`` are refused; the result always lies inside ``base``.
    """
    if not isinstance(name, str) or not name:
        raise UnsafePathError("empty file name")
    if "\x00" in name:
        raise UnsafePathError(f"file name contains a NUL byte: {name!r}")
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or _WINDOWS_DRIVE.match(normalised) \
            or PureWindowsPath(name).anchor:
        raise UnsafePathError(f"absolute file name refused: {name!r}")
    parts = [p for p in PurePosixPath(normalised).parts if p not in ("", ".")]
    if not parts:
        raise UnsafePathError(f"file name has no name in it: {name!r}")
    if any(p == ".." for p in parts):
        raise UnsafePathError(f"file name leaves its folder: {name!r}")
    root = Path(base).resolve()
    target = root.joinpath(*parts)
    resolved = target.resolve()
    if resolved != root and root not in resolved.parents:
        raise UnsafePathError(f"file name leads outside {root}: {name!r}")
    return target
