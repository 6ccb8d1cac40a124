"""Words per second of the extract stage against the raw spaCy pipeline, same texts, one run.

    python3 benchmarks/bench_extract.py [--limit 150] [--batch 64] [--processes 1]

Prints the raw ``nlp.pipe`` rate, the rate of ``extract_batch`` with the knowledge base
only (matchers, shape rules, canonicalisation, dates) and with relations (the relate
stage's parse reading) too, and the extra time each costs over raw spaCy. Issue 3 wants
the knowledge to cost under 30% more time than the raw pipeline.
"""
from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpus" / "press-releases" / "dev.jsonl"
SAMPLE = REPO / "data" / "raw" / "press-releases.jsonl"


def load(limit: int) -> list[dict]:
    path = DEV if DEV.exists() else SAMPLE
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    docs = []
    for i, r in enumerate(rows[:limit]):
        published = date.fromisoformat(r["published"]) if r.get("published") else None
        docs.append({"doc_id": f"d{i}", "title": r.get("title"), "published": published,
                     "language": "en", "text": r["text"], "url": r.get("url"),
                     "source": r.get("url") or f"row {i}"})
    return docs


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=150)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()

    from corpus.config import load_settings
    from corpus.extract import extract_batch, pipeline

    settings = load_settings(nlp_batch=args.batch, nlp_processes=args.processes)
    docs = load(args.limit)
    texts = [d["text"] for d in docs]
    words = sum(len(t.split()) for t in texts)
    nlp, _, _ = pipeline(settings)
    list(nlp.pipe(texts[:5]))                      # warm up (model, vocab, matchers)
    extract_batch(docs[:5], settings)

    timings = {}
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=args.batch, n_process=args.processes):
        pass
    timings["raw spaCy nlp.pipe"] = time.perf_counter() - started

    started = time.perf_counter()
    kb_only = extract_batch(docs, settings.replace(extra={"extract_relations": False}))
    timings["extract (knowledge, dates)"] = time.perf_counter() - started

    started = time.perf_counter()
    full = extract_batch(docs, settings)
    timings["extract + relations"] = time.perf_counter() - started

    raw = timings["raw spaCy nlp.pipe"]
    print(f"{len(docs)} documents, {words:,} words, pipeline {nlp.meta.get('name')} "
          f"{nlp.pipe_names}, batch {args.batch}, processes {args.processes}")
    for label, seconds in timings.items():
        print(f"{label:30} {seconds:8.1f} s {words / seconds:10,.0f} words/s"
              f"   x{seconds / raw:5.2f} of raw ({(seconds / raw - 1) * 100:+.0f}%)")
    print(f"mentions {len(kb_only.mentions):,}, entities {len(kb_only.entities):,}, "
          f"dates {len(kb_only.dates):,}, relations {len(full.relations):,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
