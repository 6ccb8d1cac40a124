"""The fixed order holdout 16 was drawn in: every release no earlier draw had touched.

    python3 benchmarks/wide_pool.py [--from 0]

By the end of November 2026 the fresh pool of ``fresh_pool.py`` was walked to its end.
This pool widens its filter: every record of the development corpus (deduplicated by URL)
of at least 1,000 characters that no gold file holds and no selection log names, whose
text names a country other than the United States anywhere (no word of help needed), minus
near-copies of gold texts (a share of 8-word shingles of 0.8 or more in one gold
document); sorted by URL and shuffled with ``random.Random(2616)``. The files holdout 16
added are left out of the exclusions, so the order can be repeated.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from covered_pool import load_records, shingles
from fresh_pool import foreign_country_pattern

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpus" / "press-releases" / "dev.jsonl"
DRAWN_FROM_IT = ("holdout16_gold.json", "holdout16_kept.txt", "holdout16_skips.txt")


def pool(dev: Path = DEV) -> list[tuple[str, str]]:
    records = load_records(dev)
    gold_files = [REPO.parent / "shared" / "gold" / "dev_gold.json",
                  REPO / "tests" / "relate_extra_gold.json",
                  *sorted((REPO / "data" / "gold").glob("*_gold.json"))]
    gold = {u for p in gold_files if p.name not in DRAWN_FROM_IT
            for u in json.loads(p.read_text(encoding="utf-8"))["docs"]}
    walked = set()
    for path in sorted((REPO / "data" / "gold" / "selection").glob("*.txt")):
        if path.name in DRAWN_FROM_IT:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            walked.update(f.strip() for f in line.split("\t") if f.startswith("http"))
    country = foreign_country_pattern()
    gold_shingles = [shingles(records[u]["text"]) for u in gold if u in records]
    out = []
    for url, r in sorted(records.items()):
        text = r.get("text") or ""
        if len(text) < 1000 or url in gold or url in walked or not country.search(text):
            continue
        own = shingles(text)
        if any(len(own & g) / max(1, min(len(own), len(g))) >= 0.8 for g in gold_shingles):
            continue
        out.append((url, r.get("title") or ""))
    random.Random(2616).shuffle(out)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--from", dest="start", type=int, default=0)
    args = parser.parse_args()
    for i, (url, title) in enumerate(pool()[args.start:], args.start):
        print(f"{i}\t{url}\t{title}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
