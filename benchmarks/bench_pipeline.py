"""Whole-pipeline benchmark: our overhead as a ratio to the bare libraries, memory
as the corpus grows, and the cost of a re-run that finds nothing new.

    python3 benchmarks/bench_pipeline.py                    # dev.jsonl (or data/raw records), x1
    python3 benchmarks/bench_pipeline.py --scale 10         # plus a synthetic x10 corpus
    python3 benchmarks/bench_pipeline.py --limit 200        # a quick look on 200 records

Each measured thing runs in its own child process, so its peak memory (RSS, sampled
with psutil every 0.2 s) is its own:

- ``corpus run`` (the Prefect flow, no report) on the corpus into a fresh database:
  per stage documents/s, words/s, wall time and peak RSS;
- the same work done by the bare libraries, reading the inputs back from that
  database: spaCy ``nlp.pipe`` over the kept documents' texts, SentenceTransformer
  ``encode`` over the stored passages, and a DuckDB bulk insert of every row the run
  stored (model loading is counted on both sides);
- the same ``corpus run`` again (nothing changed): its time as a share of the first.

Targets on a 2-core machine: the whole run within 1.5x the sum of the bare
libraries; peak RSS within 20% from x1 to x10; a no-change re-run under 5%.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
DEV_JSONL = REPO.parent / "shared" / "corpus" / "press-releases" / "dev.jsonl"
SAMPLE = REPO / "data" / "raw" / "press-releases.jsonl"
TABLES = ("documents", "rejected", "entities", "mentions", "date_mentions", "relations",
          "chunks", "themes", "document_themes", "stage_done")


# ---------------------------------------------------------------- child processes

def child_run(sources: list[str], db: str, out: str) -> None:
    from corpus.config import load_settings
    from corpus.pipeline import run_pipeline

    started = time.perf_counter()
    summary = run_pipeline(sources, load_settings(db=Path(db), make_report=False, quiet=True))
    result = {"seconds": summary.seconds, "process_seconds": time.perf_counter() - started,
              "stages": [vars(s) | {"name": s.name} for s in summary.stages],
              "counts": summary.counts}
    Path(out).write_text(json.dumps(result, default=str), encoding="utf-8")


def child_bare(kind: str, db: str, out: str) -> None:
    import duckdb

    from corpus.config import load_settings

    settings = load_settings()
    con = duckdb.connect(db, read_only=True)
    result: dict = {}
    if kind == "spacy":
        texts = [r[0] for r in con.execute(
            "SELECT text FROM documents WHERE duplicate_of IS NULL ORDER BY doc_id").fetchall()]
        con.close()
        started = time.perf_counter()
        from corpus.extract import pipeline

        nlp = pipeline(settings)[0]
        for _ in nlp.pipe(texts, batch_size=settings.nlp_batch):
            pass
        result = {"documents": len(texts), "words": sum(len(t.split()) for t in texts)}
    elif kind == "encode":
        rows = con.execute("SELECT doc_id, text FROM chunks ORDER BY doc_id, start_char").fetchall()
        con.close()
        texts = [r[1] for r in rows]
        started = time.perf_counter()
        from corpus.nlp import load_embedder

        model = load_embedder(settings)
        model.encode(texts, batch_size=settings.embed_batch, normalize_embeddings=True,
                     show_progress_bar=False)
        result = {"documents": len({r[0] for r in rows}),
                  "words": sum(len(t.split()) for t in texts), "passages": len(texts)}
    elif kind == "duckdb":
        tables = {t: con.sql(f"SELECT * FROM {t}").to_arrow_table() for t in TABLES}
        schemas = {t: con.execute(
            "SELECT sql FROM duckdb_tables() WHERE table_name = ?", [t]).fetchall()[0][0]
            for t in TABLES}
        con.close()
        target = Path(out).with_suffix(".duckdb")
        fresh = duckdb.connect(str(target))
        for t in TABLES:
            fresh.execute(schemas[t])
        started = time.perf_counter()
        for t, table in tables.items():
            fresh.register("_rows", table)
            fresh.execute(f"INSERT INTO {t} SELECT * FROM _rows")
            fresh.unregister("_rows")
        fresh.execute("CHECKPOINT")
        fresh.close()
        result = {"documents": tables["documents"].num_rows,
                  "rows": sum(t.num_rows for t in tables.values())}
    result["seconds"] = time.perf_counter() - started
    Path(out).write_text(json.dumps(result), encoding="utf-8")


# ---------------------------------------------------------------- measuring

def measured(args: list[str], env: dict[str, str]) -> tuple[dict, list[tuple[float, float]], float]:
    """Run a child; return its JSON result, (time, RSS MB) samples and wall seconds."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = fh.name
    started = time.time()
    child = subprocess.Popen([sys.executable, __file__, *args, "--child-out", out], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, float]] = []
    proc = psutil.Process(child.pid)

    def sample() -> None:
        while child.poll() is None:
            try:
                samples.append((time.time(), proc.memory_info().rss / 2**20))
            except psutil.Error:
                break
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = child.communicate()
    sampler.join()
    wall = time.time() - started
    if child.returncode != 0:
        raise SystemExit(f"child {args[:2]} failed:\n{err[-3000:]}")
    return json.loads(Path(out).read_text(encoding="utf-8")), samples, wall


def peak(samples: list[tuple[float, float]], start: float = 0, end: float = float("inf")) -> float:
    inside = [m for t, m in samples if start <= t <= end]
    return max(inside) if inside else float("nan")


def rate(n: float, seconds: float) -> str:
    return f"{n / seconds:9.1f}" if n and seconds > 0 else f"{'-':>9}"


def bench(corpus: Path, label: str, workdir: Path, env: dict[str, str], *,
          bare: bool = True, rerun: bool = True) -> dict:
    db = workdir / f"bench-{label}.duckdb"
    for suffix in ("", ".work", ".wal", ".work.wal", ".lock", ".work.base"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    print(f"\n== {label}: {corpus} ==", flush=True)
    run, samples, wall = measured(["--child-run", str(corpus), "--db", str(db)], env)
    n_words_total = 0
    print(f"{'step':<26}{'docs':>8}{'words':>10}{'wall s':>9}{'docs/s':>9}{'words/s':>10}"
          f"{'peak MB':>9}")
    for s in run["stages"]:
        end = s["started_at"] + s["seconds"]
        words = s["words"]
        if s["name"] == "ingest":
            import duckdb
            con = duckdb.connect(str(db), read_only=True)
            words = con.execute("SELECT coalesce(sum(n_words), 0) FROM documents").fetchall()[0][0]
            con.close()
            n_words_total = words
        print(f"  {s['name']:<24}{s['documents']:>8}{words:>10}{s['seconds']:>9.1f}"
              f"{rate(s['documents'], s['seconds'])}{rate(words, s['seconds'])}"
              f"{peak(samples, s['started_at'], end):>9.0f}")
    print(f"  {'whole run (in flow)':<24}{'':>8}{n_words_total:>10}{run['seconds']:>9.1f}"
          f"{'':>9}{rate(n_words_total, run['seconds'])}{peak(samples):>9.0f}")
    print(f"  {'whole process':<24}{'':>8}{'':>10}{wall:>9.1f}")
    bare_total = 0.0
    kinds = (("spacy", "bare spaCy nlp.pipe"), ("encode", "bare ST.encode"),
             ("duckdb", "bare DuckDB bulk insert"))
    for kind, name in kinds if bare else ():
        result, bare_samples, _ = measured(["--child-bare", kind, "--db", str(db)], env)
        bare_total += result["seconds"]
        words = result.get("words", 0)
        print(f"  {name:<24}{result['documents']:>8}{words:>10}{result['seconds']:>9.1f}"
              f"{rate(result['documents'], result['seconds'])}{rate(words, result['seconds'])}"
              f"{peak(bare_samples):>9.0f}")
    if bare:
        print(f"  {'sum of bare libraries':<24}{'':>18}{bare_total:>9.1f}")
        print(f"  overhead: whole run / bare = {run['seconds'] / bare_total:.2f}x "
              f"(whole process {wall / bare_total:.2f}x; target <= 1.5x)")
    if rerun:
        rerun_figures(corpus, db, env, run, wall)
    print(f"  rows: {run['counts']}")
    return {"peak_mb": peak(samples), "seconds": run["seconds"], "bare": bare_total}


def rerun_figures(corpus: Path, db: Path, env: dict[str, str], run: dict, wall: float) -> None:
    rerun, _, rerun_wall = measured(["--child-run", str(corpus), "--db", str(db)], env)
    print(f"  no-change re-run: {rerun['seconds']:.1f} s in flow = "
          f"{100 * rerun['seconds'] / run['seconds']:.1f}% of the full run; whole process "
          f"{rerun_wall:.1f} s = {100 * rerun_wall / wall:.1f}% (target < 5%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=DEV_JSONL if DEV_JSONL.exists() else SAMPLE)
    parser.add_argument("--scale", type=int, default=1, help="also run a synthetic xN corpus")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N records")
    parser.add_argument("--scale-only", action="store_true",
                        help="for the xN corpus measure the run only (no bare libraries, no re-run)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "corpus-bench")
    parser.add_argument("--child-run", dest="child_run")
    parser.add_argument("--child-bare", dest="child_bare")
    parser.add_argument("--child-out", dest="child_out")
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.child_run:
        return child_run([args.child_run], args.db, args.child_out)
    if args.child_bare:
        return child_bare(args.child_bare, args.db, args.child_out)

    sys.path.insert(0, str(REPO / "benchmarks"))
    from synth import write_scaled

    args.workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(args.workdir / "prefect"))
    corpus = args.input
    if args.limit:
        corpus = args.workdir / f"input-{args.limit}.jsonl"
        with args.input.open(encoding="utf-8") as src, corpus.open("w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= args.limit:
                    break
                dst.write(line)
    print(f"corpus benchmark on {os.cpu_count()} cores; input {corpus}")
    x1 = bench(corpus, "x1", args.workdir, env)
    if args.scale > 1:
        scaled = args.workdir / f"{corpus.stem}-x{args.scale}.jsonl"
        write_scaled(corpus, scaled, args.scale)
        xn = bench(scaled, f"x{args.scale}", args.workdir, env,
                   bare=not args.scale_only, rerun=not args.scale_only)
        print(f"\npeak RSS x1 {x1['peak_mb']:.0f} MB, x{args.scale} {xn['peak_mb']:.0f} MB: "
              f"{100 * (xn['peak_mb'] / x1['peak_mb'] - 1):+.0f}% (target within 20%); "
              f"time x{args.scale}/x1 = {xn['seconds'] / x1['seconds']:.1f}")


if __name__ == "__main__":
    main()
