"""Passages, their embeddings and the themes built on them: DuckDB reads and writes.

Embeddings travel as numpy arrays and enter DuckDB as Arrow fixed-size lists, so a
batch is one INSERT and never a Python loop over rows.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from corpus.records import Chunk, DocumentTheme, Theme
from corpus.store import Connection, get_meta, mark_stage_done, now, set_meta


def _embedding_array(vectors: np.ndarray) -> pa.FixedSizeListArray:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    return pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), vectors.shape[1])


def _matrix(column: pa.ChunkedArray | pa.Array, dim: int) -> np.ndarray:
    """An Arrow column of FLOAT[dim] arrays as an (n, dim) float32 matrix."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], pa.list_(pa.float32(), dim))
    if len(column) == 0:
        return np.zeros((0, dim), dtype=np.float32)
    return column.flatten().to_numpy(zero_copy_only=False).astype(np.float32).reshape(-1, dim)


def _embedding_dim(con: Connection) -> int:
    rows = con.execute("SELECT value FROM meta WHERE key = 'embedding_dim'").fetchall()
    return int(rows[0][0]) if rows else 384


def _register(con: Connection, name: str, data: Any) -> None:
    """Register a frame or Arrow table; DuckDB 2.0 refuses while an earlier result is
    still open (a ``fetchone()`` leaves one), so finish that first."""
    con.execute("SELECT 1").fetchall()
    con.register(name, data)


def _with_ids(con: Connection, doc_ids: Sequence[str], sql: str) -> None:
    _register(con, "_vec_doc_ids", pd.DataFrame({"doc_id": list(doc_ids)}, dtype=object))
    try:
        con.execute(sql)
    finally:
        con.unregister("_vec_doc_ids")


def write_chunks(con: Connection, doc_ids: Sequence[str], chunks: Sequence[Chunk]) -> int:
    """Replace the passages of ``doc_ids`` with ``chunks`` (idempotent, one bulk insert)."""
    if doc_ids:
        _with_ids(con, doc_ids, "DELETE FROM chunks WHERE doc_id IN (SELECT doc_id FROM _vec_doc_ids)")
    chunks = [c for c in chunks if c.embedding is not None]
    if not chunks:
        return 0
    unique: dict[str, Chunk] = {c.chunk_id: c for c in chunks}
    chunks = list(unique.values())
    table = pa.table({
        "chunk_id": [c.chunk_id for c in chunks],
        "doc_id": [c.doc_id for c in chunks],
        "start_char": pa.array([c.start_char for c in chunks], pa.int32()),
        "end_char": pa.array([c.end_char for c in chunks], pa.int32()),
        "text": [c.text for c in chunks],
        "embedding": _embedding_array(np.stack([np.asarray(c.embedding) for c in chunks])),
    })
    _register(con, "_new_chunks", table)
    try:
        con.execute("INSERT OR REPLACE INTO chunks SELECT * FROM _new_chunks")
    finally:
        con.unregister("_new_chunks")
    return len(chunks)


def store_embedded(con: Connection, doc_ids: Sequence[str], chunks: Sequence[Chunk],
                   version: str) -> int:
    """Write a batch's passages and mark its documents embedded, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        n = write_chunks(con, doc_ids, chunks)
        mark_stage_done(con, "embed", version, doc_ids)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return n


def forget_other_model(con: Connection, model: str) -> bool:
    """When the configured model changed, drop the old vectors so everything is re-embedded."""
    stored = get_meta(con, "embedding_model")
    if stored == model:
        return False
    if stored is not None:
        con.execute("DELETE FROM chunks")
        con.execute("DELETE FROM stage_done WHERE stage = 'embed'")
    set_meta(con, "embedding_model", model)
    return stored is not None


def document_vectors(con: Connection) -> tuple[list[str], np.ndarray]:
    """Every embedded, kept document and the unit-length mean of its passage vectors."""
    dim = _embedding_dim(con)
    table = con.sql("""
        SELECT c.doc_id, c.embedding FROM chunks c
        JOIN documents d USING (doc_id)
        WHERE d.duplicate_of IS NULL
        ORDER BY c.doc_id, c.start_char
    """).to_arrow_table()
    ids = table.column("doc_id").to_numpy(zero_copy_only=False)
    vectors = _matrix(table.column("embedding"), dim)
    if len(ids) == 0:
        return [], np.zeros((0, dim), dtype=np.float32)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    sums = np.add.reduceat(vectors, starts, axis=0)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return [str(i) for i in ids[starts]], (sums / norms).astype(np.float32)


def document_texts(con: Connection, doc_ids: Sequence[str]) -> dict[str, str]:
    """Title and text of documents, for labelling themes."""
    _register(con, "_vec_doc_ids", pd.DataFrame({"doc_id": list(doc_ids)}, dtype=object))
    try:
        rows = con.execute("""
            SELECT doc_id, coalesce(title, '') || '\n' || text FROM documents
            WHERE doc_id IN (SELECT doc_id FROM _vec_doc_ids)
        """).fetchall()
    finally:
        con.unregister("_vec_doc_ids")
    return dict(rows)


# ---------------------------------------------------------------- themes

def read_themes(con: Connection) -> tuple[list[Theme], np.ndarray]:
    """Stored themes (ordered by id) and their centroids."""
    dim = _embedding_dim(con)
    table = con.sql(
        "SELECT theme_id, label, terms, size, centroid FROM themes ORDER BY theme_id"
    ).to_arrow_table()
    rows = table.drop_columns(["centroid"]).to_pylist()
    themes = [Theme(theme_id=r["theme_id"], label=r["label"], terms=list(r["terms"] or []),
                    size=r["size"]) for r in rows]
    return themes, _matrix(table.column("centroid"), dim)


def read_theme_members(con: Connection) -> pd.DataFrame:
    """doc_id, theme_id, score, confident for every document with a theme."""
    return con.execute(
        "SELECT doc_id, theme_id, score, confident FROM theme_members ORDER BY doc_id").df()


def write_themes(con: Connection, themes: Sequence[Theme], centroids: np.ndarray,
                 members: pd.DataFrame, version: str) -> None:
    """Replace themes, their centroids and every document's theme, in one transaction.

    ``members`` has doc_id, theme_id, score, confident. Theme creation times are kept.
    """
    created = dict(con.execute("SELECT theme_id, created_at FROM themes").fetchall())
    stamp = now()
    table = pa.table({
        "theme_id": pa.array([t.theme_id for t in themes], pa.int32()),
        "label": [t.label for t in themes],
        "terms": pa.array([list(t.terms) for t in themes], pa.list_(pa.string())),
        "size": pa.array([t.size for t in themes], pa.int32()),
        "centroid": _embedding_array(centroids.reshape(len(themes), -1)) if len(themes)
        else pa.array([], pa.list_(pa.float32(), _embedding_dim(con))),
        "created_at": pa.array([created.get(t.theme_id) or stamp for t in themes],
                               pa.timestamp("us")),
    })
    frame = members[["doc_id", "theme_id", "score", "confident"]].copy()
    frame["version"] = version
    frame["assigned_at"] = stamp
    con.execute("BEGIN TRANSACTION")
    try:
        _register(con, "_new_themes", table)
        _register(con, "_new_members", frame)
        con.execute("DELETE FROM themes")
        con.execute("INSERT INTO themes SELECT * FROM _new_themes")
        con.execute("DELETE FROM theme_members")
        con.execute("""INSERT INTO theme_members
                       SELECT doc_id, theme_id, score, confident, version, assigned_at
                       FROM _new_members""")
        con.execute("DELETE FROM document_themes")
        con.execute("INSERT INTO document_themes SELECT doc_id, theme_id, score FROM _new_members")
        set_meta(con, "themes_version", version)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("_new_themes")
        con.unregister("_new_members")


def document_themes(con: Connection) -> list[DocumentTheme]:
    return [DocumentTheme(*row) for row in con.execute(
        "SELECT doc_id, theme_id, score FROM document_themes ORDER BY doc_id").fetchall()]


# ---------------------------------------------------------------- search

def search_passages(con: Connection, query_vector: np.ndarray, *, k: int = 10,
                    since: date | None = None, until: date | None = None,
                    entity: str | None = None, theme: str | int | None = None,
                    per_document: bool = True) -> pd.DataFrame:
    """The ``k`` passages most similar to ``query_vector`` (exact cosine scan).

    With ``per_document`` only the best passage of each document is kept, so the
    answer lists ``k`` different documents.
    """
    dim = _embedding_dim(con)
    filters, params = ["d.duplicate_of IS NULL"], []
    if since is not None:
        filters.append("d.published >= ?")
        params.append(since)
    if until is not None:
        filters.append("d.published <= ?")
        params.append(until)
    if entity:
        filters.append("""c.doc_id IN (
            SELECT m.doc_id FROM mentions m JOIN entities e USING (entity_id)
            WHERE e.entity_id = ? OR lower(e.name) = lower(?)
               OR list_contains(list_transform(coalesce(e.aliases, []), lambda a: lower(a)), lower(?)))""")
        params += [entity, entity, entity]
    if theme is not None and str(theme) != "":
        filters.append("""c.doc_id IN (
            SELECT dt.doc_id FROM document_themes dt JOIN themes t USING (theme_id)
            WHERE CAST(t.theme_id AS VARCHAR) = ? OR lower(t.label) = lower(?))""")
        params += [str(theme), str(theme)]
    rank = ("QUALIFY row_number() OVER (PARTITION BY c.doc_id ORDER BY score DESC, c.start_char) = 1"
            if per_document else "")
    sql = f"""
        SELECT c.doc_id, d.title, d.published, d.url,
               array_cosine_similarity(c.embedding, ?::FLOAT[{dim}]) AS score,
               c.text AS passage, c.chunk_id, c.start_char, c.end_char
        FROM chunks c JOIN documents d USING (doc_id)
        WHERE {' AND '.join(filters)}
        {rank}
        ORDER BY score DESC, c.doc_id, c.start_char
        LIMIT {int(k)}
    """
    vector = np.asarray(query_vector, dtype=np.float32).reshape(-1).tolist()
    return con.execute(sql, [vector, *params]).df()
