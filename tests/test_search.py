"""Semantic search over a real DuckDB file of dev documents, with the real model."""
from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest

from conftest import dev_documents
from corpus import store
from corpus.embed import embed_pending
from corpus.records import Document, Entity, Mention, stable_id
from corpus.search import SearchError, print_search, search
from corpus.themes import update_themes

# Written for this test (not taken from any source).
TRAINING_TITLE = "U.S. instructors train Ukrainian National Police investigators in Kyiv"
TRAINING_TEXT = (
    "KYIV — Instructors from the U.S. Department of Justice's International Criminal "
    "Investigative Training Assistance Program (ICITAP) completed a two-week training course "
    "for 35 investigators of the National Police of Ukraine on 14 March 2024. "
    "The course taught crime scene management, interviewing of witnesses and the handling of "
    "digital evidence, and prepared Ukrainian police trainers to teach the material to their "
    "own colleagues. \"Well trained police officers are the backbone of the rule of law,\" "
    "the head of the Ukrainian police academy said at the closing ceremony.\n\n"
    "The training is part of a long-running program, funded by the U.S. Embassy in Kyiv, that "
    "has supported police reform in Ukraine since 2015 with courses, mentoring and equipment "
    "for patrol police and criminal investigators.")
TRAINING_ID = stable_id("test", "ukraine-police-training")
UKRAINE = Entity(entity_id=stable_id("country", "UKR"), name="Ukraine", kind="country",
                 country="UKR", aliases=["Ukrainian"])


@pytest.fixture(scope="module")
def searchable(tmp_path_factory, dev_records):
    """A database file of ~30 dev documents plus one about police training in Ukraine."""
    from corpus.config import load_settings

    docs = dev_documents(dev_records, 30)
    if len(docs) < 10:
        pytest.skip("not enough dev records")
    training = Document(doc_id=TRAINING_ID, source="test", url="https://example.org/ukraine",
                        title=TRAINING_TITLE, published=date(2024, 3, 15), language="en",
                        text=TRAINING_TEXT, raw_text=TRAINING_TEXT,
                        content_hash=stable_id(TRAINING_TEXT))
    path = tmp_path_factory.mktemp("search") / "corpus.duckdb"
    settings = load_settings(db=path)
    con = store.connect(path)
    store.write_documents(con, [*docs, training])
    embed_pending(con, settings)
    mentions = []
    for doc in (training, *docs):
        match = re.search(r"Ukrain(?:e|ian)", doc.text)
        if match:
            mentions.append(Mention(doc_id=doc.doc_id, entity_id=UKRAINE.entity_id,
                                    kind="country", text=match.group(), start_char=match.start(),
                                    end_char=match.end()))
    store.upsert_entities(con, [UKRAINE])
    store.replace_doc_rows(con, "mentions", [m.doc_id for m in mentions], mentions)
    update_themes(con, settings)
    con.close()
    reader = store.connect(path, read_only=True)
    yield reader, settings, docs
    reader.close()


def test_police_training_in_ukraine_ranks_the_training_document_first(searchable):
    con, settings, docs = searchable
    hits = search(con, "police training in Ukraine", settings, k=5)
    assert list(hits.columns[:6]) == ["doc_id", "title", "published", "url", "score", "passage"]
    assert hits.iloc[0]["doc_id"] == TRAINING_ID
    assert hits.iloc[0]["title"] == TRAINING_TITLE
    assert hits["score"].is_monotonic_decreasing
    assert hits["doc_id"].is_unique                       # one passage per document
    best = hits.iloc[0]
    assert TRAINING_TEXT[best["start_char"]:best["end_char"]] == best["passage"]


def test_the_command_prints_the_training_document_first(searchable, capsys):
    con, settings, docs = searchable
    from corpus.cli import main

    assert main(["search", "police", "training", "in", "Ukraine", "-k", "3",
                 "--db", str(settings.db)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(" 1.") and "2024-03-15" in first and "Ukrainian National Police" in first
    out = io.StringIO()
    assert print_search("police training in Ukraine", settings, k=3, fmt="json", out=out) == 0
    rows = json.loads(out.getvalue())
    assert rows[0]["doc_id"] == TRAINING_ID and rows[0]["published"] == "2024-03-15"
    with pytest.raises(SearchError, match="no database"):
        print_search("police", settings.replace(db=settings.db.with_name("none.duckdb")))


def test_date_filters(searchable):
    con, settings, docs = searchable
    hits = search(con, "police training in Ukraine", settings, k=50, until="2024-03-14")
    assert TRAINING_ID not in set(hits["doc_id"])
    assert all(p is not None and p.date() <= date(2024, 3, 14) for p in hits["published"])
    hits = search(con, "police training in Ukraine", settings, k=50, since=date(2024, 3, 15),
                  until="2024-03-15")
    assert list(hits["doc_id"]) == [TRAINING_ID]
    with pytest.raises(SearchError, match="--since must be a date"):
        search(con, "x", settings, since="last week")


def test_entity_filter_by_name_alias_or_id(searchable):
    con, settings, docs = searchable
    expected = {r[0] for r in con.execute("SELECT DISTINCT doc_id FROM mentions").fetchall()}
    assert TRAINING_ID in expected and len(expected) < len(docs)
    for entity in ("Ukraine", "ukrainian", UKRAINE.entity_id):
        hits = search(con, "extradition of a hacker", settings, k=50, entity=entity)
        assert set(hits["doc_id"]) == expected
    assert search(con, "police", settings, entity="Atlantis").empty


def test_theme_filter_by_id_or_label(searchable):
    con, settings, docs = searchable
    theme_id, label = con.execute(
        "SELECT theme_id, t.label FROM document_themes JOIN themes t USING (theme_id) "
        "WHERE doc_id = ?", [TRAINING_ID]).fetchall()[0]
    members = {r[0] for r in con.execute(
        "SELECT doc_id FROM document_themes WHERE theme_id = ?", [theme_id]).fetchall()}
    for theme in (theme_id, str(theme_id), label.upper()):
        hits = search(con, "police training in Ukraine", settings, k=50, theme=theme)
        assert set(hits["doc_id"]) == members
        assert hits.iloc[0]["doc_id"] == TRAINING_ID
