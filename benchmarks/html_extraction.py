"""How much of the true article body survives HTML extraction.

Mean token-level recall and precision (bag of words, lower-cased) of the text that
corpus.ingest extracts from the 181 pages of the shared html-benchmark, against the
hand-made article bodies in ground-truth.json. Prints the figures; asserts nothing.

    python3 benchmarks/html_extraction.py [--bench ../shared/corpus/html-benchmark]
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from corpus.ingest.html import NoArticleError, extract_html

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "html-benchmark"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter:
    return Counter(_TOKEN.findall(text.lower()))


def score(extracted: str, truth: str) -> tuple[float, float]:
    got, want = tokens(extracted), tokens(truth)
    overlap = sum((got & want).values())
    recall = overlap / max(1, sum(want.values()))
    precision = overlap / sum(got.values()) if got else 0.0
    return recall, precision


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT)
    args = parser.parse_args(argv)
    truth = json.loads((args.bench / "ground-truth.json").read_text(encoding="utf-8"))
    recalls, precisions, failures = [], [], 0
    started = time.perf_counter()
    for key, item in sorted(truth.items()):
        html = gzip.decompress((args.bench / "html" / f"{key}.html.gz").read_bytes())
        try:
            text = extract_html(html, url=item.get("url")).text
        except NoArticleError:
            text, failures = "", failures + 1
        recall, precision = score(text, item["articleBody"])
        recalls.append(recall)
        precisions.append(precision)
    elapsed = time.perf_counter() - started
    r, p = statistics.mean(recalls), statistics.mean(precisions)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"pages: {len(truth)}  no article found: {failures}")
    print(f"mean token recall:    {r:.3f}")
    print(f"mean token precision: {p:.3f}")
    print(f"F1 of the means:      {f1:.3f}")
    print(f"pages with recall < 0.5: {sum(x < 0.5 for x in recalls)}")
    print(f"time: {elapsed:.1f} s ({len(truth) / elapsed:.1f} pages/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
