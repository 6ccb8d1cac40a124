"""The database layer: schema, idempotent bulk writers, stage bookkeeping."""
from __future__ import annotations

from datetime import date

import pytest

from corpus import store
from corpus.records import (DateMention, Document, Entity, Extraction, Mention, Rejection,
                            Relation, stable_id)

TEXT = ("The FBI thanked the Dutch National Police for their assistance. "
        "He was extradited from Spain to the United States on January 19, 2026.")


def _document(doc_id: str = "d1", text: str = TEXT) -> Document:
    return Document(doc_id=doc_id, source=f"test://{doc_id}", url=None, title="t",
                    published=date(2026, 1, 20), language="en", text=text, raw_text=text,
                    content_hash=stable_id(text))


def _extraction(doc_id: str = "d1") -> Extraction:
    fbi = Entity(stable_id("agency", "fbi"), "Federal Bureau of Investigation", "agency", "USA",
                 ["FBI"])
    knp = Entity(stable_id("agency", "nld-police"), "Dutch National Police", "agency", "NLD",
                 ["Dutch National Police"])
    start = TEXT.index("FBI")
    return Extraction(
        entities=[fbi, knp],
        mentions=[Mention(doc_id, fbi.entity_id, "agency", "FBI", start, start + 3)],
        dates=[DateMention(doc_id, "January 19, 2026", TEXT.index("January"),
                           TEXT.index("January") + 16, date(2026, 1, 19), "day")],
        relations=[Relation(stable_id(doc_id, "r1"), doc_id, fbi.entity_id, knp.entity_id,
                            "joint_operation", False, TEXT[:63], 0, 63, None, 0.8)],
        done_doc_ids=[doc_id],
    )


def test_every_contract_table_and_view_exists(con):
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}
    assert set(store.CONTRACT_TABLES) <= tables
    assert set(store.CONTRACT_VIEWS) <= tables
    cols = [r[0] for r in con.execute("DESCRIBE documents").fetchall()]
    assert cols[:10] == ["doc_id", "source", "url", "title", "published", "language", "text",
                         "content_hash", "duplicate_of", "ingested_at"]
    assert store.get_meta(con, "schema_version") == str(store.SCHEMA_VERSION)


def test_writing_the_same_batch_twice_changes_nothing(con):
    store.write_documents(con, [_document()])
    store.write_documents(con, [_document()])
    for _ in range(2):
        store.write_extraction(con, _extraction(), stage="extract", version="v1")
    counts = store.table_counts(con)
    assert counts["documents"] == 1
    assert counts["mentions"] == 1
    assert counts["date_mentions"] == 1
    assert counts["relations"] == 1
    assert counts["entities"] == 2
    row = con.execute("SELECT source_name, target_name, n_documents FROM cooperation_map").fetchone()
    assert row == ("Federal Bureau of Investigation", "Dutch National Police", 1)


def test_pending_documents_follow_the_stage_version(con):
    store.write_documents(con, [_document("d1"), _document("d2", TEXT + " More.")])
    assert store.count_pending(con, "extract", "v1") == 2
    store.write_extraction(con, _extraction("d1"), stage="extract", version="v1")
    assert [d["doc_id"] for d in store.pending_documents(con, "extract", "v1")] == ["d2"]
    # a new extractor version makes every document pending again
    assert store.count_pending(con, "extract", "v2") == 2


def test_entity_aliases_merge_across_batches(con):
    a = Entity("e1", "Israel Police", "agency", "ISR", ["Israel Police"])
    b = Entity("e1", "Israel Police", "agency", "ISR", ["National Police of Israel"])
    store.upsert_entities(con, [a])
    store.upsert_entities(con, [b])
    aliases = con.execute("SELECT aliases FROM entities WHERE entity_id='e1'").fetchone()[0]
    assert aliases == ["Israel Police", "National Police of Israel"]


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_an_entity_name_does_not_depend_on_the_order_documents_arrive_in(con, order):
    # one office written three ways in three releases; daily runs meet them in any order
    names = ["Tampa Division of the FBI", "Tampa Division of the Federal Bureau of Investigation",
             "FBI Tampa Division"]
    batches = [Entity("e2", n, "agency", "USA", [n]) for n in names]
    store.upsert_entities(con, [batches[order[0]], batches[order[1]]])  # one batch, two docs
    store.upsert_entities(con, [batches[order[2]]])                     # a later run
    row = con.execute("SELECT name, aliases FROM entities WHERE entity_id='e2'").fetchone()
    assert row[0] == "Tampa Division of the Federal Bureau of Investigation"
    assert row[1] == sorted(names)


def test_rejections_are_not_duplicated_on_rerun(con):
    bad = Rejection("x.html", "ingest", "the file is empty")
    store.write_rejections(con, [bad, bad])
    store.write_rejections(con, [bad])
    assert con.execute("SELECT count(*), any_value(reason) FROM rejected").fetchone() == (
        1, "the file is empty")


def test_a_failed_batch_leaves_nothing_behind(con):
    store.write_documents(con, [_document()])
    broken = _extraction()
    broken.relations[0].confidence = None  # violates NOT NULL
    with pytest.raises(Exception):
        store.write_extraction(con, broken, stage="extract", version="v1")
    assert store.table_counts(con)["mentions"] == 0
    assert store.count_pending(con, "extract", "v1") == 1


def test_a_database_file_reopens_with_its_data(tmp_path):
    path = tmp_path / "c.duckdb"
    con = store.connect(path)
    store.write_documents(con, [_document()])
    con.close()
    con = store.connect(path, read_only=True)
    assert con.execute("SELECT title FROM documents").fetchone() == ("t",)
    con.close()
    with pytest.raises(store.SchemaError, match="384-dimensional embeddings but the configured model gives 768"):
        store.connect(path, embedding_dim=768)
