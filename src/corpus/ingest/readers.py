"""Turning the bytes of one input (a file or a download) into candidate documents.

The kind of an input is sniffed from its content first (PDF and gzip magic, XML
feed roots, HTML tags, JSON lines, a CSV header) and its name or content type
second, so a feed saved as ``.txt`` or a page served as ``text/plain`` still
reads right.
"""
from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import PurePosixPath

from corpus.ingest.decode import DecodeError, decode_bytes
from corpus.ingest.html import NoArticleError, PageTooLargeError, extract_html

GZIP_MAGIC = b"\x1f\x8b"
RECORD_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines", ".csv")
_HTML_HINT = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<article[\s>]|<p[\s>]",
                        re.IGNORECASE)
_FEED_HINT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)
_XML_HINT = re.compile(rb"^\s*<\?xml", re.IGNORECASE)


class InputError(ValueError):
    """An input that cannot become a document; the message is the reason shown to people."""

    stage = "ingest"


class ParseError(InputError):
    stage = "parse"


@dataclass(slots=True)
class RawDocument:
    """A document as read, before cleaning, language detection and dedup."""

    source: str
    url: str | None
    title: str | None
    published: date | None
    text: str
    kind: str                         # file, url, feed, records
    author: str | None = None
    site: str | None = None
    fingerprint: str | None = None    # what sources_seen stores for ``source``
    frequent_lines: dict[int, int] | None = None   # host line counts, records only
    host_docs: int = 0
    line_hashes: set[int] | None = None            # the record's candidate boilerplate lines
    note: str | None = None
    from_html: bool = False           # text already extracted from a page by trafilatura


def parse_date(value: object) -> date | None:
    """YYYY-MM-DD, ISO timestamps and RFC 822 feed dates; anything else is None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def gunzip(data: bytes, limit: int) -> bytes:
    """Decompress at most ``limit`` bytes; a bigger payload is refused, not truncated."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, limit + 1)
    except zlib.error as exc:
        raise InputError(f"corrupt gzip data ({exc})") from None
    if len(out) > limit or decompressor.unconsumed_tail:
        raise InputError(f"gzip data expands beyond the {limit / 1_000_000:g} MB limit")
    return out


def sniff(data: bytes, name: str = "", content_type: str | None = None) -> str:
    """One of pdf, feed, html, jsonl, csv, xml, text (after any gzip layer is removed)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    suffix = PurePosixPath(name.lower().split("?")[0]).suffix
    ctype = (content_type or "").lower()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if _FEED_HINT.search(head) and not _HTML_HINT.search(head[:512]):
        return "feed"
    if "rss" in ctype or "atom" in ctype:
        return "feed"
    if _HTML_HINT.search(head) or "html" in ctype:
        return "html"
    if _XML_HINT.match(head):
        return "xml"
    if suffix in (".jsonl", ".ndjson", ".jsonlines") or (
            head.startswith(b"{") and b'"text"' in data[:20000]):
        return "jsonl"
    if suffix == ".csv" or "csv" in ctype:
        return "csv"
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix == ".pdf":
        return "pdf"
    return "text"


def read_pdf(data: bytes) -> tuple[str, str | None, date | None]:
    """Text, title and creation date of a PDF."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ParseError("the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata
    except ParseError:
        raise
    except LimitReachedError as exc:
        raise ParseError(f"the PDF expands beyond pypdf's safety limits (a decompression "
                         f"bomb?): {exc}") from None
    except MemoryError:
        raise ParseError("the PDF needs more memory than is safe to read") from None
    except Exception as exc:  # pypdf raises many types on broken files; all mean unreadable
        raise ParseError(f"unreadable PDF ({type(exc).__name__}: {exc})") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise ParseError("the PDF has no text layer (scanned images?)")
    title = (meta.title if meta else None) or None
    created = None
    if meta is not None:
        try:
            created = meta.creation_date.date() if meta.creation_date else None
        except (ValueError, TypeError, AttributeError):
            created = None
    return text, (str(title).strip() or None) if title else None, created


def _text_title(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return None


def read_document(data: bytes, *, source: str, url: str | None, kind: str,
                  name: str = "", content_type: str | None = None,
                  encoding: str | None = None, max_bytes: int) -> RawDocument:
    """One document from the bytes of an HTML page, a PDF, or a text/Markdown file."""
    if data[:2] == GZIP_MAGIC:
        data = gunzip(data, max_bytes)
        name = name[:-3] if name.lower().endswith(".gz") else name
    if not data.strip():
        raise InputError("empty input: no bytes of content")
    form = sniff(data, name, content_type)
    if form == "pdf":
        if not data.lstrip().startswith(b"%PDF-"):
            raise ParseError("named .pdf but is not a PDF file")
        text, title, published = read_pdf(data)
        return RawDocument(source=source, url=url, title=title, published=published,
                           text=text, kind=kind)
    try:
        text = decode_bytes(data, encoding)
    except DecodeError as exc:
        raise InputError(f"not readable as text: {exc}") from None
    if form == "html":
        try:
            article = extract_html(text, url=url)
        except (NoArticleError, PageTooLargeError) as exc:
            raise ParseError(str(exc)) from None
        return RawDocument(source=source, url=url, title=article.title,
                           published=article.published, text=article.text, kind=kind,
                           author=article.author, site=article.site, from_html=True)
    if form == "xml":
        raise ParseError("an XML file that is neither an RSS/Atom feed nor an HTML page")
    if not text.strip():
        raise InputError("empty input: only whitespace")
    return RawDocument(source=source, url=url, title=_text_title(text), published=None,
                       text=text, kind=kind)
