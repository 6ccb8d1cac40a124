"""Boilerplate removal for text that a crawler already extracted from a page.

Two kinds of evidence decide that a line is boilerplate:

* patterns that are boilerplate on any site (".gov website" banners, share links,
  the crawler's "Extraction Notes" block, teasers of other stories at the end);
* repetition: a short line that many documents of the same host carry (site
  menus, footers, topic tags). The per-host counts live in the database
  (``ingest_line_stats``), so the rule keeps working across runs and batches.

Sentences that state cooperation are never removed for being frequent: a
repeated "The Office of International Affairs provided significant assistance."
is exactly what the later stages must see. Other frequent lines, sentences
included ("An indictment is merely an allegation."), are site boilerplate.
"""
from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping
from urllib.parse import urlsplit

# a line is frequent boilerplate for its host when this many documents of the host
# carry it, and at least this share of the host's documents
MIN_LINE_DOCS = 4
MIN_LINE_SHARE = 0.02
# a line of twice this many words is prose, not a menu item
SENTENCE_WORDS = 9

_BANNER = re.compile(
    r"""^(?:
        an?\ official\ website\ of\ the\ united\ states\ government
      | here['’]s\ how\ you\ know
      | official\ websites\ use\ \.gov
      | secure\ \.gov\ websites\ use\ https
      | a\ \.gov\ website\ belongs\ to\ an\ official\ government\ organization.*
      | a\ lock\ \(.*
      | \)?\ ?or\ https://\ means\ you['’]ve\ safely\ connected.*
      | share\ sensitive\ information\ only\ on\ official,\ secure\ websites.*
      | share\ on\ \S+.*
      | share\ this\ (?:page|article|story).*
      | (?:facebook|twitter|x|linkedin|email|print|youtube|instagram|e-?mail\ this)(?:\ \S+)?
      | return\ to\ top(?:\ of\ page)?
      | (?:back\ to\ )?top
      | skip\ to\ (?:main\ )?content
      | this\ is\ archived\ content\ from\ the\ u\.s\.\ department\ of\ justice\ website.*
      | (?:original\ text|rate\ this\ translation)
      | your\ feedback\ will\ be\ used\ to\ help\ improve\ google\ translate
      | title="[^"]*"
      | (?:current\ )?page\ \d+
      | (?:next|previous|last|first)\ page.*
      | (?:url\ source|published\ time|markdown\ content|warning):.*
    )$""", re.IGNORECASE | re.VERBOSE)
# crawler metadata lines ("URL Source: ...") and lines of several images or links in a row
# (language switchers, galleries, share bars)
_MD_LINK = re.compile(r"!?\[((?:[^\]\[]|\[[^\]]*\])*)\]\([^)]*\)")


def _markup_heavy(line: str) -> bool:
    """Three or more links/images with hardly any words outside them."""
    if line.count("](") < 3:
        return False
    outside = _MD_LINK.sub(" ", line)
    return len(re.findall(r"[^\W\d_]{2,}", outside)) < 8

# a line made only of markdown links or bare link targets
_LINK_ONLY = re.compile(r"^(?:[*\-+]\s+)?(?:\s*(?:!?\[[^\]]*\]\([^)]*\)\S*|https?://\S+)\s*)+$")

# headings after which a page lists other stories, not this one
_TEASER_HEADING = re.compile(
    r"^#*\s*(?:related\s+(?:articles?|content|news|stories|press\s+releases?|links)"
    r"|more\s+(?:news|press\s+releases|stories)|recent\s+(?:news|press\s+releases|stories)"
    r"|latest\s+(?:news|press\s+releases)|you\s+may\s+also\s+(?:like|be\s+interested\s+in)"
    r"|read\s+more\s+(?:news|stories))\s*:?\s*$", re.IGNORECASE)

_NOTES_HEADING = re.compile(r"^#+\s*extraction notes\s*$", re.IGNORECASE)

# words that mark a line as stating cooperation: such lines are never removed
_COOPERATION = re.compile(
    r"cooperat|collaborat|extradit|interpol|europol|eurojust|icitap|opdat|joint|"
    r"partner|assist|mutual legal|liaison|attach[ée]|train|counterpart|coordinat|"
    r"task force|international|foreign|embassy|ministry|police|provided|support|"
    r"investigat|agencies|authorities",
    re.IGNORECASE)

_WS = re.compile(r"\s+")


@dataclass(slots=True)
class CleanedText:
    text: str
    removed_lines: int
    kept_lines: int


def host_of(url: str | None) -> str:
    """The site a record comes from, without ``www.`` (empty when unknown)."""
    if not url:
        return ""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def normalise_line(line: str) -> str:
    return _WS.sub(" ", line).strip().lower()


def line_hash(normalised: str) -> int:
    """A stable 63-bit hash of a normalised line (stored as BIGINT)."""
    return (zlib.crc32(normalised.encode("utf-8")) << 31) ^ zlib.adler32(normalised.encode("utf-8"))


def candidate_lines(text: str) -> set[int]:
    """Hashes of the distinct lines of a document that frequency may remove."""
    hashes = set()
    for line in text.splitlines():
        norm = normalise_line(line)
        if norm and not _protected(line, norm):
            hashes.add(line_hash(norm))
    return hashes


def count_lines(documents: Iterable[tuple[str, str | set[int]]]) -> Counter:
    """(host, line hash) -> number of documents carrying that line, for (url, text) pairs
    (or (url, candidate_lines(text)) pairs when those are already known)."""
    counts: Counter = Counter()
    for url, text in documents:
        host = host_of(url)
        counts.update((host, h) for h in (text if isinstance(text, set) else candidate_lines(text)))
    return counts


def _protected(line: str, norm: str) -> bool:
    """A line that states cooperation in a sentence (or a long line) is never boilerplate,
    however often the site repeats it; short menu items like 'International' are not."""
    words = norm.count(" ") + 1
    if words < 6:
        return False
    if words < 2 * SENTENCE_WORDS and line.rstrip()[-1:] not in ".!?\"”’)":
        return False
    return bool(_COOPERATION.search(norm))


def _publisher_line(previous: str, norm: str) -> bool:
    """The office that issues a release, named under "For Immediate Release" ("U.S.
    Attorney's Office, Southern District of New York"): every release of that office
    repeats it, yet it may be the only place the release names its office, so it stays
    whichever other releases of the site a batch holds."""
    return previous == "for immediate release" and 2 <= norm.count(" ") + 1 <= 14 \
        and not norm.endswith(":")


def _cut_notes(lines: list[str]) -> list[str]:
    """Drop the crawler's '## Extraction Notes' block (up to the next heading)."""
    out: list[str] = []
    skipping = False
    for line in lines:
        if _NOTES_HEADING.match(line.strip()):
            skipping = True
            continue
        if skipping and line.lstrip().startswith("#"):
            skipping = False
        if not skipping:
            out.append(line)
    return out


def _cut_teasers(lines: list[str]) -> list[str]:
    """Drop everything after a 'Related articles'-style heading in the second half."""
    half = len(lines) // 2
    for i in range(half, len(lines)):
        if _TEASER_HEADING.match(lines[i].strip()):
            return lines[:i]
    return lines


def _is_teaser_summary(line: str) -> bool:
    """A truncated summary of another story: a long line that ends in an ellipsis."""
    stripped = line.strip()
    return stripped.endswith(("...", "…")) and len(stripped.split()) >= 8


_SENTENCE_END = tuple('.!?:;"”’)]')


def _reflow(lines: list[str]) -> list[str]:
    """Join lines a PDF or OCR capture wrapped mid-sentence: a line that does not end a
    sentence, followed (after at most one blank line) by one that starts in lower case."""
    out: list[str] = []
    blank = False
    for line in lines:
        if not line:
            blank = True
            out.append(line)
            continue
        prev_index = len(out) - 2 if blank else len(out) - 1
        prev = out[prev_index] if prev_index >= 0 else ""
        if (prev and line[0].islower() and not prev.endswith(_SENTENCE_END)
                and len(prev.split()) >= 3):
            if blank:
                out.pop()
            out[-1] = f"{prev} {line}"
        else:
            out.append(line)
        blank = False
    return out


def clean_text(text: str, url: str | None, frequent: Mapping[int, int] | None = None,
               host_docs: int = 0) -> CleanedText:
    """Remove the boilerplate lines of one document; ``frequent`` maps line hash -> docs of
    the same host carrying the line, ``host_docs`` is how many documents the host has."""
    lines = _cut_teasers(_cut_notes(text.splitlines()))
    threshold = max(MIN_LINE_DOCS, MIN_LINE_SHARE * host_docs)
    kept: list[str] = []
    removed = 0
    previous = ""
    for line in lines:
        norm = normalise_line(line)
        if not norm:
            if kept and kept[-1] != "":
                kept.append("")
            continue
        drop = bool(_BANNER.match(norm) or _LINK_ONLY.match(norm) or _markup_heavy(line)
                    or _is_teaser_summary(line))
        if not drop and frequent and not _protected(line, norm) \
                and not _publisher_line(previous, norm):
            drop = frequent.get(line_hash(norm), 0) >= threshold
        previous = norm
        if drop:
            removed += 1
        else:
            kept.append(line.strip())
    while kept and kept[-1] == "":
        kept.pop()
    paragraphs = "\n".join(_reflow(kept))
    paragraphs = re.sub(r"\n{2,}", "\n\n", paragraphs).strip()
    return CleanedText(text=paragraphs, removed_lines=removed,
                       kept_lines=sum(1 for k in kept if k))
