"""The one door to DuckDB: schema, migrations, bulk writers and readers.

Only this package imports ``duckdb``. Connections are passed in, so tests can use
an in-memory database. Writers are bulk (a DataFrame per table and batch) and
idempotent: rows of a batch's documents are replaced, never duplicated.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence

import duckdb
import pandas as pd

from corpus.records import (
    Chunk,
    DateMention,
    Document,
    DocumentTheme,
    Entity,
    Mention,
    Rejection,
    Relation,
    Theme,
    canonical_name,
)

SCHEMA_VERSION = 1
Connection = duckdb.DuckDBPyConnection

TABLE_COLUMNS: dict[str, list[str]] = {
    "documents": ["doc_id", "source", "url", "title", "published", "language", "text",
                  "content_hash", "duplicate_of", "ingested_at", "raw_text", "author",
                  "site", "source_kind", "n_words"],
    "rejected": ["source", "stage", "reason", "rejected_at"],
    "entities": ["entity_id", "name", "kind", "country", "aliases", "parent_id", "kb_id"],
    "mentions": ["doc_id", "entity_id", "kind", "text", "start_char", "end_char"],
    "date_mentions": ["doc_id", "text", "start_char", "end_char", "value", "granularity"],
    "relations": ["relation_id", "doc_id", "source_id", "target_id", "type", "directed",
                  "evidence", "start_char", "end_char", "event_date", "confidence",
                  "modality", "critical", "trigger"],
    "chunks": ["chunk_id", "doc_id", "start_char", "end_char", "text", "embedding"],
    "themes": ["theme_id", "label", "terms", "size"],
    "document_themes": ["doc_id", "theme_id", "score"],
}
CONTRACT_TABLES = ("documents", "rejected", "entities", "mentions", "date_mentions",
                   "relations", "chunks", "themes", "document_themes")
CONTRACT_VIEWS = ("cooperation_map",)


class SchemaError(RuntimeError):
    """The database was made by a different, incompatible version of corpus."""


def _sql(name: str) -> str:
    return resources.files("corpus.store").joinpath(name).read_text(encoding="utf-8")


def _sql_files(prefix: str) -> list[str]:
    """``schema.sql`` first, then ``schema_<part>.sql`` files of other stages, sorted."""
    names = [p.name for p in resources.files("corpus.store").iterdir()
             if p.name.startswith(prefix) and p.name.endswith(".sql")]
    return sorted(names, key=lambda n: (n != f"{prefix}.sql", n))


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def connect(path: str | Path = ":memory:", *, read_only: bool = False,
            embedding_dim: int = 384) -> Connection:
    """Open the database; a writable connection creates or migrates the schema."""
    if str(path) != ":memory:" and not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        ensure_schema(con, embedding_dim=embedding_dim)
    return con


def ensure_schema(con: Connection, *, embedding_dim: int = 384) -> None:
    version = _schema_version(con)
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaError(f"database schema version {version} is newer than this corpus "
                          f"(knows up to {SCHEMA_VERSION}); upgrade corpus")
    stored_dim = get_meta(con, "embedding_dim") if version is not None else None
    if stored_dim is not None and int(stored_dim) != embedding_dim:
        raise SchemaError(f"database holds {stored_dim}-dimensional embeddings but the "
                          f"configured model gives {embedding_dim}; use a new --db")
    for name in _sql_files("schema"):
        con.execute(_sql(name).replace("{dim}", str(embedding_dim)))
    for step in range((version or SCHEMA_VERSION), SCHEMA_VERSION):
        MIGRATIONS[step](con)
    for name in _sql_files("views"):
        con.execute(_sql(name))
    set_meta(con, "schema_version", str(SCHEMA_VERSION))
    set_meta(con, "embedding_dim", str(embedding_dim))


# MIGRATIONS[n] takes a database from schema version n to n + 1.
MIGRATIONS: dict[int, Any] = {}


def _schema_version(con: Connection) -> int | None:
    exists = fetch_value(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'")
    if not exists:
        return None
    value = get_meta(con, "schema_version")
    return int(value) if value is not None else None


def fetch_one(con: Connection, sql: str, params: Sequence[Any] | None = None) -> tuple | None:
    """The first row of a query, with the result read to its end.

    DuckDB 2 keeps a result open after ``fetchone()``, and an open result makes a
    later ``register()`` on the same connection fail; reading every row closes it.
    """
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def fetch_value(con: Connection, sql: str, params: Sequence[Any] | None = None) -> Any:
    row = fetch_one(con, sql, params)
    return row[0] if row else None


def get_meta(con: Connection, key: str) -> str | None:
    return fetch_value(con, "SELECT value FROM meta WHERE key = ?", [key])


def set_meta(con: Connection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


# ---------------------------------------------------------------- bulk writing

def _frame(table: str, records: Sequence[Any]) -> pd.DataFrame:
    columns = TABLE_COLUMNS[table]
    rows = [dataclasses.asdict(r) if dataclasses.is_dataclass(r) else dict(r) for r in records]
    return pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)


def insert_frame(con: Connection, table: str, frame: pd.DataFrame, *,
                 conflict: str = "") -> int:
    """Insert a DataFrame in one statement; ``conflict`` is e.g. 'OR REPLACE'."""
    if frame.empty:
        return 0
    name = f"_frame_{table}"
    con.register(name, frame)
    try:
        cols = ", ".join(frame.columns)
        con.execute(f"INSERT {conflict} INTO {table} ({cols}) SELECT {cols} FROM {name}")
    finally:
        con.unregister(name)
    return len(frame)


def write_documents(con: Connection, documents: Sequence[Document]) -> int:
    if not documents:
        return 0
    frame = _frame("documents", documents)
    frame["n_words"] = [len(d.text.split()) for d in documents]
    frame["ingested_at"] = [d.ingested_at or now() for d in documents]
    return insert_frame(con, "documents", frame, conflict="OR IGNORE")


def write_rejections(con: Connection, rejections: Sequence[Rejection]) -> int:
    if not rejections:
        return 0
    frame = _frame("rejected", rejections)
    frame["rejected_at"] = [r.rejected_at or now() for r in rejections]
    frame = frame.drop_duplicates(subset=["source", "stage"], keep="last")
    return insert_frame(con, "rejected", frame, conflict="OR REPLACE")


def mark_sources_seen(con: Connection, seen: Iterable[tuple[str, str]]) -> None:
    frame = pd.DataFrame(list(seen), columns=["source", "fingerprint"])
    if frame.empty:
        return
    frame = frame.drop_duplicates(subset=["source"], keep="last")
    frame["seen_at"] = now()
    insert_frame(con, "sources_seen", frame, conflict="OR REPLACE")


def seen_fingerprints(con: Connection) -> dict[str, str]:
    return dict(con.execute("SELECT source, fingerprint FROM sources_seen").fetchall())


def known_hashes(con: Connection) -> dict[str, str]:
    """content_hash -> doc_id of every stored document (for exact dedup)."""
    return dict(con.execute("SELECT content_hash, doc_id FROM documents").fetchall())


def upsert_entities(con: Connection, entities: Sequence[Entity]) -> int:
    """Insert new entities; for known ones, merge their aliases."""
    if not entities:
        return 0
    merged: dict[str, Entity] = {}
    for e in entities:
        known = merged.get(e.entity_id)
        if known is None:
            merged[e.entity_id] = dataclasses.replace(e, aliases=sorted(set(e.aliases)))
        else:
            known.aliases = sorted(set(known.aliases) | set(e.aliases))
            known.name = canonical_name(known.name, e.name)
    frame = _frame("entities", list(merged.values()))
    con.register("_new_entities", frame)
    try:
        con.execute("""
            INSERT INTO entities
            SELECT n.entity_id, n.name, n.kind, n.country,
                   list_sort(list_distinct(list_concat(coalesce(e.aliases, []), n.aliases))),
                   coalesce(n.parent_id, e.parent_id), coalesce(n.kb_id, e.kb_id)
            FROM _new_entities n LEFT JOIN entities e USING (entity_id)
            ON CONFLICT (entity_id) DO UPDATE SET
                -- the longer name, then the first in code-point order: independent of
                -- the order documents arrive in (extract.canonical_name)
                name = CASE WHEN length(excluded.name) > length(entities.name)
                              OR (length(excluded.name) = length(entities.name)
                                  AND excluded.name < entities.name)
                            THEN excluded.name ELSE entities.name END,
                aliases = excluded.aliases, parent_id = excluded.parent_id,
                kb_id = excluded.kb_id
        """)
    finally:
        con.unregister("_new_entities")
    return len(frame)


def replace_doc_rows(con: Connection, table: str, doc_ids: Sequence[str],
                     records: Sequence[Any]) -> int:
    """Replace every row of ``table`` belonging to ``doc_ids`` with ``records``."""
    if doc_ids:
        ids = pd.DataFrame({"doc_id": list(doc_ids)})
        con.register("_doc_ids", ids)
        try:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM _doc_ids)")
        finally:
            con.unregister("_doc_ids")
    return insert_frame(con, table, _frame(table, records))


def mark_stage_done(con: Connection, stage: str, version: str, doc_ids: Sequence[str]) -> None:
    if not doc_ids:
        return
    frame = pd.DataFrame({"doc_id": list(doc_ids)})
    frame["stage"] = stage
    frame["version"] = version
    frame["done_at"] = now()
    insert_frame(con, "stage_done", frame, conflict="OR REPLACE")


def pending_documents(con: Connection, stage: str, version: str, *,
                      limit: int | None = None, include_duplicates: bool = False
                      ) -> list[dict[str, Any]]:
    """Documents the stage has not processed at this version (oldest first)."""
    dup = "" if include_duplicates else "AND d.duplicate_of IS NULL"
    lim = f"LIMIT {int(limit)}" if limit else ""
    cur = con.execute(f"""
        SELECT d.doc_id, d.title, d.published, d.language, d.text, d.url, d.source
        FROM documents d
        LEFT JOIN stage_done s ON s.doc_id = d.doc_id AND s.stage = ? AND s.version = ?
        WHERE s.doc_id IS NULL {dup}
        ORDER BY d.doc_id {lim}
    """, [stage, version])
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def count_pending(con: Connection, stage: str, version: str, *,
                  include_duplicates: bool = False) -> int:
    dup = "" if include_duplicates else "AND d.duplicate_of IS NULL"
    return fetch_value(con, f"""
        SELECT count(*) FROM documents d
        LEFT JOIN stage_done s ON s.doc_id = d.doc_id AND s.stage = ? AND s.version = ?
        WHERE s.doc_id IS NULL {dup}
    """, [stage, version])


def write_extraction(con: Connection, extraction: Any, *, stage: str, version: str) -> None:
    """Store one batch's entities, mentions, dates and relations in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        upsert_entities(con, extraction.entities)
        done = list(extraction.done_doc_ids)
        replace_doc_rows(con, "mentions", done, extraction.mentions)
        replace_doc_rows(con, "date_mentions", done, extraction.dates)
        replace_doc_rows(con, "relations", done, extraction.relations)
        write_rejections(con, extraction.rejections)
        mark_stage_done(con, stage, version, done)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def table_counts(con: Connection) -> dict[str, int]:
    return {t: fetch_value(con, f"SELECT count(*) FROM {t}") for t in CONTRACT_TABLES}


def query(con: Connection, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()
