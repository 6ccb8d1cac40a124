"""Themes over real embedded dev documents: complete, reproducible, and stable as the corpus grows."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from conftest import dev_documents
from corpus import store
from corpus.embed import embed_batch
from corpus.records import Document, stable_id
from corpus.store import vectors
from corpus.themes import (
    THEMES_VERSION,
    ThemeOptions,
    cluster_documents,
    theme_label,
    theme_terms,
    update_themes,
)

# Written for this test: a tight group of documents about a subject the dev corpus lacks.
FOOTBALL = [
    "The striker scored twice as the home side won the league match 3-1 on Saturday.",
    "A late penalty gave the visitors a draw in the football derby at the packed stadium.",
    "The goalkeeper saved three shots and the team climbed to second place in the league table.",
    "The coach praised his midfielders after the club's fifth football win in a row.",
    "Fans celebrated in the stadium as the captain lifted the cup after the final whistle.",
    "The football club signed a young winger from a rival team for the rest of the season.",
    "Two goals in the second half sent the champions through to the cup semi-final.",
]


def _football() -> list[Document]:
    return [Document(doc_id=stable_id("football", i), source="test", url=None,
                     title=f"Match report {i}", published=date(2025, 5, 1 + i), language="en",
                     text=t, raw_text=t, content_hash=stable_id(t)) for i, t in enumerate(FOOTBALL)]


@pytest.fixture(scope="module")
def embedded(settings, dev_records):
    """44 dev documents and 7 football reports, embedded once for the module."""
    docs = dev_documents(dev_records, 44)
    if len(docs) < 20:
        pytest.skip("not enough dev records")
    everything = docs + _football()
    chunks = embed_batch([{"doc_id": d.doc_id, "text": d.text} for d in everything], settings)
    return docs, _football(), chunks


def _database(docs, chunks):
    con = store.connect(":memory:")
    store.write_documents(con, docs)
    ids = {d.doc_id for d in docs}
    vectors.write_chunks(con, sorted(ids), [c for c in chunks if c.doc_id in ids])
    return con


def _add(con, docs, chunks):
    store.write_documents(con, docs)
    ids = {d.doc_id for d in docs}
    vectors.write_chunks(con, sorted(ids), [c for c in chunks if c.doc_id in ids])


def _themes(con):
    return con.execute("SELECT theme_id, label, terms, size FROM themes ORDER BY theme_id").fetchall()


def _assignments(con):
    return dict(con.execute("SELECT doc_id, theme_id FROM document_themes").fetchall())


def test_every_document_gets_exactly_one_theme_and_the_tables_agree(embedded, settings):
    docs, _, chunks = embedded
    con = _database(docs, chunks)
    summary = update_themes(con, settings)
    assert summary.rebuilt and summary.n_documents == len(docs) and summary.n_themes >= 2
    assigned = _assignments(con)
    assert set(assigned) == {d.doc_id for d in docs}                 # no outlier bucket
    themes = _themes(con)
    assert [t[0] for t in themes] == list(range(1, len(themes) + 1))
    assert sum(t[3] for t in themes) == len(docs)
    labels = [t[1] for t in themes]
    assert len(set(labels)) == len(labels) and all(labels)
    assert all(len(t[2]) >= 3 for t in themes)                       # distinctive terms
    scores = [r[0] for r in con.execute("SELECT score FROM document_themes").fetchall()]
    assert all(0.0 < s <= 1.0 + 1e-6 for s in scores)
    # the theme a document got is its nearest centroid, or it was placed by the clusterer
    trends = con.execute("SELECT sum(n_documents) FROM theme_trends").fetchall()[0][0]
    assert trends == sum(d.published is not None for d in docs)
    assert store.get_meta(con, "themes_version") == THEMES_VERSION
    con.close()


def test_same_input_gives_the_same_themes(embedded, settings):
    docs, _, chunks = embedded
    first, second = _database(docs, chunks), _database(docs, chunks)
    update_themes(first, settings)
    update_themes(second, settings)
    assert _themes(first) == _themes(second)
    assert _assignments(first) == _assignments(second)
    # and a re-run on an unchanged corpus changes nothing
    before = _themes(first), _assignments(first)
    summary = update_themes(first, settings)
    assert not summary.rebuilt and summary.new_themes == [] and summary.newly_assigned == 0
    assert (_themes(first)[0][:2], _assignments(first)) == (before[0][0][:2], before[1])
    first.close()
    second.close()


def test_adding_ten_percent_keeps_every_theme_id_and_label(embedded, settings):
    docs, _, chunks = embedded
    n_old = int(len(docs) * 0.9)
    con = _database(docs[:n_old], chunks)
    update_themes(con, settings)
    before = {t[0]: t[1] for t in _themes(con)}
    confident_before = dict(con.execute(
        "SELECT doc_id, theme_id FROM theme_members WHERE confident").fetchall())

    _add(con, docs[n_old:], chunks)
    summary = update_themes(con, settings)
    after = {t[0]: t[1] for t in _themes(con)}
    assert {k: after[k] for k in before} == before                  # ids and labels kept
    assert not summary.rebuilt and summary.newly_assigned == len(docs) - n_old
    assigned = _assignments(con)
    assert set(assigned) == {d.doc_id for d in docs}
    assert all(assigned[d] == t for d, t in confident_before.items())  # nobody moved
    con.close()


def test_a_new_dense_group_founds_a_new_theme_without_touching_the_old(embedded, settings):
    docs, football, chunks = embedded
    con = _database(docs, chunks)
    update_themes(con, settings)
    before = {t[0]: t[1] for t in _themes(con)}
    _add(con, football, chunks)
    summary = update_themes(con, settings)
    after = {t[0]: (t[1], t[2]) for t in _themes(con)}
    assert {k: after[k][0] for k in before} == before
    assert len(summary.new_themes) == 1 and summary.new_themes[0] == max(before) + 1
    new_label, new_terms = after[summary.new_themes[0]]
    assert {"football", "league", "cup", "stadium"} & set(" ".join(new_terms).split())
    assigned = _assignments(con)
    assert {assigned[d.doc_id] for d in football} == set(summary.new_themes)
    con.close()


def test_clustering_is_deterministic_and_the_hdbscan_path_covers_everything(embedded, settings):
    docs, football, chunks = embedded
    con = _database(docs + football, chunks)
    _, matrix = vectors.document_vectors(con)
    dense = ThemeOptions(small_corpus=10, min_cluster_size=5)
    labels = cluster_documents(matrix, dense)
    assert np.array_equal(labels, cluster_documents(matrix, dense))
    assert labels.max() >= 1
    small = cluster_documents(matrix, ThemeOptions())
    assert small.min() == 0 and np.array_equal(small, cluster_documents(matrix, ThemeOptions()))
    con.close()


def test_terms_and_labels_are_distinctive_and_unique():
    texts = ["extradition of the suspect to the United States for trial"] * 3 + \
            ["ransomware attack on hospitals encrypted the servers"] * 3
    terms = theme_terms(texts, np.array([0, 0, 0, 1, 1, 1]), 2, n_terms=5)
    assert "extradition" in terms[0] and "ransomware" in terms[1]
    assert not {"extradition", "ransomware"} & (set(terms[0]) & set(terms[1]))
    assert theme_label(["extradition", "suspect trial"], set()) == "Extradition, Suspect Trial"
    taken = {"extradition, suspect trial"}
    assert theme_label(["extradition", "suspect trial"], taken) != "Extradition, Suspect Trial"


def test_a_cluster_swallowing_most_of_the_corpus_is_split_again():
    """One publisher's corpus is one dense region at corpus scale; its subjects still separate."""
    import numpy as np

    from corpus.themes import ThemeOptions, _split_dominant, _unit

    rng = np.random.default_rng(0)
    base, far = rng.normal(size=384), rng.normal(size=384)
    sub_a, sub_b = rng.normal(size=384), rng.normal(size=384)
    blob_a = _unit(base + 0.6 * sub_a + 0.15 * rng.normal(size=(200, 384)))
    blob_b = _unit(base + 0.6 * sub_b + 0.15 * rng.normal(size=(200, 384)))
    other = _unit(far + 0.15 * rng.normal(size=(40, 384)))
    vectors = np.vstack([blob_a, blob_b, other])
    # what a corpus-wide clustering gave: the two subjects as one cluster
    labels = np.array([0] * 400 + [1] * 40)
    split = _split_dominant(vectors, labels, ThemeOptions())
    assert len(set(split[:200]) - {-1}) == 1 and len(set(split[200:400]) - {-1}) == 1
    assert set(split[:200]) != set(split[200:400])
    assert (split[400:] == 1).all()
    # a cluster under the share is left alone
    assert (_split_dominant(vectors[:440], np.array([0] * 200 + [1] * 240),
                            ThemeOptions(max_theme_share=0.6)) == np.array([0] * 200 + [1] * 240)).all()
