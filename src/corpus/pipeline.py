"""The whole pipeline as one run: what the Prefect flow in ``flows/pipeline.py`` calls.

The flow is wiring only; the work of each step lives here as a plain function:

- a :class:`Run` owns the writer lock, the working copy of the database (see
  :mod:`corpus.publish`) and the summary; only the process that holds it writes;
- document stages (extract, embed) go over *pending* documents in batches of
  ``settings.stage_batch``: a batch is read from DuckDB, computed by a task (in
  this process or on a Dask worker) that returns records, and written here, one
  transaction per batch, so an interrupted run resumes at the first batch that
  was not written and memory stays flat however large the corpus;
- corpus-wide stages (consolidate, themes, report) run only when their input
  changed (a flag kept in the database, so a crash does not lose it).
"""
from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import os
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from corpus import store
from corpus.config import Settings
from corpus.publish import WorkingCopy
from corpus.records import Extraction, Rejection
from corpus.store import pipeline as pipeline_store

REPO = Path(__file__).resolve().parents[2]

# Quiet defaults for Prefect's own logging and its throw-away local API server;
# a user's environment wins.
PREFECT_QUIET = {
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # a busy machine can take longer than Prefect's 20 s to start the local API
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}


class StageFailed(RuntimeError):
    """A step of the run failed as a whole (not one document: those are rejected)."""


# ---------------------------------------------------------------- the summary

@dataclass
class StageStat:
    """What one step of a run did."""

    name: str
    documents: int = 0
    words: int = 0
    seconds: float = 0.0
    batches: int = 0
    skipped: bool = False
    note: str = ""
    started_at: float = 0.0          # wall clock (time.time()) when the step began


@dataclass
class RunSummary:
    db: Path
    stages: list[StageStat] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    resumed: bool = False
    report: Path | None = None

    def stage(self, name: str) -> StageStat:
        for stat in self.stages:
            if stat.name == name:
                return stat
        raise KeyError(name)

    def format(self) -> str:
        lines = [f"corpus run: {self.db} in {self.seconds:.1f} s"
                 + (" (resumed an interrupted run)" if self.resumed else "")]
        lines.append(f"  {'stage':<12}{'documents':>10}{'seconds':>9}{'docs/s':>9}  note")
        for s in self.stages:
            rate = f"{s.documents / s.seconds:9.1f}" if s.documents and s.seconds > 0 else " " * 9
            note = "skipped, nothing changed" if s.skipped else s.note
            lines.append(f"  {s.name:<12}{s.documents:>10}{s.seconds:>9.1f}{rate}  {note}".rstrip())
        lines.append("  tables: " + ", ".join(
            f"{t} {n}" + (f" (+{self.added[t]})" if self.added.get(t) else "")
            for t, n in self.counts.items()))
        if self.report:
            lines.append(f"  report: {self.report}")
        return "\n".join(lines)


# ---------------------------------------------------------------- settings across processes

def settings_to_params(settings: Settings) -> dict[str, Any]:
    """Settings as JSON values (flow parameters are stored by the Prefect API)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        value = getattr(settings, f.name)
        if isinstance(value, Path):
            value = str(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def settings_from_params(params: dict[str, Any] | None) -> Settings:
    base = Settings()
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        if not params or f.name not in params or params[f.name] is None:
            continue
        value, default = params[f.name], getattr(base, f.name)
        if isinstance(default, Path):
            value = Path(value)
        elif isinstance(default, tuple):
            value = tuple(value)
        values[f.name] = value
    return dataclasses.replace(base, **values)


# ---------------------------------------------------------------- progress

class Progress:
    """Per-stage counts on stderr: a tqdm bar on a terminal, plain lines otherwise."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._bar: Any = None
        self._stage = ""

    def say(self, message: str) -> None:
        if self.enabled:
            print(message, file=sys.stderr, flush=True)

    def update(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self._stage or self._bar is None:
            self.close()
            from tqdm import tqdm

            self._stage = stage
            self._bar = tqdm(total=total or None, desc=f"{stage:<11}", unit="doc",
                             file=sys.stderr, leave=False, mininterval=1.0,
                             disable=not sys.stderr.isatty())
            self._last = 0
        if total and self._bar.total != total:
            self._bar.total = total
        self._bar.update(max(0, done - self._last))
        self._last = done
        if not sys.stderr.isatty():
            self.say(f"  {stage}: {done}/{total}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            self._stage = ""


# ---------------------------------------------------------------- the run

class Run:
    """One writer's run: lock, working copy, summary; publishes on success."""

    def __init__(self, settings: Settings, *, progress: Progress | None = None) -> None:
        self.settings = settings
        self.progress = progress or Progress(enabled=not settings.extra.get("quiet", False))
        self.copy = WorkingCopy(Path(settings.db), embedding_dim=settings.embedding_dim)
        self.summary = RunSummary(db=Path(settings.db))
        self._started = time.perf_counter()
        self._before: dict[str, int] = {}
        self.failed_after_publish: str | None = None

    @property
    def con(self) -> store.Connection:
        assert self.copy.con is not None, "the run is not open"
        return self.copy.con

    def __enter__(self) -> "Run":
        self.copy.open()
        try:
            self.summary.resumed = self.copy.resumed
            self._before = store.table_counts(self.con)
            pipeline_store.finish_results(self.con)
        except BaseException:
            self.copy.close()
            raise
        if self.copy.resumed:
            self.progress.say(f"resuming the interrupted run in {self.copy.path}")
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.progress.close()
        try:
            if exc_type is None:
                counts = store.table_counts(self.con)
                self.summary.counts = counts
                self.summary.added = {t: n - self._before.get(t, 0) for t, n in counts.items()}
                self.copy.publish()
                self.summary.seconds = time.perf_counter() - self._started
        finally:
            self.copy.close()
        if exc_type is None and self.failed_after_publish:
            raise StageFailed(self.failed_after_publish)

    def record(self, stat: StageStat) -> StageStat:
        self.summary.stages.append(stat)
        if stat.skipped:
            self.progress.say(f"{stat.name}: nothing changed")
        else:
            self.progress.say(f"{stat.name}: {stat.documents} documents in {stat.seconds:.1f} s"
                              + (f" ({stat.note})" if stat.note else ""))
        return stat

    # -- document stages, batch by batch -------------------------------------------------

    def batches(self, stage: str, version: str,
                submit: Callable[[list[dict[str, Any]]], Any],
                write: Callable[[store.Connection, list[dict[str, Any]], Any], None],
                *, in_flight: int = 1) -> StageStat:
        """Run ``stage`` over every pending document; ``submit(docs)`` returns the batch's
        result or a future of it; ``write`` stores it here (the only writer)."""
        started = time.perf_counter()
        stat = StageStat(stage, started_at=time.time())
        total = store.count_pending(self.con, stage, version)
        pipeline_store.finish_results(self.con)
        queue: deque[tuple[list[dict[str, Any]], Any]] = deque()
        after = ""
        self.progress.update(stage, 0, total)
        while True:
            while len(queue) < max(1, in_flight):
                docs = pipeline_store.pending_after(self.con, stage, version, after,
                                                    self.settings.stage_batch)
                if not docs:
                    break
                after = docs[-1]["doc_id"]
                queue.append((docs, submit(docs)))
            if not queue:
                break
            docs, pending = queue.popleft()
            result = pending.result() if hasattr(pending, "result") else pending
            pipeline_store.finish_results(self.con)
            write(self.con, docs, result)
            stat.documents += len(docs)
            stat.words += sum(len((d.get("text") or "").split()) for d in docs)
            stat.batches += 1
            self.progress.update(stage, stat.documents, total)
        stat.seconds = time.perf_counter() - started
        if stat.documents:
            stat.note = f"{stat.batches} batches"
        return self.record(stat)

    # -- corpus-wide stages, only when their input changed ----------------------------------

    def changed(self, *stages: str) -> None:
        pipeline_store.mark_inputs_changed(self.con, stages)

    def corpus_step(self, stage: str, version: str, step: Callable[[], Any],
                    *, also_when: bool = False) -> StageStat:
        """Run a corpus-wide step if its input changed (or ``also_when``)."""
        started, started_at = time.perf_counter(), time.time()
        if not (also_when or pipeline_store.needs_run(self.con, stage, version)):
            return self.record(StageStat(stage, skipped=True))
        pipeline_store.finish_results(self.con)
        result = step()
        pipeline_store.finish_results(self.con)
        pipeline_store.mark_ran(self.con, stage, version)
        stat = StageStat(stage, seconds=time.perf_counter() - started, started_at=started_at)
        if isinstance(result, int):
            stat.note = f"{result} rows changed"
        elif isinstance(result, Path):
            stat.note = str(result)
        elif result is not None and hasattr(result, "format"):
            stat.note = str(result.format()).splitlines()[0]
        return self.record(stat)


# ---------------------------------------------------------------- the steps (one call each)

def ingest_stage(run: Run, sources: Sequence[str], settings: Settings) -> StageStat:
    from corpus.ingest import ingest_sources

    started, started_at = time.perf_counter(), time.time()
    summary = ingest_sources(run.con, list(sources), settings, progress=run.progress.update)
    added = int(getattr(summary, "documents_added", 0) or 0)
    rejected = int(getattr(summary, "rejected", 0) or 0)
    if added or rejected:
        run.changed("consolidate", "themes", "report")
    note = summary.format().splitlines()[0] if hasattr(summary, "format") else ""
    return run.record(StageStat("ingest", documents=added, note=note, started_at=started_at,
                                seconds=time.perf_counter() - started))


def ingest_timeout(settings: Settings) -> float | None:
    """Prefect's time limit on the ingest step (``ingest_timeout_s`` in the config)."""
    value = settings.extra.get("ingest_timeout_s")
    return float(value) if value else None


def extract_version() -> str:
    """What made a document's entities and relations: a change to any part reprocesses it."""
    from corpus.extract import EXTRACT_VERSION
    from corpus.knowledge import DATA_DIR
    from corpus.relate import RELATE_VERSION, pairs

    kb = (DATA_DIR / "VERSION").read_text(encoding="utf-8").strip()
    return f"{EXTRACT_VERSION}+relate{RELATE_VERSION}.{pairs.model_fingerprint()}+{kb}"


def _doc_label(doc: dict[str, Any]) -> str:
    return f"{doc.get('url') or doc.get('source')} (document {doc['doc_id']})"


def _isolate(docs: list[dict[str, Any]], work: Callable[[list[dict[str, Any]]], Any],
             stage: str) -> tuple[list[Any], list[Rejection], list[str]]:
    """Run ``work`` on the batch; when it fails, split the batch to find the documents
    that break it and reject those (with the error), so one bad document never fails a
    run. When two different documents fail alone with the batch's very error, the fault
    is not in the documents (a broken model or knowledge base): the step fails instead
    of rejecting the whole corpus."""
    try:
        return [work(docs)], [], []
    except _FATAL:
        raise
    except Exception as exc:
        if len(docs) > 1 and _fails_alike(work, docs[0], exc) and _fails_alike(work, docs[-1], exc):
            raise StageFailed(f"the {stage} step fails on every document: "
                              f"{exc.__class__.__name__}: {exc}") from exc
        return _bisect(docs, work, stage)


_FATAL = (KeyboardInterrupt, SystemExit, MemoryError)


def _fails_alike(work: Callable[[list[dict[str, Any]]], Any], doc: dict[str, Any],
                 error: Exception) -> bool:
    try:
        work([doc])
    except _FATAL:
        raise
    except Exception as exc:
        return type(exc) is type(error) and str(exc) == str(error)
    return False


def _bisect(docs: list[dict[str, Any]], work: Callable[[list[dict[str, Any]]], Any],
            stage: str) -> tuple[list[Any], list[Rejection], list[str]]:
    try:
        return [work(docs)], [], []
    except _FATAL:
        raise
    except Exception as exc:
        if len(docs) == 1:
            reason = f"the {stage} step failed on this document: {exc.__class__.__name__}: {exc}"
            return [], [Rejection(_doc_label(docs[0]), stage, reason[:500])], [docs[0]["doc_id"]]
        middle = len(docs) // 2
        left = _bisect(docs[:middle], work, stage)
        right = _bisect(docs[middle:], work, stage)
        return left[0] + right[0], left[1] + right[1], left[2] + right[2]


def extract_documents(docs: list[dict[str, Any]], settings: Settings) -> Extraction:
    """The extract (and relate) work of one batch; pure, runs on any worker."""
    from corpus.extract import extract_batch

    merged = Extraction()
    # parsed spaCy documents are large: parse nlp_batch documents at a time, so memory
    # is bounded by that, not by the task's stage_batch; only the small records stay
    step = max(1, int(settings.nlp_batch))
    parts: list[Extraction] = []
    for start in range(0, len(docs), step):
        done, rejections, failed = _isolate(docs[start:start + step],
                                            lambda d: extract_batch(d, settings), "extract")
        parts += done
        merged.rejections += rejections
        merged.done_doc_ids += failed
    for part in parts:
        merged.entities += part.entities
        merged.mentions += part.mentions
        merged.dates += part.dates
        merged.relations += part.relations
        merged.rejections += part.rejections
        merged.done_doc_ids += part.done_doc_ids
    return merged


def write_extraction(con: store.Connection, docs: list[dict[str, Any]],
                     extraction: Extraction) -> None:
    done = set(extraction.done_doc_ids)
    # a document the extractor gave nothing for is still done at this version
    extraction.done_doc_ids = list(extraction.done_doc_ids) + [
        d["doc_id"] for d in docs if d["doc_id"] not in done]
    store.write_extraction(con, extraction, stage="extract", version=extract_version())
    pipeline_store.mark_inputs_changed(con, ("consolidate", "report"))


@dataclass
class EmbeddedBatch:
    chunks: list[Any]
    rejections: list[Rejection]


def embed_documents(docs: list[dict[str, Any]], settings: Settings) -> EmbeddedBatch:
    """Passages and vectors of one batch; pure, runs on any worker."""
    from corpus.embed import embed_batch

    parts, rejections, _ = _isolate(docs, lambda d: embed_batch(d, settings), "embed")
    return EmbeddedBatch([c for part in parts for c in part], rejections)


def write_embeddings(con: store.Connection, docs: list[dict[str, Any]],
                     batch: EmbeddedBatch) -> None:
    from corpus.embed import EMBED_VERSION
    from corpus.store import vectors

    vectors.store_embedded(con, [d["doc_id"] for d in docs], batch.chunks, EMBED_VERSION)
    store.write_rejections(con, batch.rejections)
    pipeline_store.mark_inputs_changed(con, ("themes", "report"))


def embed_version(run: Run) -> str:
    """The embedding version; forgets vectors of another model first."""
    from corpus.embed import EMBED_VERSION
    from corpus.store import vectors

    if vectors.forget_other_model(run.con, run.settings.embedding_model):
        run.changed("themes", "report")
    return EMBED_VERSION


def consolidate_stage(run: Run, settings: Settings) -> StageStat:
    from corpus.extract import consolidate

    return run.corpus_step("consolidate", extract_version(), lambda: consolidate(run.con, settings))


def themes_stage(run: Run, settings: Settings) -> StageStat:
    from corpus.themes import THEMES_VERSION, update_themes

    def step() -> Any:
        result = update_themes(run.con, settings)
        run.changed("report")
        return result

    return run.corpus_step("themes", THEMES_VERSION, step)


def report_stage(run: Run, settings: Settings) -> StageStat:
    """The HTML report; when it fails, the data is still published and the run then
    ends with the report's error."""
    if not settings.make_report:
        return run.record(StageStat("report", skipped=True, note="--no-report"))
    from corpus.report import build_report

    out = Path(settings.report_dir)
    version = str(getattr(importlib.import_module("corpus.report"), "REPORT_VERSION", "1"))
    try:
        stat = run.corpus_step("report", version, lambda: build_report(run.con, out, settings),
                               also_when=not (out / "index.html").exists())
    except Exception as exc:
        run.failed_after_publish = f"the report failed (the database was published): {exc}"
        return run.record(StageStat("report", note=f"failed: {exc.__class__.__name__}"))
    run.summary.report = out / "index.html"
    return stat


# ---------------------------------------------------------------- where heavy tasks run

class LocalTasks:
    """Heavy tasks run in this process, one batch at a time."""

    in_flight = 1

    def submitter(self, task: Any, settings: Settings) -> Callable[[list[dict[str, Any]]], Any]:
        return lambda docs: task(docs, settings)


class DaskTasks:
    """Heavy tasks run on a Dask cluster through prefect-dask; a few batches per
    worker thread are in flight so workers never wait for the writer."""

    def __init__(self, address: str) -> None:
        from prefect_dask import DaskTaskRunner

        self.runner = DaskTaskRunner(address=address)
        self.in_flight = 2

    def __enter__(self) -> "DaskTasks":
        self.runner.__enter__()
        try:
            threads = sum(self.runner.client.nthreads().values())
        except Exception:
            threads = 1
        self.in_flight = max(2, 2 * threads)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.runner.__exit__(*exc)

    def submitter(self, task: Any, settings: Settings) -> Callable[[list[dict[str, Any]]], Any]:
        module = sys.modules.get(getattr(task.fn, "__module__", ""))
        if module is not None and not module.__name__.startswith("corpus"):
            # the flow file is not installed on the workers: send its code along
            import cloudpickle

            cloudpickle.register_pickle_by_value(module)
        return lambda docs: self.runner.submit(task, parameters={"docs": docs,
                                                                 "settings": settings})


class _NoContext:
    def __init__(self, value: Any) -> None:
        self.value = value

    def __enter__(self) -> Any:
        return self.value

    def __exit__(self, *exc: Any) -> None:
        return None


def task_runner(settings: Settings) -> Any:
    """Where the heavy tasks run: ``settings.dask_address`` or this process."""
    if settings.dask_address:
        return DaskTasks(settings.dask_address)
    return _NoContext(LocalTasks())


# ---------------------------------------------------------------- the entry point

def load_flows_module() -> Any:
    """``flows/pipeline.py`` of this checkout (the flows folder is not a package that
    gets installed); shipped to Dask workers by value, so workers need only ``corpus``."""
    name = "flows.pipeline"
    if name in sys.modules:
        return sys.modules[name]
    path = REPO / "flows" / "pipeline.py"
    if not path.exists():
        raise StageFailed(f"the Prefect flow file {path} is missing")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    import cloudpickle

    cloudpickle.register_pickle_by_value(module)
    return module


def quiet_prefect() -> None:
    """Prefect reads its settings when it is first imported: call this before."""
    for key, value in PREFECT_QUIET.items():
        os.environ.setdefault(key, value)


quiet_prefect()


def run_pipeline(sources: Sequence[str], settings: Settings) -> RunSummary:
    """The whole pipeline as one Prefect flow run (a local, throw-away Prefect API)."""
    quiet_prefect()
    flows = load_flows_module()
    return flows.corpus_flow(list(map(str, sources)), settings_to_params(settings))
