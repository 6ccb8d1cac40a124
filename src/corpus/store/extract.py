"""Reading and writing for the extract stage's corpus-wide pass."""
from __future__ import annotations

from corpus.store import Connection, fetch_value


def fill_missing_parents(con: Connection) -> int:
    """Clear ``parent_id`` values that name no entity row (a unit's parent never seen);
    returns how many rows changed. Entity ids are never rewritten."""
    broken = fetch_value(con, """
        SELECT count(*) FROM entities e
        WHERE e.parent_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM entities p WHERE p.entity_id = e.parent_id)
    """)
    if broken:
        con.execute("""
            UPDATE entities SET parent_id = NULL
            WHERE parent_id IS NOT NULL
              AND parent_id NOT IN (SELECT entity_id FROM entities)
        """)
    return int(broken)


def documents_for_evaluation(con: Connection) -> list[dict]:
    cur = con.execute("SELECT doc_id, url, source FROM documents")
    return [dict(zip(("doc_id", "url", "source"), row)) for row in cur.fetchall()]


def _by_doc(con: Connection, sql: str, doc_ids: list[str]) -> dict[str, list]:
    import pandas as pd

    out: dict[str, list] = {}
    if not doc_ids:
        return out
    con.register("_eval_ids", pd.DataFrame({"doc_id": doc_ids}))
    try:
        cur = con.execute(sql)
        cols = [c[0] for c in cur.description]
        for row in cur.fetchall():
            record = dict(zip(cols, row))
            out.setdefault(record["doc_id"], []).append(record)
    finally:
        con.unregister("_eval_ids")
    return out


def mentions_for_evaluation(con: Connection, doc_ids: list[str]) -> dict[str, list[dict]]:
    """doc_id -> [{entity_id, kind, name, text}] (the entity's kind and canonical name)."""
    return _by_doc(con, """
        SELECT m.doc_id, m.entity_id, coalesce(e.kind, m.kind) AS kind, e.name, m.text
        FROM mentions m LEFT JOIN entities e USING (entity_id)
        WHERE m.doc_id IN (SELECT doc_id FROM _eval_ids)
        ORDER BY m.doc_id, m.start_char
    """, doc_ids)


def dates_for_evaluation(con: Connection, doc_ids: list[str]) -> dict[str, list]:
    rows = _by_doc(con, """
        SELECT doc_id, value, granularity FROM date_mentions
        WHERE doc_id IN (SELECT doc_id FROM _eval_ids)
    """, doc_ids)
    return {k: [(r["value"], r["granularity"]) for r in v] for k, v in rows.items()}


def relations_for_evaluation(con: Connection, doc_ids: list[str]) -> dict[str, list[dict]]:
    return _by_doc(con, """
        SELECT r.doc_id, r.source_id, r.target_id, r.type, r.directed,
               s.name AS source_name, s.kind AS source_kind, sp.name AS source_parent_name,
               t.name AS target_name, t.kind AS target_kind, tp.name AS target_parent_name
        FROM relations r
        LEFT JOIN entities s ON s.entity_id = r.source_id
        LEFT JOIN entities t ON t.entity_id = r.target_id
        LEFT JOIN entities sp ON sp.entity_id = s.parent_id
        LEFT JOIN entities tp ON tp.entity_id = t.parent_id
        WHERE r.doc_id IN (SELECT doc_id FROM _eval_ids)
    """, doc_ids)
