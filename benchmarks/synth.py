"""A synthetic corpus N times the size of a JSON Lines corpus, for scaling benchmarks.

Copy 0 is the original. Every other copy of a record keeps a random half of its
paragraphs (shuffled), adds a random half of another record's paragraphs, joins them
two or three to a line, shifts its years and swaps common first names, and gets its
own URL. So copies read like
real releases, but no two share most of their text: near-duplicate detection
(MinHash, Jaccard 0.75) keeps them as separate documents, and the NLP stages see
N times the work.

    python3 benchmarks/synth.py ../shared/corpus/press-releases/dev.jsonl --scale 10 --out dev-x10.jsonl
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path
from typing import Iterator

from corpus.records import stable_id

FIRST_NAMES = ["James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph",
               "Thomas", "Charles", "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth",
               "Barbara", "Susan", "Jessica", "Sarah", "Karen", "Daniel", "Matthew", "Anthony",
               "Mark", "Paul", "Steven", "Andrew", "Kevin", "Brian", "George", "Maria", "Anna"]
_NAME = re.compile(r"\b(" + "|".join(FIRST_NAMES) + r")\b")
_YEAR = re.compile(r"\b(19[89]\d|20[0-2]\d)\b")


def paragraphs(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\n\s*\n|\n", text or "")]
    return [p for p in parts if p]


def perturb(record: dict, other: dict, copy: int, rng: random.Random) -> dict:
    own, borrowed = paragraphs(record.get("text", "")), paragraphs(other.get("text", ""))
    keep = rng.sample(own, max(1, (len(own) + 1) // 2)) if own else []
    take = rng.sample(borrowed, len(borrowed) // 2) if borrowed else []
    body = keep + take
    rng.shuffle(body)
    # join paragraphs two or three to a line: a line repeated verbatim across many
    # documents of a site is boilerplate to the cleaner, and would be dropped
    lines, i = [], 0
    while i < len(body):
        size = rng.choice([2, 3])
        lines.append(" ".join(body[i:i + size]))
        i += size
    body = lines
    shift = rng.choice([-3, -2, -1, 1, 2, 3])
    names = FIRST_NAMES[:]
    rng.shuffle(names)
    rename = dict(zip(FIRST_NAMES, names))

    def edit(text: str) -> str:
        text = _YEAR.sub(lambda m: str(int(m[1]) + shift), text)
        return _NAME.sub(lambda m: rename[m[1]], text)

    out = dict(record)
    out["text"] = edit("\n\n".join(body))
    out["title"] = edit(record.get("title") or "") + f" ({copy})"
    url = record.get("url") or "synthetic://" + stable_id(record.get("title"), record.get("text"))
    out["url"] = f"{url}{'&' if '?' in url else '?'}synthetic-copy={copy}"
    published = record.get("published")
    if published and _YEAR.match(published[:4]):
        out["published"] = f"{int(published[:4]) + shift}{published[4:]}"
    return out


def synthesize(records: list[dict], scale: int, seed: int = 7) -> Iterator[dict]:
    rng = random.Random(seed)
    yield from records
    n = len(records)
    for copy in range(1, scale):
        for i, record in enumerate(records):
            yield perturb(record, records[(i + copy * 97 + 1) % n], copy, rng)


def write_scaled(source: Path, out: Path, scale: int, seed: int = 7) -> int:
    with source.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with out.open("w", encoding="utf-8") as fh:
        for record in synthesize(records, scale, seed):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n = write_scaled(args.source, args.out, args.scale, args.seed)
    print(f"wrote {n} records to {args.out}")


if __name__ == "__main__":
    main()
