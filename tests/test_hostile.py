"""Hostile inputs through the real ingest stage: every one ends in ``documents`` or
``rejected`` with a reason, the call returns normally, and the database passes
``corpus check``. Small hostile files live in tests/hostile/files; big ones
(200 MB of one line, 100,000 nested tags, a 10,000-item feed, a gzip bomb) are
generated into tmp_path at test time.
"""
from __future__ import annotations

import gzip
import shutil
import zlib
from pathlib import Path

import pytest

from corpus import store
from corpus.check import check_database
from corpus.config import Settings
from corpus.ingest import ingest_sources
from hostile.httpserver import LocalServer, send

FILES = Path(__file__).parent / "hostile" / "files"

ARTICLE = ("Officers of the Federal Police of Brazil and agents of the United States Drug Enforcement "
           "Administration arrested eleven suspects on Tuesday in a joint operation against a cocaine "
           "trafficking network that shipped drugs from Santos to Rotterdam. Europol coordinated the "
           "exchange of intelligence between the investigators, and Dutch police seized four tonnes of "
           "cocaine in the port.")


def _settings(**changes) -> Settings:
    base = Settings(per_host_delay=0.0, fetch_timeout=5.0, fetch_retries=0,
                    extra={"retry_backoff": 0.01})
    return base.replace(**changes)


def _outcomes(con) -> tuple[dict[str, str], dict[str, str]]:
    """source -> text of documents, source -> reason of rejections."""
    docs = dict(con.execute("SELECT source, text FROM documents").fetchall())
    rejected = dict(con.execute("SELECT source, reason FROM rejected").fetchall())
    return docs, rejected


def _accounted(path: Path, docs: dict, rejected: dict) -> bool:
    """The file, or for record files and feeds each of its records/items, landed somewhere."""
    source = str(path)
    if source in docs or source in rejected:
        return True
    return any(s.startswith(source + "#") for s in list(docs) + list(rejected))


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-inputs")
    for file in FILES.iterdir():
        shutil.copy(file, folder / file.name)
    path = tmp_path_factory.mktemp("hostile-db") / "corpus.duckdb"
    con = store.connect(path)
    summary = ingest_sources(con, [str(folder)], _settings())
    yield con, folder, summary
    con.close()


def test_every_hostile_file_ends_in_documents_or_rejected(hostile_db):
    con, folder, summary = hostile_db
    docs, rejected = _outcomes(con)
    files = sorted(folder.iterdir())
    assert len(files) >= 20
    missing = [f.name for f in files if not _accounted(f, docs, rejected)]
    assert missing == []
    assert summary.inputs == summary.documents_added + summary.rejected
    assert all(reason.strip() for reason in rejected.values())


@pytest.mark.parametrize("name, words", [
    ("empty.txt", "empty input"),
    ("only-whitespace.md", "empty input"),
    ("binary-junk.html", "binary data"),
    ("nul-bytes.txt", "binary data"),
    ("not-a-pdf.pdf", "not a PDF"),
    ("truncated.pdf", "unreadable PDF"),
    ("no-article.html", "no article text"),
    ("script-only.html", "no article text"),
    ("tiny.txt", "too little text"),
    ("no-text-column.csv", "without a 'text' column"),
    ("not-a-feed.xml", "neither an RSS/Atom feed"),
    ("broken-feed.rss", "the feed does not parse"),
    ("xxe-feed.xml", "declares entities"),
    ("xxe-parameter-entity.xml", "declares entities"),
    ("billion-laughs-feed.xml", "declares entities"),
])
def test_rejections_say_why(hostile_db, name, words):
    con, folder, _ = hostile_db
    _, rejected = _outcomes(con)
    assert words in rejected[str(folder / name)]


def test_truncated_gzip_is_rejected(hostile_db):
    con, folder, _ = hostile_db
    _, rejected = _outcomes(con)
    assert str(folder / "truncated-page.html.gz") in rejected


def test_no_local_file_leaks_through_an_external_entity(hostile_db):
    con, _, _ = hostile_db
    leaked = con.execute("SELECT count(*) FROM documents WHERE text LIKE '%root:%:0:0:%' "
                         "OR raw_text LIKE '%root:%:0:0:%'").fetchall()[0][0]
    assert leaked == 0


def test_wrong_encodings_are_decoded_not_lost(hostile_db):
    con, folder, _ = hostile_db
    docs, _ = _outcomes(con)
    utf16 = docs[str(folder / "utf16-with-bom.txt")]
    assert utf16.startswith("Joint operation in Santos") and "\x00" not in utf16
    assert "Federal Police of Brazil" in docs[str(folder / "invalid-utf8.txt")]


def test_broken_record_lines_are_rejected_one_by_one(hostile_db):
    con, folder, _ = hostile_db
    docs, rejected = _outcomes(con)
    prefix = f"{folder / 'broken-lines.jsonl'}#"
    assert f"{prefix}https://example.org/good-1" in docs
    assert "not valid JSON" in rejected[f"{prefix}line2"]
    assert "not valid JSON" in rejected[f"{prefix}line3"]
    assert "not an object" in rejected[f"{prefix}line4"]
    assert rejected[f"{prefix}https://example.org/no-text"] == "the record has no text"
    assert rejected[f"{prefix}https://example.org/text-number"] == "the record has no text"


def test_hostile_database_passes_check_and_rerun_adds_nothing(hostile_db):
    con, folder, _ = hostile_db
    assert check_database(con) == []
    before = con.execute("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM rejected)").fetchall()[0]
    again = ingest_sources(con, [str(folder)], _settings())
    assert again.documents_added == 0
    after = con.execute("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM rejected)").fetchall()[0]
    assert after == before
    assert check_database(con) == []


# --------------------------------------------------------------- generated, big

@pytest.fixture
def file_db(tmp_path):
    con = store.connect(tmp_path / "db" / "corpus.duckdb")
    yield con
    con.close()


def test_200_mb_of_one_line_is_refused_by_size(tmp_path, file_db):
    path = tmp_path / "one-line-200mb.txt"
    line = (ARTICLE + " ").encode()
    with path.open("wb") as fh:
        block = line * (1_000_000 // len(line))
        for _ in range(200_000_000 // len(block) + 1):
            fh.write(block)
    assert path.stat().st_size >= 200_000_000
    summary = ingest_sources(file_db, [str(path)], _settings())
    path.unlink()
    _, rejected = _outcomes(file_db)
    assert summary.rejected == 1
    assert rejected[str(path)] == "file larger than the 20 MB limit"
    assert check_database(file_db) == []


def test_a_long_single_line_under_the_cap_is_truncated_not_lost(tmp_path, file_db):
    path = tmp_path / "one-line-8mb.txt"
    line = ARTICLE + " "
    path.write_text((line * (8_000_000 // len(line) + 1))[:8_000_000], encoding="utf-8")
    settings = _settings()
    summary = ingest_sources(file_db, [str(path)], settings)
    docs, _ = _outcomes(file_db)
    assert summary.documents_added == 1
    assert 0 < len(docs[str(path)]) <= settings.max_document_chars
    assert check_database(file_db) == []


def test_html_with_100000_nested_tags(tmp_path, file_db):
    path = tmp_path / "nested-100k.html"
    path.write_text("<html><body>" + "<div>" * 100_000 + f"<p>{ARTICLE}</p>" + "</div>" * 100_000
                    + "</body></html>", encoding="utf-8")
    summary = ingest_sources(file_db, [str(path)], _settings())
    docs, rejected = _outcomes(file_db)
    assert summary.inputs == 1
    assert str(path) in docs or rejected[str(path)]
    assert check_database(file_db) == []


def test_feed_with_10000_items(tmp_path, file_db):
    path = tmp_path / "feed-10000-items.rss"
    long_text = " ".join([ARTICLE] * 2)
    items = []
    for i in range(10_000):
        # every 500th item carries enough text of its own to become a document
        body = f"{long_text} Item number {i}." if i % 500 == 0 else f"Short teaser {i}"
        items.append(f"<item><title>Item {i}</title><guid>item-{i}</guid>"
                     f"<description>{body}</description></item>")
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
                    + "".join(items) + "</channel></rss>", encoding="utf-8")
    summary = ingest_sources(file_db, [str(path)], _settings())
    docs, rejected = _outcomes(file_db)
    assert summary.inputs == 10_000
    feed_docs = [s for s in docs if s.startswith(f"{path}#")]
    feed_rejected = [s for s in rejected if s.startswith(f"{path}#")]
    assert len(feed_docs) + len(feed_rejected) == 10_000
    assert len(feed_docs) == 20
    assert "carries too little text" in rejected[f"{path}#item-1"]
    assert check_database(file_db) == []


def test_gzip_bomb_file_is_refused(tmp_path, file_db):
    path = tmp_path / "bomb.txt.gz"
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * 1_000_000
    path.write_bytes(b"".join(packer.compress(zeros) for _ in range(100)) + packer.flush())
    assert path.stat().st_size < 200_000
    ingest_sources(file_db, [str(path)], _settings())
    _, rejected = _outcomes(file_db)
    assert "expands beyond the 20 MB limit" in rejected[str(path)]


def test_gzipped_article_is_read(tmp_path, file_db):
    path = tmp_path / "article.txt.gz"
    path.write_bytes(gzip.compress(("Brazil and the DEA\n\n" + ARTICLE).encode()))
    ingest_sources(file_db, [str(path)], _settings())
    docs, _ = _outcomes(file_db)
    assert "Drug Enforcement Administration" in docs[str(path)]


def test_deeply_nested_json_line_is_rejected_not_crashing(tmp_path, file_db):
    path = tmp_path / "nested.jsonl"
    good = '{"url": "https://example.org/ok", "text": "' + ARTICLE + '"}'
    path.write_text(good + "\n" + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    ingest_sources(file_db, [str(path)], _settings())
    docs, rejected = _outcomes(file_db)
    assert f"{path}#https://example.org/ok" in docs
    assert "nested too deeply" in rejected[f"{path}#line2"]


def _pdf_with_content(content: bytes) -> bytes:
    """A minimal one-page PDF whose page content stream is ``content``, Flate-compressed."""
    packed = zlib.compress(content, 6)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_real_pdf_is_read(tmp_path, file_db):
    path = tmp_path / "release.pdf"
    lines = b" ".join(b"(%s) Tj 0 -14 Td" % line.encode() for line in
                      [ARTICLE[i:i + 80] for i in range(0, len(ARTICLE), 80)])
    path.write_bytes(_pdf_with_content(b"BT /F1 12 Tf 72 712 Td " + lines + b" ET"))
    ingest_sources(file_db, [str(path)], _settings())
    docs, rejected = _outcomes(file_db)
    assert "Europol" in docs.get(str(path), "") or str(path) in rejected


def test_pdf_decompression_bomb_is_rejected(tmp_path, file_db):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_pdf_with_content(b"BT /F1 12 Tf 72 712 Td " + b"(Europol) Tj " * 8_000_000 + b"ET"))
    assert path.stat().st_size < 2_000_000
    ingest_sources(file_db, [str(path)], _settings())
    _, rejected = _outcomes(file_db)
    assert "decompression bomb" in rejected[str(path)]


def test_a_symlink_out_of_the_folder_is_not_followed(tmp_path, file_db):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("SECRET-TOKEN-1234 " + ARTICLE, encoding="utf-8")
    folder = tmp_path / "received"
    folder.mkdir()
    (folder / "article.txt").write_text("Europol\n\n" + ARTICLE.replace("eleven", "nine"), encoding="utf-8")
    (folder / "innocent.txt").symlink_to(secret)
    ingest_sources(file_db, [str(folder)], _settings())
    leaked = file_db.execute("SELECT count(*) FROM documents WHERE text LIKE '%SECRET-TOKEN%'").fetchall()[0][0]
    assert leaked == 0
    docs, _ = _outcomes(file_db)
    assert str(folder / "article.txt") in docs


# --------------------------------------------------------------- feeds and URLs

PAGE = (f"<html><head><title>Operation Santos</title></head><body><article><h1>Operation Santos</h1>"
        f"<p>{ARTICLE}</p><p>{ARTICLE.replace('eleven', 'twelve')}</p></article></body></html>").encode()


@pytest.fixture(scope="module")
def server():
    srv = LocalServer()
    srv.routes.update({
        "/robots.txt": lambda h: send(h, 404, b""),
        "/page": lambda h: send(h, 200, PAGE),
        "/500": lambda h: send(h, 500, b"oops"),
        "/slow": lambda h: (__import__("time").sleep(3), send(h, 200, PAGE)),
    })
    srv.start()
    srv.routes["/feed.rss"] = lambda h: send(h, 200, _feed(
        [f"http://127.0.0.1:{srv.port}/page", "http://169.254.169.254/latest/meta-data/iam/"]),
        "application/rss+xml")
    yield srv
    srv.stop()


def _feed(links: list[str]) -> bytes:
    items = "".join(f"<item><title>Item {i}</title><link>{link}</link><description>teaser</description></item>"
                    for i, link in enumerate(links))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>{items}'
            f"</channel></rss>").encode()


def test_feed_items_pointing_at_local_addresses_are_refused_by_default(tmp_path, file_db, server):
    links = [server.url("/page"), f"http://localhost:{server.port}/page",
             "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
             "http://[::1]/", "http://10.0.0.1/admin", "file:///etc/passwd"]
    feed = tmp_path / "local-links.rss"
    feed.write_bytes(_feed(links))
    before = server.hits.get("/page", 0)
    summary = ingest_sources(file_db, [str(feed)], _settings())
    _, rejected = _outcomes(file_db)
    assert summary.rejected == len(links) and summary.documents_added == 0
    assert server.hits.get("/page", 0) == before           # nothing reached the server
    assert "refused: 127.0.0.1 is a loopback address (use --allow-private-network)" in rejected[links[0]]
    assert "refused: localhost (127.0.0.1) is a loopback address" in rejected[links[1]]
    assert "refused: 169.254.169.254 is a cloud metadata address" in rejected[links[2]]
    assert "loopback" in rejected[links[3]]
    assert "10.0.0.1 is a private address" in rejected[links[4]]
    assert "not an http(s) URL" in rejected[links[5]]
    assert check_database(file_db) == []


def test_allowing_the_private_network_still_refuses_cloud_metadata(file_db, server):
    feed_url = server.url("/feed.rss")
    summary = ingest_sources(file_db, [feed_url], _settings(allow_private_network=True))
    docs, rejected = _outcomes(file_db)
    assert summary.documents_added == 1
    assert "Federal Police of Brazil" in docs[server.url("/page")]
    assert rejected["http://169.254.169.254/latest/meta-data/iam/"].startswith(
        "refused: 169.254.169.254 is a cloud metadata address")
    assert check_database(file_db) == []


def test_bad_urls_are_rejected_with_reasons(file_db, server):
    urls = [server.url("/missing"), server.url("/500"), server.url("/slow"),
            "http://no-such-host.invalid/", "http://169.254.169.254/"]
    summary = ingest_sources(file_db, urls, _settings(allow_private_network=True, fetch_timeout=1.0))
    _, rejected = _outcomes(file_db)
    assert summary.rejected == len(urls)
    assert rejected[urls[0]] == "HTTP 404 Not Found"
    assert rejected[urls[1]] == "HTTP 500 Internal Server Error"
    assert rejected[urls[2]] == "timed out after 1 s"
    assert rejected[urls[3]].startswith("could not resolve host no-such-host.invalid")
    assert rejected[urls[4]] == "refused: 169.254.169.254 is a cloud metadata address"
    assert check_database(file_db) == []
