"""``corpus query``: read-only SQL against the database.

Two guards, both from DuckDB rather than pattern matching: the statement's kind
as DuckDB's parser sees it must be a read (SELECT, WITH, DESCRIBE, SHOW,
SUMMARIZE, EXPLAIN, PIVOT), and the connection it runs on is read-only with
file access and extensions switched off and its configuration locked.
"""
from __future__ import annotations

import json
import sys
from typing import TextIO

import pandas as pd

from corpus.config import Settings
from corpus.store import readonly

REFUSED_KINDS = {
    "INSERT": "writes", "UPDATE": "writes", "DELETE": "writes", "MERGE_INTO": "writes",
    "CREATE": "writes", "CREATE_FUNC": "writes", "DROP": "writes", "ALTER": "writes",
    "COPY": "copies data to or from files", "COPY_DATABASE": "copies a database",
    "EXPORT": "exports to files", "VACUUM": "writes", "ANALYZE": "writes",
    "ATTACH": "attaches another database", "DETACH": "detaches a database",
    "LOAD": "installs or loads an extension", "EXTENSION": "installs or loads an extension",
    "SET": "changes settings", "VARIABLE_SET": "changes settings",
    "PRAGMA": "runs a pragma", "CALL": "calls a procedure (CHECKPOINT and friends)",
    "TRANSACTION": "controls transactions", "PREPARE": "prepares statements",
    "EXECUTE": "executes prepared statements",
}


class QueryRefused(Exception):
    """The SQL would do more than read the database."""


class QueryFailed(Exception):
    """The SQL is allowed but DuckDB could not run it."""


def vet_sql(sql: str) -> None:
    """Refuse anything but a single reading statement."""
    if not sql or not sql.strip():
        raise QueryRefused("refused: no SQL given")
    try:
        kinds = readonly.statement_kinds(sql)
    except readonly.ReadOnlyError as exc:
        raise QueryFailed(str(exc)) from None
    if not kinds:
        raise QueryRefused("refused: no SQL statement given")
    if len(kinds) > 1:
        raise QueryRefused(f"refused: one statement at a time ({len(kinds)} given)")
    kind = kinds[0]
    if kind not in readonly.READ_STATEMENTS:
        what = REFUSED_KINDS.get(kind, "is not a read")
        raise QueryRefused(f"refused: {kind} {what}; corpus query only reads "
                           "(SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)")


def run_query(settings: Settings, sql: str) -> pd.DataFrame:
    """Run one read-only statement against ``settings.db`` and return its rows."""
    vet_sql(sql)
    try:
        con = readonly.connect_readonly_locked(settings.db)
    except readonly.ReadOnlyError as exc:
        raise QueryFailed(str(exc)) from None
    try:
        return readonly.run_readonly(con, sql)
    except readonly.ReadOnlyError as exc:
        message = str(exc)
        if message.startswith("refused"):
            raise QueryRefused(message) from None
        raise QueryFailed(message) from None
    finally:
        con.close()


def format_frame(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        records = json.loads(frame.to_json(orient="records", date_format="iso",
                                           force_ascii=False, default_handler=str))
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    if list(frame.columns) == ["explain_key", "explain_value"]:
        return "".join(f"{value}\n" for value in frame["explain_value"])
    if frame.empty:
        return "(no rows)\n" if len(frame.columns) else "(done)\n"
    with pd.option_context("display.max_rows", None, "display.max_columns", None,
                           "display.width", 200, "display.max_colwidth", 80):
        return frame.to_string(index=False) + "\n"


def print_query(sql: str, settings: Settings, fmt: str = "table", *,
                out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print the rows of a read-only query; 2 when refused, 1 when it fails."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        frame = run_query(settings, sql)
    except QueryRefused as exc:
        print(f"corpus query: {exc}", file=err)
        return 2
    except QueryFailed as exc:
        print(f"corpus query: error: {exc}", file=err)
        return 1
    out.write(format_frame(frame, fmt))
    return 0
