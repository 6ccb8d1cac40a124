"""The fixed order holdouts 13-15 were drawn in: releases no earlier draw had touched.

    python3 benchmarks/fresh_pool.py [--from 150]

By November 2026 the keyword pool of ``gold_pool.py`` and the covered-case pool of
``covered_pool.py`` were used up. This pool is every record of the development corpus
(deduplicated by URL) of at least 1,500 characters that no gold file holds and no selection
log (``data/gold/selection/*.txt``) names, whose first 8,000 characters name a country
other than the United States (the knowledge base's names, aliases and demonyms) and a word
of help or cooperation, without near-copies of gold texts (a share of 8-word shingles of
0.8 or more in one gold document); sorted by URL and shuffled with ``random.Random(2613)``.
The files holdouts 13-15 added are left out of the exclusions, so the order can be
repeated (383 records). Many records of this pool are domestic cases; annotators skip them.
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path
from typing import Callable, Sequence

from covered_pool import load_records, shingles

from corpus.knowledge import load_kb

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpus" / "press-releases" / "dev.jsonl"
DRAWN_FROM_IT = ("dev16_gold.json", "holdout13_kept.txt", "holdout13_skips.txt",
                 "holdout14_gold.json", "holdout14_kept.txt", "holdout14_skips.txt",
                 "dev17_gold.json", "holdout15_kept.txt", "holdout15_skips.txt",
                 "dev18_gold.json", "holdout16_kept.txt", "holdout16_skips.txt")
HELP = re.compile(r"assist|cooperat|partner|thank|extradit|joint|coordinat|collaborat|support",
                  re.IGNORECASE)


def foreign_country_pattern() -> re.Pattern:
    names = set()
    for code, country in load_kb().countries.items():
        if code == "USA":
            continue
        for name in (country.name, *country.aliases, *country.demonyms):
            if name and len(name) > 3 and name[0].isupper():
                names.add(re.escape(name))
    return re.compile(r"\b(?:" + "|".join(sorted(names, key=len, reverse=True)) + r")\b")


def unread(drawn_from_it: Sequence[str], min_chars: int, keep: Callable[[str], bool],
           seed: int, dev: Path = DEV) -> list[tuple[str, str]]:
    """(url, title) of every record of at least ``min_chars`` characters that no gold file
    and no selection log holds (but those named in ``drawn_from_it``, so the order can be
    repeated), whose text ``keep`` accepts and that is no near-copy of a gold text; sorted
    by URL and shuffled with ``random.Random(seed)``."""
    records = load_records(dev)
    gold_files = [REPO.parent / "shared" / "gold" / "dev_gold.json",
                  REPO / "tests" / "relate_extra_gold.json",
                  *sorted((REPO / "data" / "gold").glob("*_gold.json"))]
    gold = {u for p in gold_files if p.name not in drawn_from_it
            for u in json.loads(p.read_text(encoding="utf-8"))["docs"]}
    walked = set()
    for path in sorted((REPO / "data" / "gold" / "selection").glob("*.txt")):
        if path.name in drawn_from_it:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            walked.update(f.strip() for f in line.split("\t") if f.startswith("http"))
    gold_shingles = [shingles(records[u]["text"]) for u in gold if u in records]
    out = []
    for url, r in sorted(records.items()):
        text = r.get("text") or ""
        if len(text) < min_chars or url in gold or url in walked or not keep(text):
            continue
        own = shingles(text)
        if any(len(own & g) / max(1, min(len(own), len(g))) >= 0.8 for g in gold_shingles):
            continue
        out.append((url, r.get("title") or ""))
    random.Random(seed).shuffle(out)
    return out


def pool(dev: Path = DEV) -> list[tuple[str, str]]:
    country = foreign_country_pattern()

    def keep(text: str) -> bool:
        head = text[:8000]
        return bool(country.search(head) and HELP.search(head))

    return unread(DRAWN_FROM_IT, 1500, keep, 2613, dev)


def print_pool(records: list[tuple[str, str]]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--from", dest="start", type=int, default=0)
    args = parser.parse_args()
    for i, (url, title) in enumerate(records[args.start:], args.start):
        print(f"{i}\t{url}\t{title}")
    return 0


def main() -> int:
    return print_pool(pool())


if __name__ == "__main__":
    raise SystemExit(main())
