"""JSON Lines and CSV files of already-extracted records (url, title, published, text).

Each record becomes one input whose ``source`` is ``<file>#<url>`` (the record's
url, with ``#2``, ``#3`` … for later records repeating a url), or
``<file>#line<N>`` when a record has no url: stable across re-runs of the same
file and unique within it.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from dataclasses import dataclass
from typing import Iterator

from corpus.ingest.decode import DecodeError, decode_bytes
from corpus.ingest.readers import InputError, ParseError

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(slots=True)
class Record:
    source: str
    fields: dict | None           # None when the line could not be parsed
    problem: str | None = None    # why it could not be parsed
    fingerprint: str = ""


def record_fingerprint(fields: dict) -> str:
    parts = [str(fields.get(k) or "") for k in ("url", "title", "published", "text")]
    return "rec:" + hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=12).hexdigest()


def _keys(path: str, rows: Iterator[tuple[int, dict | None, str | None]]) -> Iterator[Record]:
    used: dict[str, int] = {}
    for lineno, fields, problem in rows:
        url = str(fields.get("url") or "").strip() if fields else ""
        if url:
            used[url] = used.get(url, 0) + 1
            key = f"{path}#{url}" if used[url] == 1 else f"{path}#{url}#{used[url]}"
        else:
            key = f"{path}#line{lineno}"
        yield Record(source=key, fields=fields, problem=problem,
                     fingerprint=record_fingerprint(fields) if fields else "bad")


def _jsonl_rows(text: str) -> Iterator[tuple[int, dict | None, str | None]]:
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield lineno, None, f"line {lineno} is not valid JSON ({exc.msg})"
            continue
        except RecursionError:
            yield lineno, None, f"line {lineno} is JSON nested too deeply to read"
            continue
        if not isinstance(value, dict):
            yield lineno, None, f"line {lineno} is JSON but not an object with url/title/text"
            continue
        yield lineno, value, None


def _csv_rows(text: str) -> Iterator[tuple[int, dict | None, str | None]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "text" not in fields:
        raise ParseError("a CSV file without a 'text' column (expected url,title,published,text)")
    reader.fieldnames = fields
    try:
        for row in reader:
            yield reader.line_num, {k: v for k, v in row.items() if k}, None
    except csv.Error as exc:
        raise ParseError(f"CSV file broken at line {reader.line_num}: {exc}") from None


def read_records(data: bytes, path: str, form: str) -> list[Record]:
    """Every record of a JSON Lines (``form='jsonl'``) or CSV file, in file order."""
    try:
        text = decode_bytes(data)
    except DecodeError as exc:
        raise InputError(f"not readable as text: {exc}") from None
    rows = _jsonl_rows(text) if form == "jsonl" else _csv_rows(text)
    return list(_keys(path, rows))
