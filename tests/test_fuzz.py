"""Property-based fuzzing of ingestion (and extraction, when it is there).

Random and mutated HTML, feeds, JSON Lines, CSV, text and raw bytes go through
the real ``ingest_sources``: no exception may escape, and every input must end
in ``documents`` or ``rejected``. Bounded for CI (``CORPUS_FUZZ_EXAMPLES``
examples per property, 50 by default, derandomised so a CI failure repeats);
raise the number and set ``CORPUS_FUZZ_RANDOM=1`` for a longer, random hunt.
"""
from __future__ import annotations

import csv
import io
import itertools
import json
import os
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus import store
from corpus.check import check_database
from corpus.config import Settings
from corpus.ingest import ingest_sources

EXAMPLES = int(os.environ.get("CORPUS_FUZZ_EXAMPLES", "50"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize=not os.environ.get("CORPUS_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

REPO = Path(__file__).resolve().parents[1]
SEED_HTML = [p.read_bytes() for p in sorted((REPO / "data" / "raw" / "html").glob("*.html"))][:2] or [
    b"<html><head><title>Joint operation</title></head><body><article><p>"
    + b"Europol and the FBI arrested suspects in Spain and Portugal. " * 10
    + b"</p></article></body></html>"]
SENTENCE = ("Officers of the Federal Police of Brazil and agents of the United States Drug "
            "Enforcement Administration arrested eleven suspects in a joint operation coordinated "
            "by Europol, and Interpol issued red notices for three others. ")

# links a hostile feed may carry; none of them may be fetched with default settings
HOSTILE_LINKS = [None, "", "javascript:alert(1)", "file:///etc/passwd", "http://127.0.0.1:9/x",
                 "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "not a url",
                 "ftp://example.org/x", "http://10.0.0.1/", "http://localhost:1/",
                 "http://metadata.google.internal/"]

# tokens that tend to break parsers
JUNK = [b"<div>", b"</p>", b"</html>", b"&", b"&amp;", b"&#x0;", b"&#xD800;", b"<!--", b"-->",
        b"]]>", b"<![CDATA[", b"<script>", b"</script>", b"\x00", b"\xff\xfe", b"\xc3",
        b"<!DOCTYPE html>", b"<!ENTITY x SYSTEM 'file:///etc/passwd'>", b"&x;", b"\r\n",
        b"<?xml version='1.0'?>", b"<rss>", b"<feed>", b"%PDF-", b"\x1f\x8b", b'{"text": "',
        b"\"", b",", b"\n", b"\t" * 50, "\u202e".encode(), "\U0001F693".encode()]


class Ingester:
    """One database and one folder for a whole fuzz module; a new file per example."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.con = store.connect(folder / "fuzz.duckdb")
        self.settings = Settings(per_host_delay=0.0, fetch_timeout=1.0, fetch_retries=0)
        self.counter = itertools.count()
        self.examples = 0
        self.empty_containers: list[str] = []

    def ingest(self, data: bytes, suffix: str) -> None:
        path = self.folder / f"input-{next(self.counter):05d}{suffix}"
        path.write_bytes(data)
        before = self._rows()
        summary = ingest_sources(self.con, [str(path)], self.settings)   # must not raise
        self.examples += 1
        # every input the file held is counted once: a document, a rejection, or an
        # input (a feed item's link) already read by an earlier example
        assert summary.inputs == (summary.documents_added + summary.rejected
                                  + summary.skipped_unchanged), summary.format()
        after = self._rows()
        assert after[0] - before[0] == summary.documents_added
        if summary.inputs == 0:
            # only a record file or feed holding no records at all has nothing to account for
            seen = self.con.execute("SELECT fingerprint FROM sources_seen WHERE source = ?",
                                    [str(path)]).fetchall()
            assert seen and seen[0][0].endswith("|n=0"), f"{path.name} ended nowhere: {data[:200]!r}"
            self.empty_containers.append(path.name)
        elif not summary.skipped_unchanged and suffix in (".html", ".txt", ".md", ".pdf", ".htm"):
            source = str(path)
            found = self.con.execute(
                "SELECT (SELECT count(*) FROM documents WHERE source = ? OR starts_with(source, ?))"
                " + (SELECT count(*) FROM rejected WHERE source = ? OR starts_with(source, ?))",
                [source, source + "#", source, source + "#"]).fetchall()[0][0]
            is_container = self.con.execute(
                "SELECT count(*) FROM sources_seen WHERE source = ? AND fingerprint LIKE '%|n=%'",
                [source]).fetchall()[0][0]
            assert found or is_container, f"{path.name} ended nowhere: {data[:200]!r}"

    def _rows(self) -> tuple[int, int]:
        return self.con.execute("SELECT (SELECT count(*) FROM documents), "
                                "(SELECT count(*) FROM rejected)").fetchall()[0]


@pytest.fixture(scope="module")
def ingester(tmp_path_factory):
    runner = Ingester(tmp_path_factory.mktemp("fuzz"))
    yield runner
    assert check_database(runner.con) == []
    runner.con.close()


def mutate(seed: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    """Apply (kind, position, value) mutations: flip, delete, insert junk, duplicate, truncate."""
    data = bytearray(seed)
    for kind, pos, value in ops:
        if not data:
            data = bytearray(JUNK[value % len(JUNK)])
            continue
        at = pos % len(data)
        if kind == 0:
            data[at] = value % 256
        elif kind == 1:
            del data[at:at + 1 + value % 64]
        elif kind == 2:
            data[at:at] = JUNK[value % len(JUNK)]
        elif kind == 3:
            data[at:at] = data[at:at + 1 + value % 512]
        else:
            del data[at:]
    return bytes(data)


MUTATIONS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 10**7), st.integers(0, 10**4)),
                     max_size=12)
TEXT = st.text(max_size=300)
WORDY = st.lists(st.one_of(st.just(SENTENCE), TEXT), min_size=0, max_size=6).map("".join)


@FUZZ
@given(data=st.binary(max_size=3000),
       suffix=st.sampled_from([".html", ".htm", ".txt", ".md", ".pdf", ".jsonl", ".csv", ".xml",
                               ".rss", ".gz", ""]))
def test_random_bytes_with_any_name(ingester, data, suffix):
    ingester.ingest(data, suffix)


@FUZZ
@given(seed=st.sampled_from(SEED_HTML), ops=MUTATIONS,
       suffix=st.sampled_from([".html", ".txt", ".xml"]))
def test_mutated_html(ingester, seed, ops, suffix):
    ingester.ingest(mutate(seed, ops), suffix)


def _feed(kind: str, items: list[tuple[str, str | None, str, str]], escaped: bool) -> bytes:
    esc = escape if escaped else (lambda s: s)
    if kind == "atom":
        body = "".join(
            f"<entry><title>{esc(t)}</title>"
            + (f'<link href="{esc(link)}"/>' if link is not None else "")
            + f"<updated>{esc(when)}</updated><content type=\"html\">{esc(c)}</content></entry>"
            for t, link, when, c in items)
        return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>Fuzz</title>{body}</feed>").encode("utf-8", "surrogatepass")
    body = "".join(
        f"<item><title>{esc(t)}</title>" + (f"<link>{esc(link)}</link>" if link is not None else "")
        + f"<pubDate>{esc(when)}</pubDate><description>{esc(c)}</description></item>"
        for t, link, when, c in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Fuzz</title>'
            f"{body}</channel></rss>").encode("utf-8", "surrogatepass")


@FUZZ
@given(kind=st.sampled_from(["rss", "atom"]),
       items=st.lists(st.tuples(TEXT, st.sampled_from(HOSTILE_LINKS),
                                st.one_of(TEXT, st.dates().map(date.isoformat),
                                          st.just("Tue, 10 Jun 2003 04:00:00 GMT")), WORDY),
                      max_size=6),
       escaped=st.booleans(), ops=MUTATIONS)
def test_feeds_with_hostile_items(ingester, kind, items, escaped, ops):
    data = _feed(kind, items, escaped)
    ingester.ingest(mutate(data, ops) if ops and not escaped else data, ".xml")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8)
RECORD = st.fixed_dictionaries(
    {}, optional={"url": st.one_of(JSON_VALUES, st.sampled_from([h for h in HOSTILE_LINKS if h])),
                  "title": JSON_VALUES, "published": st.one_of(JSON_VALUES, st.dates().map(str)),
                  "text": st.one_of(WORDY, JSON_VALUES), "source": JSON_VALUES})


@FUZZ
@given(lines=st.lists(st.one_of(RECORD.map(lambda r: json.dumps(r, ensure_ascii=False)),
                                JSON_VALUES.map(json.dumps), TEXT), max_size=8),
       ops=MUTATIONS)
def test_json_lines(ingester, lines, ops):
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    ingester.ingest(mutate(data, ops[:2]), ".jsonl")


@FUZZ
@given(columns=st.lists(st.sampled_from(["url", "title", "published", "text", "source", "", "Text ",
                                         "x,y", "\"q\""]), min_size=1, max_size=5, unique=True),
       rows=st.lists(st.lists(st.one_of(WORDY, TEXT), max_size=6), max_size=6),
       tail=st.binary(max_size=40))
def test_csv(ingester, columns, rows, tail):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    ingester.ingest(buffer.getvalue().encode("utf-8", "surrogatepass") + tail, ".csv")


@FUZZ
@given(text=st.lists(st.one_of(st.just(SENTENCE), st.text(max_size=400),
                               st.sampled_from(["\n\n", "\r", "\u2028", "\x0c", "#", "Menu | Home"])),
                     max_size=10).map("".join),
       encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig", "latin-1", "cp1252"]),
       suffix=st.sampled_from([".txt", ".md"]))
def test_text_in_any_encoding(ingester, text, encoding, suffix):
    ingester.ingest(text.encode(encoding, "replace"), suffix)


# --------------------------------------------------------------- downloads

class FuzzServer:
    """A 127.0.0.1 server that answers each /fuzz/N with whatever the example asks for."""

    def __init__(self):
        from hostile.httpserver import LocalServer
        self.responses: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.server = LocalServer()
        self.server.routes["/robots.txt"] = lambda h: self._send(h, (404, {}, b""))
        self.server.start()
        self.counter = itertools.count()

    def _send(self, handler, response):
        status, headers, body = response
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def serve(self, status: int, headers: dict[str, str], body: bytes) -> str:
        path = f"/fuzz/{next(self.counter)}"
        self.responses[path] = (status, headers, body)
        self.server.routes[path] = lambda h, p=path: self._send(h, self.responses[p])
        return self.server.url(path)


@pytest.fixture(scope="module")
def fuzz_server():
    server = FuzzServer()
    yield server
    server.server.stop()


def _encode(body: bytes, coding: str | None) -> bytes:
    import gzip
    import zlib
    if coding == "gzip":
        return gzip.compress(body)
    if coding == "deflate":
        return zlib.compress(body)
    return body


@FUZZ
@given(status=st.sampled_from([200, 200, 200, 201, 204, 301, 302, 304, 400, 403, 404, 410, 429,
                               500, 503]),
       location=st.sampled_from([None, "/fuzz/0", "file:///etc/passwd", "http://169.254.169.254/",
                                 "javascript:x", "", "//127.0.0.1:1/x", "http://[::1]:1/",
                                 "http://[::1", "http://h:99999/", "\u00e9\u00e8://x",
                                 "/fuzz/0?" + "a" * 3000]),
       content_type=st.sampled_from([None, "text/html", "text/html; charset=utf-8",
                                     "text/html; charset=no-such-codec", "application/rss+xml",
                                     "application/pdf", "text/plain; charset=utf-16",
                                     "application/json", "text/csv", "image/png"]),
       coding=st.sampled_from([None, "gzip", "deflate", "br", "gzip, gzip", "x-unknown"]),
       honest=st.booleans(),
       body=st.one_of(st.binary(max_size=2000), st.sampled_from(SEED_HTML),
                      WORDY.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_served_responses(ingester, fuzz_server, status, location, content_type, coding, honest, body):
    headers = {}
    if content_type:
        headers["Content-Type"] = content_type
    if location is not None and 300 <= status < 400:
        headers["Location"] = location
    if coding:
        headers["Content-Encoding"] = coding
        body = _encode(body, coding) if honest else body
    url = fuzz_server.serve(status, headers, body)
    settings = ingester.settings.replace(allow_private_network=True)
    summary = ingest_sources(ingester.con, [url], settings)            # must not raise
    ingester.examples += 1
    assert summary.inputs == summary.documents_added + summary.rejected + summary.skipped_unchanged
    landed = ingester.con.execute(
        "SELECT (SELECT count(*) FROM documents WHERE source = ?) + "
        "(SELECT count(*) FROM rejected WHERE source = ?)", [url, url]).fetchall()[0][0]
    assert landed or summary.inputs == 0 or summary.inputs > 1, summary.format()


# --------------------------------------------------------------- extraction

@pytest.fixture(scope="module")
def extract_batch():
    module = pytest.importorskip("corpus.extract")
    return module.extract_batch


@FUZZ
@given(text=st.lists(st.one_of(st.just(SENTENCE), st.text(min_size=1, max_size=300),
                               st.sampled_from(["Interpol", "the FBI", " and ", "U.S.", "\n\n",
                                                "on 3 May 2021", "in 1999", "\u00a0"])),
                     min_size=1, max_size=8).map("".join),
       language=st.sampled_from(["en", "fr", None]))
def test_extract_batch_never_raises(extract_batch, text, language):
    from corpus.records import Extraction
    doc = {"doc_id": "fuzz", "title": None, "published": None, "language": language,
           "text": text, "url": None, "source": "fuzz.txt"}
    result = extract_batch([doc], Settings())
    assert isinstance(result, Extraction)
    assert "fuzz" in result.done_doc_ids or any(r.source for r in result.rejections)
    for m in result.mentions:
        assert 0 <= m.start_char < m.end_char <= len(text)
        assert text[m.start_char:m.end_char] == m.text
    for d in result.dates:
        assert text[d.start_char:d.end_char] == d.text
    ids = {e.entity_id for e in result.entities}
    for r in result.relations:
        assert r.source_id in ids and r.target_id in ids


def test_fuzz_ran_every_example(ingester):
    """Runs last in this module: reports how much was fuzzed."""
    assert ingester.examples >= EXAMPLES
    print(f"\nfuzz: {ingester.examples} inputs ingested; "
          f"{len(ingester.empty_containers)} record files/feeds held no records")
