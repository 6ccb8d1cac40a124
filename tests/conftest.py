"""Shared fixtures: real inputs (../shared when present, the repo's sample otherwise)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLE = REPO / "data" / "raw"
DEV_JSONL = SHARED / "corpus" / "press-releases" / "dev.jsonl"
DEV_GOLD = SHARED / "gold" / "dev_gold.json"
HTML_BENCH = SHARED / "corpus" / "html-benchmark"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session", autouse=True)
def _prefect_home(tmp_path_factory):
    """Prefect keeps its state in a throw-away folder for the whole test session."""
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ.setdefault("PREFECT_API_DATABASE_CONNECTION_URL",
                          f"sqlite+aiosqlite:///{home}/prefect.db")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    yield home


@pytest.fixture(scope="session")
def dev_records() -> list[dict]:
    """The shared dev corpus when present, else the repo's sample records."""
    path = DEV_JSONL if DEV_JSONL.exists() else SAMPLE / "press-releases.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def dev_documents(records: list[dict], n: int) -> list:
    """``n`` mid-sized records spread over the corpus, as Documents ready to store."""
    from datetime import date

    from corpus.records import Document, stable_id

    usable = [r for r in records if 1000 <= len(r.get("text") or "") <= 3500]
    step = max(1, len(usable) // n)
    out = []
    for r in usable[::step][:n]:
        published = date.fromisoformat(r["published"]) if r.get("published") else None
        out.append(Document(doc_id=stable_id(r["url"]), source="dev.jsonl", url=r["url"],
                            title=r.get("title"), published=published, language="en",
                            text=r["text"], raw_text=r["text"], content_hash=stable_id(r["text"])))
    return out


@pytest.fixture(scope="session")
def settings():
    from corpus.config import load_settings
    return load_settings()


@pytest.fixture(scope="session")
def nlp(settings):
    """The real spaCy pipeline as extraction runs it (with its sentence-boundary
    components), loaded once for the whole session."""
    from corpus.extract import pipeline
    return pipeline(settings)[0]


@pytest.fixture
def con():
    """A fresh in-memory database with the full schema."""
    from corpus import store
    connection = store.connect(":memory:")
    yield connection
    connection.close()


# A folder holding a file of this name keeps its databases out of the end-of-session
# audit (tests that break invariants on purpose, to see `corpus check` catch them).
NO_AUDIT_MARKER = ".corpus-no-audit"


def pytest_sessionfinish(session, exitstatus):
    """Every DuckDB file the tests built must pass `corpus check` (issue 8)."""
    factory = getattr(session.config, "_tmp_path_factory", None)
    base = getattr(factory, "_basetemp", None)
    if base is None or not Path(base).is_dir():
        return
    import gc

    from corpus.check import audit_database_file
    gc.collect()                    # close connections the tests left behind
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    failures: list[str] = []
    checked = 0
    for path in sorted(Path(base).rglob("*.duckdb")):
        if (path.parent / NO_AUDIT_MARKER).exists():
            continue
        try:
            violations = audit_database_file(path)
        except Exception as exc:    # not a database, or held by a live process
            if reporter:
                reporter.write_line(f"corpus check: could not open {path}: {exc}", yellow=True)
            continue
        checked += 1
        failures += [f"{path}: {v.format()} e.g. {v.examples[:1]}" for v in violations]
    if reporter and (checked or failures):
        reporter.write("\n")
        reporter.write_sep("-", f"corpus check on {checked} test database(s): "
                                f"{len(failures)} broken invariant(s)", red=bool(failures))
        for line in failures:
            reporter.write_line(line, red=True)
    if failures:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
