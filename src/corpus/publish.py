"""One writer, many readers: runs write a working copy and publish it atomically.

DuckDB lets one process write a database file, and a writer's lock keeps every
other process out, readers included. So a run never writes the published file:

- it takes ``<db>.lock`` (an OS lock, released even when the process is killed),
  so a second writer stops with a clear error;
- it works on ``<db>.work`` next to the published file, a copy of it;
- at the end it checkpoints, closes and renames the working copy over the
  published file (``os.replace``, atomic on one file system).

Readers (``corpus query``, notebooks, the report, search) open the published file
read-only and see either the previous or the new database, never a half-written
one. A run that dies leaves the published file as it was and its working copy in
place; the next run resumes from that copy, because every stage records what it
finished per batch (``stage_done``) and redoes a batch idempotently.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from corpus import store


class WriterBusy(RuntimeError):
    """Another process is already writing this database."""


def working_path(db: Path) -> Path:
    return db.with_name(db.name + ".work")


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def _base_path(db: Path) -> Path:
    """Remembers which published file the working copy was made from."""
    return db.with_name(db.name + ".work.base")


def _fingerprint(path: Path) -> dict[str, int] | None:
    if not path.exists():
        return None
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino}


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


class WriterLock:
    """An exclusive, non-blocking lock on ``<db>.lock`` held for a whole run."""

    def __init__(self, db: Path) -> None:
        self.path = lock_path(db)
        self._fh: IO[str] | None = None

    def acquire(self) -> "WriterLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")
        try:
            _lock_file(fh)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise WriterBusy(f"{self.path.name[:-5]} is being written by {holder}; "
                             f"wait for that run to finish (lock file {self.path})") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"corpus run pid {os.getpid()}")
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        if self._fh is not None:
            _unlock_file(self._fh)
            self._fh.close()
            self._fh = None

    def __enter__(self) -> "WriterLock":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


try:
    import fcntl

    def _lock_file(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock_file(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
except ImportError:  # Windows
    import msvcrt

    def _lock_file(fh: IO[str]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock_file(fh: IO[str]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)


@dataclass
class WorkingCopy:
    """The database a run writes; ``publish()`` makes it the one readers see."""

    db: Path
    embedding_dim: int = 384
    resumed: bool = False
    con: store.Connection | None = None
    _lock: WriterLock | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        return working_path(self.db)

    def open(self) -> store.Connection:
        """Lock, then resume a valid working copy or copy the published database."""
        self._lock = WriterLock(self.db).acquire()
        try:
            self.con = self._open_copy()
        except BaseException:
            self._lock.release()
            raise
        return self.con

    def _open_copy(self) -> store.Connection:
        work, base = self.path, _base_path(self.db)
        published = _fingerprint(self.db)
        if work.exists():
            try:
                recorded = json.loads(base.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                recorded = "unknown"
            if recorded == published:
                try:
                    con = store.connect(work, embedding_dim=self.embedding_dim)
                    self.resumed = True
                    return con
                except Exception:  # a torn copy: start again from the published file
                    pass
            self.discard()
        self.db.parent.mkdir(parents=True, exist_ok=True)
        if self.db.exists():
            partial = work.with_name(work.name + ".partial")
            shutil.copyfile(self.db, partial)
            os.replace(partial, work)
        base.write_text(json.dumps(published), encoding="utf-8")
        return store.connect(work, embedding_dim=self.embedding_dim)

    def publish(self) -> Path:
        """Checkpoint, close and atomically replace the published file."""
        if self.con is None:
            raise RuntimeError("the working copy is not open")
        self.con.execute("CHECKPOINT")
        self.con.close()
        self.con = None
        os.replace(self.path, self.db)
        _remove(self.path.with_name(self.path.name + ".wal"))
        _remove(_base_path(self.db))
        return self.db

    def discard(self) -> None:
        """Drop the working copy (the published file is untouched)."""
        if self.con is not None:
            self.con.close()
            self.con = None
        for path in (self.path, self.path.with_name(self.path.name + ".wal"),
                     _base_path(self.db)):
            _remove(path)

    def close(self) -> None:
        """End the run without publishing; the working copy stays for a resume."""
        if self.con is not None:
            try:
                self.con.close()
            finally:
                self.con = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> "WorkingCopy":
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
