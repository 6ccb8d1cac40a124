"""Passages per second of corpus's embed path against a bare SentenceTransformer.encode.

Ours = select pending documents, chunk, encode, write FLOAT[384] rows to a DuckDB file
and mark the documents done (corpus.embed.embed_pending). Bare = model.encode on the
very same passage texts with the same batch size, in the same process. The model is
warmed up first; the order of the two runs is alternated by --order.

    python3 benchmarks/bench_embed.py [--limit N] [--db PATH]

The DuckDB file it leaves (default data/processed/bench/bbc.duckdb) is reused by
bench_themes.py, so the 2,225 BBC articles are embedded once.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bbc import bbc_articles  # noqa: E402

from corpus import store  # noqa: E402
from corpus.config import load_settings  # noqa: E402
from corpus.embed import embed_pending, make_chunks  # noqa: E402
from corpus.nlp import load_embedder  # noqa: E402

DEFAULT_DB = Path("data/processed/bench/bbc.duckdb")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only N articles")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--order", choices=["bare-first", "ours-first"], default="bare-first")
    args = parser.parse_args()

    settings = load_settings(db=args.db)
    docs, _ = bbc_articles(args.limit)
    if args.db.exists():
        args.db.unlink()
    con = store.connect(args.db)
    store.write_documents(con, docs)

    model = load_embedder(settings)
    texts = [c.text for d in docs for c in make_chunks(d.doc_id, d.text, settings)]
    model.encode(texts[:64], batch_size=settings.embed_batch, normalize_embeddings=True)

    def bare() -> float:
        start = time.perf_counter()
        model.encode(texts, batch_size=settings.embed_batch, normalize_embeddings=True,
                     convert_to_numpy=True, show_progress_bar=False)
        return time.perf_counter() - start

    def ours() -> float:
        start = time.perf_counter()
        done = embed_pending(con, settings)
        elapsed = time.perf_counter() - start
        assert done == len(docs), (done, len(docs))
        return elapsed

    runs = [("bare", bare), ("ours", ours)]
    if args.order == "ours-first":
        runs.reverse()
    seconds = {name: run() for name, run in runs}
    n_stored = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
    con.close()

    n = len(texts)
    print(f"articles: {len(docs)}  passages: {n} (stored {n_stored})  "
          f"threads: {os.cpu_count()} cpu")
    for name in ("bare", "ours"):
        print(f"{name:>5}: {seconds[name]:8.1f} s  {n / seconds[name]:8.1f} passages/s")
    overhead = seconds["ours"] / seconds["bare"] - 1
    print(f"overhead of chunking + DuckDB storage: {overhead:+.1%} (target < 15%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
