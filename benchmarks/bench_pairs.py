"""Cost of the relation stage's document-level pair model inside the real extraction.

    python3 benchmarks/bench_pairs.py [-n 200]

``bench_relate.py`` times ``find_relations`` on stand-in NER mentions without countries,
where the pair model has no home country and does nothing; this runs ``extract_batch``
(real knowledge-base entities) on the first ``n`` dev records and times the pair model's
step of each document. Prints ms/doc, the share of the extraction, and how many relations
the model adds.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import corpus.relate as relate
from corpus.config import load_settings
from corpus.extract import extract_batch, pipeline

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpus" / "press-releases" / "dev.jsonl"
SAMPLE = REPO / "data" / "raw" / "press-releases.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--jsonl", type=Path, default=DEV if DEV.exists() else SAMPLE)
    args = parser.parse_args()
    with args.jsonl.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()][: args.n]
    docs = [{"doc_id": str(i), "text": r.get("text") or "", "title": r.get("title"),
             "published": None, "language": "en"} for i, r in enumerate(records)]
    settings = load_settings()
    pipeline(settings)                                   # load the models before timing

    times: list[float] = []
    step = relate._document_pairs

    def timed(*a, **k):
        started = time.perf_counter()
        try:
            return step(*a, **k)
        finally:
            times.append(time.perf_counter() - started)

    relate._document_pairs = timed
    try:
        started = time.perf_counter()
        result = extract_batch(docs, settings)
        wall = time.perf_counter() - started
    finally:
        relate._document_pairs = step
    added = sum(r.trigger.startswith("document:") for r in result.relations)
    mean = sum(times) / max(len(times), 1)
    print(f"{len(docs)} documents from {args.jsonl.name}: extraction {1000 * wall / len(docs):.1f} "
          f"ms/doc; pair model {1000 * mean:.2f} ms/doc mean, {1000 * max(times, default=0):.1f} "
          f"ms max ({100 * sum(times) / wall:.1f} % of the extraction)")
    print(f"  {len(result.relations)} relations, {added} of them added by the pair model")


if __name__ == "__main__":
    main()
