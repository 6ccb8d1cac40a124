"""Vectors → themes that stay put.

A document's vector is the unit-length mean of its passage vectors: a theme is a
property of a whole document (what ``document_themes`` and ``theme_trends`` count),
and one point per document keeps clustering cheap and free of the mixed answers
that clustering passages and voting would give.

First run: the documents are clustered (HDBSCAN on a PCA reduction, with KMeans as
the fallback for corpora too small for density estimates), clusters whose centroids
nearly coincide are merged, and every document (HDBSCAN's outliers included) goes to
its nearest theme with its cosine similarity as score: there is no "-1" bucket. Each
theme is described by class-based TF-IDF terms and a short label.

Later runs never renumber or relabel: documents placed confidently stay where they
are, new documents go to the nearest centroid when they are as close as the theme's
own members, and only a dense cluster among the documents that fit nowhere founds a
new theme (with the next free id).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from corpus.config import Settings
from corpus.records import Theme

THEMES_VERSION = "themes-1"
SEED = 0

_TOKEN = r"(?u)\b[^\W\d_][^\W\d_'’-]+(?:[-'’][^\W\d_]+)*\b"
# Web and press-release furniture that says nothing about a theme.
_EXTRA_STOPWORDS = {
    "said", "says", "say", "told", "also", "would", "could", "new", "one", "two", "year",
    "years", "mr", "mrs", "ms", "www", "http", "https", "com", "gov", "website", "official",
    "press", "release", "share", "email", "facebook", "twitter", "linkedin", "page",
    "contact", "news", "u.s", "united", "states",
}


@dataclass(frozen=True, slots=True)
class ThemeOptions:
    """How themes are found; read once from ``settings.extra`` (``theme_<name>`` keys)."""

    min_cluster_size: int = 0          # 0: scaled to the corpus (about 2% of it, at least 5)
    min_new_theme: int = 5             # documents a new theme needs on a later run
    merge_similarity: float = 0.90     # clusters with closer centroids are one theme
    assign_quantile: float = 10.0      # a member is confident above this percentile of its theme
    min_assign_similarity: float = 0.35
    n_terms: int = 10
    max_components: int = 8            # PCA dimensions for density estimation (BBC: 5-32 tried)
    small_corpus: int = 60             # fewer documents: KMeans instead of HDBSCAN
    max_theme_share: float = 0.5       # a cluster holding more of the corpus is split again

    @classmethod
    def from_settings(cls, settings: Settings) -> "ThemeOptions":
        values = {}
        for name in cls.__dataclass_fields__:
            key = f"theme_{name}"
            if key in settings.extra:
                values[name] = type(getattr(cls(), name))(settings.extra[key])
        return cls(**values)

    def cluster_size(self, n: int) -> int:
        return self.min_cluster_size or max(5, int(round(0.02 * n)))


@dataclass(slots=True)
class ThemeSummary:
    n_documents: int = 0
    n_themes: int = 0
    new_themes: list[int] = field(default_factory=list)
    newly_assigned: int = 0
    rebuilt: bool = False

    def format(self) -> str:
        what = "built" if self.rebuilt else "updated"
        return (f"themes {what}: {self.n_themes} themes over {self.n_documents} documents; "
                f"{self.newly_assigned} documents newly placed, "
                f"{len(self.new_themes)} new themes")


# ---------------------------------------------------------------- pure steps

def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32)


def centroids_of(vectors: np.ndarray, labels: np.ndarray, n: int) -> np.ndarray:
    """Unit-length mean vector of each label 0..n-1."""
    sums = np.zeros((n, vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, vectors)
    return _unit(sums)


def cluster_documents(vectors: np.ndarray, options: ThemeOptions = ThemeOptions()) -> np.ndarray:
    """A cluster number for every row (0..k-1, biggest cluster first; -1 = no dense cluster)."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=int)
    if n < options.small_corpus:
        return _order_by_size(_kmeans(vectors, max(1, min(n, int(round(np.sqrt(n / 2)))))))
    labels = _hdbscan(vectors, options.cluster_size(n), options.max_components)
    if labels.max() < 1:   # one dense region or none: densities say nothing here
        return _order_by_size(_kmeans(vectors, max(2, int(round(np.sqrt(n / 2))))))
    labels = _split_dominant(vectors, labels, options)
    labels = _merge_close(vectors, labels, options.merge_similarity)
    return _order_by_size(labels)


def _split_dominant(vectors: np.ndarray, labels: np.ndarray, options: ThemeOptions,
                    rounds: int = 2) -> np.ndarray:
    """Cluster again, on its own reduction, a cluster that swallows most of the corpus.

    A corpus from few publishers (the dev releases) is one dense region at corpus
    scale; inside it, the subjects (drug markets, ransomware, fraud ...) separate.
    """
    labels = labels.copy()
    n = len(vectors)
    for _ in range(rounds):
        ids, counts = np.unique(labels[labels >= 0], return_counts=True)
        if len(ids) == 0:
            break
        biggest, size = ids[np.argmax(counts)], int(counts.max())
        if size <= options.max_theme_share * n or size < 2 * options.small_corpus:
            break
        members = labels == biggest
        sub = _hdbscan(vectors[members], options.cluster_size(n), options.max_components)
        if sub.max() < 1:
            break
        sub = np.where(sub >= 0, sub + labels.max() + 1, -1)
        labels[members] = sub
    return labels


def _reduce(vectors: np.ndarray, max_components: int) -> np.ndarray:
    from sklearn.decomposition import PCA

    n_components = min(max_components, vectors.shape[0] - 1, vectors.shape[1])
    if n_components < 2:
        return vectors
    reduced = PCA(n_components=n_components, random_state=SEED).fit_transform(vectors)
    return _unit(reduced)


def _hdbscan(vectors: np.ndarray, min_cluster_size: int, max_components: int) -> np.ndarray:
    from sklearn.cluster import HDBSCAN

    reduced = _reduce(vectors, max_components)
    model = HDBSCAN(min_cluster_size=min_cluster_size, min_samples=min(10, min_cluster_size),
                    cluster_selection_method="eom", copy=True)
    return model.fit_predict(reduced)


def _kmeans(vectors: np.ndarray, k: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    if k <= 1:
        return np.zeros(len(vectors), dtype=int)
    return KMeans(n_clusters=k, n_init=10, random_state=SEED).fit_predict(vectors)


def _merge_close(vectors: np.ndarray, labels: np.ndarray, threshold: float) -> np.ndarray:
    """Join clusters whose centroids are more similar than ``threshold`` (closest pair first)."""
    labels = labels.copy()
    while True:
        ids = np.unique(labels[labels >= 0])
        if len(ids) < 2:
            return labels
        cents = np.stack([_unit(vectors[labels == i].mean(axis=0)) for i in ids])
        sims = cents @ cents.T
        np.fill_diagonal(sims, -1.0)
        a, b = np.unravel_index(np.argmax(sims), sims.shape)
        if sims[a, b] < threshold:
            return labels
        labels[labels == ids[max(a, b)]] = ids[min(a, b)]


def _order_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 0..k-1 by size (ties: first appearance); -1 stays -1."""
    ids, first, counts = np.unique(labels[labels >= 0], return_index=True, return_counts=True)
    order = sorted(range(len(ids)), key=lambda i: (-counts[i], first[i]))
    mapping = {ids[i]: rank for rank, i in enumerate(order)}
    return np.array([mapping.get(label, -1) for label in labels], dtype=int)


def theme_terms(texts: Sequence[str], labels: np.ndarray, n_themes: int,
                n_terms: int = 10) -> list[list[str]]:
    """The most distinctive terms of each theme by class-based TF-IDF."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    if n_themes == 0:
        return []
    stop = sorted(ENGLISH_STOP_WORDS | _EXTRA_STOPWORDS)
    min_df = 2 if len(texts) >= 20 else 1
    vectorizer = CountVectorizer(token_pattern=_TOKEN, lowercase=True, stop_words=stop,
                                 ngram_range=(1, 2), min_df=min_df, max_df=0.5 if len(texts) >= 20 else 1.0)
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError:     # nothing left after stop words
        return [[] for _ in range(n_themes)]
    vocab = vectorizer.get_feature_names_out()
    from scipy import sparse

    member = sparse.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))),
                               shape=(n_themes, len(labels)))
    per_theme = np.asarray((member @ counts).todense(), dtype=np.float64)
    tf = per_theme / np.maximum(per_theme.sum(axis=1, keepdims=True), 1.0)
    average = per_theme.sum() / n_themes
    idf = np.log(1.0 + average / np.maximum(per_theme.sum(axis=0), 1.0))
    scores = tf * idf
    terms = []
    for row in scores:
        best = [i for i in np.argsort(-row, kind="stable")[: n_terms * 3] if row[i] > 0]
        terms.append(_drop_overlaps([str(vocab[i]) for i in best])[:n_terms])
    return terms


def _drop_overlaps(terms: list[str]) -> list[str]:
    """Keep a word only when no better-ranked phrase already holds it (and vice versa)."""
    kept: list[str] = []
    for term in terms:
        words = set(term.split())
        if any(words & set(k.split()) for k in kept):
            continue
        kept.append(term)
    return kept


def theme_label(terms: Sequence[str], taken: set[str]) -> str:
    """A short readable label from the top terms, unique among ``taken``."""
    if not terms:
        base = "Miscellaneous"
    else:
        base = ", ".join(_title(t) for t in terms[:3])
    label, n = base, 2
    while label.lower() in taken:
        extra = terms[2 + n - 1] if len(terms) > 2 + n - 1 else None
        label = f"{base}, {_title(extra)}" if extra and n == 2 else f"{base} ({n})"
        n += 1
    return label


def _title(term: str) -> str:
    return " ".join(w if any(c.isupper() for c in w) else w.capitalize() for w in term.split())


def nearest(vectors: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index and cosine similarity of each row's nearest centroid."""
    if len(centroids) == 0 or len(vectors) == 0:
        return np.zeros(len(vectors), dtype=int), np.zeros(len(vectors))
    sims = vectors @ centroids.T
    best = np.argmax(sims, axis=1)
    return best, sims[np.arange(len(vectors)), best].astype(np.float64)


def confidence_floors(sims: np.ndarray, index: np.ndarray, n: int,
                      options: ThemeOptions) -> np.ndarray:
    """Per theme, the similarity a document needs to count as a confident member."""
    floors = np.full(n, options.min_assign_similarity)
    for t in range(n):
        own = sims[index == t]
        if len(own):
            floors[t] = max(options.min_assign_similarity,
                            float(np.percentile(own, options.assign_quantile)))
    return floors


# ---------------------------------------------------------------- the stage

def build_themes(doc_ids: Sequence[str], vectors: np.ndarray, texts: Sequence[str],
                 options: ThemeOptions) -> tuple[list[Theme], np.ndarray, pd.DataFrame]:
    """Themes from scratch: (themes, centroids, members frame)."""
    labels = cluster_documents(vectors, options)
    dense = labels >= 0
    k = int(labels.max()) + 1 if dense.any() else 1
    if not dense.any():
        labels = np.zeros(len(labels), dtype=int)
        dense = np.ones(len(labels), dtype=bool)
    centroids = centroids_of(vectors[dense], labels[dense], k)
    index, sims = nearest(vectors, centroids)
    index = np.where(dense, labels, index)
    sims = np.einsum("ij,ij->i", vectors, centroids[index]).astype(np.float64)
    floors = confidence_floors(sims[dense], index[dense], k, options)
    confident = dense | (sims >= floors[index])
    centroids = centroids_of(vectors[confident], index[confident], k)
    terms = theme_terms(texts, index, k, options.n_terms)
    themes, taken = [], set()
    for t in range(k):
        label = theme_label(terms[t], taken)
        taken.add(label.lower())
        themes.append(Theme(theme_id=t + 1, label=label, terms=terms[t],
                            size=int((index == t).sum())))
    members = pd.DataFrame({"doc_id": list(doc_ids), "theme_id": index + 1,
                            "score": sims, "confident": confident})
    return themes, centroids, members


def extend_themes(doc_ids: Sequence[str], vectors: np.ndarray, texts: Sequence[str],
                  themes: list[Theme], centroids: np.ndarray, previous: pd.DataFrame,
                  options: ThemeOptions) -> tuple[list[Theme], np.ndarray, pd.DataFrame, list[int]]:
    """Place new and weakly placed documents without moving anything else."""
    ids = list(doc_ids)
    position = {d: i for i, d in enumerate(ids)}
    previous = previous[previous["doc_id"].isin(position)]
    theme_index = {t.theme_id: i for i, t in enumerate(themes)}
    index = np.full(len(ids), -1, dtype=int)
    confident = np.zeros(len(ids), dtype=bool)
    kept = previous[previous["confident"] & previous["theme_id"].isin(theme_index)]
    rows = kept["doc_id"].map(position).to_numpy(dtype=int)
    index[rows] = kept["theme_id"].map(theme_index).to_numpy(dtype=int)
    confident[rows] = True

    own_sims = np.einsum("ij,ij->i", vectors[rows], centroids[index[rows]]) if len(rows) else np.zeros(0)
    floors = confidence_floors(own_sims, index[rows], len(themes), options)
    pool = np.flatnonzero(~confident)
    best, sims = nearest(vectors[pool], centroids)
    fits = sims >= floors[best] if len(pool) else np.zeros(0, dtype=bool)
    index[pool[fits]] = best[fits]
    confident[pool[fits]] = True

    new_ids: list[int] = []
    rest = pool[~fits]
    if len(rest) >= max(options.min_new_theme, 2):
        labels = _new_clusters(vectors[rest], options)
        next_id = max((t.theme_id for t in themes), default=0) + 1
        new_cents = []
        for c in range(int(labels.max()) + 1 if len(labels) else 0):
            members = rest[labels == c]
            cent = _unit(vectors[members].mean(axis=0))
            if len(centroids) and float((centroids @ cent).max()) >= options.merge_similarity:
                continue   # not new: it sits on an existing theme
            themes = themes + [Theme(theme_id=next_id, label="", terms=[], size=0)]
            new_cents.append(cent)
            index[members] = len(themes) - 1
            confident[members] = True
            new_ids.append(next_id)
            next_id += 1
        if new_cents:
            centroids = np.vstack([centroids, np.stack(new_cents)])

    loose = np.flatnonzero(index < 0)
    best, _ = nearest(vectors[loose], centroids)
    index[loose] = best
    centroids = _refresh_centroids(vectors, index, confident, centroids)
    sims = np.einsum("ij,ij->i", vectors, centroids[index]).astype(np.float64)

    terms = theme_terms(texts, index, len(themes), options.n_terms)
    taken = {t.label.lower() for t in themes if t.label}
    updated = []
    for i, theme in enumerate(themes):
        label = theme.label
        if not label:
            label = theme_label(terms[i], taken)
            taken.add(label.lower())
        updated.append(Theme(theme_id=theme.theme_id, label=label, terms=terms[i] or theme.terms,
                             size=int((index == i).sum())))
    members = pd.DataFrame({"doc_id": ids, "theme_id": [updated[i].theme_id for i in index],
                            "score": sims, "confident": confident})
    return updated, centroids, members, new_ids


def _new_clusters(vectors: np.ndarray, options: ThemeOptions) -> np.ndarray:
    """Dense clusters among documents that fit no theme (-1: none)."""
    if len(vectors) < 2 * options.min_new_theme:
        if len(vectors) >= options.min_new_theme:
            sims = vectors @ _unit(vectors.mean(axis=0))
            if float(sims.min()) >= 0.5:    # the whole pool is one tight group
                return np.zeros(len(vectors), dtype=int)
        return np.full(len(vectors), -1)
    labels = _hdbscan(vectors, options.min_new_theme, options.max_components)
    return _order_by_size(_merge_close(vectors, labels, options.merge_similarity))


def _refresh_centroids(vectors: np.ndarray, index: np.ndarray, confident: np.ndarray,
                       old: np.ndarray) -> np.ndarray:
    """Mean of each theme's confident members (a theme with none keeps its centroid)."""
    out = old.copy()
    for t in range(len(old)):
        rows = (index == t) & confident
        if rows.any():
            out[t] = _unit(vectors[rows].mean(axis=0))
    return out


def update_themes(con: Any, settings: Settings) -> ThemeSummary:
    """Build or extend the themes of every embedded document and store them."""
    from corpus.store import get_meta
    from corpus.store import vectors as vstore

    options = ThemeOptions.from_settings(settings)
    doc_ids, vectors = vstore.document_vectors(con)
    if not doc_ids:
        return ThemeSummary()
    texts_by_id = vstore.document_texts(con, doc_ids)
    texts = [texts_by_id.get(d, "") for d in doc_ids]
    themes, centroids = vstore.read_themes(con)
    previous = vstore.read_theme_members(con)
    rebuild = not themes or get_meta(con, "themes_version") != THEMES_VERSION
    if rebuild:
        themes, centroids, members = build_themes(doc_ids, vectors, texts, options)
        new_ids = [t.theme_id for t in themes]
        newly = len(doc_ids)
    else:
        themes, centroids, members, new_ids = extend_themes(
            doc_ids, vectors, texts, themes, centroids, previous, options)
        newly = int((~members["doc_id"].isin(set(previous["doc_id"]))).sum())
    vstore.write_themes(con, themes, centroids, members, THEMES_VERSION)
    return ThemeSummary(n_documents=len(doc_ids), n_themes=len(themes), new_themes=new_ids,
                        newly_assigned=newly, rebuilt=rebuild)
