"""The report: one self-contained HTML page with the cooperation map, evidence, timeline, themes.

The page opens from disk with no server and no internet: the network library
(vis-network, MIT / Apache-2.0, vendored in ``assets/``), the styles, the script and
the data (JSON in a ``<script type="application/json">`` element) are all inlined.
"""
from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections import Counter, defaultdict
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from corpus import store
from corpus.config import Settings
from corpus.records import RELATION_TYPES
from corpus.store import report as store_report

REPORT_VERSION = "1"
EVIDENCE_PER_TIE = 60
DEFAULT_TITLE = "International police cooperation map"

RELATION_STYLE = {
    # type: (label, colour, what the arrow means)
    "training": ("training", "#1f77b4", "trainer → trainee"),
    "intelligence_sharing": ("intelligence sharing", "#9467bd", "shared both ways"),
    "technology_transfer": ("technology transfer", "#ff7f0e", "supplier → recipient"),
    "joint_operation": ("joint operation", "#d62728", "together"),
    "legal_assistance": ("legal assistance", "#2ca02c", "requested → requesting state"),
    "agreement": ("agreement", "#8c564b", "mutual"),
    "visit_exchange": ("visit / exchange", "#17becf", "visitor → host"),
    "funding": ("funding", "#bcbd22", "funder → recipient"),
    "general_cooperation": ("general cooperation", "#7f7f7f", "mutual"),
}
KIND_COLOURS = {"agency": "#4e79a7", "country": "#f28e2b", "program": "#59a14f",
                "organization": "#e15759"}


class ReportError(RuntimeError):
    """The report cannot be built from this database (missing file or views)."""


def _asset(name: str) -> str:
    return resources.files("corpus.report").joinpath("assets", name).read_text(encoding="utf-8")


def _plain(value: Any) -> Any:
    """A JSON-ready Python value: dates as ISO text, missing values as None."""
    if value is None:
        return None
    if isinstance(value, (datetime, pd.Timestamp)):
        return None if pd.isna(value) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "tolist"):        # numpy scalars and arrays
        return _plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _country_names() -> dict[str, str]:
    """ISO code -> country name from the knowledge base, when it is installed."""
    try:
        from corpus.knowledge import load_kb
        return {code: c.name for code, c in load_kb().countries.items()}
    except Exception:   # the report must not depend on the knowledge base being complete
        return {}


def short_label(name: str, aliases: list[str] | None) -> str:
    """The map's label: a long name gives way to its acronym (ICITAP, FBI) when it has one."""
    if len(name) <= 24:
        return name
    acronyms = [a for a in aliases or [] if 2 <= len(a) <= 10 and a.replace(".", "").replace("-", "").isupper()
                and " " not in a]
    return min(acronyms, key=len) if acronyms else name


def _map_data(con: store.Connection, rollup: bool, story_of: dict[str, str]) -> dict[str, Any]:
    """Nodes and edges (each with its evidence) of the map or of the rolled-up map;
    records in ``story_of`` the documents the evidence comes from."""
    nodes = _rows(store_report.map_nodes(con, rollup))
    edge_rows = _rows(store_report.map_edges(con, rollup))
    evidence = _rows(store_report.map_evidence(con, per_tie=EVIDENCE_PER_TIE, rollup=rollup))
    by_tie: dict[tuple[str, str, str, bool], list[dict[str, Any]]] = defaultdict(list)
    for ev in evidence:
        by_tie[(ev["source_id"], ev["target_id"], ev["type"], bool(ev["directed"]))].append(
            {"d": ev["doc_id"], "s": ev["evidence"], "t": ev["seen_on"], "c": bool(ev["critical"])})
        story_of[ev["doc_id"]] = ev["story_id"]

    edges, pair_count = [], Counter()
    prefix = "r" if rollup else "e"
    for i, row in enumerate(edge_rows):
        pair = tuple(sorted((row["source_id"], row["target_id"])))
        ev = by_tie.get((row["source_id"], row["target_id"], row["type"],
                         bool(row.get("directed"))), [])
        edges.append({
            "id": f"{prefix}{i}", "source": row["source_id"], "target": row["target_id"],
            "type": row["type"], "directed": bool(row.get("directed")),
            "n_documents": int(row.get("n_documents") or 0),
            "first_seen": row.get("first_seen"), "last_seen": row.get("last_seen"),
            "parallel": pair_count[pair], "ev": ev,
            "n_more": len(ev) >= EVIDENCE_PER_TIE,
        })
        pair_count[pair] += 1
    return {
        "nodes": [{"id": n["entity_id"], "name": n["name"], "kind": n["kind"],
                   "label": short_label(n["name"], n.get("aliases")),
                   "country": n["country"], "n_documents": int(n["n_documents"]),
                   "aliases": [a for a in (n.get("aliases") or []) if a != n["name"]][:12],
                   "degree": int(n["degree"])} for n in nodes],
        "edges": edges,
    }


def report_data(con: store.Connection, settings: Settings | None = None) -> dict[str, Any]:
    """Everything the page shows, as one JSON-ready dictionary."""
    story_of: dict[str, str] = {}
    units = _map_data(con, False, story_of)
    nodes, edges = units["nodes"], units["edges"]
    rollup = None
    if store_report.has_relation(con, store_report.ROLLUP_VIEW):
        rollup = _map_data(con, True, story_of)
        if {n["id"] for n in rollup["nodes"]} == {n["id"] for n in nodes} and \
                len(rollup["edges"]) == len(edges):
            rollup = None                       # no unit has a known parent: nothing to roll up
    doc_themes: dict[str, list[int]] = defaultdict(list)
    for row in _rows(store_report.document_themes(con)):
        doc_themes[row["doc_id"]].append(int(row["theme_id"]))
    documents = {}
    for doc in _rows(store_report.documents_by_id(con, list(story_of))):
        doc["themes"] = doc_themes.get(story_of.get(doc["doc_id"], doc["doc_id"]), [])
        documents[doc["doc_id"]] = doc

    names = _country_names()
    per_country = Counter(n["country"] for n in nodes if n.get("country"))
    countries = [{"code": code, "name": names.get(code, code), "n": n}
                 for code, n in sorted(per_country.items(), key=lambda kv: (-kv[1], kv[0]))]

    trends: dict[int, list[list[Any]]] = defaultdict(list)
    months: set[str] = set()
    for row in _rows(store_report.theme_trends(con)):
        month = row["month"][:7]
        trends[int(row["theme_id"])].append([month, int(row["n_documents"])])
        months.add(month)
    themes = [{"id": int(t["theme_id"]), "label": t["label"], "terms": list(t["terms"] or [])[:8],
               "size": int(t["size"]), "trend": trends.get(int(t["theme_id"]), [])}
              for t in _rows(store_report.themes(con))]

    types = dict.fromkeys(list(RELATION_TYPES) + sorted({e["type"] for e in edges}))
    relation_types = {
        t: {"label": RELATION_STYLE.get(t, (t.replace("_", " "),))[0],
            "colour": RELATION_STYLE.get(t, (None, "#888888"))[1],
            "direction": RELATION_STYLE.get(t, (None, None, "directed"))[2],
            "directed": RELATION_TYPES.get(t, True)}
        for t in types}

    dates = sorted(ev["t"] for e in edges for ev in e["ev"] if ev["t"])
    overview = {k: _plain(v) for k, v in store_report.overview(con).items()}
    return {
        "report_version": REPORT_VERSION,
        "overview": overview,
        "relation_types": relation_types,
        "kind_colours": KIND_COLOURS,
        "nodes": nodes,
        "edges": edges,
        "rollup": rollup,
        "documents": documents,
        "countries": countries,
        "themes": themes,
        "theme_months": _month_span(sorted(months)),
        "date_range": [dates[0], dates[-1]] if dates else [None, None],
    }


def _month_span(months: list[str]) -> list[str]:
    """Every month from the first to the last one given, so gaps show as gaps."""
    if not months:
        return []
    y, m = int(months[0][:4]), int(months[0][5:7])
    last = (int(months[-1][:4]), int(months[-1][5:7]))
    out = []
    while (y, m) <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def embed_json(data: Any) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' can close or open a tag."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_html(data: dict[str, Any], title: str = DEFAULT_TITLE) -> str:
    """The whole page as one string, every asset inlined."""
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    escaped_title = (title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                     .replace('"', "&quot;"))
    values = {
        "TITLE": escaped_title,
        "CSS": _asset("report.css"),
        "DATA": embed_json(data),
        "VIS": _asset("vis-network.min.js"),
        "APP": _asset("report.js"),
        "GENERATED": generated,
        "REPORT_VERSION": REPORT_VERSION,
    }
    # one pass, so text inside an inserted asset is never taken for a placeholder
    return re.sub(r"__(TITLE|CSS|DATA|VIS|APP|GENERATED|REPORT_VERSION)__",
                  lambda m: values[m.group(1)], _asset("report.html"))


def build_report(con: store.Connection, out_dir: Path, settings: Settings | None = None) -> Path:
    """Write ``out_dir/index.html`` for the database behind ``con``; returns its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        data = report_data(con, settings)
    except store_report.MissingViewError as exc:
        raise ReportError(str(exc)) from exc
    title = str((settings.extra if settings else {}).get("report_title", DEFAULT_TITLE))
    page = render_html(data, title)
    target = out_dir / "index.html"
    fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".html", dir=out_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(page)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_report(settings: Settings, out_dir: Path) -> Path:
    """Open the settings' database read-only and write the report into ``out_dir``."""
    db = Path(settings.db)
    if not db.is_file():
        raise ReportError(f"no database at {db}: run `corpus run` first or pass --db")
    con = store.connect(db, read_only=True)
    try:
        return build_report(con, Path(out_dir), settings)
    finally:
        con.close()


__all__ = ["REPORT_VERSION", "ReportError", "build_report", "write_report", "report_data",
           "render_html", "embed_json"]
