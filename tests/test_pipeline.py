"""`corpus run` as a real Prefect flow run into real DuckDB files: incremental re-runs,
readers while a run writes (two processes), and a run killed half-way then resumed."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import DEV_JSONL, REPO, SAMPLE
from corpus import store
from corpus.config import load_settings
from corpus.pipeline import RunSummary, run_pipeline
from corpus.publish import WriterBusy, working_path

pytestmark = pytest.mark.slow

ID_COLUMNS = {"documents": "doc_id", "entities": "entity_id", "relations": "relation_id",
              "chunks": "chunk_id", "rejected": "source"}


def write_slices(folder: Path, first: int = 3, second: int = 5) -> tuple[Path, Path]:
    """Two small record files of real press releases (short ones, so models run fast)."""
    source = DEV_JSONL if DEV_JSONL.exists() else SAMPLE / "press-releases.jsonl"
    records = []
    with source.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if 350 <= len((record.get("text") or "").split()) <= 800:
                records.append(record)
            if len(records) == first + second:
                break
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    for name, chunk in (("part1.jsonl", records[:first]), ("part2.jsonl", records[first:])):
        path = folder / name
        path.write_text("".join(json.dumps(r) + "\n" for r in chunk), encoding="utf-8")
        parts.append(path)
    return parts[0], parts[1]


def settings_for(db: Path, **changes):
    return load_settings(db=db, report_dir=db.parent / f"{db.stem}-report", stage_batch=2,
                         quiet=True, **changes)


def contents(db: Path) -> dict:
    """Row counts and row identities of the published database (read-only)."""
    con = store.connect(db, read_only=True)
    try:
        out: dict = {"counts": store.table_counts(con)}
        out["stage_done"] = dict(con.execute(
            "SELECT stage, count(*) FROM stage_done GROUP BY stage").fetchall())
        for table, column in ID_COLUMNS.items():
            out[table] = sorted(r[0] for r in con.execute(f"SELECT {column} FROM {table}").fetchall())
        return out
    finally:
        con.close()


def subprocess_env(tmp: Path) -> dict[str, str]:
    """A child `corpus` process with its own Prefect home (two local Prefect APIs must
    not share one SQLite file) and small batches, so a run has many of them."""
    home = tmp / f"prefect-{time.monotonic_ns()}"
    home.mkdir()
    env = dict(os.environ, PREFECT_HOME=str(home), CORPUS_STAGE_BATCH="2",
               PREFECT_API_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{home}/prefect.db",
               PYTHONPATH=str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return env


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One clean pipeline: part 1, a snapshot of that database, then parts 1 and 2."""
    folder = tmp_path_factory.mktemp("pipeline")
    part1, part2 = write_slices(folder / "input")
    db = folder / "clean.duckdb"
    first = run_pipeline([str(part1)], settings_for(db))
    snapshot = folder / "after-part1.duckdb"
    shutil.copyfile(db, snapshot)
    second = run_pipeline([str(part1), str(part2)], settings_for(db))
    return {"folder": folder, "part1": part1, "part2": part2, "db": db, "snapshot": snapshot,
            "first": first, "second": second, "clean": contents(db),
            "before": contents(snapshot)}


def test_run_goes_through_every_stage_and_publishes(runs):
    summary: RunSummary = runs["second"]
    names = [s.name for s in summary.stages]
    assert names == ["ingest", "extract", "consolidate", "embed", "themes", "report"]
    clean = runs["clean"]
    kept = store.connect(runs["db"], read_only=True).execute(
        "SELECT count(*) FROM documents WHERE duplicate_of IS NULL").fetchall()[0][0]
    assert clean["counts"]["documents"] + clean["counts"]["rejected"] == 8
    assert clean["counts"]["documents"] > runs["before"]["counts"]["documents"] > 0
    # every kept document went through extraction and embedding, once
    assert clean["stage_done"]["extract"] == kept
    assert clean["stage_done"]["embed"] == kept
    assert clean["counts"]["chunks"] >= kept
    assert summary.stage("embed").documents == kept - runs["first"].stage("embed").documents
    assert summary.stage("embed").batches >= 2          # stage_batch=2: really batched
    assert (runs["db"].parent / "clean-report" / "index.html").exists()
    # published, and no working copy left behind
    assert not working_path(runs["db"]).exists()
    text = summary.format()
    assert re.search(r"^\s+embed\s+\d+\s+\d", text, re.M)
    assert "tables: documents" in text and "chunks" in text


def test_runs_are_recorded_as_prefect_flow_runs(runs):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    with get_client(sync_client=True) as client:
        flow_runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["corpus-run"])))
    completed = [r for r in flow_runs if r.state is not None and r.state.is_completed()]
    sources = [r.parameters["sources"] for r in completed]
    assert [str(runs["part1"])] in sources
    assert [str(runs["part1"]), str(runs["part2"])] in sources
    assert all(r.parameters["config"]["stage_batch"] == 2 for r in completed
               if r.parameters["config"]["db"] == str(runs["db"]))


def test_second_identical_run_adds_no_rows(runs):
    again = run_pipeline([str(runs["part1"]), str(runs["part2"])], settings_for(runs["db"]))
    assert contents(runs["db"]) == runs["clean"]
    assert not any(again.added.values()), again.added
    assert again.stage("ingest").documents == 0
    assert again.stage("extract").documents == 0 and again.stage("embed").documents == 0
    assert again.stage("themes").skipped and again.stage("report").skipped
    assert again.seconds < 0.5 * runs["second"].seconds


class _Reader(threading.Thread):
    """Reads lines of a child's stderr as they come."""

    def __init__(self, stream) -> None:
        super().__init__(daemon=True)
        self.stream, self.lines = stream, []

    def run(self) -> None:
        for line in self.stream:
            self.lines.append(line)


def test_queries_succeed_while_a_run_writes(runs, tmp_path):
    db = tmp_path / "shared.duckdb"
    shutil.copyfile(runs["snapshot"], db)
    before = runs["before"]["counts"]["documents"]
    after = runs["clean"]["counts"]["documents"]
    env = subprocess_env(tmp_path)
    writer = subprocess.Popen(
        [sys.executable, "-m", "corpus", "run", str(runs["part1"]), str(runs["part2"]),
         "--db", str(db), "--no-report"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    err = _Reader(writer.stderr)
    err.start()
    seen_during, refused_second_writer = [], False
    try:
        deadline = time.monotonic() + 240
        while writer.poll() is None and time.monotonic() < deadline:
            reader = subprocess.run(
                [sys.executable, "-m", "corpus", "query", "SELECT count(*) AS n FROM documents",
                 "--db", str(db), "--format", "csv"],
                env=env, capture_output=True, text=True, timeout=60)
            assert reader.returncode == 0, reader.stderr
            running = writer.poll() is None
            n = int(reader.stdout.split()[-1])
            assert n in (before, after)          # never a half-written database
            if running:
                seen_during.append(n)
            if running and working_path(db).exists() and not refused_second_writer:
                with pytest.raises(WriterBusy, match="being written"):
                    run_pipeline([str(runs["part2"])], settings_for(db))
                refused_second_writer = True
        assert writer.wait(timeout=60) == 0, "".join(err.lines[-20:])
    finally:
        if writer.poll() is None:
            writer.kill()
    assert len(seen_during) >= 2, seen_during
    assert refused_second_writer
    assert contents(db)["counts"] == runs["clean"]["counts"]


def test_killed_run_leaves_published_db_intact_and_rerun_matches_clean_run(runs, tmp_path):
    db = tmp_path / "crash.duckdb"
    shutil.copyfile(runs["snapshot"], db)
    writer = subprocess.Popen(
        [sys.executable, "-m", "corpus", "run", str(runs["part1"]), str(runs["part2"]),
         "--db", str(db), "--no-report"],
        env=subprocess_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    err = _Reader(writer.stderr)
    err.start()
    progress = re.compile(r"^\s+(extract|embed): (\d+)/(\d+)")
    killed_at = None
    deadline = time.monotonic() + 240
    while killed_at is None and writer.poll() is None and time.monotonic() < deadline:
        for line in list(err.lines):
            m = progress.match(line)
            if m and 0 < int(m[2]) < int(m[3]):
                os.kill(writer.pid, signal.SIGKILL)
                killed_at = line.strip()
                break
        time.sleep(0.05)
    writer.wait(timeout=60)
    assert killed_at, "the run ended before it could be killed half-way:\n" + "".join(err.lines)
    assert writer.returncode == -signal.SIGKILL
    # the published database is the one from before the run, whole and readable
    assert contents(db) == runs["before"]
    assert working_path(db).exists()
    resumed = run_pipeline([str(runs["part1"]), str(runs["part2"])],
                           settings_for(db, make_report=False))
    assert resumed.resumed, killed_at
    after = contents(db)
    assert after["counts"] == runs["clean"]["counts"], killed_at
    assert after == runs["clean"]
