"""The fixed order holdouts 9-12 were drawn in (9, 11, 12 are now dev14, dev13, dev15).

    python3 benchmarks/covered_pool.py [--from 11]

Once the keyword pool of ``gold_pool.py`` was used up, new unseen gold came from the
releases earlier sets skipped as "case covered": their cases are in development gold
through other releases, their texts are in no gold file. The pool: the URLs of the skip
logs (``data/gold/selection/*_skips.txt``) whose reason says "covered", minus the documents
of every gold file but the two sets drawn from it, texts of at least 1,500 characters;
sorted and shuffled with ``random.Random(2611)`` (74 URLs). Each line prints the position,
the largest share of the text's 8-word shingles found in one gold document (a near-copy of
a gold text reads 0.8 or more and is no unseen text) and the URL.
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpus" / "press-releases" / "dev.jsonl"
DRAWN_FROM_IT = ("dev14_gold.json", "holdout10_gold.json", "dev13_gold.json",
                 "dev15_gold.json")


def shingles(text: str, n: int = 8) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + n]) for i in range(max(0, len(words) - n + 1))}


def load_records(dev: Path = DEV) -> dict[str, dict]:
    """The development corpus's records by URL, the first of each URL."""
    records: dict[str, dict] = {}
    with dev.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            records.setdefault(r["url"], r)
    return records


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--from", dest="start", type=int, default=0)
    args = parser.parse_args()
    records = load_records()
    gold_files = [REPO.parent / "shared" / "gold" / "dev_gold.json",
                  *sorted((REPO / "data" / "gold").glob("*_gold.json"))]
    gold = {u for p in gold_files if p.name not in DRAWN_FROM_IT
            for u in json.loads(p.read_text(encoding="utf-8"))["docs"]}
    covered: dict[str, str] = {}
    for path in sorted((REPO / "data" / "gold" / "selection").glob("*_skips.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            url, _, why = line.partition("\t")
            if re.search("covered", why, re.I):
                covered.setdefault(url, why)
    urls = sorted(u for u in covered if u not in gold and u in records
                  and len(records[u]["text"]) >= 1500)
    random.Random(2611).shuffle(urls)
    everything = {u for p in gold_files for u in json.loads(p.read_text(encoding="utf-8"))["docs"]}
    gold_shingles = {u: shingles(records[u]["text"]) for u in everything if u in records}
    for i, url in enumerate(urls[args.start:], args.start):
        own = shingles(records[url]["text"])
        share = max(len(own & g) / max(1, min(len(own), len(g)))
                    for u, g in gold_shingles.items() if u != url)
        print(f"{i}\t{share:.2f}\t{url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
