"""The heavy stages on a real Dask cluster (two worker processes) give the same rows."""
from __future__ import annotations

import logging

import pytest

from corpus.pipeline import run_pipeline
from test_pipeline import contents, settings_for, write_slices

pytestmark = pytest.mark.slow


def test_dask_cluster_gives_the_same_rows_as_a_local_run(tmp_path):
    distributed = pytest.importorskip("distributed")
    part1, _ = write_slices(tmp_path / "input", first=4, second=0)
    local = run_pipeline([str(part1)], settings_for(tmp_path / "local.duckdb", make_report=False))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        on_dask = run_pipeline([str(part1)], settings_for(
            tmp_path / "dask.duckdb", make_report=False, dask_address=cluster.scheduler_address))
        with distributed.Client(cluster) as client:
            # the batches really ran in the worker processes
            assert client.run(lambda: __import__("sys").modules.get("corpus.extract") is not None)
            workers_used = [w for w, loaded in client.run(
                lambda: "corpus.extract" in __import__("sys").modules).items() if loaded]
    assert workers_used, "no Dask worker ran an extract batch"
    assert on_dask.stage("extract").documents == local.stage("extract").documents > 0
    assert on_dask.stage("embed").batches == local.stage("embed").batches >= 2
    assert contents(tmp_path / "dask.duckdb") == contents(tmp_path / "local.duckdb")
