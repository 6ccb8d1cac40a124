"""Draw the candidate pool that new gold sets are annotated from, and deal it to annotators.

    python3 benchmarks/gold_pool.py --seed 2611 --sets holdout5 dev5 dev6 --out /tmp/goldsel

The pool: dev records (deduplicated by ``url``) that no gold file holds, of at least 1,500
characters, with an international-cooperation keyword in the first 6,000 characters (the
filter of the third and fourth holdouts), sorted by URL and shuffled with the seed. Position
``i`` goes to set ``i % len(sets)``, so annotators working at the same time walk disjoint
lists. Each set's order is written to ``OUT/<set>_order.txt`` (url, source, title).

``--gold`` names the gold files whose documents are left out. The default is the files that
existed when holdout5/dev5/dev6 were drawn (2026-11-24), so that draw can be repeated.
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpus" / "press-releases" / "dev.jsonl"
GOLD_2026_11_24 = [REPO.parent / "shared" / "gold" / "dev_gold.json",
                   REPO / "tests" / "relate_extra_gold.json",
                   *(REPO / "data" / "gold" / f"{name}_gold.json"
                     for name in ("extra", "dev2", "dev3", "dev4", "dev8"))]  # dev8 was holdout4
KEYWORDS = re.compile(
    r"extradit|europol|interpol|foreign (?:law enforcement )?partner"
    r"|international (?:law enforcement )?partner|foreign police|international law enforcement"
    r"|in cooperation with|with the assistance of|mutual legal assistance|authorities in [A-Z]"
    r"|train(?:ing|ed)? (?:of )?(?:police|officers|prosecutors)", re.I)


def pool(dev: Path, gold: list[Path], seed: int) -> list[dict]:
    taken: set[str] = set()
    for path in gold:
        taken |= set(json.loads(path.read_text(encoding="utf-8"))["docs"])
    found: dict[str, dict] = {}
    with dev.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            text = r.get("text") or ""
            if r["url"] in found or r["url"] in taken or len(text) < 1500:
                continue
            if KEYWORDS.search(text[:6000]):
                found[r["url"]] = r
    urls = sorted(found)
    random.Random(seed).shuffle(urls)
    return [found[u] for u in urls]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--sets", nargs="+", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--gold", nargs="*", type=Path, default=GOLD_2026_11_24)
    parser.add_argument("--dev", type=Path, default=DEV)
    args = parser.parse_args()
    records = pool(args.dev, args.gold, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for k, name in enumerate(args.sets):
        mine = records[k::len(args.sets)]
        (args.out / f"{name}_order.txt").write_text(
            "".join(f"{r['url']}\t{r['source']}\t{r['title']}\n" for r in mine), encoding="utf-8")
        print(f"{name}: {len(mine)} candidates")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
