"""Reading and writing the ingest stage's own tables (see schema_ingest.sql)."""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from corpus.store import Connection, insert_frame


def host_line_counts(con: Connection, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """Stored document counts of the given (host, line hash) pairs."""
    frame = pd.DataFrame(list(set(pairs)), columns=["host", "line_hash"])
    if frame.empty:
        return {}
    con.register("_lines", frame)
    try:
        rows = con.execute("""
            SELECT s.host, s.line_hash, s.n_docs FROM ingest_line_stats s
            JOIN _lines l ON l.host = s.host AND l.line_hash = s.line_hash
        """).fetchall()
    finally:
        con.unregister("_lines")
    return {(h, int(x)): int(n) for h, x, n in rows}


def host_doc_counts(con: Connection, hosts: Iterable[str]) -> dict[str, int]:
    hosts = sorted(set(hosts))
    if not hosts:
        return {}
    rows = con.execute("SELECT host, n_docs FROM ingest_host_stats WHERE list_contains(?, host)",
                       [hosts]).fetchall()
    return dict(rows)


def add_line_stats(con: Connection, line_counts: Mapping[tuple[str, int], int],
                   host_counts: Mapping[str, int]) -> None:
    """Add a batch's per-host line and document counts to the stored statistics."""
    if line_counts:
        frame = pd.DataFrame([(h, x, n) for (h, x), n in line_counts.items()],
                             columns=["host", "line_hash", "n_docs"])
        con.register("_line_counts", frame)
        try:
            con.execute("""
                INSERT INTO ingest_line_stats SELECT host, line_hash, n_docs FROM _line_counts
                ON CONFLICT (host, line_hash) DO UPDATE
                SET n_docs = ingest_line_stats.n_docs + excluded.n_docs
            """)
        finally:
            con.unregister("_line_counts")
    if host_counts:
        frame = pd.DataFrame(list(host_counts.items()), columns=["host", "n_docs"])
        con.register("_host_counts", frame)
        try:
            con.execute("""
                INSERT INTO ingest_host_stats SELECT host, n_docs FROM _host_counts
                ON CONFLICT (host) DO UPDATE
                SET n_docs = ingest_host_stats.n_docs + excluded.n_docs
            """)
        finally:
            con.unregister("_host_counts")


def lsh_candidates(con: Connection, keys: Iterable[int]) -> dict[str, np.ndarray]:
    """Signatures of stored documents sharing at least one LSH bucket with ``keys``."""
    frame = pd.DataFrame({"bucket": sorted(set(keys))}, dtype="int64")
    if frame.empty:
        return {}
    con.register("_buckets", frame)
    try:
        rows = con.execute("""
            SELECT m.doc_id, m.signature FROM ingest_minhash m
            WHERE m.doc_id IN (SELECT l.doc_id FROM ingest_lsh l JOIN _buckets b USING (bucket))
        """).fetchall()
    finally:
        con.unregister("_buckets")
    return {doc_id: np.asarray(sig, dtype=np.uint32) for doc_id, sig in rows}


def lsh_buckets_of(con: Connection, doc_ids: Sequence[str]) -> list[tuple[int, str]]:
    if not doc_ids:
        return []
    return [(int(b), d) for b, d in con.execute(
        "SELECT bucket, doc_id FROM ingest_lsh WHERE list_contains(?, doc_id)",
        [list(doc_ids)]).fetchall()]


def write_signatures(con: Connection,
                     signatures: Mapping[str, tuple[np.ndarray, Sequence[int]]]) -> None:
    """Store kept documents' MinHash signatures and LSH bucket keys."""
    if not signatures:
        return
    frame = pd.DataFrame({"doc_id": list(signatures),
                          "signature": [s.astype("int64").tolist() for s, _ in signatures.values()]})
    insert_frame(con, "ingest_minhash", frame, conflict="OR REPLACE")
    rows = [(int(k), doc_id) for doc_id, (_, keys) in signatures.items() for k in keys]
    insert_frame(con, "ingest_lsh", pd.DataFrame(rows, columns=["bucket", "doc_id"]),
                 conflict="OR IGNORE")


def exact_hash_owners(con: Connection, hashes: Iterable[str]) -> dict[str, str]:
    """content_hash -> the kept document that has it, for the given hashes only."""
    hashes = sorted(set(hashes))
    if not hashes:
        return {}
    frame = pd.DataFrame({"content_hash": hashes})
    con.register("_hashes", frame)
    try:
        rows = con.execute("""
            SELECT d.content_hash, min(coalesce(d.duplicate_of, d.doc_id))
            FROM documents d JOIN _hashes h USING (content_hash)
            GROUP BY d.content_hash
        """).fetchall()
    finally:
        con.unregister("_hashes")
    return dict(rows)


def existing_doc_ids(con: Connection, doc_ids: Iterable[str]) -> set[str]:
    ids = sorted(set(doc_ids))
    if not ids:
        return set()
    frame = pd.DataFrame({"doc_id": ids})
    con.register("_ids", frame)
    try:
        return {r[0] for r in con.execute(
            "SELECT doc_id FROM documents JOIN _ids USING (doc_id)").fetchall()}
    finally:
        con.unregister("_ids")


def fingerprints_of(con: Connection, sources: Iterable[str]) -> dict[str, str]:
    """Stored fingerprints of the given sources only (cheaper than loading them all)."""
    frame = pd.DataFrame({"source": sorted(set(sources))})
    if frame.empty:
        return {}
    con.register("_sources", frame)
    try:
        return dict(con.execute(
            "SELECT s.source, s.fingerprint FROM sources_seen s JOIN _sources USING (source)"
        ).fetchall())
    finally:
        con.unregister("_sources")


def replace_documents(con: Connection, doc_ids: Sequence[str]) -> int:
    """Remove stored versions of documents about to be written again (their input
    changed), with their dedup rows and stage marks so later stages redo them."""
    present = sorted(existing_doc_ids(con, doc_ids))
    if not present:
        return 0
    con.register("_replaced", pd.DataFrame({"doc_id": present}))
    try:
        for table in ("documents", "stage_done", "ingest_minhash", "ingest_lsh"):
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM _replaced)")
    finally:
        con.unregister("_replaced")
    return len(present)


def clear_rejections(con: Connection, sources: Sequence[str]) -> None:
    """Forget earlier rejections of inputs that are now documents (a fixed file, a page
    that answers again), so each input is in exactly one of the two tables."""
    if not sources:
        return
    con.register("_accepted", pd.DataFrame({"source": sorted(set(sources))}))
    try:
        con.execute("DELETE FROM rejected WHERE source IN (SELECT source FROM _accepted)")
    finally:
        con.unregister("_accepted")
