"""The fixed order holdout 17 was drawn in: releases walked before and skipped as the
second release of a covered case.

    python3 benchmarks/second_pool.py [--from 0]

By session 17 (November 2026) every release of the development corpus had been walked by
some draw (``wide_pool.py`` took the last unread ones). What is left of unseen text are
releases earlier draws skipped because their case was already in gold through another
release ("case covered by dev4", "second release of a case already kept", ...): the stage
was never scored on their texts. The pool: every URL of a skip log
(``data/gold/selection/*_skips.txt``) whose reason says so, minus those a reason also rules
out for good (more than about 15 foreign bodies, a listing, program or summary page, a
near-empty capture), minus the documents of every gold file but the one drawn from it,
texts of at least 1,500 characters whose largest share of 8-word shingles in one gold text
is below 0.6 (stricter than the 0.8 of the other pools: these cases are in gold); sorted
by URL and shuffled with ``random.Random(2617)``.
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

from covered_pool import load_records, shingles
from fresh_pool import DEV, REPO, print_pool

DRAWN_FROM_IT = ("holdout17_gold.json",)
SECOND = re.compile(r"covered|second release|third release|already kept|same case|copy of",
                    re.IGNORECASE)
RULED_OUT = re.compile(r"15 foreign|>15|more than (?:about |~)?15|listing|program page"
                       r"|summary page|not a story|navigation only|near-empty", re.IGNORECASE)
MAX_SHARE = 0.6


def skip_reasons() -> dict[str, list[str]]:
    """Every skip log's reasons by URL (the logs write "url<TAB>reason" or
    "position<TAB>url<TAB>reason")."""
    reasons: dict[str, list[str]] = {}
    for path in sorted((REPO / "data" / "gold" / "selection").glob("*_skips.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            urls = [f.strip() for f in fields if f.strip().startswith("http")]
            if urls:
                reasons.setdefault(urls[0], []).append(fields[-1])
    return reasons


def pool(dev: Path = DEV) -> list[tuple[str, str]]:
    records = load_records(dev)
    gold_files = [REPO.parent / "shared" / "gold" / "dev_gold.json",
                  REPO / "tests" / "relate_extra_gold.json",
                  *sorted((REPO / "data" / "gold").glob("*_gold.json"))]
    gold = {u for p in gold_files if p.name not in DRAWN_FROM_IT
            for u in json.loads(p.read_text(encoding="utf-8"))["docs"]}
    gold_shingles = [shingles(records[u]["text"]) for u in gold if u in records]
    out = []
    for url, why in sorted(skip_reasons().items()):
        if url in gold or url not in records or len(records[url]["text"]) < 1500:
            continue
        if not any(SECOND.search(r) for r in why) or any(RULED_OUT.search(r) for r in why):
            continue
        own = shingles(records[url]["text"])
        if any(len(own & g) / max(1, min(len(own), len(g))) >= MAX_SHARE
               for g in gold_shingles):
            continue
        out.append((url, records[url].get("title") or ""))
    random.Random(2617).shuffle(out)
    return out


if __name__ == "__main__":
    raise SystemExit(print_pool(pool()))
