"""Ingest throughput, the cost of a re-run, and how much boilerplate cleaning removes.

    python3 benchmarks/bench_ingest.py [--source ../shared/corpus/press-releases/dev.jsonl]

Runs ingest twice into a fresh DuckDB file: the first run reads everything, the
second must add nothing and cost a small fraction of the first. Prints figures;
asserts nothing.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from corpus import store
from corpus.config import load_settings
from corpus.ingest import ingest_sources

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "press-releases" / "dev.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(DEFAULT))
    args = parser.parse_args(argv)
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        con = store.connect(db)
        started, cpu = time.perf_counter(), time.process_time()
        first = ingest_sources(con, [args.source], settings)
        first_s, first_cpu = time.perf_counter() - started, time.process_time() - cpu
        con.close()
        con = store.connect(db)
        started = time.perf_counter()
        second = ingest_sources(con, [args.source], settings)
        second_s = time.perf_counter() - started
        raw_chars, text_chars, docs, dups = con.execute(
            "SELECT sum(length(raw_text)), sum(length(text)), count(*), count(duplicate_of) "
            "FROM documents").fetchone()
        rejected = con.execute("SELECT count(*) FROM rejected").fetchone()[0]
        con.close()
    print(f"source: {args.source}")
    print(f"first run:  {first.inputs} inputs in {first_s:.2f} s = "
          f"{first.inputs / first_s:.1f} records/s")
    print(f"            CPU time {first_cpu:.2f} s = {first.inputs / first_cpu:.1f} records per "
          f"CPU-second (wall time suffers when the machine is shared)")
    print(f"            {docs} documents ({dups} duplicates), {rejected} rejected")
    print(f"second run: {second.documents_added} documents added, {second.skipped_unchanged} "
          f"skipped in {second_s:.3f} s = {100 * second_s / first_s:.2f}% of the first run")
    print(f"cleaning:   {first.boilerplate_lines_removed} boilerplate lines removed; stored text "
          f"is {100 * text_chars / raw_chars:.1f}% of the raw characters of kept documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
