"""The corpus pipeline as a Prefect flow: wiring only, every task is one call into
``corpus.pipeline``.

Writing to DuckDB happens only in the flow's process (the ``Run``); the heavy tasks
(extract and embed batches) take documents and return records, so they can run on
Dask workers (``--dask ADDRESS``) as well as here.
"""
from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from corpus import pipeline
from corpus.pipeline import Run, RunSummary, StageStat

# The run's state (stage_done per batch in the working copy) is the cache that lets a
# re-run resume, so Prefect keeps no results of its own.
QUIET = dict(cache_policy=NO_CACHE, persist_result=False, log_prints=False)


@task(name="ingest", retries=1, retry_delay_seconds=10, **QUIET)
def ingest(run: Run, sources: list[str], settings) -> StageStat:
    """Retrying is safe: ingest skips sources it has already stored."""
    return pipeline.ingest_stage(run, sources, settings)


@task(name="extract-batch", retries=1, retry_delay_seconds=5, **QUIET)
def extract_batch(docs: list[dict[str, Any]], settings):
    return pipeline.extract_documents(docs, settings)


@task(name="consolidate", **QUIET)
def consolidate(run: Run, settings) -> StageStat:
    return pipeline.consolidate_stage(run, settings)


@task(name="embed-batch", retries=1, retry_delay_seconds=5, **QUIET)
def embed_batch(docs: list[dict[str, Any]], settings):
    return pipeline.embed_documents(docs, settings)


@task(name="themes", **QUIET)
def themes(run: Run, settings) -> StageStat:
    return pipeline.themes_stage(run, settings)


@task(name="report", **QUIET)
def report(run: Run, settings) -> StageStat:
    return pipeline.report_stage(run, settings)


@flow(name="corpus-run", persist_result=False, log_prints=False)
def corpus_flow(sources: list[str], config: dict[str, Any] | None = None) -> RunSummary:
    """Ingest, extract and relate, consolidate, embed, themes, report; then publish."""
    settings = pipeline.settings_from_params(config)
    with pipeline.task_runner(settings) as runner, Run(settings) as run:
        ingest.with_options(timeout_seconds=pipeline.ingest_timeout(settings))(run, sources, settings)
        run.batches("extract", pipeline.extract_version(),
                    runner.submitter(extract_batch, settings), pipeline.write_extraction,
                    in_flight=runner.in_flight)
        consolidate(run, settings)
        run.batches("embed", pipeline.embed_version(run),
                    runner.submitter(embed_batch, settings), pipeline.write_embeddings,
                    in_flight=runner.in_flight)
        themes(run, settings)
        report(run, settings)
    return run.summary
