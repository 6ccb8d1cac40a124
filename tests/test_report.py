"""The HTML report: its data, its safety, and the page itself in a real headless Chromium."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from corpus import store
from corpus.cli import main
from corpus.config import load_settings
from corpus.report import ReportError, build_report, embed_json, report_data, write_report
from report_sample import entity_id, fill_sample, make_sample_db, pipeline_db

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return make_sample_db(tmp_path_factory.mktemp("report") / "sample.duckdb")


@pytest.fixture(scope="module")
def report_path(sample_db, tmp_path_factory) -> Path:
    return write_report(load_settings(db=sample_db), tmp_path_factory.mktemp("html"))


def _map_size(con) -> tuple[int, int]:
    """(entities, ties) of cooperation_map, straight from the view."""
    return tuple(store.query(con, """
        SELECT (SELECT count(*) FROM (SELECT source_id FROM cooperation_map
                                      UNION SELECT target_id FROM cooperation_map)) AS nodes,
               (SELECT count(*) FROM cooperation_map) AS ties""").iloc[0])


@pytest.fixture(scope="module")
def map_size(sample_db) -> tuple[int, int]:
    con = store.connect(sample_db, read_only=True)
    try:
        return _map_size(con)
    finally:
        con.close()


def test_report_data_holds_the_map_and_its_evidence(con):
    fill_sample(con)
    data = report_data(con)
    names = {n["name"] for n in data["nodes"]}
    assert (len(data["nodes"]), len(data["edges"])) == _map_size(con)
    assert len(data["nodes"]) == 16
    assert {"ICITAP", "Burkinabe National Police", "Europol", "Spain"} <= names
    assert "Project Terminus" not in names            # a program without a tie is not on the map
    by_pair = {(e["source"], e["target"], e["type"]): e for e in data["edges"]}
    by_pair.update({(e["target"], e["source"], e["type"]): e
                    for e in data["edges"] if not e["directed"]})
    # every tie carries the sentences that state it
    assert all(e["ev"] for e in data["edges"])
    training = by_pair[(entity_id("icitap"), entity_id("burkina_police"), "training")]
    assert training["directed"] is True
    sentences = [ev["s"] for ev in training["ev"]]
    assert "ICITAP advisors trained officers of the Burkinabe National Police in explosive demolition." in sentences
    doc = data["documents"][training["ev"][0]["d"]]
    assert doc["url"].startswith("https://www.justice.gov/criminal/criminal-icitap/blog/burkina-faso")
    assert doc["themes"] == [2]
    # the planned training of the Albanian State Police is not shown as cooperation
    assert (entity_id("icitap"), entity_id("albanian_police"), "training") not in by_pair
    # the extradition repeated by a duplicate release is one sentence, not two
    extradition = by_pair[(entity_id("spain"), entity_id("usa"), "legal_assistance")]
    assert len(extradition["ev"]) == 1 and extradition["n_documents"] == 1
    assert [t["label"] for t in data["themes"]][:1] == ["police training assistance"]  # largest first
    # rolled up, ICITAP's ties are the Justice Department's, with the same sentences
    rolled = {(e["source"], e["target"], e["type"]): e for e in data["rollup"]["edges"]}
    doj_training = rolled[(entity_id("doj"), entity_id("burkina_police"), "training")]
    assert sentences == [ev["s"] for ev in doj_training["ev"]]
    assert all(e["ev"] for e in data["rollup"]["edges"])
    assert entity_id("icitap") not in {n["id"] for n in data["rollup"]["nodes"]}
    assert data["date_range"] == ["2015-10-13", "2026-03-16"]


def test_embedded_json_cannot_close_the_script_element():
    hostile = {"s": "</script><script>alert(1)</script> & <!-- \u2028"}
    text = embed_json(hostile)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == hostile


def test_report_is_one_self_contained_file(report_path):
    html = report_path.read_text(encoding="utf-8")
    assert report_path.name == "index.html"
    assert "vis-network" in html and 'id="report-data"' in html
    # nothing is fetched: no external scripts, styles, fonts or images
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=[\"']?https?:", html, re.I)
    assert "@import" not in html and "url(http" not in html
    assert html.count("</script>") == 3


def test_write_report_needs_a_database(tmp_path):
    with pytest.raises(ReportError, match="no database"):
        write_report(load_settings(db=tmp_path / "missing.duckdb"), tmp_path / "out")


def test_cli_report(sample_db, tmp_path):
    assert main(["report", "--db", str(sample_db), "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "index.html").stat().st_size > 100_000


# ------------------------------------------------------------------ in a real browser

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: install it with .ci/install-browser.sh "
                    "(Debian packages chromium and chromium-driver)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: None if req.url.startswith(("file:", "data:", "about:"))
            else problems.append(f"network request: {req.url}"))
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.corpusReport && window.corpusReport.stabilized", timeout=30_000)
    return page, problems


def _screenshot(page, path: Path) -> None:
    """The whole page: the viewport is stretched to it first, because Chromium's own
    full-page capture rescales the network's canvas while it draws."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.add_style_tag(content="div.vis-tooltip { visibility: hidden !important; }")
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(200)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def test_report_renders_and_shows_evidence_in_chromium(browser, report_path, map_size):
    n_nodes, n_ties = map_size
    page, problems = _open(browser, report_path)
    network = page.locator("#network")
    assert network.get_attribute("data-node-count") == str(n_nodes) == "16"
    assert page.evaluate("window.corpusReport.nodeCount") == n_nodes
    assert page.evaluate("window.corpusReport.edgeCount") == n_ties
    assert page.locator("#network canvas").count() == 1
    assert f"16 of 16 entities · {n_ties} of {n_ties} ties shown" in page.inner_text("#network-status")

    # a real mouse click on the ICITAP node shows who it trains, with the sentence and its link
    pos = page.evaluate("id => window.corpusReport.nodeScreenPosition(id)", entity_id("icitap"))
    page.mouse.click(pos["x"], pos["y"])
    details = page.locator("#details")
    assert page.inner_text("#details-title") == "ICITAP"
    assert "Burkinabe National Police" in details.inner_text()
    assert "ICITAP advisors trained officers of the Burkinabe National Police" in details.inner_text()
    links = details.locator("a[href*='burkina-faso-icitap']")
    assert links.count() >= 1 and links.first.get_attribute("target") == "_blank"
    _screenshot(page, ARTIFACTS / "report-fixture.png")

    # a click on the Spain -> United States tie shows the extradition
    edge = page.evaluate("""() => JSON.parse(document.getElementById('report-data').textContent)
        .edges.find(e => e.type === 'legal_assistance').id""")
    pos = page.evaluate("id => window.corpusReport.edgeScreenPosition(id)", edge)
    page.mouse.click(pos["x"], pos["y"])
    assert page.inner_text("#details-title") == "Spain → United States"
    assert "extradited him to the United States" in details.inner_text()

    # finding an entity by name opens its panel
    page.fill("#entity-search", "europol")
    page.dispatch_event("#entity-search", "change")
    assert page.inner_text("#details-title") == "Europol"
    assert "close cooperation with Europol and Eurojust" in details.inner_text()

    # filters: only legal assistance; then only ties of a country; then a time range
    page.click("#types-none")
    page.check("input[data-type=legal_assistance]")
    assert network.get_attribute("data-node-count") == "2"
    page.click("#types-all")
    page.select_option("#country-filter", "DEU")
    assert network.get_attribute("data-node-count") == "2"          # BKA and the FBI
    page.click("#reset-filters")
    page.fill("#date-from", "2026-01-01")
    page.dispatch_event("#date-from", "change")
    assert network.get_attribute("data-node-count") == "5"          # ICITAP and its 4 partners of 2026
    page.click("#reset-filters")
    page.click("#timeline rect[data-period='2023']")                # a click on the timeline
    assert page.input_value("#date-from") == "2023-01-01"
    assert network.get_attribute("data-node-count") == "2"          # the extradition of 2023
    page.click("#reset-filters")
    page.fill("#min-documents", "2")
    page.dispatch_event("#min-documents", "change")
    assert network.get_attribute("data-node-count") == "4"          # FBI, Europol, Dutch police, BKA
    page.click("#reset-filters")
    page.click(".theme-card[data-theme='3']")                       # extradition theme
    assert network.get_attribute("data-node-count") == "2"
    page.click("#reset-filters")

    # ICITAP folded into the Justice Department, its parent
    page.check("#rollup")
    page.wait_for_function("window.corpusReport.stabilized", timeout=30_000)
    assert network.get_attribute("data-node-count") == "16"
    doj = entity_id("doj")
    pos = page.evaluate("id => window.corpusReport.nodeScreenPosition(id)", doj)
    page.mouse.click(pos["x"], pos["y"])
    assert page.inner_text("#details-title") == "U.S. Department of Justice"
    assert "ICITAP advisors trained officers of the Burkinabe National Police" in details.inner_text()
    page.uncheck("#rollup")
    page.wait_for_function("window.corpusReport.stabilized", timeout=30_000)
    assert page.evaluate("window.corpusReport.nodeCount") == n_nodes
    assert page.locator("#timeline svg rect").count() >= 1
    assert problems == []
    page.close()


def test_an_empty_database_still_renders(browser, tmp_path):
    con = store.connect(":memory:")
    try:
        path = build_report(con, tmp_path)
    finally:
        con.close()
    page, problems = _open(browser, path)
    assert page.locator("#network").get_attribute("data-node-count") == "0"
    assert page.locator("#empty-message").is_visible()
    assert "No relations yet" in page.inner_text("#empty-message")
    assert "No themes yet" in page.inner_text("#themes")
    assert problems == []
    page.close()


def test_hostile_document_text_stays_text(browser, tmp_path):
    """A sentence or URL from a crawled page can never run script in the report."""
    from corpus.records import Document, Relation
    from report_sample import doc_id

    con = store.connect(":memory:")
    try:
        fill_sample(con)
        text = ('ICITAP trained the Burkinabe National Police </script><script>window.pwned=1'
                '</script><img src=x onerror="window.pwned=2"> in 2025.')
        store.write_documents(con, [Document(
            doc_id=doc_id("hostile"), source="javascript:window.pwned=3", url="javascript:window.pwned=3",
            title="<b>hostile</b>", published=None, language="en", text=text, raw_text=text,
            content_hash="hostile")])
        store.replace_doc_rows(con, "relations", [doc_id("hostile")], [Relation(
            "hostile", doc_id("hostile"), entity_id("icitap"), entity_id("burkina_police"),
            "training", True, text, 0, len(text), None, 0.9)])
        path = build_report(con, tmp_path)
    finally:
        con.close()
    assert "<script>window.pwned" not in path.read_text(encoding="utf-8")
    page, problems = _open(browser, path)
    edge = page.evaluate("""() => JSON.parse(document.getElementById('report-data').textContent)
        .edges.find(e => e.type === 'training' && e.ev.some(v => v.s.includes('pwned'))).id""")
    page.evaluate("id => window.corpusReport.showEdge(id)", edge)
    details = page.locator("#details")
    assert "</script><script>window.pwned=1</script>" in details.inner_text()
    assert "<b>hostile</b>" in details.inner_text()
    assert details.locator("a[href^='javascript']").count() == 0
    assert details.locator("img, script, b").count() == 0
    assert page.evaluate("window.pwned") is None
    assert problems == []
    page.close()


@pytest.mark.slow
def test_report_of_a_pipeline_run_in_chromium(browser, tmp_path):
    """The report of what the real pipeline made from five sample-corpus releases."""
    db = pipeline_db()
    con = store.connect(db, read_only=True)
    try:
        n_nodes, n_ties = _map_size(con)
        icitap = store.query(con, """
            SELECT DISTINCT source_id FROM cooperation_map
            WHERE type = 'training' AND source_name LIKE '%Training Assistance Program%'""")
        urls = set(store.query(con, "SELECT url FROM documents").url)
        path = build_report(con, tmp_path)
    finally:
        con.close()
    assert len(icitap) == 1, "the pipeline no longer finds ICITAP training anyone"
    page, problems = _open(browser, path)
    assert page.locator("#network").get_attribute("data-node-count") == str(n_nodes)
    assert page.evaluate("window.corpusReport.edgeCount") == n_ties
    pos = page.evaluate("id => window.corpusReport.nodeScreenPosition(id)", icitap.source_id[0])
    page.mouse.click(pos["x"], pos["y"])
    details = page.locator("#details")
    assert "International Criminal Investigative Training Assistance Program" in page.inner_text("#details-title")
    assert "Burkinabe National Police" in details.inner_text()
    hrefs = {a.get_attribute("href") for a in details.locator(".evidence a").all()}
    assert hrefs and hrefs <= urls                  # every sentence links to its release
    _screenshot(page, ARTIFACTS / "report.png")
    assert problems == []
    page.close()


def test_report_of_the_sample_corpus_database_when_built(browser, tmp_path):
    """After `corpus run` (the README's main command), the map of the whole sample corpus:
    its screenshot lands in artifacts/report-sample-corpus.png."""
    db = REPO / "data" / "processed" / "corpus.duckdb"
    if not db.is_file():
        pytest.skip(f"no {db.relative_to(REPO)}: run `corpus run` first to check its report")
    try:
        con = store.connect(db, read_only=True)
    except Exception as exc:            # a run is writing it right now
        pytest.skip(f"cannot open {db.name} read-only now: {exc}")
    try:
        n_nodes, n_ties = _map_size(con)
        path = build_report(con, tmp_path)
    finally:
        con.close()
    page, problems = _open(browser, path)
    assert page.locator("#network").get_attribute("data-node-count") == str(n_nodes)
    assert page.evaluate("window.corpusReport.edgeCount") == n_ties
    _screenshot(page, ARTIFACTS / "report-sample-corpus.png")
    assert problems == []
    page.close()
