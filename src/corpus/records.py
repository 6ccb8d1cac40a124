"""Records that cross a stage boundary.

Every stage takes and gives these plain dataclasses; only ``corpus.store`` turns
them into DuckDB rows. Offsets are character offsets into ``Document.text``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

ENTITY_KINDS = ("agency", "country", "program", "organization")

RELATION_TYPES = {
    # type: directed?
    "training": True,
    "intelligence_sharing": False,
    "technology_transfer": True,
    "joint_operation": False,
    "legal_assistance": True,
    "agreement": False,
    "visit_exchange": True,
    "funding": True,
    "general_cooperation": False,
}

DATE_GRANULARITIES = ("day", "month", "year")


def canonical_name(a: str, b: str) -> str:
    """The name an entity keeps when two documents write it differently: the longer
    form ("Tampa Division of the Federal Bureau of Investigation" over "Tampa Division
    of the FBI"), then the first in code-point order, so the name does not depend on
    the order documents arrive in (the store's upsert applies the same rule)."""
    return min(a, b, key=lambda n: (-len(n), n))


def stable_id(*parts: object, length: int = 16) -> str:
    """A short, deterministic identifier: the same parts always give the same id."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=length // 2).hexdigest()


@dataclass(slots=True)
class Document:
    """One usable input document, ready for the NLP stages."""

    doc_id: str
    source: str                      # file path or URL as given by the user
    url: str | None
    title: str | None
    published: date | None
    language: str | None             # ISO 639-1, e.g. "en"
    text: str                        # cleaned text every later stage reads
    raw_text: str                    # the text before boilerplate removal
    content_hash: str                # hash of the normalised cleaned text
    duplicate_of: str | None = None
    author: str | None = None
    site: str | None = None
    source_kind: str | None = None   # file, url, feed, records
    ingested_at: datetime | None = None


@dataclass(slots=True)
class Rejection:
    """An input that could not be used, and why (a reason a person understands)."""

    source: str
    stage: str                       # ingest, fetch, parse, extract, relate, embed ...
    reason: str
    rejected_at: datetime | None = None


@dataclass(slots=True)
class Entity:
    """A canonical real-world actor or thing; ``entity_id`` is stable across runs."""

    entity_id: str
    name: str
    kind: str                        # one of ENTITY_KINDS
    country: str | None = None       # ISO 3166-1 alpha-3
    aliases: list[str] = field(default_factory=list)
    parent_id: str | None = None     # a unit's parent agency
    kb_id: str | None = None         # the knowledge-base key when the entity is known


@dataclass(slots=True)
class Mention:
    doc_id: str
    entity_id: str
    kind: str
    text: str
    start_char: int
    end_char: int


@dataclass(slots=True)
class DateMention:
    doc_id: str
    text: str
    start_char: int
    end_char: int
    value: date
    granularity: str                 # one of DATE_GRANULARITIES


@dataclass(slots=True)
class Relation:
    relation_id: str
    doc_id: str
    source_id: str
    target_id: str
    type: str                        # one of RELATION_TYPES
    directed: bool
    evidence: str
    start_char: int
    end_char: int
    event_date: date | None
    confidence: float
    modality: str = "asserted"       # asserted, planned, proposed, refused, denied, negated
    critical: bool = False           # the sentence criticises the cooperation
    trigger: str | None = None       # the predicate that states the relation


@dataclass(slots=True)
class Chunk:
    chunk_id: str
    doc_id: str
    start_char: int
    end_char: int
    text: str
    embedding: list[float] | None = None


@dataclass(slots=True)
class Theme:
    theme_id: int
    label: str
    terms: list[str]
    size: int


@dataclass(slots=True)
class DocumentTheme:
    doc_id: str
    theme_id: int
    score: float


@dataclass(slots=True)
class Extraction:
    """What the extract stage gives for a batch of documents."""

    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    done_doc_ids: list[str] = field(default_factory=list)
