"""The fixed order holdout 16 was drawn in: every release no earlier draw had touched.

    python3 benchmarks/wide_pool.py [--from 0]

By the end of November 2026 the fresh pool of ``fresh_pool.py`` was walked to its end.
This pool widens its filter: every record of the development corpus (deduplicated by URL)
of at least 1,000 characters that no gold file holds and no selection log names, whose
text names a country other than the United States anywhere (no word of help needed), minus
near-copies of gold texts (a share of 8-word shingles of 0.8 or more in one gold
document); sorted by URL and shuffled with ``random.Random(2616)``. The files holdout 16
added (its gold is now ``dev18_gold.json``) are left out of the exclusions, so the order can be repeated.
"""
from __future__ import annotations

from pathlib import Path

from fresh_pool import DEV, foreign_country_pattern, print_pool, unread

DRAWN_FROM_IT = ("dev18_gold.json", "holdout16_kept.txt", "holdout16_skips.txt")


def pool(dev: Path = DEV) -> list[tuple[str, str]]:
    country = foreign_country_pattern()
    return unread(DRAWN_FROM_IT, 1000, lambda text: bool(country.search(text)), 2616, dev)


if __name__ == "__main__":
    raise SystemExit(print_pool(pool()))
