"""`corpus serve`: the schedule file, the Prefect deployment it makes, and --once."""
from __future__ import annotations

import pytest

from conftest import REPO
from corpus import store
from corpus.cli import main
from corpus.schedule import ScheduleError, build_deployment, load_schedule, apply_settings
from corpus.config import load_settings
from test_pipeline import write_slices


def _schedule(tmp_path, body: str):
    path = tmp_path / "schedule.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_example_schedule_is_valid_and_names_every_source_kind():
    config = load_schedule(REPO / "schedule.example.toml")
    assert config.cron == "0 6 * * *" and config.timezone == "UTC"
    assert any(s.startswith("https://") for s in config.sources)
    assert str(REPO / "data" / "raw") in config.sources
    assert config.settings["db"] == str(REPO / "data" / "processed" / "corpus.duckdb")


def test_deployment_carries_cron_sources_and_settings(tmp_path):
    path = _schedule(tmp_path, """
        [deployment]
        name = "nightly"
        cron = "30 2 * * 1-5"
        timezone = "Europe/Lyon"
        [sources]
        feeds = ["https://www.europol.europa.eu/rss/news"]
        folders = ["inbox"]
        [settings]
        db = "maps/corpus.duckdb"
        stage_batch = 250
        dask_address = "tcp://127.0.0.1:8786"
    """.replace("Europe/Lyon", "Europe/Paris"))
    config = load_schedule(path)
    settings = apply_settings(load_settings(), config)
    assert settings.db == (tmp_path / "maps" / "corpus.duckdb").resolve()
    assert settings.stage_batch == 250 and settings.dask_address == "tcp://127.0.0.1:8786"
    deployment = build_deployment(config, settings)
    assert deployment.name == "nightly"
    assert deployment.concurrency_limit == 1
    schedule = deployment.schedules[0].schedule
    assert schedule.cron == "30 2 * * 1-5" and schedule.timezone == "Europe/Paris"
    assert deployment.parameters["sources"] == ["https://www.europol.europa.eu/rss/news",
                                                str((tmp_path / "inbox").resolve())]
    assert deployment.parameters["config"]["db"] == str(settings.db)
    assert deployment.entrypoint.endswith("flows/pipeline.py:corpus_flow")


@pytest.mark.parametrize("body, message", [
    ('[deployment]\ncron = "61 * * * *"\n[sources]\nfolders = ["x"]\n', "Invalid cron string"),
    ('[deployment]\ncron = "0 6 * * *"\ntimezone = "Mars/Olympus"\n[sources]\nfolders = ["x"]\n',
     "timezone"),
    ('[deployment]\ncron = "0 6 * * *"\n[sources]\n', "lists no feeds"),
    ('[deployment]\ncron = "0 6 * * *"\n[sources]\nrss = ["x"]\n', "unknown [sources] keys"),
    ('[sources]\nfolders = ["x"]\n', "needs a cron schedule"),
    ('[deployment\n', "not valid TOML"),
])
def test_bad_schedule_files_say_what_to_change(tmp_path, body, message):
    with pytest.raises(ScheduleError, match=message.replace("[", r"\[")):
        load_schedule(_schedule(tmp_path, body))


def test_missing_schedule_file_is_a_one_line_error(tmp_path, capsys):
    assert main(["serve", str(tmp_path / "nope.toml"), "--once"]) == 1
    assert "schedule file not found" in capsys.readouterr().err


@pytest.mark.slow
def test_serve_once_runs_the_configured_sources(tmp_path, capsys):
    part1, _ = write_slices(tmp_path / "input", first=2, second=0)
    path = _schedule(tmp_path, f"""
        [deployment]
        cron = "0 6 * * *"
        [sources]
        files = ["input/{part1.name}"]
        [settings]
        db = "served.duckdb"
        make_report = false
        stage_batch = 2
    """)
    assert main(["serve", str(path), "--once"]) == 0
    assert "corpus run:" in capsys.readouterr().out
    con = store.connect(tmp_path / "served.duckdb", read_only=True)
    try:
        sources = {r[0] for r in con.execute("SELECT source FROM documents").fetchall()}
        done = con.execute("SELECT count(*) FROM stage_done WHERE stage = 'embed'").fetchall()[0][0]
    finally:
        con.close()
    assert sources and all(s.startswith(str(part1)) for s in sources)
    assert done == len(sources)
