"""The cooperation map exported for Gephi, networkx, D3 and pandas, read back with those tools."""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from corpus import store
from corpus.cli import main
from corpus.config import load_settings
from corpus.report.export import ExportError, build_graph, export_map
from report_sample import entity_id, make_sample_db, pipeline_db


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return make_sample_db(tmp_path_factory.mktemp("export") / "sample.duckdb")


@pytest.fixture(scope="module")
def expected(sample_db):
    """Rows and distinct entities of cooperation_map, read straight from the view."""
    con = store.connect(sample_db, read_only=True)
    try:
        rows = store.query(con, "SELECT * FROM cooperation_map")
    finally:
        con.close()
    entities = set(rows.source_id) | set(rows.target_id)
    return rows, entities


def _settings(db: Path):
    return load_settings(db=db)


def test_graphml_loads_in_networkx_with_the_counts_of_cooperation_map(sample_db, expected, tmp_path):
    rows, entities = expected
    path = export_map(_settings(sample_db), "graphml", tmp_path / "map.graphml")
    graph = nx.read_graphml(path)
    assert graph.number_of_edges() == len(rows)
    assert graph.number_of_nodes() == len(entities) == 16
    assert set(graph.nodes) == entities
    icitap, burkina = entity_id("icitap"), entity_id("burkina_police")
    assert graph.nodes[icitap]["label"] == "ICITAP"
    assert graph.nodes[icitap]["kind"] == "agency"
    assert graph.nodes[icitap]["country"] == "USA"
    training = [d for _, v, d in graph.out_edges(icitap, data=True)
                if v == burkina and d["type"] == "training"]
    assert len(training) == 1 and training[0]["directed"] is True
    assert training[0]["first_seen"] == "2026-03-16"
    # the same extradition told by two copies of one release counts once
    spain, usa = entity_id("spain"), entity_id("usa")
    (extradition,) = graph.get_edge_data(spain, usa).values()
    assert extradition["type"] == "legal_assistance" and extradition["n_documents"] == 1
    # a planned training is not cooperation that happened
    albania = entity_id("albanian_police")
    ties = [*(graph.get_edge_data(icitap, albania) or {}).values(),
            *(graph.get_edge_data(albania, icitap) or {}).values()]
    assert {d["type"] for d in ties} == {"general_cooperation"}


def test_gexf_and_node_link_json_round_trip(sample_db, expected, tmp_path):
    rows, entities = expected
    gexf = nx.read_gexf(export_map(_settings(sample_db), "gexf", tmp_path / "map.gexf"))
    assert (gexf.number_of_nodes(), gexf.number_of_edges()) == (len(entities), len(rows))
    fbi, europol = entity_id("fbi"), entity_id("europol")
    both_ways = [*(gexf.get_edge_data(fbi, europol) or {}).values(),
                 *(gexf.get_edge_data(europol, fbi) or {}).values()]
    types = {d["relation_type"]: d for d in both_ways}
    assert set(types) == {"joint_operation", "intelligence_sharing"}
    assert types["joint_operation"]["n_documents"] == 2
    assert types["joint_operation"]["directed"] is False

    path = export_map(_settings(sample_db), "json", tmp_path / "out")
    assert path.name == "cooperation_map.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert {"nodes", "links"} <= set(data)
    graph = nx.node_link_graph(data, edges="links")
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (len(entities), len(rows))
    assert {n["label"] for n in data["nodes"]} >= {"Europol", "Bundeskriminalamt", "Spain"}


def test_csv_files_load_in_pandas(sample_db, expected, tmp_path):
    rows, entities = expected
    edges_path = export_map(_settings(sample_db), "csv", tmp_path / "csv")
    edges = pd.read_csv(edges_path)
    nodes = pd.read_csv(tmp_path / "csv" / "nodes.csv", keep_default_na=False)
    assert len(edges) == len(rows) and len(nodes) == len(entities)
    assert set(edges.source) | set(edges.target) == set(nodes.id)
    thai = edges[(edges.source_name == "Royal Thai Police") | (edges.target_name == "Royal Thai Police")]
    assert len(thai) == 1
    assert ({thai.iloc[0].source_name, thai.iloc[0].target_name}, thai.iloc[0].type,
            thai.iloc[0].first_seen) == ({"Royal Thai Police", "FBI"}, "joint_operation", "2017-07-20")
    assert nodes.set_index("label").loc["Europol", "country"] == ""   # an international body

    single = export_map(_settings(sample_db), "csv", tmp_path / "map.csv")
    assert single == tmp_path / "map.csv"
    assert len(pd.read_csv(tmp_path / "map.nodes.csv")) == len(entities)


def test_cli_export_and_its_errors(sample_db, expected, tmp_path, capsys):
    out = tmp_path / "cli.graphml"
    assert main(["export", "--db", str(sample_db), "--format", "graphml", "--out", str(out)]) == 0
    assert nx.read_graphml(out).number_of_edges() == len(expected[0])
    assert main(["export", "--db", str(tmp_path / "none.duckdb"), "--format", "csv",
                 "--out", str(tmp_path / "x")]) == 1
    assert "no database" in capsys.readouterr().err
    with pytest.raises(ExportError, match="unknown export format"):
        export_map(_settings(sample_db), "pajek", tmp_path / "x.net")


def test_an_empty_database_exports_an_empty_graph(tmp_path):
    db = tmp_path / "empty.duckdb"
    store.connect(db).close()
    graph = nx.read_graphml(export_map(_settings(db), "graphml", tmp_path / "empty.graphml"))
    assert graph.number_of_nodes() == 0 and graph.number_of_edges() == 0


def test_rollup_follows_its_view(sample_db, tmp_path):
    con = store.connect(sample_db, read_only=True)
    try:
        has_rollup = store.query(con, "SELECT count(*) AS n FROM information_schema.tables "
                                      "WHERE table_name = 'cooperation_map_rollup'").n[0] > 0
        if not has_rollup:
            with pytest.raises(ExportError, match="cooperation_map_rollup"):
                build_graph(con, rollup=True)
            return
        n_rows = store.query(con, "SELECT count(*) AS n FROM cooperation_map_rollup").n[0]
    finally:
        con.close()
    graph = nx.read_graphml(export_map(_settings(sample_db), "graphml", tmp_path / "r.graphml",
                                       rollup=True))
    assert graph.number_of_edges() == n_rows


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv"])
def test_a_pipeline_made_map_exports_with_the_counts_of_cooperation_map(fmt, tmp_path):
    db = pipeline_db()
    con = store.connect(db, read_only=True)
    try:
        rows = store.query(con, "SELECT * FROM cooperation_map")
    finally:
        con.close()
    assert len(rows) >= 10, "the pipeline found almost no cooperation in five releases"
    path = export_map(_settings(db), fmt, tmp_path / ("map" if fmt == "csv" else f"map.{fmt}"))
    if fmt == "graphml":
        graph = nx.read_graphml(path)
    elif fmt == "gexf":
        graph = nx.read_gexf(path)
    elif fmt == "json":
        graph = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="links")
    else:
        edges, nodes = pd.read_csv(path), pd.read_csv(tmp_path / "map" / "nodes.csv")
        assert len(edges) == len(rows) and len(nodes) == len(set(rows.source_id) | set(rows.target_id))
        return
    assert graph.number_of_edges() == len(rows)
    assert set(graph.nodes) == set(rows.source_id) | set(rows.target_id)
