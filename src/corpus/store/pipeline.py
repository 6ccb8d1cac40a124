"""What the orchestrator reads and records: pending batches and which corpus-wide
stages (consolidate, themes, report) must run again because their input changed."""
from __future__ import annotations

from typing import Any

from corpus.store import Connection, get_meta, set_meta


def finish_results(con: Connection) -> None:
    """Leave no half-read result on the connection (DuckDB 2 refuses ``register`` then)."""
    con.execute("SELECT 1").fetchall()


def pending_after(con: Connection, stage: str, version: str, after: str, limit: int
                  ) -> list[dict[str, Any]]:
    """The next ``limit`` documents (by doc_id, after ``after``) the stage has not done
    at this version; keyset paging, so batches can be in flight before they are written."""
    cur = con.execute("""
        SELECT d.doc_id, d.title, d.published, d.language, d.text, d.url, d.source
        FROM documents d
        LEFT JOIN stage_done s ON s.doc_id = d.doc_id AND s.stage = ? AND s.version = ?
        WHERE s.doc_id IS NULL AND d.duplicate_of IS NULL AND d.doc_id > ?
        ORDER BY d.doc_id
        LIMIT ?
    """, [stage, version, after, int(limit)])
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def mark_inputs_changed(con: Connection, stages: tuple[str, ...]) -> None:
    """Remember that these corpus-wide stages must run (survives a crash)."""
    for stage in stages:
        set_meta(con, f"pipeline.changed.{stage}", "1")


def needs_run(con: Connection, stage: str, version: str) -> bool:
    """True when the stage's input changed or it last ran at another version."""
    return (get_meta(con, f"pipeline.changed.{stage}") == "1"
            or get_meta(con, f"pipeline.version.{stage}") != version)


def mark_ran(con: Connection, stage: str, version: str) -> None:
    set_meta(con, f"pipeline.changed.{stage}", "0")
    set_meta(con, f"pipeline.version.{stage}", version)
