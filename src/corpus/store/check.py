"""Audits: each query selects the rows that break one invariant of the database.

An empty result means the invariant holds. Offsets are character offsets into
``documents.text``; DuckDB's ``substr`` counts characters from 1.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from corpus.records import DATE_GRANULARITIES, ENTITY_KINDS, RELATION_TYPES

Connection = duckdb.DuckDBPyConnection


@dataclass(frozen=True, slots=True)
class Audit:
    name: str
    description: str        # the invariant, as a sentence
    tables: tuple[str, ...]  # the audit is skipped when one of these is missing
    sql: str


def _in_list(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


_KINDS = _in_list(ENTITY_KINDS)
_TYPES = _in_list(RELATION_TYPES)
_GRANULARITIES = _in_list(DATE_GRANULARITIES)
_DIRECTED = _in_list(t for t, d in RELATION_TYPES.items() if d)


def _offsets(table: str, text_col: str, what: str, *, trim: bool = False) -> Audit:
    """Offsets inside the document that cut out exactly the stored text; with ``trim``,
    up to whitespace around it (an evidence sentence may keep its trailing newline)."""
    cut = "substr(d.text, x.start_char + 1, x.end_char - x.start_char)"
    stored = f"x.{text_col}"
    if trim:
        cut = f"regexp_replace({cut}, '^\\s+|\\s+$', '', 'g')"
        stored = f"regexp_replace({stored}, '^\\s+|\\s+$', '', 'g')"
    return Audit(
        f"{table}_offsets",
        f"every {what}'s offsets lie inside its document and cut out exactly its {text_col}"
        + (" (up to surrounding whitespace)" if trim else ""),
        (table, "documents"),
        f"""
        SELECT x.doc_id, x.start_char, x.end_char, x.{text_col} AS stored,
               substr(d.text, x.start_char + 1, x.end_char - x.start_char) AS at_offsets
        FROM {table} x JOIN documents d USING (doc_id)
        WHERE x.start_char < 0 OR x.end_char <= x.start_char
           OR x.end_char > length(d.text)
           OR {cut} IS DISTINCT FROM {stored}
        """)


_SINGULAR = {"documents": "document", "themes": "theme", "entities": "entity"}


def _orphans(table: str, key: str, parent: str, parent_key: str | None = None) -> Audit:
    parent_key = parent_key or key
    return Audit(
        f"{table}_without_{_SINGULAR.get(parent, parent)}",
        f"every {table} row's {key} exists in {parent}",
        (table, parent),
        f"""
        SELECT x.* FROM {table} x
        WHERE x.{key} IS NULL
           OR NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{parent_key} = x.{key})
        """)


def _unique(table: str, *keys: str) -> Audit:
    cols = ", ".join(keys)
    return Audit(
        f"{table}_duplicate_keys",
        f"({cols}) is unique in {table}",
        (table,),
        f"SELECT {cols}, count(*) AS n FROM {table} GROUP BY {cols} HAVING count(*) > 1")


AUDITS: tuple[Audit, ...] = (
    # primary keys (DuckDB enforces them; a copy or a migration might not)
    _unique("documents", "doc_id"),
    _unique("entities", "entity_id"),
    _unique("relations", "relation_id"),
    _unique("chunks", "chunk_id"),
    _unique("themes", "theme_id"),
    _unique("document_themes", "doc_id", "theme_id"),
    _unique("rejected", "source", "stage"),
    # a re-run must never duplicate rows
    _unique("mentions", "doc_id", "entity_id", "start_char", "end_char"),
    _unique("date_mentions", "doc_id", "start_char", "end_char"),
    # offsets
    _offsets("mentions", "text", "mention"),
    _offsets("date_mentions", "text", "date mention"),
    _offsets("relations", "evidence", "relation", trim=True),
    _offsets("chunks", "text", "chunk"),
    # documents
    Audit("documents_empty_text", "every document has some text", ("documents",),
          "SELECT doc_id, source FROM documents WHERE text IS NULL OR length(trim(text)) = 0"),
    Audit("documents_bad_duplicate_of",
          "duplicate_of names another document that is itself kept (not a duplicate)",
          ("documents",),
          """
          SELECT d.doc_id, d.duplicate_of, k.duplicate_of AS kept_is_duplicate_of
          FROM documents d LEFT JOIN documents k ON k.doc_id = d.duplicate_of
          WHERE d.duplicate_of IS NOT NULL
            AND (k.doc_id IS NULL OR k.duplicate_of IS NOT NULL OR d.duplicate_of = d.doc_id)
          """),
    Audit("rejected_without_reason", "every rejection says why", ("rejected",),
          "SELECT * FROM rejected WHERE reason IS NULL OR length(trim(reason)) = 0"),
    # orphans
    _orphans("mentions", "doc_id", "documents"),
    _orphans("date_mentions", "doc_id", "documents"),
    _orphans("relations", "doc_id", "documents"),
    _orphans("chunks", "doc_id", "documents"),
    _orphans("document_themes", "doc_id", "documents"),
    _orphans("stage_done", "doc_id", "documents"),
    _orphans("document_themes", "theme_id", "themes"),
    _orphans("mentions", "entity_id", "entities"),
    Audit("relations_without_entity", "every relation's source and target exist in entities",
          ("relations", "entities"),
          """
          SELECT r.relation_id, r.source_id, r.target_id FROM relations r
          WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.entity_id = r.source_id)
             OR NOT EXISTS (SELECT 1 FROM entities e WHERE e.entity_id = r.target_id)
          """),
    Audit("entities_without_parent", "an entity's parent_id names an existing entity",
          ("entities",),
          """
          SELECT e.entity_id, e.parent_id FROM entities e
          WHERE e.parent_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM entities p WHERE p.entity_id = e.parent_id)
          """),
    # vocabularies of CONTRACT.md
    Audit("entities_unknown_kind", f"entity kinds are one of {', '.join(ENTITY_KINDS)}",
          ("entities",),
          f"SELECT entity_id, name, kind FROM entities WHERE kind IS NULL OR kind NOT IN ({_KINDS})"),
    Audit("mentions_kind_mismatch", "a mention's kind is its entity's kind",
          ("mentions", "entities"),
          """
          SELECT m.doc_id, m.entity_id, m.text, m.kind AS mention_kind, e.kind AS entity_kind
          FROM mentions m JOIN entities e USING (entity_id)
          WHERE m.kind IS DISTINCT FROM e.kind
          """),
    Audit("entities_bad_country", "an entity's country is an ISO 3166-1 alpha-3 code or NULL",
          ("entities",),
          """
          SELECT entity_id, name, country FROM entities
          WHERE country IS NOT NULL AND NOT regexp_full_match(country, '[A-Z]{3}')
          """),
    Audit("date_mentions_bad_granularity",
          f"date granularity is one of {', '.join(DATE_GRANULARITIES)}", ("date_mentions",),
          f"SELECT * FROM date_mentions WHERE granularity NOT IN ({_GRANULARITIES})"),
    Audit("relations_unknown_type", f"relation types are one of {', '.join(RELATION_TYPES)}",
          ("relations",),
          f"SELECT relation_id, type FROM relations WHERE type IS NULL OR type NOT IN ({_TYPES})"),
    Audit("relations_wrong_direction",
          "a relation's directed flag is its type's in CONTRACT.md (visit_exchange: where known)",
          ("relations",),
          f"""
          SELECT relation_id, type, directed FROM relations
          WHERE type IN ({_TYPES})
            AND directed IS DISTINCT FROM (type IN ({_DIRECTED}))
            AND NOT (type = 'visit_exchange' AND directed = false)
          """),
    Audit("relations_bad_confidence", "a relation's confidence lies between 0 and 1",
          ("relations",),
          """
          SELECT relation_id, confidence FROM relations
          WHERE confidence IS NULL OR isnan(confidence) OR confidence < 0 OR confidence > 1
          """),
    # counts add up
    Audit("themes_size_mismatch", "a theme's size is the number of its documents",
          ("themes", "document_themes"),
          """
          SELECT t.theme_id, t.label, t.size, count(DISTINCT dt.doc_id) AS n_documents
          FROM themes t LEFT JOIN document_themes dt USING (theme_id)
          GROUP BY t.theme_id, t.label, t.size
          HAVING t.size IS DISTINCT FROM count(DISTINCT dt.doc_id)
          """),
)


@dataclass(slots=True)
class AuditResult:
    audit: Audit
    count: int
    examples: pd.DataFrame | None     # up to a few offending rows
    skipped: str | None = None        # why the audit could not run


def existing_tables(con: Connection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    return {r[0] for r in rows}


def run_audits(con: Connection, *, examples: int = 5) -> list[AuditResult]:
    """Run every audit; one result per audit, in order."""
    tables = existing_tables(con)
    results: list[AuditResult] = []
    for audit in AUDITS:
        missing = [t for t in audit.tables if t not in tables]
        if missing:
            results.append(AuditResult(audit, 0, None, skipped=f"no table {missing[0]}"))
            continue
        count = con.execute(f"SELECT count(*) FROM ({audit.sql}) AS broken").fetchall()[0][0]
        sample = con.execute(f"{audit.sql} LIMIT {int(examples)}").df() if count else None
        results.append(AuditResult(audit, int(count), sample))
    return results


def open_for_audit(path: str) -> Connection:
    """Open a database file to audit it, even when this process still holds it open."""
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        # the same process may hold it with another configuration, or it needs
        # its write-ahead log replayed: a plain connection shares that instance
        return duckdb.connect(str(path))
