"""``corpus query``: reads work, anything else is refused with one clear line."""
from __future__ import annotations

import io
import json

import pytest

from corpus import store
from corpus.cli import main
from corpus.config import Settings
from corpus.query import QueryRefused, print_query, run_query
from corpus.records import Document


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("query") / "corpus.duckdb"
    con = store.connect(path)
    text = "Europol and Interpol coordinated the arrests in Spain."
    store.write_documents(con, [Document(
        doc_id="d1", source="release.html", url=None, title="Arrests in Spain", published=None,
        language="en", text=text, raw_text=text, content_hash="h1")])
    con.close()
    return path


@pytest.fixture
def settings(db):
    return Settings(db=db)


def _run(sql, settings, fmt="table"):
    out, err = io.StringIO(), io.StringIO()
    code = print_query(sql, settings, fmt, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_select_returns_rows(settings):
    frame = run_query(settings, "SELECT doc_id, title FROM documents")
    assert frame.to_dict("records") == [{"doc_id": "d1", "title": "Arrests in Spain"}]


@pytest.mark.parametrize("sql", [
    "WITH t AS (SELECT title FROM documents) SELECT * FROM t",
    "DESCRIBE documents", "SHOW TABLES", "SUMMARIZE documents",
    "EXPLAIN SELECT * FROM documents", "FROM documents SELECT title",
    "SELECT * FROM cooperation_map", "select 1;",
])
def test_reads_are_allowed(settings, sql):
    code, out, err = _run(sql, settings)
    assert code == 0, err
    assert out and not err


def test_formats(settings):
    code, out, _ = _run("SELECT doc_id, title FROM documents", settings, "csv")
    assert out.splitlines() == ["doc_id,title", "d1,Arrests in Spain"]
    code, out, _ = _run("SELECT doc_id, title FROM documents", settings, "json")
    assert json.loads(out) == [{"doc_id": "d1", "title": "Arrests in Spain"}]
    code, out, _ = _run("SELECT doc_id, title FROM documents", settings, "table")
    assert "Arrests in Spain" in out.splitlines()[1]


@pytest.mark.parametrize("sql, why", [
    ("INSERT INTO rejected VALUES ('x', 'y', 'z', now())", "INSERT writes"),
    ("UPDATE documents SET title = 'x'", "UPDATE writes"),
    ("DELETE FROM documents", "DELETE writes"),
    ("CREATE TABLE evil AS SELECT 1", "CREATE writes"),
    ("CREATE TEMP TABLE evil AS SELECT 1", "CREATE writes"),
    ("CREATE MACRO m() AS 1", "CREATE"),
    ("DROP TABLE documents", "DROP writes"),
    ("ALTER TABLE documents ADD COLUMN x INT", "ALTER writes"),
    ("COPY documents TO '/tmp/stolen.csv'", "COPY copies data to or from files"),
    ("COPY documents FROM '/etc/passwd'", "COPY copies data to or from files"),
    ("EXPORT DATABASE '/tmp/stolen'", "EXPORT exports to files"),
    ("IMPORT DATABASE '/tmp/stolen'", "refused"),
    ("ATTACH '/tmp/other.duckdb' AS o", "ATTACH attaches another database"),
    ("DETACH o", "DETACH detaches a database"),
    ("INSTALL httpfs", "installs or loads an extension"),
    ("LOAD httpfs", "installs or loads an extension"),
    ("SET enable_external_access = true", "SET changes settings"),
    ("RESET lock_configuration", "SET changes settings"),
    ("PRAGMA enable_profiling", "PRAGMA runs a pragma"),
    ("CHECKPOINT", "CALL"),
    ("VACUUM", "VACUUM writes"),
    ("BEGIN TRANSACTION", "TRANSACTION controls transactions"),
    ("SELECT 1; DROP TABLE documents", "one statement at a time (2 given)"),
    ("", "no SQL given"),
])
def test_writes_and_escapes_are_refused(settings, db, sql, why):
    code, out, err = _run(sql, settings)
    assert code == 2
    assert out == ""
    assert err.startswith("corpus query: refused") and why in err
    assert err.count("\n") == 1
    # the database is untouched
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*), min(title) FROM documents").fetchall()[0] == (1, "Arrests in Spain")
    finally:
        con.close()


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('/etc/hostname')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/passwd')",
    "SELECT * FROM read_json('/etc/passwd')",
    "SELECT * FROM read_parquet('/tmp/x.parquet')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM 'data.csv'",
    "SELECT * FROM read_csv('https://example.org/x.csv')",
])
def test_file_system_access_is_refused(settings, sql):
    with pytest.raises(QueryRefused) as info:
        run_query(settings, sql)
    assert str(info.value).startswith("refused:")
    assert "file" in str(info.value)


def test_cli_exit_status_and_one_line(db, capsys):
    assert main(["query", "SELECT count(*) AS n FROM documents", "--db", str(db)]) == 0
    assert capsys.readouterr().out.split() == ["n", "1"]
    assert main(["query", "DROP", "TABLE", "documents", "--db", str(db)]) != 0
    err = capsys.readouterr().err
    assert err.startswith("corpus query: refused: DROP writes") and err.count("\n") == 1


def test_missing_database_is_a_clear_error(tmp_path, capsys):
    code, _, err = _run("SELECT 1", Settings(db=tmp_path / "nope.duckdb"))
    assert code == 1
    assert "database not found" in err and "nope.duckdb" in err
    assert not (tmp_path / "nope.duckdb").exists()


def test_sql_errors_are_one_line(settings):
    code, _, err = _run("SELECT no_such_column FROM documents", settings)
    assert code == 1
    assert err.startswith("corpus query: error: ") and err.count("\n") == 1
