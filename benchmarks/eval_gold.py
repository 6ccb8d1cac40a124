"""Build a database of just the gold documents and score it (``corpus eval`` rules).

    python3 benchmarks/eval_gold.py [GOLD ...] [--db PATH] [--verbose]

Documents come straight from dev.jsonl rows (through the real ingest, so boilerplate
cleaning is what a user gets), then ``extract_batch`` and ``write_extraction``.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV_JSONL = REPO.parent / "shared" / "corpus" / "press-releases" / "dev.jsonl"
GOLD = [REPO.parent / "shared" / "gold" / "dev_gold.json",
        *(REPO / "data" / "gold" / name for name in ("extra_gold.json", "dev2_gold.json",
                                                      "dev3_gold.json", "dev4_gold.json",
                                                      "dev5_gold.json", "dev6_gold.json",
                                                      "dev7_gold.json", "dev8_gold.json",
                                                      "dev9_gold.json", "dev10_gold.json",
                                                      "dev11_gold.json", "dev12_gold.json",
                                                      "dev13_gold.json", "dev14_gold.json",
                                                      "dev15_gold.json", "dev16_gold.json",
                                                      "dev17_gold.json", "dev18_gold.json"))]


def build(gold_paths: list[Path], db: str, dev: Path = DEV_JSONL):
    from corpus import store
    from corpus.config import load_settings
    from corpus.extract import EXTRACT_VERSION, STAGE, extract_batch
    from corpus.ingest import ingest_sources

    keys = set()
    for path in gold_paths:
        keys |= set(json.loads(path.read_text(encoding="utf-8"))["docs"])
    rows = [json.loads(line) for line in dev.open(encoding="utf-8") if line.strip()]
    rows = [r for r in rows if r.get("url") in keys]
    settings = load_settings(db=db)
    con = store.connect(db)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gold-documents.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        ingest_sources(con, [str(path)], settings)
    docs = store.pending_documents(con, STAGE, EXTRACT_VERSION, include_duplicates=True)
    started = time.perf_counter()
    extraction = extract_batch(docs, settings)
    store.write_extraction(con, extraction, stage=STAGE, version=EXTRACT_VERSION)
    print(f"extracted {len(docs)} documents in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return con


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("gold", nargs="*", type=Path)
    parser.add_argument("--db", default=":memory:")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    from corpus.evaluate import evaluate, format_evaluation

    paths = [p for p in (args.gold or GOLD) if p.exists()]
    con = build(paths, args.db)
    for path in paths:
        result = evaluate(con, json.loads(path.read_text(encoding="utf-8")))
        print(f"== {path}")
        print(format_evaluation(result, verbose=args.verbose))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
