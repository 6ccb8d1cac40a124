"""Read-only, locked-down connections for SQL that a user typed (``corpus query``).

DuckDB itself enforces the rules: the database is opened read-only, file-system
access and extension loading are switched off, and the configuration is locked
before the user's SQL runs, so a statement cannot switch them on again.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

Connection = duckdb.DuckDBPyConnection

# Statement kinds that only read. PIVOT parses as MULTI; it is harmless on a
# read-only connection whose configuration is locked.
READ_STATEMENTS = frozenset({"SELECT", "EXPLAIN", "MULTI"})

_MISSING_TABLE = re.compile(r"Table with name (\S+) does not exist")
_FILE_LIKE = re.compile(r"[/\\:]|\.[A-Za-z0-9]{1,8}$|^~")

LOCKED_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "lock_configuration": True,
}


class ReadOnlyError(Exception):
    """The database cannot be opened for reading, or a statement is not allowed."""


def connect_readonly_locked(path: str | Path) -> Connection:
    """Open an existing database read-only with file access and extensions off."""
    path = Path(path)
    if not path.is_file():
        raise ReadOnlyError(f"database not found: {path} (run `corpus run` first or pass --db)")
    config = dict(LOCKED_CONFIG)
    try:
        return duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.Error as exc:
        raise ReadOnlyError(f"cannot open {path} read-only: {_first_line(exc)}") from None


def statement_kinds(sql: str) -> list[str]:
    """The kind of each statement in ``sql`` (SELECT, INSERT, ATTACH ...), as DuckDB parses it."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise ReadOnlyError(f"SQL does not parse: {_first_line(exc)}") from None
    return [s.type.name for s in statements]


def run_readonly(con: Connection, sql: str) -> pd.DataFrame:
    """Run one already-vetted statement and return its rows."""
    try:
        cursor = con.execute(sql)
    except duckdb.PermissionException:
        raise ReadOnlyError("refused: the query touches the file system or an extension, "
                            "which corpus query does not allow") from None
    except duckdb.CatalogException as exc:
        message = _first_line(exc)
        missing = _MISSING_TABLE.search(message)
        if missing and _FILE_LIKE.search(missing.group(1)):
            raise ReadOnlyError("refused: only the database's tables and views can be "
                                f"queried, not files ({message})") from None
        raise ReadOnlyError(message) from None
    except duckdb.Error as exc:
        raise ReadOnlyError(_first_line(exc)) from None
    if cursor.description is None:
        return pd.DataFrame()
    return cursor.df()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    return text.splitlines()[0][:300]
