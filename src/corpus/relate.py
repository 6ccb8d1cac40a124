"""Sentences + resolved mentions -> typed, directed cooperation relations.

Placeholder interface only; the relate stage (issue 4) fills it in.
"""
from __future__ import annotations

from datetime import date
from typing import Mapping, Sequence

from corpus.records import DateMention, Entity, Mention, Relation

RELATOR_VERSION = "0"


def find_relations(doc, mentions: Sequence[Mention], entities: Mapping[str, Entity], *,
                   doc_id: str, published: date | None,
                   date_mentions: Sequence[DateMention] = ()) -> list[Relation]:
    """Relations stated in one parsed document (a spaCy ``Doc``)."""
    return []
