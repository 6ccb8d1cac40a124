"""Readers for the report and the exports: the cooperation map, its evidence, themes.

Every function takes a connection (read-only is enough) and returns a DataFrame;
the aggregation lives in the views (``cooperation_map``, ``theme_trends``), these
queries only select, join and order.
"""
from __future__ import annotations

import pandas as pd

from corpus.store import Connection, fetch_one, fetch_value

MAP_VIEW = "cooperation_map"
ROLLUP_VIEW = "cooperation_map_rollup"


class MissingViewError(LookupError):
    """The database has no such view (an older database, or a stage not run yet)."""


def has_relation(con: Connection, name: str) -> bool:
    """Whether a table or view of that name exists in the database."""
    return fetch_value(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]) > 0


def map_view(con: Connection, rollup: bool = False) -> str:
    """The view holding the map: ``cooperation_map`` or its roll-up to parent agencies."""
    view = ROLLUP_VIEW if rollup else MAP_VIEW
    if not has_relation(con, view):
        what = "rolled-up map" if rollup else "cooperation map"
        raise MissingViewError(f"the database has no view {view} (the {what}); "
                               "open it once with a writable connection to create the views")
    return view


def map_edges(con: Connection, rollup: bool = False) -> pd.DataFrame:
    """Every row of the map view (one row per tie), strongest first."""
    view = map_view(con, rollup)
    return con.execute(f"""
        SELECT * FROM {view} ORDER BY n_documents DESC, source_id, target_id, type
    """).df()


def map_nodes(con: Connection, rollup: bool = False) -> pd.DataFrame:
    """One row per entity on the map, with its degree and the documents that name its ties.

    ``n_documents`` counts the independent documents (duplicates folded) stating
    a relation of the entity (on the rolled-up map: of the entity or its units).
    """
    view = map_view(con, rollup)
    if rollup and has_relation(con, "entity_rollup") and has_relation(con, "relation_edges"):
        activity = """
            SELECT x.rollup_id AS entity_id, count(DISTINCT r.story_id) AS n_documents
            FROM relation_edges r
            JOIN entity_rollup x ON x.entity_id IN (r.source_id, r.target_id)
            GROUP BY x.rollup_id"""
    elif rollup:                        # a database without the relate stage's views
        activity = f"""
            SELECT entity_id, sum(n_documents)::BIGINT AS n_documents FROM (
                SELECT source_id AS entity_id, n_documents FROM {view}
                UNION ALL SELECT target_id, n_documents FROM {view}) GROUP BY entity_id"""
    else:
        activity = """
            SELECT entity_id, count(DISTINCT story_id) AS n_documents FROM (
                SELECT source_id AS entity_id, story_id FROM asserted_relations
                UNION ALL SELECT target_id, story_id FROM asserted_relations) GROUP BY entity_id"""
    return con.execute(f"""
        WITH ends AS (
            SELECT source_id AS entity_id, target_id AS partner_id FROM {view}
            UNION ALL SELECT target_id, source_id FROM {view}),
        degree AS (
            SELECT entity_id, count(*) AS degree, count(DISTINCT partner_id) AS n_partners
            FROM ends GROUP BY entity_id),
        activity AS ({activity})
        SELECT d.entity_id, coalesce(e.name, d.entity_id) AS name, e.kind, e.country, e.aliases,
               coalesce(a.n_documents, 0)::BIGINT AS n_documents, d.degree, d.n_partners
        FROM degree d
        LEFT JOIN entities e USING (entity_id)
        LEFT JOIN activity a USING (entity_id)
        ORDER BY n_documents DESC, d.degree DESC, name
    """).df()


def _evidence_source(con: Connection, rollup: bool) -> str | None:
    """The relations, with their ends as the map view orders them and the sentence's
    position (``start_char``, taken from ``relations`` so that a database whose views an
    older release wrote serves it too), as a FROM clause."""
    if not has_relation(con, "relation_edges"):
        return None if rollup else "asserted_relations"
    edges = """(SELECT e.*, x.start_char FROM relation_edges e
                JOIN relations x USING (relation_id))"""
    if not rollup:
        return edges
    if not has_relation(con, "entity_rollup"):
        return None
    # the same roll-up and end order as cooperation_map_rollup (views_relations.sql)
    return f"""(
        SELECT r.doc_id, r.story_id, r.seen_on, r.type, r.directed, r.confidence, r.critical,
               r.evidence, r.start_char,
               CASE WHEN r.directed OR a.rollup_id <= b.rollup_id THEN a.rollup_id
                    ELSE b.rollup_id END AS source_id,
               CASE WHEN r.directed OR a.rollup_id <= b.rollup_id THEN b.rollup_id
                    ELSE a.rollup_id END AS target_id
        FROM {edges} r
        JOIN entity_rollup a ON a.entity_id = r.source_id
        JOIN entity_rollup b ON b.entity_id = r.target_id
        WHERE a.rollup_id <> b.rollup_id)"""


def map_evidence(con: Connection, per_tie: int = 100, rollup: bool = False) -> pd.DataFrame:
    """The sentences stating each tie of the map (or the rolled-up map), newest first.

    Within one document the sentences keep their order in the text, so the list is
    the same on every run.

    Read from ``relation_edges`` (the relations with the ends of undirected ties in
    the map's order) when the relate stage defines it, else ``asserted_relations``.
    One row per independent document and sentence (a duplicate release repeating
    the same sentence is shown once), at most ``per_tie`` rows per tie.
    """
    map_view(con, rollup)
    source = _evidence_source(con, rollup)
    if source is None:
        return pd.DataFrame(columns=["source_id", "target_id", "type", "directed", "doc_id",
                                     "story_id", "evidence", "seen_on", "confidence", "critical"])
    return con.execute(f"""
        WITH ev AS (
            SELECT r.source_id, r.target_id, r.type, r.directed, r.doc_id, r.story_id,
                   r.evidence, r.start_char, r.seen_on, r.confidence, r.critical,
                   row_number() OVER (PARTITION BY r.source_id, r.target_id, r.type, r.directed,
                                                   r.story_id, r.evidence
                                      ORDER BY r.doc_id, r.start_char) AS copy
            FROM {source} r
            JOIN entities s ON s.entity_id = r.source_id
            JOIN entities t ON t.entity_id = r.target_id),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY source_id, target_id, type, directed
                                         ORDER BY seen_on DESC NULLS LAST, doc_id,
                                                  start_char, evidence) AS rank
            FROM ev WHERE copy = 1)
        SELECT source_id, target_id, type, directed, doc_id, story_id, evidence, seen_on,
               confidence, critical
        FROM ranked WHERE rank <= ?
        ORDER BY source_id, target_id, type, directed, rank
    """, [per_tie]).df()


def documents_by_id(con: Connection, doc_ids: list[str]) -> pd.DataFrame:
    """Title, link and date of the given documents."""
    if not doc_ids:
        return pd.DataFrame(columns=["doc_id", "title", "url", "source", "published"])
    ids = pd.DataFrame({"doc_id": sorted(set(doc_ids))})
    con.register("_report_doc_ids", ids)
    try:
        return con.execute("""
            SELECT d.doc_id, d.title, d.url, d.source, d.published
            FROM documents d JOIN _report_doc_ids USING (doc_id)
            ORDER BY d.doc_id
        """).df()
    finally:
        con.unregister("_report_doc_ids")


def themes(con: Connection) -> pd.DataFrame:
    """Every theme with its label, top terms and size (largest first)."""
    return con.execute("""
        SELECT theme_id, label, terms, size FROM themes ORDER BY size DESC, theme_id
    """).df()


def document_themes(con: Connection) -> pd.DataFrame:
    return con.execute("""
        SELECT doc_id, theme_id, score FROM document_themes ORDER BY doc_id, score DESC
    """).df()


def theme_trends(con: Connection) -> pd.DataFrame:
    """Documents per theme and month, from the ``theme_trends`` view."""
    if not has_relation(con, "theme_trends"):
        return pd.DataFrame(columns=["theme_id", "label", "month", "n_documents"])
    return con.execute("""
        SELECT theme_id, label, month, n_documents FROM theme_trends ORDER BY theme_id, month
    """).df()


def overview(con: Connection) -> dict[str, object]:
    """Headline counts of the database for the report's header."""
    row = fetch_one(con, """
        SELECT (SELECT count(*) FROM documents),
               (SELECT count(*) FROM documents WHERE duplicate_of IS NULL),
               (SELECT count(*) FROM entities),
               (SELECT count(*) FROM relations),
               (SELECT count(*) FROM rejected),
               (SELECT min(published) FROM documents),
               (SELECT max(published) FROM documents),
               (SELECT count(*) FROM themes)
    """)
    keys = ("documents", "kept_documents", "entities", "relations", "rejected",
            "first_published", "last_published", "themes")
    return dict(zip(keys, row))
