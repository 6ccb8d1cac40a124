"""Scoring the database against hand-made gold (the rules of ../shared/gold/README.md).

Entities, per kind: a gold entity is found when a mention of the document belongs to
an entity of that kind whose canonical name or mention text equals one of the gold
names (case-insensitive, whitespace and quote style normalised). A system entity that
matches no gold entity and no optional name is a false positive; one that matches a
gold entity of another kind is a miss for the gold kind and a false positive for its
own. Dates: a gold date is found when a date mention's value, cut to the gold's
granularity, equals it. Relations: pairs in either order, then typed, with direction
errors counted where both gold and system say directed. A relation end is matched by
its entity's names; a unit whose names the gold does not use at all (the Secret Service's
"Cyber Investigative Section") is matched by its parent's name, as annotators list units
among their parent's names and ``cooperation_map`` rolls units up to their parents.
"""
from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

from corpus.config import Settings
from corpus.records import ENTITY_KINDS

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "`": "'", "\u00b4": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
                         "\u00bb": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def norm(name: str) -> str:
    """Case-insensitive, whitespace and quote style normalised."""
    return re.sub(r"\s+", " ", str(name).translate(_QUOTES)).strip().casefold()


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def scores(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class _SysEntity:
    entity_id: str
    kind: str
    surfaces: set[str] = field(default_factory=set)
    name: str = ""


# ------------------------------------------------------------------ matching documents

def _match_documents(docs: list[dict[str, Any]], gold_keys: list[str]) -> dict[str, str]:
    """gold key -> doc_id, by url, then source, then file name."""
    by: dict[str, str] = {}
    for d in docs:
        for value in (d.get("source"), d.get("url")):
            if value:
                by.setdefault(str(value), d["doc_id"])
        for value in (d.get("source"), d.get("url")):
            if value:
                base = os.path.basename(str(value).rstrip("/"))
                by.setdefault(base, d["doc_id"])
                by.setdefault(re.sub(r"\.(html?|txt|json|gz)+$", "", base), d["doc_id"])
    found = {}
    for key in gold_keys:
        for candidate in (key, key.rstrip("/"), os.path.basename(key.rstrip("/"))):
            if candidate in by:
                found[key] = by[candidate]
                break
    return found


# ------------------------------------------------------------------ scoring one document

def _granularity(value: str) -> str:
    return {4: "year", 7: "month"}.get(len(value), "day")


def _cut(value: date, granularity: str) -> str:
    if granularity == "year":
        return f"{value.year:04d}"
    if granularity == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def relation_ends(gold: dict[str, Any]) -> Callable[[str], set[str]]:
    """For a gold document: a relation end's label -> the normalised names of the gold
    entity it names (just the label when it names none)."""
    groups = [{norm(n) for n in g["names"]} for g in gold.get("entities", [])]

    def names_of(label: str) -> set[str]:
        n = norm(label)
        return next((names for names in groups if n in names), {n})

    return names_of


def score_document(gold: dict[str, Any], entities: list[_SysEntity],
                   dates: list[tuple[date, str]], relations: list[dict[str, Any]]
                   ) -> dict[str, Any]:
    """Counts for one document (see the module docstring)."""
    gold_entities = [(g["kind"], {norm(n) for n in g["names"]}, g["names"][0])
                     for g in gold.get("entities", [])]
    optional = {norm(n) for n in gold.get("optional", [])}
    per_kind = {k: Counts() for k in ENTITY_KINDS}
    misses: list[str] = []
    false_pos: list[str] = []
    for kind, names, label in gold_entities:
        if any(e.kind == kind and e.surfaces & names for e in entities):
            per_kind[kind].tp += 1
        else:
            per_kind[kind].fn += 1
            misses.append(f"{kind}: {label}")
    for e in entities:
        same = any(kind == e.kind and e.surfaces & names for kind, names, _ in gold_entities)
        if same:
            continue
        other = any(e.surfaces & names for _, names, _ in gold_entities)
        if not other and e.surfaces & optional:
            continue
        if e.kind in per_kind:
            per_kind[e.kind].fp += 1
            false_pos.append(f"{e.kind}: {e.name}")

    # dates
    gold_dates = [(v, _granularity(v)) for v in gold.get("dates", [])]
    date_counts = Counts()
    for value, gran in gold_dates:
        if any(_cut(d, gran) == value for d, _ in dates):
            date_counts.tp += 1
        else:
            date_counts.fn += 1
    seen: set[tuple[str, str]] = set()
    date_fp = 0
    for d, gran in dates:
        key = (_cut(d, gran), gran)
        if key in seen:
            continue
        seen.add(key)
        coarse_ok = any(_cut(d, g) == v or (len(v) > len(key[0]) and v.startswith(key[0]))
                        for v, g in gold_dates)
        if not coarse_ok:
            date_fp += 1
    date_counts.fp = date_fp

    # relations
    names_of = relation_ends(gold)

    by_id = {e.entity_id: e for e in entities}
    parent_of: dict[str, str] = {}
    for r in relations:
        # a relation may name a unit's parent agency that no mention of the document
        # names ("FBI Miami's Cyber Task Force" acts as the FBI): match it by its name
        for end in ("source", "target"):
            eid = r[f"{end}_id"]
            if eid not in by_id and r.get(f"{end}_name"):
                by_id[eid] = _SysEntity(eid, r.get(f"{end}_kind") or "",
                                        {norm(r[f"{end}_name"])}, r[f"{end}_name"])
            if r.get(f"{end}_parent_name"):
                parent_of[eid] = norm(r[f"{end}_parent_name"])
    gold_names = set().union(*(names for _, names, _ in gold_entities))

    def matches(entity_id: str, names: set[str]) -> bool:
        """The entity's names meet ``names``; a unit the gold does not name ("the U.S.
        Secret Service Cyber Investigative Section") stands for its parent, as the
        annotators list units among their parent's names and cooperation_map rolls
        units up."""
        e = by_id.get(entity_id)
        if e is None:
            return False
        if e.surfaces & names:
            return True
        return not e.surfaces & gold_names and parent_of.get(entity_id) in names

    gold_rel = [(names_of(r["a"]), names_of(r["b"]), set(r.get("types") or []),
                 bool(r.get("directed")), f"{r['a']} - {r['b']}")
                for r in gold.get("relations", [])]
    opt_rel = [(names_of(r["a"]), names_of(r["b"])) for r in gold.get("optional_relations", [])]
    pair, typed = Counts(), Counts()
    direction_errors = 0
    rel_misses: list[str] = []
    for a, b, types, directed, label in gold_rel:
        hits = [r for r in relations
                if matches(r["source_id"], a) and matches(r["target_id"], b)
                or matches(r["source_id"], b) and matches(r["target_id"], a)]
        if not hits:
            pair.fn += 1
            typed.fn += 1
            rel_misses.append(label)
            continue
        pair.tp += 1
        good = False
        for r in hits:
            wrong_way = directed and r["directed"] and not matches(r["source_id"], a)
            if wrong_way:
                direction_errors += 1
            elif r["type"] in types:
                good = True
        if good:
            typed.tp += 1
        else:
            typed.fn += 1
    spurious: list[str] = []
    system_pairs: dict[frozenset, set[str]] = defaultdict(set)
    for r in relations:
        system_pairs[frozenset((r["source_id"], r["target_id"]))].add(r["type"])
    for ids, types in system_pairs.items():
        ends = list(ids) + list(ids)[:1]
        s, t = ends[0], ends[1]
        in_gold = [g for g in gold_rel if (matches(s, g[0]) and matches(t, g[1]))
                   or (matches(s, g[1]) and matches(t, g[0]))]
        in_optional = any((matches(s, a) and matches(t, b)) or (matches(s, b) and matches(t, a))
                          for a, b in opt_rel)
        if not in_gold and not in_optional:
            pair.fp += 1
            typed.fp += len(types)
            spurious.append(" - ".join(sorted(
                by_id[e].name or min(by_id[e].surfaces) if e in by_id else e for e in ids)))
        elif in_gold:
            allowed = set().union(*(g[2] for g in in_gold))
            typed.fp += len(types - allowed)
    return {"entities": per_kind, "dates": date_counts, "pairs": pair, "typed": typed,
            "direction_errors": direction_errors, "missed_entities": misses,
            "false_positives": false_pos, "missed_relations": rel_misses,
            "spurious_relations": sorted(spurious)}


# ------------------------------------------------------------------ the database

def evaluate(con, gold: dict[str, Any]) -> dict[str, Any]:
    """Scores of the database against a gold dictionary ({"docs": {key: annotation}})."""
    from corpus.store import extract as extract_store

    gold_docs = gold.get("docs", gold)
    docs = extract_store.documents_for_evaluation(con)
    matched = _match_documents(docs, list(gold_docs))
    per_kind = {k: Counts() for k in ENTITY_KINDS}
    dates, pairs, typed = Counts(), Counts(), Counts()
    direction_errors = 0
    details: dict[str, Any] = {}
    ids = list(matched.values())
    mention_rows = extract_store.mentions_for_evaluation(con, ids)
    date_rows = extract_store.dates_for_evaluation(con, ids)
    relation_rows = extract_store.relations_for_evaluation(con, ids)
    for key, annotation in gold_docs.items():
        doc_id = matched.get(key)
        if doc_id is None:
            continue
        ents: dict[str, _SysEntity] = {}
        for row in mention_rows.get(doc_id, []):
            e = ents.setdefault(row["entity_id"], _SysEntity(row["entity_id"], row["kind"],
                                                             name=row["name"] or ""))
            e.surfaces.add(norm(row["text"]))
            if row["name"]:
                e.surfaces.add(norm(row["name"]))
        result = score_document(annotation, list(ents.values()), date_rows.get(doc_id, []),
                                relation_rows.get(doc_id, []))
        for k in ENTITY_KINDS:
            per_kind[k].add(result["entities"][k])
        dates.add(result["dates"])
        pairs.add(result["pairs"])
        typed.add(result["typed"])
        direction_errors += result["direction_errors"]
        details[key] = {"missed_entities": result["missed_entities"],
                        "false_positives": result["false_positives"],
                        "missed_relations": result["missed_relations"],
                        "spurious_relations": result["spurious_relations"],
                        "date_recall": result["dates"].scores()["recall"],
                        "relation_pairs": result["pairs"].scores()}
    overall = Counts()
    for c in per_kind.values():
        overall.add(c)
    date_scores = dates.scores()
    return {
        "documents": len(gold_docs),
        "documents_scored": len(matched),
        "missing_documents": [k for k in gold_docs if k not in matched],
        "entities": {**{k: c.scores() for k, c in per_kind.items()}, "all": overall.scores()},
        "dates": date_scores,
        "relations": {"pair": pairs.scores(), "typed": typed.scores(),
                      "direction_errors": direction_errors},
        "per_document": details,
    }


def format_evaluation(result: dict[str, Any], *, verbose: bool = False) -> str:
    lines = [f"documents scored: {result['documents_scored']} of {result['documents']}"]
    if result["missing_documents"]:
        lines.append("missing from the database: " + ", ".join(result["missing_documents"]))
    lines.append("")
    lines.append(f"{'':24}{'precision':>10}{'recall':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}")

    def row(label: str, s: dict[str, Any]) -> str:
        return (f"{label:24}{s['precision']:>10.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}"
                f"{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}")

    for kind in ENTITY_KINDS:
        lines.append(row(f"entity {kind}", result["entities"][kind]))
    lines.append(row("entity (all kinds)", result["entities"]["all"]))
    lines.append(row("dates", result["dates"]))
    lines.append(row("relation pairs", result["relations"]["pair"]))
    lines.append(row("relations typed", result["relations"]["typed"]))
    lines.append(f"relation direction errors: {result['relations']['direction_errors']}")
    with_ties = [d["relation_pairs"] for d in result["per_document"].values()
                 if d["relation_pairs"]["tp"] + d["relation_pairs"]["fn"]]
    if with_ties:
        # every document weighs the same: a release listing 190 ties does not outvote
        # ten releases of five
        macro = {k: sum(s[k] for s in with_ties) / len(with_ties)
                 for k in ("precision", "recall", "f1")}
        lines.append(f"relation pairs, mean over {len(with_ties)} documents with gold ties: "
                     f"P {macro['precision']:.3f} R {macro['recall']:.3f} F1 {macro['f1']:.3f}")
    if verbose:
        for key, d in result["per_document"].items():
            lines.append("")
            lines.append(key)
            for label in ("missed_entities", "false_positives", "missed_relations",
                          "spurious_relations"):
                if d[label]:
                    lines.append(f"  {label}: " + "; ".join(d[label]))
            lines.append(f"  date recall: {d['date_recall']}")
            rp = d["relation_pairs"]
            lines.append(f"  relation pairs: P {rp['precision']:.3f} R {rp['recall']:.3f} "
                         f"F1 {rp['f1']:.3f} (tp {rp['tp']}, fp {rp['fp']}, fn {rp['fn']})")
    return "\n".join(lines)


def load_gold(path: str | Path) -> dict[str, Any]:
    with Path(path).open(encoding="utf-8") as fh:
        return json.load(fh)


def print_evaluation(settings: Settings, gold_path: str | Path, fmt: str = "table") -> int:
    """``corpus eval``: score ``settings.db`` against a gold file and print it."""
    from corpus import store

    gold = load_gold(gold_path)
    con = store.connect(settings.db, read_only=True)
    try:
        result = evaluate(con, gold)
    finally:
        con.close()
    if fmt == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(format_evaluation(result, verbose=bool(os.environ.get("CORPUS_EVAL_VERBOSE"))))
    return 0
