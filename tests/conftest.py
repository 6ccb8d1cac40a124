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


@pytest.fixture(scope="session")
def settings():
    from corpus.config import load_settings
    return load_settings()


@pytest.fixture(scope="session")
def nlp(settings):
    """The real spaCy pipeline, loaded once for the whole session."""
    from corpus.nlp import load_spacy
    return load_spacy(settings)


@pytest.fixture
def con():
    """A fresh in-memory database with the full schema."""
    from corpus import store
    connection = store.connect(":memory:")
    yield connection
    connection.close()
