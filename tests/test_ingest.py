"""Ingest on real inputs: the sample corpus, a dev.jsonl slice, hostile files, a local HTTP server."""
from __future__ import annotations

import json
import os
import shutil
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import DEV_JSONL, SAMPLE
from corpus import store
from corpus.ingest import ingest_sources
from corpus.ingest.clean import clean_text, count_lines

RECORDS = SAMPLE / "press-releases.jsonl"
HTML_DIR = SAMPLE / "html"
FEED = SAMPLE / "feeds" / "sample-feed.xml"
BUGAT_OPA = "https://www.justice.gov/opa/pr/bugat-botnet-administrator-arrested-and-malware-disabled"
BUGAT_FBI = ("https://www.fbi.gov/contact-us/field-offices/pittsburgh/news/press-releases/"
             "bugat-botnet-administrator-arrested-and-malware-disabled")


@pytest.fixture(scope="module")
def local_settings():
    from corpus.config import load_settings
    from corpus.ingest.fetch import clear_caches

    clear_caches()
    return load_settings(allow_private_network=True, per_host_delay=0.0, fetch_retries=0,
                         fetch_timeout=2.0, respect_robots=False)


def _records() -> dict[str, dict]:
    with RECORDS.open(encoding="utf-8") as fh:
        return {r["url"]: r for r in map(json.loads, fh)}


def _rows(con, sql, params=()):
    return con.execute(sql, list(params)).fetchall()


def _count(con, table):
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# ------------------------------------------------------------------ files and records

def test_sample_records_and_html_become_documents(con, local_settings):
    summary = ingest_sources(con, [str(RECORDS), str(HTML_DIR)], local_settings)
    n_records = len(RECORDS.read_text(encoding="utf-8").splitlines())
    assert summary.inputs == n_records + 4
    assert summary.inputs == summary.documents_added + summary.rejected + summary.skipped_unchanged
    assert _count(con, "documents") == summary.documents_added
    kinds = dict(_rows(con, "SELECT source_kind, count(*) FROM documents GROUP BY 1"))
    assert kinds == {"records": n_records, "file": 4}
    # HTML metadata through trafilatura; the Albania page has no date metadata (htmldate)
    pages = {Path(s).name: (t, p, site, text) for s, t, p, site, text in _rows(
        con, "SELECT source, title, published, site, text FROM documents WHERE source_kind='file'")}
    title, published, site, text = pages["icitap-albania-crime-scene.html"]
    assert title.startswith("Albania: ICITAP Helps Enhance Police Investigations")
    assert str(published) == "2026-02-23"
    assert site == "U.S. Department of Justice"
    assert "Related Content" not in text and "Privacy Policy" not in text
    title, _, _, text = pages["usao-nj-malvertising-extradited-poland.html.gz"]
    assert "Extradited" in title and "Poland" in text
    # records keep their url, title and date; every document is English
    url, title, published = _rows(con, "SELECT url, title, published FROM documents WHERE url = ?",
                                  [BUGAT_OPA])[0]
    assert title == "Bugat Botnet Administrator Arrested and Malware Disabled"
    assert str(published) == "2015-10-13"
    assert {lang for (lang,) in _rows(con, "SELECT DISTINCT language FROM documents")} == {"en"}


def test_boilerplate_removed_and_cooperation_sentences_kept(con, local_settings):
    ingest_sources(con, [str(RECORDS)], local_settings)
    text, raw = _rows(con, "SELECT text, raw_text FROM documents WHERE url = ?", [BUGAT_OPA])[0]
    for boilerplate in ("A .gov website belongs to an official government organization",
                        "Extraction Notes", "DOJ Menu", "Organizational Chart", "Justice Manual"):
        assert boilerplate in raw
        assert boilerplate not in text
    for sentence in (
            "Ghinkul was arrested on Aug. 28, 2015 in Cyprus. The United States is seeking his "
            "extradition.",
            "the United Kingdom’s National Crime Agency, Europol’s EC3, German Bundeskriminalamt (BKA)",
            "The Criminal Division’s Office of International Affairs provided significant assistance "
            "throughout the criminal and civil investigations."):
        assert sentence in text


def test_clean_text_removes_frequent_lines_but_never_cooperation_sentences():
    coop = "The Criminal Division’s Office of International Affairs provided significant assistance."
    docs = [(f"https://www.justice.gov/pr/{i}", f"DOJ Menu\n\nPress Releases\n\n{coop}\n\n"
             f"Story {i} says the defendant was sentenced in federal court today.")
            for i in range(6)]
    counts = count_lines(docs)
    frequent = {line: n for (host, line), n in counts.items() if host == "justice.gov"}
    cleaned = clean_text(docs[0][1] + "\n\nShare on Facebook\n\n## Extraction Notes\n\n- parser: x",
                         docs[0][0], frequent, host_docs=6)
    assert cleaned.text.splitlines()[0] == coop
    assert "Story 0 says" in cleaned.text
    for gone in ("DOJ Menu", "Press Releases", "Share on Facebook", "parser"):
        assert gone not in cleaned.text


def test_the_publishing_office_under_for_immediate_release_is_kept():
    # justice.gov: every S.D.N.Y. release carries "U.S. Attorney's Office, Southern District
    # of New York" under "For Immediate Release"; the body may name the office only as "Mr.
    # Clayton", so the line must survive however many releases of the office a batch holds
    office = "U.S. Attorney's Office, Southern District of New York"
    docs = [(f"https://www.justice.gov/usao-sdny/pr/{i}",
             f"Press Release\n\nFor Immediate Release\n\n{office}\n\n"
             f"Story {i}: Mr. Clayton thanked the Dutch National Police.") for i in range(8)]
    counts = count_lines(docs)
    frequent = {line: n for (host, line), n in counts.items() if host == "justice.gov"}
    cleaned = clean_text(docs[0][1], docs[0][0], frequent, host_docs=8)
    assert office in cleaned.text.splitlines()
    assert "Press Release" not in cleaned.text.splitlines()


def test_rerun_adds_nothing_and_is_cheap(tmp_path, local_settings):
    db = tmp_path / "corpus.duckdb"
    con = store.connect(db)
    started = time.perf_counter()
    first = ingest_sources(con, [str(SAMPLE / "press-releases.jsonl"), str(HTML_DIR)], local_settings)
    first_s = time.perf_counter() - started
    counts = store.table_counts(con)
    con.close()
    con = store.connect(db)   # a new process would open the file again
    started = time.perf_counter()
    second = ingest_sources(con, [str(SAMPLE / "press-releases.jsonl"), str(HTML_DIR)], local_settings)
    second_s = time.perf_counter() - started
    assert second.documents_added == 0 and second.rejected == 0
    assert second.skipped_unchanged == first.inputs == second.inputs
    assert store.table_counts(con) == counts
    assert second_s < first_s
    con.close()


def test_doc_ids_are_stable_across_databases(local_settings):
    ids = []
    for _ in range(2):
        con = store.connect(":memory:")
        ingest_sources(con, [str(HTML_DIR)], local_settings)
        ids.append(_rows(con, "SELECT doc_id, content_hash FROM documents ORDER BY doc_id"))
        con.close()
    assert ids[0] == ids[1] and len(ids[0]) == 4


def test_dev_slice_every_record_accounted_for(con, tmp_path, local_settings):
    if not DEV_JSONL.exists():
        pytest.skip("../shared is not here")
    lines = DEV_JSONL.read_text(encoding="utf-8").splitlines()[:150]
    path = tmp_path / "dev-slice.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = ingest_sources(con, [str(path)], local_settings.replace(ingest_batch=50))
    assert summary.inputs == 150
    assert _count(con, "documents") + _count(con, "rejected") == 150
    # captures that hold only the site's menus are rejected with a reason, not stored
    reasons = [r for (r,) in _rows(con, "SELECT reason FROM rejected")]
    assert all("boilerplate" in r or "no text" in r or "too little" in r for r in reasons)
    texts = [t for (t,) in _rows(con, "SELECT text FROM documents")]
    assert not any("A .gov website belongs to an official government" in t for t in texts)
    assert not any("## Extraction Notes" in t for t in texts)


def test_csv_records_and_text_and_markdown_files(con, tmp_path, local_settings):
    import csv

    rec = _records()[BUGAT_OPA]
    folder = tmp_path / "mixed"
    folder.mkdir()
    with (folder / "records.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["url", "title", "published", "text"])
        writer.writeheader()
        writer.writerow({k: rec[k] for k in ("url", "title", "published", "text")})
    article = rec["text"].split("For Immediate Release")[1].split("Ghinkul Indictment")[0]
    (folder / "bugat.md").write_text("# Bugat botnet (repost)\n\n" + rec["text"].replace(
        "Press Release Number: 15-1259", ""), encoding="utf-8")
    (folder / "README.md").write_text("# not a document\n\n" + article, encoding="utf-8")
    (folder / ".hidden.txt").write_text(article, encoding="utf-8")
    summary = ingest_sources(con, [str(folder)], local_settings)
    assert summary.inputs == 2
    rows = dict(_rows(con, "SELECT source, duplicate_of FROM documents"))
    assert set(rows) == {f"{folder / 'records.csv'}#{BUGAT_OPA}", str(folder / "bugat.md")}
    # the Markdown copy is the same capture under another header: a near-duplicate
    assert sum(v is not None for v in rows.values()) == 1


def _minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with real text objects (Helvetica), built by hand."""
    text = "BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
        for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_file(con, tmp_path, local_settings):
    rec = _records()[BUGAT_OPA]
    article = rec["text"].split("For Immediate Release")[1]
    for fancy, plain in (("“", '"'), ("”", '"'), ("’", "'"), ("–", "-")):
        article = article.replace(fancy, plain)
    words = article.split()[:400]
    lines = [" ".join(words[i:i + 12]) for i in range(0, len(words), 12)]
    pdf = tmp_path / "bugat-release.pdf"
    pdf.write_bytes(_minimal_pdf(lines))
    summary = ingest_sources(con, [str(pdf)], local_settings)
    assert summary.documents_added == 1, summary.format()
    (text,) = _rows(con, "SELECT text FROM documents")[0]
    assert "charged in a nine-count indictment" in " ".join(text.split())


def test_wrong_encodings_are_decoded(con, tmp_path, local_settings):
    rec = _records()[BUGAT_OPA]
    article = rec["text"].split("For Immediate Release")[1].split("Ghinkul Indictment")[0]
    article = article.replace("“", '"').replace("”", '"').replace("’", "'")
    latin = tmp_path / "latin1.txt"
    latin.write_bytes(("Café crème report (Zürich office)\n\n" + article).encode("cp1252"))
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(("Señor Ghinkul, Moldova\n\n" + article[:3000]).encode("utf-16"))
    summary = ingest_sources(con, [str(latin), str(utf16)], local_settings)
    assert summary.documents_added == 2, summary.format()
    texts = {Path(s).name: t for s, t in _rows(con, "SELECT source, text FROM documents")}
    assert texts["latin1.txt"].startswith("Café crème report (Zürich office)")
    assert texts["utf16.txt"].startswith("Señor Ghinkul, Moldova")


def test_non_english_is_kept_with_its_language(con, tmp_path, local_settings):
    spanish = tmp_path / "comunicado.txt"
    spanish.write_text(
        "La Policía Nacional de Colombia y la Administración para el Control de Drogas de los "
        "Estados Unidos desarticularon una red de tráfico de fentanilo que operaba en la web "
        "oscura. La operación conjunta contó con el apoyo de Europol y de la Fiscalía General "
        "de la Nación, que coordinó la extradición de dos de los detenidos a Estados Unidos.",
        encoding="utf-8")
    ingest_sources(con, [str(spanish)], local_settings)
    assert _rows(con, "SELECT language FROM documents") == [("es",)]


def test_long_documents_are_truncated(con, local_settings):
    summary = ingest_sources(con, [str(RECORDS)], local_settings.replace(max_document_chars=3000))
    assert summary.truncated > 0
    assert con.execute("SELECT max(length(text)) FROM documents").fetchone()[0] <= 3000


# ------------------------------------------------------------------ hostile inputs

def test_hostile_folder_gives_one_reason_each(con, tmp_path, local_settings):
    rec = _records()[BUGAT_OPA]
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    (hostile / "empty.txt").write_bytes(b"")
    (hostile / "junk.bin").write_bytes(bytes(range(256)) * 40)
    (hostile / "fake.pdf").write_bytes(b"this is not a pdf at all, only text " * 5)
    (hostile / "menu-only.html").write_text(
        "<html><head><title>Menu</title></head><body><nav><ul>"
        + "".join(f"<li><a href='/{i}'>Section {i}</a></li>" for i in range(30))
        + "</ul></nav></body></html>", encoding="utf-8")
    (hostile / "broken-feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><item><title>x</title>'
        "</channel>", encoding="utf-8")
    (hostile / "xxe-feed.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<rss version="2.0"><channel><item><title>&x;</title></item></channel></rss>',
        encoding="utf-8")
    (hostile / "short.txt").write_text("Europol helped.", encoding="utf-8")
    (hostile / "empty-feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>',
        encoding="utf-8")
    (hostile / "header-only.csv").write_text("url,title,published,text\n", encoding="utf-8")
    (hostile / "huge.html").write_text(
        "<html><body>" + "<p>Europol and the FBI worked together on the case.</p>" * 120_000
        + "</body></html>", encoding="utf-8")
    (hostile / "garbage.gz").write_bytes(b"\x1f\x8b" + os.urandom(64))
    with (hostile / "records.jsonl").open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"url": "https://example.gov/no-text", "title": "No text", "text": ""}) + "\n")
        fh.write("{not json\n")
        fh.write(json.dumps({k: rec[k] for k in ("url", "title", "published", "text")}) + "\n")
    summary = ingest_sources(con, [str(hostile), str(tmp_path / "does-not-exist")], local_settings)
    reasons = {s.replace(str(hostile) + os.sep, ""): (stage, reason)
               for s, stage, reason in _rows(con, "SELECT source, stage, reason FROM rejected")}
    expected = {
        "empty.txt": "empty input",
        "junk.bin": "binary data",
        "fake.pdf": "not a PDF",
        "menu-only.html": "no article text found in the HTML page",
        "broken-feed.xml": "the feed does not parse",
        "xxe-feed.xml": "declares entities",
        "short.txt": "too little text",
        "empty-feed.xml": "the feed has no items",
        "header-only.csv": "the CSV file holds no records",
        "huge.html": "larger than the 5 MB that article extraction accepts",
        "garbage.gz": "corrupt gzip",
        "records.jsonl#https://example.gov/no-text": "the record has no text",
        "records.jsonl#line2": "not valid JSON",
        str(tmp_path / "does-not-exist"): "no such file or folder",
    }
    assert set(reasons) == set(expected)
    for source, words in expected.items():
        assert words in reasons[source][1], (source, reasons[source])
    assert summary.rejected == len(expected)
    assert summary.documents_added == 1
    assert summary.inputs == summary.documents_added + summary.rejected
    # a second run finds the same files unchanged and adds nothing
    again = ingest_sources(con, [str(hostile)], local_settings)
    assert again.documents_added == 0 and again.rejected == 0
    assert _count(con, "rejected") == len(expected)


# ------------------------------------------------------------------ near-duplicates

def test_syndicated_copy_is_a_near_duplicate(con, local_settings):
    ingest_sources(con, [str(RECORDS)], local_settings)
    rows = dict(_rows(con, "SELECT url, doc_id FROM documents WHERE url IN (?, ?)",
                      [BUGAT_OPA, BUGAT_FBI]))
    dup = dict(_rows(con, "SELECT url, duplicate_of FROM documents WHERE url IN (?, ?)",
                     [BUGAT_OPA, BUGAT_FBI]))
    # the FBI field office reposted the Justice Department's release with its own site chrome;
    # the copy read first (the FBI's, earlier in the file) is kept
    assert dup[BUGAT_FBI] is None
    assert dup[BUGAT_OPA] == rows[BUGAT_FBI]


def test_near_duplicates_found_against_earlier_runs(tmp_path, local_settings):
    rec = _records()[BUGAT_OPA]
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    copy = dict(rec, url="https://www.example-news.gov/reposts/bugat",
                text="Reposted from the Office of Public Affairs\n\nWire copy, 13 October 2015\n\n"
                     + rec["text"].replace("Press Release Number: 15-1259", ""))
    second = tmp_path / "second.jsonl"
    second.write_text(json.dumps(copy) + "\n", encoding="utf-8")
    db = tmp_path / "c.duckdb"
    con = store.connect(db)
    ingest_sources(con, [str(first)], local_settings)
    con.close()
    con = store.connect(db)
    summary = ingest_sources(con, [str(second)], local_settings)
    assert summary.duplicates == 1
    kept = _rows(con, "SELECT doc_id FROM documents WHERE url = ?", [BUGAT_OPA])[0][0]
    assert _rows(con, "SELECT duplicate_of FROM documents WHERE url = ?", [copy["url"]])[0][0] == kept
    con.close()


# ------------------------------------------------------------------ URLs and feeds

class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        if self.path == "/error":
            self.send_error(500, "boom")
        elif self.path == "/slow":
            time.sleep(3)
            try:
                self.send_error(504, "too late")
            except OSError:   # the client gave up first, as it should
                pass
        else:
            super().do_GET()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A real HTTP server on 127.0.0.1 serving the sample pages and a feed that links to them."""
    root = tmp_path_factory.mktemp("site")
    for page in HTML_DIR.glob("*.html"):
        shutil.copy(page, root / page.name)
    (root / "menu.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>",
                                    encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    feed = FEED.read_text(encoding="utf-8")
    links = [line.strip()[6:-7] for line in feed.splitlines() if line.strip().startswith("<link>")][1:]
    # item 1 links to a page that exists, item 2 to a 404 (its own text is used), the others stay
    feed = feed.replace(f"<link>{links[0]}</link>",
                        f"<link>{base}/icitap-mexico-forensic-capacity.html</link>")
    feed = feed.replace(f"<link>{links[1]}</link>", f"<link>{base}/gone.html</link>")
    feed = feed.replace(f"<link>{links[2]}</link>", f"<link>{base}/error</link>")
    feed = feed.replace(f"<link>{links[3]}</link>", f"<link>{base}/menu.html</link>")
    (root / "feed.xml").write_text(feed, encoding="utf-8")
    (root / "not-a-feed.xml").write_text("<?xml version='1.0'?><rss><channel>", encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()


def test_urls_from_a_local_server(con, site, local_settings):
    sources = [f"{site}/icitap-albania-crime-scene.html", f"{site}/missing.html",
               f"{site}/error", f"{site}/slow", f"{site}/menu.html"]
    summary = ingest_sources(con, sources, local_settings.replace(fetch_timeout=1.0))
    docs = _rows(con, "SELECT source, url, title, published, source_kind FROM documents")
    assert len(docs) == 1
    source, url, title, published, kind = docs[0]
    assert source == url == sources[0] and kind == "url"
    assert title.startswith("Albania: ICITAP") and str(published) == "2026-02-23"
    reasons = {s: (stage, r) for s, stage, r in _rows(con, "SELECT source, stage, reason FROM rejected")}
    assert "404" in reasons[sources[1]][1]
    assert "500" in reasons[sources[2]][1]
    assert "time" in reasons[sources[3]][1].lower()
    assert "no article text" in reasons[sources[4]][1]
    assert summary.inputs == 5 == summary.documents_added + summary.rejected
    # a URL already stored is not fetched again
    again = ingest_sources(con, sources[:1], local_settings)
    assert again.skipped_unchanged == 1 and again.documents_added == 0


def test_feed_url_fetches_items_and_falls_back_to_item_text(con, site, local_settings):
    summary = ingest_sources(con, [f"{site}/feed.xml", f"{site}/not-a-feed.xml"], local_settings)
    docs = {s: (kind, title) for s, kind, title in _rows(
        con, "SELECT source, source_kind, title FROM documents")}
    fetched = f"{site}/icitap-mexico-forensic-capacity.html"
    assert docs[fetched] == ("feed", docs[fetched][1]) and docs[fetched][1].startswith("Mexico: ICITAP")
    # 404, 500 and a page with no article: the items carry their whole text, which is used instead
    for path, why in (("gone.html", "404"), ("error", "500"), ("menu.html", "no article")):
        assert docs[f"{site}/{path}"][0] == "feed"
        assert any(f"{site}/{path}" in n and why in n for n in summary.notes), summary.notes
    assert _rows(con, "SELECT reason FROM rejected WHERE source = ?", [f"{site}/not-a-feed.xml"])[0][0] \
        .startswith("the feed does not parse")
    assert summary.inputs == 5
    again = ingest_sources(con, [f"{site}/feed.xml"], local_settings)
    assert again.skipped_unchanged == 4 and again.documents_added == 0


def test_feed_file(con, site, local_settings, tmp_path):
    """A feed file whose item links cannot be fetched falls back to the items' own text."""
    feed = FEED.read_text(encoding="utf-8").replace("https://www.justice.gov/", f"{site}/nowhere/")
    path = tmp_path / "sample-feed.xml"
    path.write_text(feed, encoding="utf-8")
    summary = ingest_sources(con, [str(path)], local_settings)
    assert summary.documents_added == 4 and len(summary.notes) == 4
    titles = [t for (t,) in _rows(con, "SELECT title FROM documents ORDER BY title")]
    assert titles[0].startswith("Bangladesh: Strengthening Global Security")
    texts = [t for (t,) in _rows(con, "SELECT text FROM documents")]
    assert all(len(t.split()) > 200 for t in texts)



def test_changed_record_replaces_its_document_and_reports_progress(tmp_path, local_settings):
    rec = _records()[BUGAT_OPA]
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    con = store.connect(":memory:")
    calls = []
    ingest_sources(con, [str(path)], local_settings, progress=lambda *a: calls.append(a))
    assert calls and calls[-1] == ("ingest", 1, 1)
    (doc_id,) = _rows(con, "SELECT doc_id FROM documents")[0]
    updated = dict(rec, text=rec["text"].replace("Andrey Ghinkul", "Andrei Ghinkul"))
    path.write_text(json.dumps(updated) + "\n", encoding="utf-8")
    summary = ingest_sources(con, [str(path)], local_settings)
    assert summary.documents_added == 1
    rows = _rows(con, "SELECT doc_id, duplicate_of, text FROM documents")
    assert len(rows) == 1 and rows[0][0] == doc_id and rows[0][1] is None
    assert "Andrei Ghinkul, aka Andrei Ghincul" in rows[0][2]
    con.close()


def test_touched_but_unchanged_file_is_skipped(tmp_path, local_settings):
    path = tmp_path / "records.jsonl"
    shutil.copy(RECORDS, path)
    con = store.connect(":memory:")
    first = ingest_sources(con, [str(path)], local_settings)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    second = ingest_sources(con, [str(path)], local_settings)
    assert second.skipped_unchanged == first.inputs and second.documents_added == 0
    con.close()


def test_a_fixed_input_leaves_rejected(con, tmp_path, local_settings):
    path = tmp_path / "release.txt"
    path.write_text("Europol helped.", encoding="utf-8")
    ingest_sources(con, [str(path)], local_settings)
    assert _rows(con, "SELECT stage FROM rejected") == [("clean",)]
    rec = _records()[BUGAT_OPA]
    path.write_text(rec["text"].split("For Immediate Release")[1], encoding="utf-8")
    ingest_sources(con, [str(path)], local_settings)
    assert _count(con, "rejected") == 0
    assert _rows(con, "SELECT d.source, s.version FROM documents d JOIN stage_done s "
                      "USING (doc_id) WHERE s.stage = 'ingest'") == [(str(path), "ingest-1")]


def test_lines_wrapped_mid_sentence_are_joined():
    text = ("WASHINGTON – A former Drug Enforcement Administration (DEA) agent was\n\n"
            "sentenced today to 78 months in prison for extortion and obstruction of\n\n"
            "justice.\n\nContact Us\n\nThe case was investigated by the FBI.")
    cleaned = clean_text(text, "https://oig.justice.gov/x.pdf").text
    assert cleaned.split("\n\n") == [
        "WASHINGTON – A former Drug Enforcement Administration (DEA) agent was sentenced today "
        "to 78 months in prison for extortion and obstruction of justice.",
        "Contact Us", "The case was investigated by the FBI."]
