"""Passages and their vectors: offsets, sizes, stable ids, incremental embedding."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from corpus import store
from corpus.embed import EMBED_VERSION, embed_batch, embed_pending, make_chunks, split_sentences
from corpus.records import Document, stable_id
from corpus.store import vectors

TEXT = ("Share this page. The FBI trained 40 Ukrainian cyber police officers in Kyiv. "
        "The course covered digital forensics and cryptocurrency tracing.\n\n"
        "Related news\n"
        "Officers from the National Police of Ukraine attended the two-week course. "
        "\"We will use these skills every day,\" said one investigator. "
        "The U.S. Embassy funded the program through INL. It ran from 3 to 14 March 2025.")


def _documents(records: list[dict], n: int) -> list[Document]:
    """``n`` dev records of moderate length, picked in a fixed way, as documents."""
    usable = [r for r in records if 1000 <= len(r.get("text") or "") <= 3500]
    step = max(1, len(usable) // n)
    out = []
    for r in usable[::step][:n]:
        out.append(Document(doc_id=stable_id(r["url"]), source="dev.jsonl", url=r["url"],
                            title=r.get("title"), published=None, language="en",
                            text=r["text"], raw_text=r["text"], content_hash=stable_id(r["text"])))
    return out


def test_sentences_split_on_punctuation_and_lines():
    spans = split_sentences(TEXT)
    sentences = [TEXT[a:b] for a, b in spans]
    assert sentences[0] == "Share this page."
    assert "The FBI trained 40 Ukrainian cyber police officers in Kyiv." in sentences
    assert "Related news" in sentences
    # "U.S. Embassy" is not cut after "U.S." because the split needs whitespace first
    assert any(s.startswith("The U.S. Embassy funded") for s in sentences)


def test_chunks_have_exact_offsets_and_bounded_size(settings):
    chunks = make_chunks("d1", TEXT, settings)
    assert chunks, "a real text gives passages"
    for c in chunks:
        assert TEXT[c.start_char:c.end_char] == c.text
        assert len(c.text) <= settings.chunk_max_chars
        assert c.chunk_id == stable_id("d1", c.start_char, c.end_char)
    # passages follow each other and cover the text's words
    assert [c.start_char for c in chunks] == sorted(c.start_char for c in chunks)
    joined = " ".join(c.text for c in chunks)
    assert "cryptocurrency tracing" in joined and "14 March 2025" in joined
    # four real sentences a passage; short lines ride along
    assert chunks[0].text.startswith("Share this page. The FBI trained")
    assert make_chunks("d1", TEXT, settings) == chunks          # stable


def test_long_unbroken_text_is_cut_under_the_limit(settings):
    small = settings.replace(chunk_max_chars=200)
    text = " ".join(["word"] * 400)          # 1,999 characters, no sentence end
    chunks = make_chunks("d2", text, small)
    assert len(chunks) >= 10
    assert all(len(c.text) <= 200 for c in chunks)
    assert all(text[c.start_char:c.end_char] == c.text for c in chunks)
    assert make_chunks("d3", "  \n\n ", settings) == []


def test_embed_batch_gives_unit_vectors_of_the_model_dimension(settings):
    chunks = embed_batch([{"doc_id": "d1", "text": TEXT}], settings)
    matrix = np.stack([c.embedding for c in chunks])
    assert matrix.shape == (len(chunks), settings.embedding_dim)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-4)


def test_embed_pending_is_incremental_and_idempotent(tmp_path, settings, dev_records):
    docs = _documents(dev_records, 6)
    if len(docs) < 4:
        pytest.skip("not enough dev records")
    con = store.connect(tmp_path / "embed.duckdb")
    store.write_documents(con, docs[:4])
    seen = []
    assert embed_pending(con, settings, progress=lambda s, d, t: seen.append((s, d, t))) == 4
    assert seen[-1] == ("embed", 4, 4)
    first = con.execute("SELECT chunk_id, doc_id, start_char, end_char, text FROM chunks "
                        "ORDER BY chunk_id").fetchall()
    assert {row[1] for row in first} == {d.doc_id for d in docs[:4]}
    text = {d.doc_id: d.text for d in docs}
    assert all(text[d][a:b] == t for _, d, a, b, t in first)

    assert embed_pending(con, settings) == 0                     # nothing new
    store.write_documents(con, docs[4:])
    assert embed_pending(con, settings) == len(docs) - 4         # only the new ones
    assert store.count_pending(con, "embed", EMBED_VERSION) == 0

    # writing a batch again replaces, never duplicates
    again = embed_batch([{"doc_id": docs[0].doc_id, "text": docs[0].text}], settings)
    before = con.execute("SELECT count(*) FROM chunks").fetchall()[0][0]
    vectors.write_chunks(con, [docs[0].doc_id], again)
    assert con.execute("SELECT count(*) FROM chunks").fetchall()[0][0] == before
    stored = con.execute("SELECT embedding FROM chunks WHERE chunk_id = ?",
                         [again[0].chunk_id]).fetchall()[0][0]
    assert np.allclose(stored, again[0].embedding, atol=1e-6)

    ids, matrix = vectors.document_vectors(con)
    assert ids == sorted(d.doc_id for d in docs)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-4)
    con.close()


def test_a_changed_model_re_embeds_everything(con, settings):
    doc = Document(doc_id="d1", source="t", url=None, title="t", published=None, language="en",
                   text=TEXT, raw_text=TEXT, content_hash="h")
    store.write_documents(con, [doc])
    assert embed_pending(con, settings) == 1
    assert vectors.forget_other_model(con, "another-model") is True
    assert con.execute("SELECT count(*) FROM chunks").fetchall()[0][0] == 0
    assert store.count_pending(con, "embed", EMBED_VERSION) == 1
    assert vectors.forget_other_model(con, settings.embedding_model) is True
    assert embed_pending(con, settings) == 1


def test_chunks_survive_a_round_trip_through_dataclasses(settings):
    chunk = make_chunks("d1", TEXT, settings)[0]
    assert dataclasses.asdict(chunk)["text"] == chunk.text
