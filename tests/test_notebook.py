"""The exploration notebook runs top to bottom, and every SQL recipe of the cookbook runs."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from corpus import store
from corpus.config import load_settings
from corpus.query import run_query
from report_sample import make_sample_db, pipeline_db

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "explore.ipynb"
COOKBOOK = REPO / "notebooks" / "sql_cookbook.md"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return make_sample_db(tmp_path_factory.mktemp("notebook") / "sample.duckdb")


def cookbook_recipes() -> list[tuple[str, str]]:
    """(section heading, SQL) for every ```sql block of the cookbook."""
    recipes, heading = [], ""
    for block in re.split(r"(^## .*$)", COOKBOOK.read_text(encoding="utf-8"), flags=re.M):
        if block.startswith("## "):
            heading = block[3:].strip()
            continue
        recipes += [(heading, sql) for sql in re.findall(r"```sql\n(.*?)```", block, flags=re.S)]
    return recipes


def test_every_cookbook_recipe_runs_through_corpus_query(sample_db):
    settings = load_settings(db=sample_db)
    recipes = cookbook_recipes()
    assert len(recipes) >= 8
    answers: dict[str, list] = {}
    for heading, sql in recipes:
        frame = run_query(settings, sql)          # the read-only door analysts use
        answers.setdefault(heading, []).append(frame)
    cross = answers["Cross-border ties"][0]
    assert "Europol" in set(cross.source_name) | set(cross.target_name)
    ties = answers["Strongest ties of a country"][0]
    assert {"Europol", "Bundeskriminalamt", "Burkinabe National Police"} <= set(ties.partner)
    assert "HSI" not in set(ties.partner)                         # a US agency is not a foreign tie
    assert ties.iloc[0].n_documents >= ties.iloc[-1].n_documents
    trains = answers["Who trains whom"][0]
    assert set(zip(trains.trainer, trains.trainee)) == {
        ("ICITAP", "Burkinabe National Police"), ("ICITAP", "National Police of Panama")}
    vendors = answers["Technology vendors and their buyers"][0]
    assert vendors.iloc[0].supplier == "ICITAP" and list(vendors.iloc[0].buyers) == ["National Police of Panama"]
    themes = answers["Themes over time"][0]
    assert set(themes.theme) == {"darknet markets takedown", "botnet malware disruption",
                                 "police training assistance", "extradition cybercrime"}
    evidence = answers["The evidence behind a tie"][0]
    assert any("Burkinabe National Police" in s for s in evidence.evidence)
    assert not any("plans to train" in s for s in evidence.evidence)   # planned, not done


@pytest.mark.slow
def test_cookbook_runs_on_a_pipeline_made_database():
    settings = load_settings(db=pipeline_db())
    answers = {heading: run_query(settings, sql) for heading, sql in cookbook_recipes()}
    trainers = set(answers["Who trains whom"].trainer)
    assert any("Training Assistance Program" in t for t in trainers), trainers


def execute_notebook(db: Path, tmp_path: Path, monkeypatch) -> str:
    """Run the notebook on ``db``; returns the text of its outputs, checks its pictures."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # a python3 kernel spec on this very interpreter, found before any other one
    spec_dir = tmp_path / "jupyter" / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("CORPUS_DB", str(db))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, kernel_name="python3", timeout=120,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    images = [out for cell in notebook.cells if cell.cell_type == "code"
              for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]
    assert len(images) >= 3                                # ties, network, themes, timeline
    return "\n".join(
        str(out.get("text", "")) + str(out.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", []))


@pytest.mark.slow
def test_notebook_runs_on_a_pipeline_made_database(tmp_path, monkeypatch):
    text = execute_notebook(pipeline_db(), tmp_path, monkeypatch)
    assert "Burkinabe National Police" in text
    assert "MultiDiGraph named 'cooperation_map'" in text


def test_notebook_runs_top_to_bottom(sample_db, tmp_path, monkeypatch):
    text = execute_notebook(sample_db, tmp_path, monkeypatch)
    con = store.connect(sample_db, read_only=True)
    try:
        n_ties = store.query(con, "SELECT count(*) AS n FROM cooperation_map").n[0]
    finally:
        con.close()
    assert f"{n_ties} ties between 16 entities" in text
    assert "Burkinabe National Police" in text            # who trains whom
    assert "National Police of Panama" in text            # technology buyers
    assert "police training assistance" in text           # themes
