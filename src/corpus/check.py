"""``corpus check``: verify the database's invariants.

The audits themselves are SQL in :mod:`corpus.store.check`; each selects the rows
that break one invariant (offsets that do not cut out the mention, orphan rows,
relations to missing entities, kinds and types outside CONTRACT.md, counts that
do not add up).
"""
from __future__ import annotations

import sys
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, TextIO

from corpus.config import Settings
from corpus.store import readonly
from corpus.store.check import AUDITS, open_for_audit, run_audits

CHECK_VERSION = "1"


@dataclass(slots=True)
class Violation:
    check: str                 # the audit's name, e.g. mentions_offsets
    description: str           # the invariant that is broken
    count: int                 # how many rows break it
    examples: list[dict[str, Any]] = field(default_factory=list)

    def format(self) -> str:
        return f"{self.check}: {self.count} row(s) break '{self.description}'"


def check_database(con: Any) -> list[Violation]:
    """Every invariant that does not hold, with its count and a few example rows."""
    violations: list[Violation] = []
    for result in run_audits(con):
        if result.count:
            rows = result.examples.to_dict("records") if result.examples is not None else []
            violations.append(Violation(result.audit.name, result.audit.description,
                                        result.count, rows))
    return violations


def audit_database_file(path: str | Path) -> list[Violation]:
    """``check_database`` on a database file, even one this process still holds open."""
    con = open_for_audit(str(path))
    try:
        return check_database(con)
    finally:
        con.close()


def print_check(settings: Settings, *, out: TextIO | None = None) -> int:
    """Print each audit with its count; exit status 1 when any invariant is broken."""
    out = out or sys.stdout
    con = readonly.connect_readonly_locked(settings.db)
    try:
        results = run_audits(con)
    finally:
        con.close()
    width = max(len(a.name) for a in AUDITS)
    broken = 0
    for result in results:
        if result.skipped:
            status = f"skipped ({result.skipped})"
        elif result.count:
            status = f"{result.count} violation(s)"
            broken += 1
        else:
            status = "ok"
        print(f"{result.audit.name:<{width}}  {status}", file=out)
        if result.count and result.examples is not None:
            for row in result.examples.to_dict("records"):
                shown = ", ".join(f"{k}={_short(v)}" for k, v in row.items())
                print(f"{'':<{width}}    {shown}", file=out)
    ran = sum(1 for r in results if not r.skipped)
    if broken:
        print(f"{broken} of {ran} checks failed on {settings.db}", file=out)
        return 1
    print(f"all {ran} checks passed on {settings.db}", file=out)
    return 0


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"
