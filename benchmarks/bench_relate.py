"""Cost of the relate stage per document, over documents already parsed.

Parses N documents of the dev corpus once (spaCy), finds their mentions with the real
extractor when it is importable (else the spaCy NER spans as stand-ins), then times
``find_relations`` alone. Prints ms/doc, relations/doc and the parse cost for scale.

    python3 benchmarks/bench_relate.py [-n 300] [--jsonl PATH]
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from corpus.config import load_settings
from corpus.extract import pipeline
from corpus.records import Entity, Mention, stable_id
from corpus.relate import RELATE_VERSION, find_relations

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "press-releases" / "dev.jsonl"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw" / "press-releases.jsonl"


def ner_mentions(doc, doc_id: str) -> tuple[list[Mention], dict[str, Entity]]:
    """Stand-in mentions: spaCy's ORG/GPE/NORP spans as agencies and countries."""
    kinds = {"ORG": "agency", "GPE": "country", "NORP": "country"}
    entities: dict[str, Entity] = {}
    mentions = []
    for ent in doc.ents:
        kind = kinds.get(ent.label_)
        if kind is None:
            continue
        eid = stable_id(kind, ent.text.lower())
        entities.setdefault(eid, Entity(eid, ent.text, kind))
        mentions.append(Mention(doc_id, eid, kind, ent.text, ent.start_char, ent.end_char))
    return mentions, entities


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--jsonl", type=Path, default=DEV if DEV.exists() else SAMPLE)
    args = parser.parse_args()
    settings = load_settings()
    with args.jsonl.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()][: args.n]

    nlp = pipeline(settings)[0]          # the parser as extraction runs it
    t0 = time.perf_counter()
    docs = list(nlp.pipe((r.get("text") or "" for r in records), batch_size=settings.nlp_batch))
    parse_s = time.perf_counter() - t0

    prepared = []
    for rec, doc in zip(records, docs):
        mentions, entities = ner_mentions(doc, rec["url"])
        prepared.append((doc, mentions, entities, rec["url"]))
    n_mentions = sum(len(p[1]) for p in prepared)

    times, n_rel = [], 0
    for doc, mentions, entities, doc_id in prepared:
        t = time.perf_counter()
        rels = find_relations(doc, mentions, entities, doc_id=doc_id, published=None)
        times.append(time.perf_counter() - t)
        n_rel += len(rels)
    total = sum(times)
    chars = sum(len(d.text) for d in docs)
    print(f"relate {RELATE_VERSION}: {len(docs)} documents ({chars / len(docs):.0f} chars, "
          f"{n_mentions / len(docs):.1f} actor mentions per document) from {args.jsonl.name}")
    print(f"  find_relations: {1000 * total / len(docs):.2f} ms/doc mean, "
          f"{1000 * statistics.median(times):.2f} ms median, "
          f"{1000 * max(times):.1f} ms max; {n_rel / len(docs):.2f} relations/doc")
    print(f"  spaCy parse for scale: {1000 * parse_s / len(docs):.1f} ms/doc "
          f"(relate is {100 * total / parse_s:.1f}% of it)")


if __name__ == "__main__":
    main()
