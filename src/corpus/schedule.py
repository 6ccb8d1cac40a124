"""`corpus serve`: the pipeline as a scheduled Prefect deployment.

A TOML file names the schedule and the sources (see ``schedule.example.toml``)::

    [deployment]
    name = "daily"
    cron = "0 6 * * *"
    timezone = "UTC"

    [sources]
    feeds = ["https://www.justice.gov/news/rss?m=1"]
    urls = []
    folders = ["data/raw"]

    [settings]            # any corpus setting; wins over corpus.toml and --db
    db = "data/processed/corpus.duckdb"

``serve`` registers the deployment with the Prefect API (a server started with
``prefect server start``, or Prefect Cloud) and runs each scheduled flow run;
``once`` runs the configured sources a single time, here, and returns.
"""
from __future__ import annotations

import dataclasses
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.config import Settings
from corpus.pipeline import quiet_prefect

quiet_prefect()     # before anything imports prefect

SOURCE_KINDS = ("feeds", "urls", "folders", "files")


class ScheduleError(ValueError):
    """The schedule file cannot be used; the message says what to change."""


@dataclass(frozen=True)
class ScheduleConfig:
    name: str
    cron: str
    timezone: str
    sources: list[str]
    settings: dict[str, Any] = field(default_factory=dict)
    description: str = ""


def _check_cron(cron: str, timezone: str) -> None:
    """Prefect's own cron and time-zone validation, turned into a plain message."""
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron, timezone=timezone)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        errors = getattr(exc, "errors", lambda: [])()
        detail = "; ".join(str(e.get("msg", "")) for e in errors) or str(exc)
        raise ScheduleError(f"schedule cron {cron!r} / timezone {timezone!r} is not usable: "
                            f"{detail} (cron has five fields: minute hour day-of-month "
                            "month day-of-week)") from None


def load_schedule(path: Path) -> ScheduleConfig:
    """Read and check a schedule file; relative paths are taken from the file's folder."""
    path = Path(path)
    if not path.is_file():
        raise ScheduleError(f"schedule file not found: {path} (copy schedule.example.toml)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScheduleError(f"{path} is not valid TOML: {exc}") from None
    deployment = data.get("deployment", {})
    cron = str(deployment.get("cron", "")).strip()
    if not cron:
        raise ScheduleError(f"{path}: [deployment] needs a cron schedule, e.g. cron = \"0 6 * * *\"")
    timezone = str(deployment.get("timezone", "UTC"))
    _check_cron(cron, timezone)
    base = path.resolve().parent
    sources: list[str] = []
    section = data.get("sources", {})
    unknown = set(section) - set(SOURCE_KINDS)
    if unknown:
        raise ScheduleError(f"{path}: unknown [sources] keys {sorted(unknown)}; "
                            f"use {', '.join(SOURCE_KINDS)}")
    for kind in SOURCE_KINDS:
        for item in section.get(kind, []):
            item = str(item)
            if kind in ("folders", "files") and "://" not in item:
                item = str((base / item).resolve()) if not Path(item).is_absolute() else item
            sources.append(item)
    if not sources:
        raise ScheduleError(f"{path}: [sources] lists no feeds, urls, folders or files")
    settings = dict(data.get("settings", {}))
    known = {f.name for f in dataclasses.fields(Settings)}
    for key in ("db", "report_dir"):
        if key in settings and not Path(settings[key]).is_absolute():
            settings[key] = str((base / settings[key]).resolve())
    extra = {k: v for k, v in settings.items() if k not in known}
    settings = {k: v for k, v in settings.items() if k in known}
    if extra:
        settings["extra"] = extra
    return ScheduleConfig(name=str(deployment.get("name", "corpus")), cron=cron,
                          timezone=timezone, sources=sources,
                          settings=settings, description=str(deployment.get("description", "")))


def apply_settings(settings: Settings, config: ScheduleConfig) -> Settings:
    """The run's settings: the command line's, then the schedule file's [settings]."""
    from corpus.pipeline import settings_from_params, settings_to_params

    params = settings_to_params(settings)
    for key, value in config.settings.items():
        params[key] = {**params.get("extra", {}), **value} if key == "extra" else value
    out = settings_from_params(params)
    return out.replace(db=Path(out.db).resolve(), report_dir=Path(out.report_dir).resolve())


def build_deployment(config: ScheduleConfig, settings: Settings) -> Any:
    """The Prefect deployment of the pipeline flow with the schedule and sources."""
    from prefect.schedules import Cron

    from corpus.pipeline import load_flows_module, quiet_prefect, settings_to_params

    quiet_prefect()
    flows = load_flows_module()
    return flows.corpus_flow.to_deployment(
        name=config.name,
        schedule=Cron(config.cron, timezone=config.timezone),
        parameters={"sources": config.sources, "config": settings_to_params(settings)},
        description=config.description or f"corpus run over {len(config.sources)} sources",
        tags=["corpus"],
        concurrency_limit=1,          # one writer: never two scheduled runs at once
    )


def serve(settings: Settings, schedule_file: Path, once: bool = False) -> int:
    """Serve the scheduled pipeline (blocks), or with ``once`` run it a single time."""
    config = load_schedule(schedule_file)
    settings = apply_settings(settings, config)
    if once:
        from corpus.pipeline import run_pipeline

        summary = run_pipeline(config.sources, settings)
        print(summary.format())
        return 0
    from prefect import serve as prefect_serve

    deployment = build_deployment(config, settings)
    print(f"serving deployment corpus-run/{config.name}: cron {config.cron!r} "
          f"({config.timezone}), {len(config.sources)} sources, database {settings.db}",
          file=sys.stderr)
    prefect_serve(deployment, print_starting_message=False)
    return 0
