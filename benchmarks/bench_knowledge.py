"""Size of the knowledge base and the cost of loading it and building its matcher patterns.

    python3 benchmarks/bench_knowledge.py
"""
from __future__ import annotations

import collections
import time


def main() -> None:
    from corpus.knowledge import DATA_DIR, _build

    started = time.perf_counter()
    kb = _build(DATA_DIR)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    forms = kb.phrase_patterns()
    patterns = time.perf_counter() - started
    kinds = collections.Counter(e.kind for e in kb.entries)
    agencies = [e for e in kb.entries if e.kind == "agency"]
    print(f"knowledge base {kb.version}")
    by_kind = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
    print(f"  entries: {len(kb.entries)} ({by_kind})")
    print(f"  agencies: {sum(1 for e in agencies if e.country is None)} international, "
          f"{len({e.country for e in agencies if e.country})} countries with national bodies, "
          f"{sum(1 for e in agencies if e.parent)} units with a parent")
    print(f"  names and aliases: {sum(1 + len(e.aliases) for e in kb.entries)}")
    print(f"  stop-list entries: {len(kb._stop)}")
    print(f"  matcher surface forms: {len(forms)} "
          f"({sum(f.case_sensitive for f in forms)} case-sensitive)")
    print(f"  load and validate: {loaded:.2f} s; phrase patterns: {patterns:.2f} s")


if __name__ == "__main__":
    main()
