"""The scoring of corpus eval, checked by hand on a tiny gold file and database."""
from __future__ import annotations

import json
from datetime import date

import pytest

from corpus import store
from corpus.evaluate import evaluate, norm, print_evaluation
from corpus.records import DateMention, Document, Entity, Extraction, Mention, Relation

URL = "https://example.gov/pr/extradited-from-greece"
TEXT = ("The Justice Department thanks the Greek Ministry of Justice. The FBI worked with "
        "Europol. Vinnik was extradited from Greece on August 4, 2022. Press Release menu.")

GOLD = {"docs": {
    URL: {
        "published": "2022-08-05",
        "entities": [
            {"kind": "agency", "names": ["Department of Justice", "Justice Department"]},
            {"kind": "agency", "names": ["Ministry of Justice", "Greek Ministry of Justice"]},
            {"kind": "agency", "names": ["FBI"]},
            {"kind": "agency", "names": ["Europol"]},
            {"kind": "country", "names": ["Greece", "Greek"]},
        ],
        "optional": ["Press Release"],
        "dates": ["2022-08-04", "2022-08", "2021"],
        "relations": [
            {"a": "Greece", "b": "Department of Justice", "types": ["legal_assistance"],
             "directed": True},
            {"a": "FBI", "b": "Europol", "types": ["joint_operation"]},
        ],
        "optional_relations": [{"a": "Justice Department", "b": "Ministry of Justice"}],
    },
    "missing-file.html": {"entities": [], "dates": [], "relations": []},
}}


def _entity(name, kind, country=None):
    return Entity(f"e-{name}", name, kind, country, [name])


@pytest.fixture
def scored_db(con):
    doc = Document("d1", URL, URL, "t", date(2022, 8, 5), "en", TEXT, TEXT, "h1")
    store.write_documents(con, [doc])
    doj, moj = _entity("Justice Department", "agency"), _entity("Ministry of Justice", "agency")
    fbi = _entity("FBI", "agency")
    europol = _entity("Europol", "organization")          # right name, wrong kind
    greece = _entity("Greece", "country", "GRC")
    menu = _entity("Press Release", "organization")        # optional: neither tp nor fp
    junk = _entity("Vinnik", "organization")               # a false positive
    ents = [doj, moj, fbi, europol, greece, menu, junk]

    def m(e, surface):
        start = TEXT.index(surface)
        return Mention("d1", e.entity_id, e.kind, surface, start, start + len(surface))

    ex = Extraction(
        entities=ents,
        mentions=[m(doj, "Justice Department"), m(moj, "Greek Ministry of Justice"),
                  m(fbi, "FBI"), m(europol, "Europol"), m(greece, "Greece"),
                  m(menu, "Press Release"), m(junk, "Vinnik")],
        dates=[DateMention("d1", "August 4, 2022", 0, 1, date(2022, 8, 4), "day"),
               DateMention("d1", "2019", 0, 1, date(2019, 1, 1), "year")],
        relations=[
            # right pair, right type, but the wrong way round
            Relation("r1", "d1", doj.entity_id, greece.entity_id, "legal_assistance", True,
                     "ev", 0, 1, None, 0.9),
            # right pair (either order), wrong type
            Relation("r2", "d1", europol.entity_id, fbi.entity_id, "general_cooperation", False,
                     "ev", 0, 1, None, 0.9),
            # an optional pair: not a false positive
            Relation("r3", "d1", doj.entity_id, moj.entity_id, "agreement", False, "ev", 0, 1,
                     None, 0.9),
            # a false positive pair
            Relation("r4", "d1", fbi.entity_id, junk.entity_id, "funding", True, "ev", 0, 1,
                     None, 0.9),
        ],
        done_doc_ids=["d1"])
    store.write_extraction(con, ex, stage="extract", version="test")
    return con


def test_entity_scores_by_hand(scored_db):
    result = evaluate(scored_db, GOLD)
    agency = result["entities"]["agency"]
    # DOJ, MoJ, FBI found; Europol found only with the wrong kind -> a miss
    assert (agency["tp"], agency["fp"], agency["fn"]) == (3, 0, 1)
    org = result["entities"]["organization"]
    # Europol (wrong kind) and Vinnik are false positives; Press Release is optional
    assert (org["tp"], org["fp"], org["fn"]) == (0, 2, 0)
    country = result["entities"]["country"]
    assert (country["tp"], country["fp"], country["fn"]) == (1, 0, 0)
    overall = result["entities"]["all"]
    assert (overall["tp"], overall["fp"], overall["fn"]) == (4, 2, 1)
    assert overall["precision"] == pytest.approx(4 / 6, abs=1e-4)
    assert overall["recall"] == pytest.approx(4 / 5, abs=1e-4)
    assert overall["f1"] == pytest.approx(2 * (4 / 6) * (4 / 5) / (4 / 6 + 4 / 5), abs=1e-4)


def test_dates_by_hand(scored_db):
    dates = evaluate(scored_db, GOLD)["dates"]
    # 2022-08-04 (day) and 2022-08 (month, cut from the day) found; 2021 missed
    assert (dates["tp"], dates["fn"]) == (2, 1)
    assert dates["fp"] == 1                              # 2019 is stated nowhere in the gold


def test_relations_by_hand(scored_db):
    rel = evaluate(scored_db, GOLD)["relations"]
    assert (rel["pair"]["tp"], rel["pair"]["fn"], rel["pair"]["fp"]) == (2, 0, 1)
    # neither found relation has an acceptable type in the right direction
    assert (rel["typed"]["tp"], rel["typed"]["fn"]) == (0, 2)
    assert rel["direction_errors"] == 1


def test_spurious_relations_and_per_document_scores_are_reported(scored_db):
    detail = evaluate(scored_db, GOLD)["per_document"][URL]
    assert detail["spurious_relations"] == ["FBI - Vinnik"]
    assert (detail["relation_pairs"]["tp"], detail["relation_pairs"]["fp"]) == (2, 1)


def test_a_relation_end_no_mention_names_is_matched_by_its_name(con):
    # "FBI Miami's Cyber Task Force worked with Europol": the relation names the FBI, the
    # parent agency, which no mention of the document names; its name still matches
    text = "FBI Miami's Cyber Task Force worked with Europol."
    doc = Document("d2", URL, URL, "t", date(2022, 8, 5), "en", text, text, "h2")
    store.write_documents(con, [doc])
    fbi = Entity("e-fbi", "Federal Bureau of Investigation", "agency", "USA", [])
    unit = Entity("e-unit", "FBI Miami's Cyber Task Force", "agency", "USA", [],
                  parent_id="e-fbi")
    europol = _entity("Europol", "agency")
    ex = Extraction(
        entities=[fbi, unit, europol],
        mentions=[Mention("d2", "e-unit", "agency", "FBI Miami's Cyber Task Force", 0, 28),
                  Mention("d2", "e-Europol", "agency", "Europol", 41, 48)],
        relations=[Relation("r5", "d2", "e-fbi", "e-Europol", "joint_operation", False, "ev",
                            0, 1, None, 0.9)],
        done_doc_ids=["d2"])
    store.write_extraction(con, ex, stage="extract", version="test")
    gold = {"docs": {URL: {"entities": [
        {"kind": "agency", "names": ["FBI", "Federal Bureau of Investigation"]},
        {"kind": "agency", "names": ["Europol"]}],
        "relations": [{"a": "FBI", "b": "Europol", "types": ["joint_operation"]}]}}}
    rel = evaluate(con, gold)["relations"]["pair"]
    assert (rel["tp"], rel["fp"], rel["fn"]) == (1, 0, 0)


def test_a_unit_the_gold_does_not_name_stands_for_its_parent(con):
    # "The U.S. Secret Service Cyber Investigative Section is investigating the case. ...
    # the UK National Crime Agency provided invaluable assistance": the relation joins the
    # unit, the gold names the Secret Service; a unit the gold names keeps its own name
    text = ("The U.S. Secret Service Cyber Investigative Section is investigating. The UK "
            "National Crime Agency assisted. The Secret Service Miami Field Office helped.")
    doc = Document("d3", URL, URL, "t", date(2022, 8, 5), "en", text, text, "h3")
    store.write_documents(con, [doc])
    usss = Entity("e-usss", "U.S. Secret Service", "agency", "USA", [])
    unit = Entity("e-cis", "Secret Service Cyber Investigative Section", "agency", "USA", [],
                  parent_id="e-usss")
    miami = Entity("e-mia", "Secret Service Miami Field Office", "agency", "USA", [],
                   parent_id="e-usss")
    nca = _entity("National Crime Agency", "agency", "GBR")

    def m(e, surface):
        start = text.index(surface)
        return Mention("d3", e.entity_id, "agency", surface, start, start + len(surface))

    ex = Extraction(
        entities=[usss, unit, miami, nca],
        mentions=[m(unit, "U.S. Secret Service Cyber Investigative Section"),
                  m(nca, "National Crime Agency"), m(miami, "Secret Service Miami Field Office")],
        relations=[Relation("r6", "d3", "e-cis", nca.entity_id, "general_cooperation", False,
                            "ev", 0, 1, None, 0.9),
                   Relation("r7", "d3", "e-mia", nca.entity_id, "general_cooperation", False,
                            "ev", 0, 1, None, 0.9)],
        done_doc_ids=["d3"])
    store.write_extraction(con, ex, stage="extract", version="test")
    gold = {"docs": {URL: {"entities": [
        {"kind": "agency", "names": ["U.S. Secret Service", "Secret Service"]},
        {"kind": "agency", "names": ["Secret Service Miami Field Office"]},
        {"kind": "agency", "names": ["National Crime Agency"]}],
        "relations": [{"a": "U.S. Secret Service", "b": "National Crime Agency",
                       "types": ["general_cooperation"]}]}}}
    result = evaluate(con, gold)
    rel = result["relations"]["pair"]
    # the Section counts as the Secret Service; the Miami office, named by the gold, does not
    assert (rel["tp"], rel["fp"], rel["fn"]) == (1, 1, 0), result["per_document"]


def test_missing_documents_are_reported(scored_db):
    result = evaluate(scored_db, GOLD)
    assert result["missing_documents"] == ["missing-file.html"]
    assert result["documents_scored"] == 1


def test_norm_unifies_case_space_and_quotes():
    assert norm("FBI’s  St. Louis\nField Office") == norm("fbi's st. louis field office")


def test_print_evaluation_reads_a_database_file(tmp_path, capsys, settings):
    db = tmp_path / "eval.duckdb"
    con = store.connect(db)
    doc = Document("d1", "releases/a.html", None, "t", None, "en", TEXT, TEXT, "h1")
    store.write_documents(con, [doc])
    con.close()
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"docs": {"a.html": GOLD["docs"][URL]}}), encoding="utf-8")
    assert print_evaluation(settings.replace(db=db), gold, "json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["documents_scored"] == 1                  # matched by file name
    assert out["entities"]["all"]["fn"] == 5
