"""Semantic search over passages: the query is embedded with the passages' model and
compared with every stored passage by DuckDB's ``array_cosine_similarity``.

An exact scan is fast enough at our size (tens of thousands of passages take
milliseconds). DuckDB's ``vss`` extension (HNSW index) cannot be used: the PyPI
wheel ``duckdb-extension-vss`` is built for DuckDB 1.x and refuses to load in 2.0.
"""
from __future__ import annotations

import json
import sys
from datetime import date
from typing import TextIO

import pandas as pd

from corpus.config import Settings
from corpus.embed import encode_texts

COLUMNS = ["doc_id", "title", "published", "url", "score", "passage"]


class SearchError(ValueError):
    """The search cannot run as asked (bad date, empty query, no database)."""


def _date(value: str | date | None, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise SearchError(f"--{name} must be a date like 2024-05-31, not {value!r}") from exc


def search(con, text: str, settings: Settings, k: int = 10, since: str | date | None = None,
           until: str | date | None = None, entity: str | None = None,
           theme: str | int | None = None) -> pd.DataFrame:
    """The ``k`` documents whose best passage is most similar to ``text``, best first.

    Columns: doc_id, title, published, url, score, passage (plus chunk_id, start_char,
    end_char of the passage). ``entity`` is an entity id, name or alias; ``theme`` a
    theme id or label.
    """
    from corpus.store.vectors import search_passages

    if not text or not text.strip():
        raise SearchError("the search text is empty")
    if k < 1:
        raise SearchError("-k must be at least 1")
    query = encode_texts([text.strip()], settings)[0]
    return search_passages(con, query, k=k, since=_date(since, "since"),
                           until=_date(until, "until"), entity=entity, theme=theme)


def format_results(frame: pd.DataFrame, fmt: str = "table", width: int = 100) -> str:
    """The hits as a readable table, CSV or JSON."""
    frame = frame[COLUMNS].copy()
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        records = frame.assign(published=frame["published"].map(
            lambda d: None if pd.isna(d) else pd.Timestamp(d).date().isoformat()))
        return json.dumps(records.to_dict(orient="records"), ensure_ascii=False, indent=2)
    if frame.empty:
        return "no matching passages"
    lines = []
    for rank, row in enumerate(frame.itertuples(index=False), start=1):
        published = "" if pd.isna(row.published) else pd.Timestamp(row.published).date().isoformat()
        title = (row.title or row.doc_id).strip()
        lines.append(f"{rank:>2}. {row.score:.3f}  {published:10}  {title[:width - 30]}")
        if row.url:
            lines.append(f"    {row.url}")
        passage = " ".join(str(row.passage).split())
        if len(passage) > 3 * width:
            passage = passage[: 3 * width - 1] + "…"
        lines.append(f"    {passage}")
    return "\n".join(lines)


def print_search(text: str, settings: Settings, k: int = 10, since: str | None = None,
                 until: str | None = None, entity: str | None = None,
                 theme: str | None = None, fmt: str = "table", out: TextIO | None = None) -> int:
    """``corpus search``: open the database read-only, search, print; returns the exit status."""
    from corpus.store import connect

    if not settings.db.exists():
        raise SearchError(f"no database at {settings.db}; run `corpus run` first")
    con = connect(settings.db, read_only=True)
    try:
        frame = search(con, text, settings, k=k, since=since, until=until,
                       entity=entity, theme=theme)
    finally:
        con.close()
    print(format_results(frame, fmt), file=out or sys.stdout)
    return 0
