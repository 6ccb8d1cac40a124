"""``corpus check``: each audit catches the rows that break its invariant, and only those."""
from __future__ import annotations

import io
from datetime import date

import pytest

from corpus import store
from corpus.check import check_database, print_check
from corpus.cli import main
from corpus.config import Settings
from corpus.records import (
    Chunk, DateMention, Document, DocumentTheme, Entity, Extraction, Mention, Relation, Theme,
)
from corpus.store.check import AUDITS

TEXT = "The FBI trained officers of the Kenya National Police Service in Nairobi on 3 May 2021."


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _fill(con) -> None:
    """A small, correct database: one document, entities, mentions, a date, a relation."""
    doc = Document(doc_id="d1", source="release.html", url=None, title="Training", published=date(2021, 5, 4),
                   language="en", text=TEXT, raw_text=TEXT, content_hash="h1")
    dup = Document(doc_id="d2", source="copy.html", url=None, title="Training", published=None,
                   language="en", text=TEXT, raw_text=TEXT, content_hash="h2", duplicate_of="d1")
    store.write_documents(con, [doc, dup])
    fbi, kenya_police = _span(TEXT, "FBI"), _span(TEXT, "Kenya National Police Service")
    when = _span(TEXT, "3 May 2021")
    extraction = Extraction(
        entities=[Entity("fbi", "Federal Bureau of Investigation", "agency", "USA"),
                  Entity("knps", "Kenya National Police Service", "agency", "KEN")],
        mentions=[Mention("d1", "fbi", "agency", "FBI", *fbi),
                  Mention("d1", "knps", "agency", "Kenya National Police Service", *kenya_police)],
        dates=[DateMention("d1", "3 May 2021", *when, date(2021, 5, 3), "day")],
        relations=[Relation("r1", "d1", "fbi", "knps", "training", True, TEXT, 0, len(TEXT),
                            date(2021, 5, 3), 0.9)],
        done_doc_ids=["d1"])
    store.write_extraction(con, extraction, stage="extract", version="test")
    store.insert_frame(con, "chunks", store._frame("chunks", [Chunk("c1", "d1", 0, len(TEXT), TEXT)]))
    store.insert_frame(con, "themes", store._frame("themes", [Theme(1, "training", ["police"], 1)]))
    store.insert_frame(con, "document_themes",
                       store._frame("document_themes", [DocumentTheme("d1", 1, 0.8)]))


@pytest.fixture(scope="module")
def _filled_db():
    connection = store.connect(":memory:")
    _fill(connection)
    yield connection
    connection.close()


@pytest.fixture
def filled(_filled_db):
    """The correct database; whatever a test breaks is rolled back afterwards."""
    _filled_db.execute("BEGIN TRANSACTION")
    yield _filled_db
    _filled_db.execute("ROLLBACK")


def test_a_correct_database_passes(filled):
    assert check_database(filled) == []


def test_an_empty_database_passes(con):
    assert check_database(con) == []


BREAKAGES = [
    ("mentions_offsets", "UPDATE mentions SET start_char = start_char + 1 WHERE entity_id = 'fbi'"),
    ("mentions_offsets", "UPDATE mentions SET end_char = 10000 WHERE entity_id = 'fbi'"),
    ("mentions_offsets", "UPDATE mentions SET text = 'CIA' WHERE entity_id = 'fbi'"),
    ("date_mentions_offsets", "UPDATE date_mentions SET start_char = -1"),
    ("relations_offsets", "UPDATE relations SET evidence = 'The FBI trained officers.'"),
    ("chunks_offsets", "UPDATE chunks SET end_char = end_char - 1"),
    ("mentions_without_document", "INSERT INTO mentions VALUES ('gone', 'fbi', 'agency', 'FBI', 4, 7)"),
    ("relations_without_document",
     "INSERT INTO relations VALUES ('r9', 'gone', 'fbi', 'knps', 'agreement', false, 'x', 0, 1, NULL, 0.5, 'asserted', false, NULL)"),
    ("chunks_without_document", "INSERT INTO chunks VALUES ('c9', 'gone', 0, 1, 'x', NULL)"),
    ("document_themes_without_document", "INSERT INTO document_themes VALUES ('gone', 1, 0.5)"),
    ("document_themes_without_theme", "INSERT INTO document_themes VALUES ('d2', 7, 0.5)"),
    ("date_mentions_without_document",
     "INSERT INTO date_mentions VALUES ('gone', '2021', 0, 4, DATE '2021-01-01', 'year')"),
    ("stage_done_without_document", "INSERT INTO stage_done VALUES ('gone', 'extract', 'x', NULL)"),
    ("mentions_without_entity", "UPDATE mentions SET entity_id = 'nobody' WHERE entity_id = 'fbi'"),
    ("relations_without_entity", "UPDATE relations SET target_id = 'nobody'"),
    ("mentions_kind_mismatch", "UPDATE mentions SET kind = 'country' WHERE entity_id = 'knps'"),
    ("entities_unknown_kind", "UPDATE entities SET kind = 'person' WHERE entity_id = 'fbi'"),
    ("entities_bad_country", "UPDATE entities SET country = 'US' WHERE entity_id = 'fbi'"),
    ("entities_without_parent", "UPDATE entities SET parent_id = 'nobody' WHERE entity_id = 'fbi'"),
    ("relations_unknown_type", "UPDATE relations SET type = 'friendship'"),
    ("relations_wrong_direction", "UPDATE relations SET directed = false"),
    ("relations_bad_confidence", "UPDATE relations SET confidence = 1.5"),
    ("date_mentions_bad_granularity", "UPDATE date_mentions SET granularity = 'week'"),
    ("documents_bad_duplicate_of", "UPDATE documents SET duplicate_of = 'nobody' WHERE doc_id = 'd2'"),
    ("documents_bad_duplicate_of", "UPDATE documents SET duplicate_of = 'd2' WHERE doc_id = 'd1'"),
    ("documents_empty_text", "UPDATE documents SET text = '  ' WHERE doc_id = 'd2'"),
    ("themes_size_mismatch", "UPDATE themes SET size = 3"),
    ("mentions_duplicate_keys", "INSERT INTO mentions SELECT * FROM mentions WHERE entity_id = 'fbi'"),
    ("date_mentions_duplicate_keys", "INSERT INTO date_mentions SELECT * FROM date_mentions"),
    ("rejected_without_reason", "INSERT INTO rejected VALUES ('x.html', 'ingest', '', NULL)"),
]


@pytest.mark.parametrize("audit, sql", BREAKAGES, ids=[f"{a}-{i}" for i, (a, _) in enumerate(BREAKAGES)])
def test_each_breakage_is_caught_by_its_audit(filled, audit, sql):
    filled.execute(sql)
    violations = check_database(filled)
    names = [v.check for v in violations]
    assert audit in names
    caught = next(v for v in violations if v.check == audit)
    assert caught.count >= 1 and caught.examples


def test_tolerated_cases(filled):
    """A visit whose direction is unknown is undirected; an evidence sentence's offsets
    may take in the whitespace after it."""
    filled.execute("INSERT INTO relations VALUES ('r2', 'd1', 'fbi', 'knps', 'visit_exchange', false, "
                   "'The FBI trained officers', 0, 25, NULL, 0.5, 'asserted', false, NULL)")
    filled.execute("UPDATE documents SET text = text || '\n\n' WHERE doc_id = 'd1'")
    filled.execute("UPDATE relations SET end_char = end_char + 2 WHERE relation_id = 'r1'")
    assert check_database(filled) == []


def test_offset_violation_shows_what_the_offsets_cut_out(filled):
    filled.execute("UPDATE mentions SET start_char = start_char + 1, end_char = end_char + 1 "
                   "WHERE entity_id = 'fbi'")
    [violation] = check_database(filled)
    assert violation.check == "mentions_offsets"
    assert violation.examples[0]["stored"] == "FBI"
    assert violation.examples[0]["at_offsets"] == "BI "


def test_offsets_count_characters_not_bytes(con):
    """Offsets are Python string offsets; accents and emoji must not shift them."""
    text = "Ça va: l'Office fédéral de la police 🚓 et Europol coopèrent."
    store.write_documents(con, [Document(doc_id="u", source="u.txt", url=None, title=None, published=None,
                                         language="fr", text=text, raw_text=text, content_hash="u")])
    start, end = _span(text, "Europol")
    store.write_extraction(con, Extraction(
        entities=[Entity("europol", "Europol", "agency")],
        mentions=[Mention("u", "europol", "agency", "Europol", start, end)], done_doc_ids=["u"]),
        stage="extract", version="test")
    assert check_database(con) == []


def test_every_audit_is_exercised():
    covered = {a for a, _ in BREAKAGES}
    untested = {a.name for a in AUDITS} - covered
    # primary keys are enforced by DuckDB itself, so they cannot be broken from SQL
    assert all(name.endswith("_duplicate_keys") for name in untested), untested


def _file_db(folder, broken: bool):
    path = folder / "corpus.duckdb"
    con = store.connect(path)
    _fill(con)
    if broken:
        con.execute("UPDATE relations SET directed = false")
    con.close()
    return path


def test_print_check_lists_every_audit_and_exits_0(tmp_path):
    path = _file_db(tmp_path, broken=False)
    out = io.StringIO()
    assert print_check(Settings(db=path), out=out) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == len(AUDITS) + 1
    assert lines[-1] == f"all {len(AUDITS)} checks passed on {path}"
    assert lines[0].split() == ["documents_duplicate_keys", "ok"]


def test_cli_check_exits_1_on_a_broken_database(tmp_path, capsys):
    (tmp_path / ".corpus-no-audit").touch()    # broken on purpose: keep it out of the session audit
    path = _file_db(tmp_path, broken=True)
    assert main(["check", "--db", str(path)]) == 1
    out = capsys.readouterr().out
    assert "relations_wrong_direction" in out and "1 violation(s)" in out
    assert f"1 of {len(AUDITS)} checks failed on {path}" in out


def test_cli_check_on_a_missing_database(tmp_path, capsys):
    assert main(["check", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "database not found" in capsys.readouterr().err
