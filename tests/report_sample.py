"""A small, real-shaped cooperation database for the report, export and notebook tests.

Documents, entity names and relations are copied from sentences of the shared
dev corpus (US federal press releases, public domain); they are written with the
same ``corpus.store`` writers the pipeline uses, so the views see real-shaped rows.
"""
from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from corpus import store
from corpus.config import load_settings
from corpus.records import Document, Entity, Relation, RELATION_TYPES, stable_id

ENTITIES = {
    # key: (name, kind, country)
    "icitap": ("ICITAP", "agency", "USA"),
    "burkina_police": ("Burkinabe National Police", "agency", "BFA"),
    "fbi": ("FBI", "agency", "USA"),
    "europol": ("Europol", "agency", None),
    "eurojust": ("Eurojust", "agency", None),
    "spain": ("Spain", "country", "ESP"),
    "usa": ("United States", "country", "USA"),
    "bka": ("Bundeskriminalamt", "agency", "DEU"),
    "nca": ("National Crime Agency", "agency", "GBR"),
    "dutch_police": ("Dutch National Police", "agency", "NLD"),
    "thai_police": ("Royal Thai Police", "agency", "THA"),
    "albanian_police": ("Albanian State Police", "agency", "ALB"),
    "panama_police": ("National Police of Panama", "agency", "PAN"),
    "interpol": ("Interpol", "agency", None),
    "korean_police": ("Korean National Police", "agency", "KOR"),
    "hsi": ("HSI", "agency", "USA"),
    "terminus": ("Project Terminus", "program", None),
    "doj": ("U.S. Department of Justice", "agency", "USA"),
}
PARENTS = {"icitap": "doj"}     # ICITAP is part of the Justice Department's Criminal Division
# international bodies, known to the knowledge base by these keys
KB_IDS = {"europol": "int-europol", "eurojust": "int-eurojust", "interpol": "int-interpol"}

DOCUMENTS = [
    # key, url, title, published, text
    ("burkina", "https://www.justice.gov/criminal/criminal-icitap/blog/burkina-faso-icitap-counter-ied-advisors-train-burkinabe-national-police-first",
     "Burkina Faso: ICITAP Counter-IED Advisors Train Burkinabe National Police in First Demolition Course",
     date(2026, 3, 16),
     "ICITAP Counter-IED Advisors Train Burkinabe National Police in First Demolition Course. "
     "ICITAP advisors trained officers of the Burkinabe National Police in explosive demolition."),
    ("emotet", "https://www.justice.gov/archives/opa/pr/emotet-botnet-disrupted-international-cyber-operation",
     "Emotet Botnet Disrupted in International Cyber Operation", date(2021, 1, 27),
     "The FBI conducted the operation in close cooperation with Europol and Eurojust. "
     "The Dutch National Police and the Bundeskriminalamt took part in the joint operation with the FBI."),
    ("oconnor", "https://www.justice.gov/archives/opa/pr/uk-citizen-extradited-and-pleads-guilty-cyber-crime-offenses",
     "U.K. Citizen Extradited and Pleads Guilty to Cyber Crime Offenses", date(2023, 5, 9),
     "Joseph James O'Connor, aka PlugwalkJoe, 23, was extradited from Spain on April 26. "
     "Spain extradited him to the United States."),
    ("oconnor_sdny", "https://www.justice.gov/usao-sdny/pr/uk-citizen-extradited-and-pleads-guilty-cybercrime-offenses",
     "U.K. Citizen Extradited And Pleads Guilty To Cybercrime Offenses", date(2023, 5, 9),
     "O'CONNOR was extradited from Spain on April 26, 2023, and pled guilty earlier today. "
     "Spain extradited him to the United States."),
    ("alphabay", "https://www.justice.gov/opa/pr/alphabay-largest-online-dark-market-shut-down",
     "AlphaBay, the Largest Online 'Dark Market,' Shut Down", date(2017, 7, 20),
     "The following foreign law enforcement agencies provided substantial assistance in the "
     "operation to seize AlphaBay's infrastructure: Royal Thai Police, Dutch National Police, "
     "United Kingdom's National Crime Agency, Europol. The FBI and Europol shared intelligence "
     "on the AlphaBay administrators."),
    ("bugat", "https://www.justice.gov/opa/pr/bugat-botnet-administrator-arrested-and-malware-disabled",
     "Bugat Botnet Administrator Arrested and Malware Disabled", date(2015, 10, 13),
     "The FBI worked with the United Kingdom's National Crime Agency, Europol's EC3 and the "
     "German Bundeskriminalamt (BKA) to disrupt the botnet."),
    ("welcome", "https://www.ice.gov/news/releases/south-korean-national-and-hundreds-others-charged-worldwide-takedown-largest-darknet",
     "South Korean National and Hundreds of Others Charged Worldwide", date(2019, 10, 16),
     "Agents from HSI, the National Crime Agency in the United Kingdom, and the Korean "
     "National Police in South Korea arrested Son and seized the server."),
    ("panama", "https://www.justice.gov/criminal/criminal-icitap/blog/panama-icitap-and-interpol-lead-western-hemisphere-project-terminus-workshop",
     "Panama: ICITAP and INTERPOL Lead Western Hemisphere Project Terminus Workshop", date(2026, 2, 23),
     "ICITAP and INTERPOL led the Project Terminus workshop in Panama. Through equipment "
     "donations, capacity-building, and sustained mentoring, ICITAP ensured that the National "
     "Police of Panama could implement analytical processes immediately."),
    ("albania", "https://www.justice.gov/criminal/criminal-icitap/blog/albania-icitap-honors-albanian-state-police-113th-anniversary-commemorating-fallen",
     "Albania: ICITAP Honors Albanian State Police 113th Anniversary", date(2026, 3, 16),
     "ICITAP-supported advancements of the Albanian State Police included the Security Academy "
     "achieving accreditation. ICITAP plans to train the Albanian State Police on cybercrime."),
]

# (doc key, source key, target key, type, sentence index, modality)
RELATIONS = [
    ("burkina", "icitap", "burkina_police", "training", 1, "asserted"),
    ("burkina", "icitap", "burkina_police", "training", 0, "asserted"),
    ("emotet", "fbi", "europol", "joint_operation", 0, "asserted"),
    ("emotet", "fbi", "eurojust", "joint_operation", 0, "asserted"),
    ("emotet", "dutch_police", "fbi", "joint_operation", 1, "asserted"),
    ("emotet", "bka", "fbi", "joint_operation", 1, "asserted"),
    ("oconnor", "spain", "usa", "legal_assistance", 1, "asserted"),
    ("oconnor_sdny", "spain", "usa", "legal_assistance", 1, "asserted"),
    ("alphabay", "thai_police", "fbi", "joint_operation", 0, "asserted"),
    ("alphabay", "dutch_police", "fbi", "joint_operation", 0, "asserted"),
    ("alphabay", "fbi", "europol", "intelligence_sharing", 1, "asserted"),
    ("bugat", "fbi", "nca", "joint_operation", 0, "asserted"),
    ("bugat", "fbi", "bka", "joint_operation", 0, "asserted"),
    ("bugat", "fbi", "europol", "joint_operation", 0, "asserted"),
    ("welcome", "hsi", "korean_police", "joint_operation", 0, "asserted"),
    ("welcome", "hsi", "nca", "joint_operation", 0, "asserted"),
    ("panama", "icitap", "interpol", "general_cooperation", 0, "asserted"),
    ("panama", "icitap", "panama_police", "technology_transfer", 1, "asserted"),
    ("panama", "icitap", "panama_police", "training", 1, "asserted"),
    ("albania", "icitap", "albanian_police", "general_cooperation", 0, "asserted"),
    ("albania", "icitap", "albanian_police", "training", 1, "planned"),
]

THEMES = [
    (0, "darknet markets takedown", ["darknet", "market", "takedown", "server"], 2),
    (1, "botnet malware disruption", ["botnet", "malware", "disrupted", "operation"], 2),
    (2, "police training assistance", ["icitap", "training", "police", "course"], 3),
    (3, "extradition cybercrime", ["extradited", "pleads", "guilty", "spain"], 2),
]
DOC_THEMES = {"alphabay": 0, "welcome": 0, "emotet": 1, "bugat": 1, "burkina": 2,
              "panama": 2, "albania": 2, "oconnor": 3, "oconnor_sdny": 3}


def entity_id(key: str) -> str:
    name, kind, _ = ENTITIES[key]
    return stable_id(kind, name.lower())


def doc_id(key: str) -> str:
    return stable_id("doc", key)


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch == "." and (i + 1 == len(text) or text[i + 1] == " "):
            out.append((start, i + 1))
            start = i + 2
    return out


def fill_sample(con: store.Connection) -> None:
    """Write the sample documents, entities, relations and themes into ``con``."""
    docs = []
    texts = {}
    for key, url, title, published, text in DOCUMENTS:
        texts[key] = text
        docs.append(Document(doc_id=doc_id(key), source=url, url=url, title=title,
                             published=published, language="en", text=text, raw_text=text,
                             content_hash=stable_id("hash", text),
                             duplicate_of=doc_id("oconnor") if key == "oconnor_sdny" else None,
                             source_kind="records"))
    store.write_documents(con, docs)
    store.upsert_entities(con, [
        Entity(entity_id(k), name, kind, country, [name],
               parent_id=entity_id(PARENTS[k]) if k in PARENTS else None, kb_id=KB_IDS.get(k))
        for k, (name, kind, country) in ENTITIES.items()])
    relations = []
    for dkey, src, tgt, rtype, sent, modality in RELATIONS:
        start, end = _sentences(texts[dkey])[sent]
        relations.append(Relation(
            relation_id=stable_id(dkey, src, tgt, rtype, sent), doc_id=doc_id(dkey),
            source_id=entity_id(src), target_id=entity_id(tgt), type=rtype,
            directed=RELATION_TYPES[rtype], evidence=texts[dkey][start:end],
            start_char=start, end_char=end, event_date=None, confidence=0.9,
            modality=modality))
    store.replace_doc_rows(con, "relations", [d.doc_id for d in docs], relations)
    store.insert_frame(con, "themes", pd.DataFrame(
        [{"theme_id": t, "label": label, "terms": terms, "size": size}
         for t, label, terms, size in THEMES]), conflict="OR REPLACE")
    store.replace_doc_rows(con, "document_themes", [d.doc_id for d in docs], [
        {"doc_id": doc_id(k), "theme_id": t, "score": 0.8} for k, t in DOC_THEMES.items()])


def make_sample_db(path: Path) -> Path:
    """A DuckDB file holding the sample; returns its path."""
    con = store.connect(path)
    try:
        fill_sample(con)
    finally:
        con.close()
    return path


# Sample-corpus releases the real pipeline runs on: Operation Endgame (Europol-led
# takedown), a Nigerian extradited from the United Kingdom, ICITAP training in
# Burkina Faso and Jordan, ICITAP and INTERPOL in Panama. Short ones, so it is quick.
PIPELINE_TITLES = (
    "Operation Endgame: Coordinated Worldwide Law Enforcement Action",
    "Nigerian National Extradited from the United Kingdom",
    "Burkina Faso: ICITAP Counter-IED Advisors Train Burkinabe National Police",
    "Jordan: ICITAP Trains Public Security Directorate Officers",
    "Panama: ICITAP and INTERPOL Lead Western Hemisphere Project Terminus Workshop",
)
SAMPLE_RECORDS = Path(__file__).resolve().parents[1] / "data" / "raw" / "press-releases.jsonl"


@functools.cache
def pipeline_db() -> Path:
    """A database made by the real pipeline (``run_pipeline``) from five releases of
    the sample corpus; built once per test process and shared by the report, export
    and notebook tests."""
    from corpus.pipeline import run_pipeline

    folder = Path(tempfile.mkdtemp(prefix="corpus-report-pipeline-"))
    atexit.register(shutil.rmtree, folder, True)
    with SAMPLE_RECORDS.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    chosen = [r for r in records if r["title"].startswith(PIPELINE_TITLES)]
    assert len(chosen) == len(PIPELINE_TITLES), "the sample corpus lost a release these tests use"
    source = folder / "releases.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
    db = folder / "corpus.duckdb"
    run_pipeline([str(source)], load_settings(db=db, report_dir=folder / "report",
                                              make_report=False, quiet=True))
    return db
