"""A gold-driven harness for the relate stage: mentions made by matching the gold
entity names in the text (tests and development only; the product gets its mentions
from ``corpus.extract``)."""
from __future__ import annotations

import re
from datetime import date

from corpus.records import Entity, Mention, stable_id


def _kb():
    try:
        from corpus.knowledge import load_kb
        return load_kb()
    except Exception:  # the knowledge base is another engineer's module
        return None


def gold_entities(gold_doc: dict, with_optional: bool = True) -> tuple[dict, dict]:
    """Entities of a gold document (keyed by id) and surface form -> entity id."""
    kb = _kb()
    entities: dict[str, Entity] = {}
    surfaces: dict[str, str] = {}
    specs = [(e["kind"], e["names"]) for e in gold_doc["entities"]]
    if with_optional:
        specs += [("agency", [n]) for n in gold_doc.get("optional", [])]
    for kind, names in specs:
        entry = None
        if kb is not None:
            for name in names[:2]:
                entry = kb.lookup(name)
                if entry is not None and entry.kind == kind:
                    break
                entry = None
        country = None
        if kind == "country" and kb is not None:
            country = kb.country_code(names[0])
        eid = entry.id if entry else (country if kind == "country" and country
                                      else stable_id(kind, names[0].lower()))
        if eid in entities:
            entities[eid].aliases.extend(names)
        else:
            entities[eid] = Entity(eid, names[0], kind,
                                   country=(entry.country if entry else country),
                                   aliases=list(names), parent_id=entry.parent if entry else None,
                                   kb_id=entry.id if entry else None)
        for name in names:
            surfaces.setdefault(name, eid)
    return entities, surfaces


def gold_mentions(doc_id: str, text: str, surfaces: dict[str, str],
                  entities: dict[str, Entity]) -> list[Mention]:
    """Every non-overlapping occurrence of a gold surface form, longest first."""
    taken = [False] * len(text)
    out: list[Mention] = []
    for name in sorted(surfaces, key=len, reverse=True):
        for m in re.finditer(r"(?<![\w])" + re.escape(name) + r"(?![\w])", text):
            if any(taken[m.start():m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            eid = surfaces[name]
            out.append(Mention(doc_id, eid, entities[eid].kind, m.group(0), m.start(), m.end()))
    return sorted(out, key=lambda m: m.start_char)


def score(relations, gold_doc: dict, surfaces: dict[str, str]) -> dict:
    """Pair and typed counts for one document, as the gold README scores them."""
    def eid(name):
        return surfaces.get(name)
    gold = [(eid(r["a"]), eid(r["b"]), set(r["types"]), r.get("directed", False))
            for r in gold_doc["relations"]]
    optional = {frozenset((eid(r["a"]), eid(r["b"]))) for r in gold_doc.get("optional_relations", [])}
    pairs = {}
    for rel in relations:
        pairs.setdefault(frozenset((rel.source_id, rel.target_id)), []).append(rel)
    counts = dict(tp=0, fn=0, fp=0, typed_tp=0, direction_errors=0, gold=len(gold),
                  misses=[], false=[])
    gold_pairs = set()
    for a, b, types, directed in gold:
        key = frozenset((a, b))
        gold_pairs.add(key)
        found = pairs.get(key, [])
        if found:
            counts["tp"] += 1
            if any(r.type in types for r in found):
                counts["typed_tp"] += 1
            if directed and any(r.directed and r.source_id != a for r in found
                                if r.type in types):
                counts["direction_errors"] += 1
        else:
            counts["fn"] += 1
            counts["misses"].append((a, b))
    for key, rels in pairs.items():
        if key not in gold_pairs and key not in optional:
            counts["fp"] += 1
            counts["false"].append((rels[0].source_id, rels[0].target_id, rels[0].type,
                                    rels[0].evidence[:160]))
    return counts


def parse_date(value):
    return date.fromisoformat(value) if value else None
