"""How the report and the exports scale: build time, page size, browser time to a stable map.

Builds a synthetic cooperation database of the size a large corpus gives (entities,
documents and relations with real relation types, written through corpus.store),
then times report_data + render, each export format, and, when /usr/bin/chromium
exists, how long the page takes to load and lay out the network in headless Chromium.

    python3 benchmarks/bench_report.py [--entities 800] [--relations 6000] [--documents 3000]
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from corpus import store
from corpus.config import load_settings
from corpus.records import RELATION_TYPES, Document, Entity, Relation, stable_id
from corpus.report import build_report
from corpus.report.export import export_map

COUNTRIES = ["USA", "GBR", "DEU", "FRA", "NLD", "ESP", "ITA", "ROU", "UKR", "BFA", "ALB",
             "PAN", "MEX", "COL", "THA", "KOR", "AUS", "CAN", None]


def fill(con, n_entities: int, n_relations: int, n_documents: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    start = date(2014, 1, 1)
    docs = [Document(doc_id=stable_id("doc", i), source=f"https://example.org/release/{i}",
                     url=f"https://example.org/release/{i}", title=f"Release {i}",
                     published=start + timedelta(days=rng.randrange(4500)), language="en",
                     text=f"Release {i}.", raw_text=f"Release {i}.", content_hash=stable_id("h", i))
            for i in range(n_documents)]
    store.write_documents(con, docs)
    kinds = ["agency"] * 7 + ["country", "organization", "program"]
    entities = [Entity(stable_id("e", i), f"Agency {i}", rng.choice(kinds), rng.choice(COUNTRIES))
                for i in range(n_entities)]
    store.upsert_entities(con, entities)
    # a few hubs (Europol, FBI, ICITAP in the real corpus) take most ties
    weights = [1 / (i + 1) ** 0.8 for i in range(n_entities)]
    types = list(RELATION_TYPES)
    relations = []
    for i in range(n_relations):
        s, t = rng.choices(entities, weights, k=2)
        if s.entity_id == t.entity_id:
            continue
        rtype = rng.choice(types)
        sentence = f"{s.name} and {t.name} cooperated ({rtype}) in case {i}."
        relations.append(Relation(stable_id("r", i), rng.choice(docs).doc_id, s.entity_id,
                                  t.entity_id, rtype, RELATION_TYPES[rtype], sentence, 0,
                                  len(sentence), None, 0.8))
    store.insert_frame(con, "relations", store._frame("relations", relations))
    store.insert_frame(con, "themes", pd.DataFrame(
        [{"theme_id": k, "label": f"theme {k}", "terms": ["a", "b"], "size": 0} for k in range(30)]))
    store.insert_frame(con, "document_themes", pd.DataFrame(
        [{"doc_id": d.doc_id, "theme_id": rng.randrange(30), "score": 0.5} for d in docs]))


def timed(label: str, func):
    t0 = time.perf_counter()
    result = func()
    print(f"{label:<28} {time.perf_counter() - t0:8.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=800)
    parser.add_argument("--relations", type=int, default=6000)
    parser.add_argument("--documents", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        con = store.connect(db)
        fill(con, args.entities, args.relations, args.documents)
        n_ties, n_nodes = con.execute("""
            SELECT count(*), (SELECT count(*) FROM (SELECT source_id FROM cooperation_map
                              UNION SELECT target_id FROM cooperation_map))
            FROM cooperation_map""").fetchone()
        print(f"map: {n_nodes} entities, {n_ties} ties, {args.relations} relations, "
              f"{args.documents} documents")
        page = timed("build_report", lambda: build_report(con, Path(tmp) / "report"))
        con.close()
        print(f"{'index.html size':<28} {page.stat().st_size / 1e6:8.2f} MB")
        settings = load_settings(db=db)
        for fmt in ("graphml", "gexf", "json", "csv"):
            timed(f"export {fmt}", lambda: export_map(settings, fmt, Path(tmp) / f"map-{fmt}"))
        chromium = Path("/usr/bin/chromium")
        if not chromium.exists():
            print("no /usr/bin/chromium: browser timing skipped")
            return
        from playwright.sync_api import sync_playwright
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(chromium), args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            tab = browser.new_page(viewport={"width": 1500, "height": 1100})
            t0 = time.perf_counter()
            tab.goto(page.as_uri())
            tab.wait_for_function("window.corpusReport && window.corpusReport.visibleNodeCount > 0",
                                  timeout=120_000)
            loaded = time.perf_counter() - t0
            tab.wait_for_function("window.corpusReport.stabilized", timeout=300_000)
            print(f"{'browser: page ready':<28} {loaded:8.2f} s")
            print(f"{'browser: map laid out':<28} {time.perf_counter() - t0:8.2f} s")
            t0 = time.perf_counter()
            tab.select_option("#country-filter", "USA")
            print(f"{'browser: country filter':<28} {time.perf_counter() - t0:8.2f} s")
            browser.close()


if __name__ == "__main__":
    main()
