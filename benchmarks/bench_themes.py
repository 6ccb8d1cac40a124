"""Theme quality and speed on the BBC News set: corpus.themes against BERTopic.

Both cluster the SAME document vectors (the unit-length mean of each article's
passage vectors, from corpus's own embed stage) and both label their clusters with
class-based TF-IDF; the figures are NMI and ARI against the 5 editorial topics and
wall time of the clustering + labelling step. BERTopic runs with its defaults (UMAP
5-d + HDBSCAN), UMAP seeded for reproducibility; its "-1" outliers count as one
cluster, as a user would get them.

    python3 benchmarks/bench_embed.py      # once: embeds the articles into a DuckDB file
    python3 benchmarks/bench_themes.py [--db PATH] [--skip-bertopic]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from bbc import bbc_articles  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402

from corpus import store  # noqa: E402
from corpus.config import load_settings  # noqa: E402
from corpus.embed import embed_pending  # noqa: E402
from corpus.store import vectors  # noqa: E402
from corpus.themes import ThemeOptions, build_themes  # noqa: E402

DEFAULT_DB = Path("data/processed/bench/bbc.duckdb")


def embedded_bbc(path: Path, settings) -> tuple[list[str], np.ndarray, list[str], list[str]]:
    """Document ids, vectors, texts and topic labels; embeds what is missing first."""
    docs, labels = bbc_articles()
    con = store.connect(path)
    store.write_documents(con, docs)
    start = time.perf_counter()
    n = embed_pending(con, settings)
    if n:
        print(f"embedded {n} articles in {time.perf_counter() - start:.0f} s")
    ids, matrix = vectors.document_vectors(con)
    con.close()
    by_id = {d.doc_id: (d.text, label) for d, label in zip(docs, labels)}
    return ids, matrix, [by_id[i][0] for i in ids], [by_id[i][1] for i in ids]


def run_ours(ids, matrix, texts, options: ThemeOptions):
    start = time.perf_counter()
    themes, _, members = build_themes(ids, matrix, texts, options)
    elapsed = time.perf_counter() - start
    return members["theme_id"].to_numpy(), elapsed, [t.label for t in themes]


def run_bertopic(matrix, texts, settings):
    from bertopic import BERTopic
    from umap import UMAP

    from corpus.nlp import load_embedder

    model = load_embedder(settings)
    umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                      random_state=42)
    start = time.perf_counter()
    topic_model = BERTopic(embedding_model=model, umap_model=umap_model,
                           calculate_probabilities=False, verbose=False)
    topics, _ = topic_model.fit_transform(texts, embeddings=matrix)
    elapsed = time.perf_counter() - start
    info = topic_model.get_topic_info()
    return np.asarray(topics), elapsed, list(info["Name"][:8])


def report(name: str, predicted: np.ndarray, truth: list[str], seconds: float, labels) -> None:
    k = len(set(predicted.tolist()) - {-1})
    outliers = float(np.mean(predicted == -1))
    print(f"{name:<12} NMI {normalized_mutual_info_score(truth, predicted):.3f}  "
          f"ARI {adjusted_rand_score(truth, predicted):.3f}  themes {k:>3}  "
          f"outliers {outliers:5.1%}  time {seconds:6.2f} s")
    print("             " + " | ".join(str(label) for label in labels[:6]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--skip-bertopic", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    settings = load_settings(db=args.db)
    ids, matrix, texts, truth = embedded_bbc(args.db, settings)
    print(f"BBC News: {len(ids)} articles, {len(set(truth))} topics, "
          f"{matrix.shape[1]}-d vectors, {os.cpu_count()} cpu")
    predicted, seconds, labels = run_ours(ids, matrix, texts, ThemeOptions())
    report("corpus", predicted, truth, seconds, labels)
    if not args.skip_bertopic:
        predicted, seconds, labels = run_bertopic(matrix, texts, settings)
        report("BERTopic", predicted, truth, seconds, labels)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
