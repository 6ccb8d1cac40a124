"""The working copy, the writer lock and atomic publishing, on real DuckDB files."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from corpus import store
from corpus.publish import WorkingCopy, WriterBusy, WriterLock, lock_path, working_path


def _documents(db) -> int:
    con = store.connect(db, read_only=True)
    try:
        return con.execute("SELECT count(*) FROM documents").fetchall()[0][0]
    finally:
        con.close()


def _add_document(con, doc_id: str) -> None:
    con.execute("INSERT INTO documents (doc_id, source, text, content_hash) VALUES (?, ?, ?, ?)",
                [doc_id, f"test://{doc_id}", "Interpol and Europol met in Lyon.", doc_id])


def test_first_publish_creates_the_database_atomically(tmp_path):
    db = tmp_path / "corpus.duckdb"
    with WorkingCopy(db) as copy:
        _add_document(copy.con, "a")
        assert not db.exists(), "readers must not see a database before it is published"
        assert copy.path == working_path(db) and copy.path.exists()
        copy.publish()
    assert _documents(db) == 1
    assert not working_path(db).exists()


def test_published_file_is_untouched_until_publish(tmp_path):
    db = tmp_path / "corpus.duckdb"
    with WorkingCopy(db) as copy:
        _add_document(copy.con, "a")
        copy.publish()
    with WorkingCopy(db) as copy:
        _add_document(copy.con, "b")
        # a reader opens the published file while the writer works on its copy
        assert _documents(db) == 1
        copy.publish()
    assert _documents(db) == 2


def test_interrupted_copy_is_resumed_not_restarted(tmp_path):
    db = tmp_path / "corpus.duckdb"
    with WorkingCopy(db) as copy:
        _add_document(copy.con, "a")
        copy.publish()
    with WorkingCopy(db) as copy:          # ends without publishing, like a crash
        _add_document(copy.con, "b")
    assert _documents(db) == 1
    with WorkingCopy(db) as copy:
        assert copy.resumed
        ids = [r[0] for r in copy.con.execute("SELECT doc_id FROM documents ORDER BY 1").fetchall()]
        assert ids == ["a", "b"]
        copy.publish()
    assert _documents(db) == 2


def test_stale_working_copy_is_discarded_when_the_published_file_changed(tmp_path):
    db = tmp_path / "corpus.duckdb"
    with WorkingCopy(db) as copy:
        _add_document(copy.con, "a")
        copy.publish()
    with WorkingCopy(db) as copy:
        _add_document(copy.con, "stale")
    # someone restores another database in place of the published one
    other = tmp_path / "other.duckdb"
    with WorkingCopy(other) as copy:
        _add_document(copy.con, "x")
        _add_document(copy.con, "y")
        copy.publish()
    os.replace(other, db)
    with WorkingCopy(db) as copy:
        assert not copy.resumed
        ids = [r[0] for r in copy.con.execute("SELECT doc_id FROM documents ORDER BY 1").fetchall()]
        assert ids == ["x", "y"]


def test_torn_working_copy_is_replaced_by_a_fresh_copy(tmp_path):
    db = tmp_path / "corpus.duckdb"
    with WorkingCopy(db) as copy:
        _add_document(copy.con, "a")
        copy.publish()
    with WorkingCopy(db) as copy:
        _add_document(copy.con, "b")
    working_path(db).write_bytes(b"not a database at all")
    with WorkingCopy(db) as copy:
        assert not copy.resumed
        assert copy.con.execute("SELECT count(*) FROM documents").fetchall()[0][0] == 1


def test_second_writer_gets_a_clear_error(tmp_path):
    db = tmp_path / "corpus.duckdb"
    with WriterLock(db):
        with pytest.raises(WriterBusy, match="being written by corpus run pid"):
            WorkingCopy(db).open()
    WorkingCopy(db).open().close()   # free again once the first writer is done


def test_lock_held_by_a_killed_process_is_released(tmp_path):
    db = tmp_path / "corpus.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from corpus.publish import WriterLock
        lock = WriterLock(__import__('pathlib').Path({str(db)!r})).acquire()
        print('locked', flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WriterBusy):
            WriterLock(db).acquire()
    finally:
        holder.kill()
        holder.wait()
    assert lock_path(db).exists()
    WriterLock(db).acquire().release()
