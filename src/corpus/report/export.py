"""The cooperation map as a file other tools open: GraphML and GEXF (Gephi, networkx),
node-link JSON (D3, networkx) and CSV (pandas, spreadsheets).

One edge per row of ``cooperation_map`` (or ``cooperation_map_rollup``), keyed by
relation type; the nodes are the distinct entities of those rows. Attributes:

- node: ``label`` (canonical name), ``kind``, ``country`` (ISO alpha-3, "" when
  none), ``n_documents`` (independent documents stating its ties), ``degree``.
- edge: ``type``, ``directed`` (source gives, target receives when true),
  ``n_documents``, ``n_relations``, ``first_seen``, ``last_seen`` (ISO dates, "" when unknown).

GEXF reserves ``type`` for directed/undirected, so there the relation type is the
edge ``label`` and ``relation_type``, and ``weight`` is ``n_documents``.

CSV: ``--out DIR`` (or a path without ``.csv``) writes ``DIR/nodes.csv`` and
``DIR/edges.csv``; ``--out NAME.csv`` writes the edges to ``NAME.csv`` and the nodes
next to it as ``NAME.nodes.csv``. The edges' ``source``/``target`` columns hold
entity ids; ``source_name``/``target_name`` repeat the names for reading.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from corpus import store
from corpus.config import Settings
from corpus.store import report as store_report

EXPORT_VERSION = "1"
FORMATS = ("graphml", "gexf", "json", "csv")
SUFFIXES = {"graphml": ".graphml", "gexf": ".gexf", "json": ".json"}


class ExportError(ValueError):
    """The map cannot be exported as asked (unknown format, missing database or view)."""


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _int(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def build_graph(con: store.Connection, rollup: bool = False) -> nx.MultiDiGraph:
    """The map as a graph: one edge per map row (key = relation type)."""
    try:
        edges = store_report.map_edges(con, rollup)
        nodes = store_report.map_nodes(con, rollup)
    except store_report.MissingViewError as exc:
        raise ExportError(str(exc)) from exc
    graph = nx.MultiDiGraph(name="cooperation_map_rollup" if rollup else "cooperation_map",
                            export_version=EXPORT_VERSION)
    for row in nodes.to_dict("records"):
        graph.add_node(row["entity_id"], label=_text(row["name"]), kind=_text(row["kind"]),
                       country=_text(row["country"]), n_documents=_int(row["n_documents"]),
                       degree=_int(row["degree"]))
    for row in edges.to_dict("records"):
        key, n = row["type"], 1
        while graph.has_edge(row["source_id"], row["target_id"], key):
            n += 1
            key = f"{row['type']}-{n}"
        graph.add_edge(row["source_id"], row["target_id"], key=key, type=row["type"],
                       directed=bool(row.get("directed", True)),
                       n_documents=_int(row.get("n_documents")),
                       n_relations=_int(row.get("n_relations", row.get("n_documents"))),
                       first_seen=_text(row.get("first_seen")),
                       last_seen=_text(row.get("last_seen")))
    return graph


def _edge_frame(graph: nx.MultiDiGraph) -> pd.DataFrame:
    rows = [{"source": u, "target": v, "source_name": graph.nodes[u]["label"],
             "target_name": graph.nodes[v]["label"], **data}
            for u, v, data in graph.edges(data=True)]
    return pd.DataFrame(rows, columns=["source", "target", "source_name", "target_name", "type",
                                       "directed", "n_documents", "n_relations", "first_seen",
                                       "last_seen"])


def _node_frame(graph: nx.MultiDiGraph) -> pd.DataFrame:
    rows = [{"id": n, **data} for n, data in graph.nodes(data=True)]
    return pd.DataFrame(rows, columns=["id", "label", "kind", "country", "n_documents", "degree"])


def _gexf_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GEXF reserves an edge's ``type`` for directed/undirected: the relation type
    moves to ``relation_type`` (and the edge label), ``n_documents`` is also the weight.
    Every edge stays directed in GEXF (networkx cannot read mixed graphs); the
    ``directed`` attribute tells which ties are mutual."""
    out = nx.MultiDiGraph(**graph.graph)
    out.add_nodes_from(graph.nodes(data=True))
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = {k: val for k, val in data.items() if k != "type"}
        out.add_edge(u, v, key=key, **attrs, relation_type=data["type"], label=data["type"],
                     weight=data["n_documents"])
    return out


def write_graph(graph: nx.MultiDiGraph, fmt: str, out: Path) -> Path:
    """Write ``graph`` in ``fmt``; returns the path written (the edges file for csv)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    if fmt == "csv":
        if out.suffix.lower() == ".csv":
            edges_path, nodes_path = out, out.with_suffix(".nodes.csv")
        else:
            edges_path, nodes_path = out / "edges.csv", out / "nodes.csv"
        edges_path.parent.mkdir(parents=True, exist_ok=True)
        _node_frame(graph).to_csv(nodes_path, index=False)
        _edge_frame(graph).to_csv(edges_path, index=False)
        return edges_path
    if out.is_dir() or not out.suffix:
        out = out / f"{graph.graph['name']}{SUFFIXES[fmt]}"
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        nx.write_graphml(graph, out)
    elif fmt == "gexf":
        nx.write_gexf(_gexf_graph(graph), out)
    else:
        data = nx.node_link_data(graph, edges="links")
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def export_map(settings: Settings, fmt: str, out: Path, rollup: bool = False) -> Path:
    """Export the database's cooperation map to ``out``; returns the path written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    db = Path(settings.db)
    if not db.is_file():
        raise ExportError(f"no database at {db}: run `corpus run` first or pass --db")
    con = store.connect(db, read_only=True)
    try:
        graph = build_graph(con, rollup=rollup)
    finally:
        con.close()
    return write_graph(graph, fmt, out)
