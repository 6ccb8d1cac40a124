"""The extract stage on real documents: canonical entities, countries, dates, furniture.

Real gold documents of ../shared (skipped without it), real spaCy and the shipped
knowledge base; a non-English, an empty and a 5 MB document go through without loss.
"""
from __future__ import annotations

import json
from datetime import date

import pytest
import spacy

from corpus import store
from corpus.extract import (EXTRACT_VERSION, STAGE, Resolver, consolidate, entity_id,
                            extract_batch, split_pieces)
from tests.conftest import DEV_GOLD, DEV_JSONL

BURKINA = ("https://www.justice.gov/criminal/criminal-icitap/blog/"
           "burkina-faso-icitap-counter-ied-advisors-train-burkinabe-national-police-first")
DDOS = "https://www.fbi.gov/news/stories/international-cyber-sweep-nets-ddos-attackers"


def _doc(doc_id: str, text: str, published=None, language="en", url=None) -> dict:
    return {"doc_id": doc_id, "title": None, "published": published, "language": language,
            "text": text, "url": url, "source": url or doc_id}


def _kb_ids(extraction, keep=lambda mention: True) -> dict[str, str | None]:
    """The knowledge-base id of each kept mention's entity, by the mention's text."""
    entities = {e.entity_id: e for e in extraction.entities}
    return {m.text: entities[m.entity_id].kb_id for m in extraction.mentions if keep(m)}


def _by_text(extraction):
    entities = {e.entity_id: e for e in extraction.entities}
    return {(m.doc_id, m.text): entities[m.entity_id] for m in extraction.mentions}, entities


@pytest.fixture(scope="module")
def gold_extraction(settings):
    if not DEV_JSONL.exists() or not DEV_GOLD.exists():
        pytest.skip("../shared dev corpus not present")
    wanted = {BURKINA, DDOS}
    rows = [json.loads(line) for line in DEV_JSONL.open(encoding="utf-8")]
    docs = [_doc(f"g{i}", r["text"], date.fromisoformat(r["published"]), url=r["url"])
            for i, r in enumerate(rows) if r["url"] in wanted]
    assert len(docs) == 2
    return extract_batch(docs, settings), {d["url"]: d["doc_id"] for d in docs}


def test_components_are_registered_spacy_factories():
    assert spacy.registry.factories.get("corpus_knowledge")
    assert spacy.registry.factories.get("corpus_resolver")


def test_burkina_gold_document(gold_extraction):
    extraction, ids = gold_extraction
    doc_id = ids[BURKINA]
    found, entities = _by_text(extraction)
    assert found[(doc_id, "Burkinabe")].country == "BFA"
    assert found[(doc_id, "Burkinabe")].kind == "country"
    police = found[(doc_id, "Burkinabe National Police")]
    assert (police.kind, police.country) == ("agency", "BFA")
    icitap = found[(doc_id, "ICITAP")]
    assert icitap.kb_id == "usa-doj-icitap"
    # the acronym defined in the text is the same entity as the long name
    gsipn = found[(doc_id, "GSIPN")]
    assert any(m.entity_id == gsipn.entity_id and m.text.startswith("Groupe Spéciale")
               for m in extraction.mentions if m.doc_id == doc_id)
    bureau = [e for (d, _), e in found.items() if d == doc_id and e.kb_id == "usa-state-ct"]
    assert bureau and entities[bureau[0].parent_id].kb_id == "usa-state"
    # "the U.S. Department of State’s Bureau of ..." also names the department
    assert "usa-state" in {e.kb_id for (d, _), e in found.items() if d == doc_id}
    days = {d.value for d in extraction.dates if d.doc_id == doc_id}
    assert {date(2026, 1, 19), date(2026, 1, 12), date(2026, 1, 23)} <= days
    program = found[(doc_id, "“Improvised Explosives Device Awareness & Operations” Course")]
    assert program.kind == "program"


def test_ddos_gold_document(gold_extraction):
    extraction, ids = gold_extraction
    doc_id = ids[DDOS]
    found, _ = _by_text(extraction)
    ec3 = found[(doc_id, "EC3")]
    assert ec3.kb_id == "int-europol-ec3"
    assert found[(doc_id, "IC4")].entity_id == found[
        (doc_id, "International Cyber Crime Coordination Cell")].entity_id
    countries = {e.country for (d, _), e in found.items() if d == doc_id and e.kind == "country"}
    assert {"AUS", "BEL", "FRA", "HUN", "LTU", "NLD", "NOR", "PRT", "ROU", "ESP", "SWE", "GBR",
            "USA"} <= countries
    # "La Canada, California" is not Canada; site menus and teasers name nothing
    assert "CAN" not in countries
    names = {e.name for (d, _), e in found.items() if d == doc_id}
    assert not names & {"Most Wanted", "Submit a Tip", "Ten Most Wanted", "Operation Aimed"}


def test_one_entity_whatever_the_surface_form(settings):
    docs = [
        _doc("a", "The Israel Police arrested the suspect. Later the National Police of Israel "
                  "said the Federal Bureau of Investigation (FBI) helped."),
        _doc("b", "Ukraine's National Police met the Burkinabe National Police in Kyiv."),
        _doc("c", "Officers of the Ukrainian National Police and the National Police of Burkina "
                  "Faso trained with the FBI."),
    ]
    extraction = extract_batch(docs, settings)
    found, _ = _by_text(extraction)
    assert found[("a", "Israel Police")].entity_id == found[("a", "National Police of Israel")].entity_id
    assert found[("a", "FBI")].entity_id == found[("a", "Federal Bureau of Investigation")].entity_id
    assert found[("c", "FBI")].entity_id == found[("a", "FBI")].entity_id
    ukraine = found[("b", "Ukraine's National Police")]
    assert ukraine.entity_id == found[("c", "Ukrainian National Police")].entity_id
    assert ukraine.country == "UKR"
    # an agency the knowledge base may not know still gets one row across documents
    burkina = found[("b", "Burkinabe National Police")]
    assert burkina.entity_id == found[("c", "National Police of Burkina Faso")].entity_id
    assert burkina.country == "BFA"


def test_ids_do_not_depend_on_the_batch(settings):
    text = "Europol's European Cyber Crime Centre (EC3) and the Romanian National Police met."
    one = extract_batch([_doc("x", text)], settings)
    two = extract_batch([_doc("y", "Nothing here."), _doc("x", text)], settings)
    assert [m.entity_id for m in one.mentions] == [m.entity_id for m in two.mentions
                                                  if m.doc_id == "x"]
    romania = entity_id("country", "ROU")
    assert romania in {m.entity_id for m in one.mentions}


def test_titles_menus_and_slogans_are_not_entities(settings):
    text = ("Press Releases\n\nOffice of Special Counsel\n\nVictim Notification Program\n\n"
            "Assistant Attorney General Brian A. Benczkowski of the Justice Department’s "
            "Criminal Division announced the extradition. The Computer Crime and Intellectual "
            "Property Section of the Criminal Division prosecuted the case.")
    extraction = extract_batch([_doc("m", text)], settings)
    found, entities = _by_text(extraction)
    names = {e.name for e in found.values()}
    assert not any("Benczkowski" in n or "Attorney General" in n for n in names)
    assert "Office of Special Counsel" not in {m.text for m in extraction.mentions}
    assert "Victim Notification Program" not in {m.text for m in extraction.mentions}
    ccips = found[("m", "Computer Crime and Intellectual Property Section")]
    assert entities[ccips.parent_id].name == found[("m", "Criminal Division")].name


def test_menu_line_measure():
    resolver = Resolver()
    assert resolver.is_menu_line("Victim Notification Program")
    assert resolver.is_menu_line("Legal Policies & Disclaimers")
    assert not resolver.is_menu_line("ICITAP delivered the course to the GSIPN.")
    assert not resolver.is_menu_line("Steve Kelly, FBI unit chief, International Cyber Crime")


def test_non_english_empty_and_huge_documents(settings):
    para = ("On March 3, 2024, the Israel Police and the FBI arrested two suspects with help "
            "from Europol.\n\n")
    huge = para * (5_000_000 // len(para) + 1)
    docs = [_doc("fr", "La Police nationale a arrêté deux suspects à Paris.", language="fr"),
            _doc("empty", ""),
            _doc("none", "Nothing in this sentence names anyone at all.", date(2024, 1, 1)),
            _doc("huge", huge, date(2024, 3, 5))]
    # the full parse covers the start; the rest goes through the matchers in pieces
    extraction = extract_batch(docs, settings.replace(extra={"extract_full_nlp_chars": 20_000}))
    assert sorted(extraction.done_doc_ids) == ["empty", "fr", "huge", "none"]
    assert not extraction.rejections
    assert not [m for m in extraction.mentions if m.doc_id in ("fr", "empty", "none")]
    huge_mentions = [m for m in extraction.mentions if m.doc_id == "huge"]
    assert max(m.start_char for m in huge_mentions) > 4_900_000
    assert all(huge[m.start_char:m.end_char] == m.text for m in huge_mentions)
    assert {m.text for m in huge_mentions} == {"Israel", "Israel Police", "FBI", "Europol"}
    assert len({d.start_char for d in extraction.dates if d.doc_id == "huge"}) > 40_000


def test_pieces_cover_the_text_at_line_breaks():
    text = ("word " * 50 + "\n") * 400
    pieces = split_pieces(text, 1000)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a == b for (_, a), (b, _) in zip(pieces, pieces[1:]))
    assert all(end - start <= 1000 for start, end in pieces)
    assert all(text[end - 1] == "\n" for _, end in pieces[:-1])


def test_written_and_consolidated(con, settings):
    from corpus.records import Document

    text = "The FBI San Francisco Field Office worked with Europol's EC3 and the Dutch police."
    store.write_documents(con, [Document("d1", "a.txt", None, None, None, "en", text, text, "h")])
    docs = store.pending_documents(con, STAGE, EXTRACT_VERSION)
    extraction = extract_batch(docs, settings)
    store.write_extraction(con, extraction, stage=STAGE, version=EXTRACT_VERSION)
    store.write_extraction(con, extraction, stage=STAGE, version=EXTRACT_VERSION)
    assert consolidate(con, settings) == 0
    rows = con.execute("""
        SELECT e.name, p.name FROM entities e JOIN entities p ON p.entity_id = e.parent_id
        WHERE e.name = 'FBI San Francisco Field Office'""").fetchall()
    assert rows == [("FBI San Francisco Field Office", "Federal Bureau of Investigation")]
    assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == len(extraction.mentions)
    assert store.count_pending(con, STAGE, EXTRACT_VERSION) == 0


def test_unit_named_after_a_known_agency_is_its_unit(settings):
    # usao-dc, Bitcoin Fog: "District of" is part of the unit's name, not a title
    text = ("This case is being investigated by the IRS-CI District of Columbia Cyber Crime "
            "Unit and the FBI Washington Field Office. The Justice Department’s Office of "
            "International Affairs and FBI’s Virtual Asset Unit provided invaluable assistance.")
    extraction = extract_batch([_doc("u", text)], settings)
    found, entities = _by_text(extraction)
    assert not any("Columbia Cyber Crime Unit" == e.name for e in found.values())
    irsci = found[("u", "IRS-CI")]
    assert irsci.kb_id == "usa-irsci"
    unit = found[("u", "IRS-CI District of Columbia Cyber Crime Unit")]
    assert unit.kind == "agency" and unit.parent_id == irsci.entity_id
    fbi = found[("u", "FBI")]
    assert entities[found[("u", "Virtual Asset Unit")].parent_id] == fbi


def test_em_dash_spelling_of_a_known_unit(settings):
    # usao-mdfl: "Internal Revenue Service—Criminal Investigation" is IRS-CI
    text = ("The investigation was led by the Tampa Division of the Federal Bureau of "
            "Investigation, the Internal Revenue Service—Criminal Investigation’s Tampa Field "
            "Office, and Homeland Security Investigations - Tampa Division. Substantial "
            "assistance was provided by the Department of Justice’s Office of International "
            "Affairs and the Internal Revenue Service—Criminal Investigation Cyber Crimes Unit "
            "in Washington, D.C.")
    extraction = extract_batch([_doc("e", text)], settings)
    found, entities = _by_text(extraction)
    names = {e.name for e in found.values()}
    assert "Criminal Investigation Cyber Crimes Unit" not in names
    cyber = found[("e", "Internal Revenue Service—Criminal Investigation Cyber Crimes Unit")]
    assert cyber.kb_id == "usa-irsci-cyber"
    irsci = found[("e", "Internal Revenue Service—Criminal Investigation")]
    assert irsci.kb_id == "usa-irsci"
    assert found[("e", "Tampa Field Office")].parent_id == irsci.entity_id
    # the same unit after another of its parent's names
    spaced = extract_batch([_doc("s", "Assistance came from the IRS - Criminal Investigation "
                                      "Cyber Crimes Unit.")], settings)
    found, _ = _by_text(spaced)
    assert found[("s", "IRS - Criminal Investigation Cyber Crimes Unit")].kb_id \
        == "usa-irsci-cyber"


def test_your_local_office_is_not_an_entity(settings):
    # ice.gov site banner
    text = ("ICE Check-in for Aliens\n\nGet information about how to check in with your local "
            "ICE Office here .\n\nThe case was investigated by HSI and the FBI.")
    extraction = extract_batch([_doc("l", text)], settings)
    assert "ICE Office" not in {m.text for m in extraction.mentions}
    assert not any(e.name == "ICE Office" for e in extraction.entities)


def test_us_state_georgia_is_not_the_country(settings):
    state = ("From February 2–6, ICITAP, in partnership with the Guardian Centers of Georgia, "
             "delivered an Advanced Surveillance and Countersurveillance Training. The FBI "
             "Atlanta Field Office in Atlanta, Georgia, and the Georgia Bureau of Investigation "
             "investigated the case, which was indicted in the Northern District of Georgia. "
             "A Georgia man and a New Jersey resident were charged in Arizona, Texas, "
             "Missouri, Montana, and Georgia.")
    country = ("The Justice Department’s Office of International Affairs secured the July 2024 "
               "extradition from Georgia of Albashiti. The Office of the Prosecutor General of "
               "Georgia and the Ministry of Internal Affairs of Georgia announced the "
               "convictions of defendants in Georgia, Ukraine and Moldova.")
    extraction = extract_batch([_doc("s", state), _doc("c", country)], settings)
    countries = {(m.doc_id, m.text) for m in extraction.mentions if m.kind == "country"}
    assert not [m for m in countries if m[0] == "s" and m[1] != "U.S."], countries
    georgia = entity_id("country", "GEO")
    assert sum(m.entity_id == georgia for m in extraction.mentions if m.doc_id == "c") >= 2
    found, _ = _by_text(extraction)
    assert found[("s", "Georgia Bureau of Investigation")].country == "USA"


def test_a_unit_after_another_agencys_possessive_is_that_agencys(settings):
    # secretservice.gov, Romanian woman pleads guilty (MPD surveillance cameras): the KB's
    # "Washington Field Office" is the FBI's, but here the Secret Service owns it
    usss = ("Brian J. Ebert, Special Agent in Charge, Washington Field Office, U.S. Secret "
            "Service, made the announcement. The investigation into this matter was "
            "conducted by the Secret Service’s Washington Field Office.")
    fbi = ("The case was investigated by the FBI’s Washington Field Office. The Washington "
           "Field Office thanked the Metropolitan Police Department.")
    extraction = extract_batch([_doc("s", usss), _doc("f", fbi)], settings)
    entities = {e.entity_id: e for e in extraction.entities}
    offices = [entities[m.entity_id] for m in extraction.mentions
               if m.doc_id == "s" and m.text == "Washington Field Office"]
    assert len(offices) == 2 and len({o.entity_id for o in offices}) == 1
    office = offices[0]
    assert office.kb_id != "usa-fbi-fo-washington"
    assert office.kind == "agency" and entities[office.parent_id].kb_id == "usa-usss"
    assert "Secret Service" in office.name and "Washington Field Office" in office.name
    # the FBI's own release: bare or possessive, it stays the FBI's office
    found = {entities[m.entity_id].kb_id for m in extraction.mentions
             if m.doc_id == "f" and "Washington Field Office" in m.text}
    assert found == {"usa-fbi-fo-washington"}


def test_ampersand_spelling_of_a_known_name(settings):
    # usao-wdwa: "Firearms & Explosives" is the KB's "Firearms and Explosives"
    text = ("The Bureau of Alcohol, Tobacco, Firearms & Explosives (ATF) assisted with the "
            "investigation.")
    extraction = extract_batch([_doc("a", text)], settings)
    found, _ = _by_text(extraction)
    atf = found[("a", "Bureau of Alcohol, Tobacco, Firearms & Explosives")]
    assert atf.kb_id == "usa-atf"
    assert not any(e.name == "Bureau of Alcohol" for e in extraction.entities)
    # dea.gov, Wakefield: the division named before it stays ATF's division
    text = ("Thomas Greco, Special Agent in Charge of the Boston Field Division of the Bureau "
            "of Alcohol, Tobacco, Firearms & Explosives; Michael J. Krol, Special Agent in "
            "Charge for Homeland Security Investigations in New England made the announcement.")
    extraction = extract_batch([_doc("b", text)], settings)
    found, entities = _by_text(extraction)
    division = found[("b", "Boston Field Division")]
    assert entities[division.parent_id].kb_id == "usa-atf"


def test_special_that_begins_a_name_is_kept(settings):
    # usao-mdfl, Kosovo marketplace administrator: "Special" is part of the name, while
    # "Special Agent" stays a person's title
    text = ("Additionally, Special Prosecution of the Republic of Kosova and Kosovo Police’s "
            "Cybercrime Investigation Directorate provided substantial assistance in the "
            "arrest of Masurica. Special Agent in Charge John Smith of the FBI thanked them.")
    extraction = extract_batch([_doc("k", text)], settings)
    names = {e.name for e in extraction.entities}
    assert "Special Prosecution of the Republic of Kosova" in names
    assert "Prosecution of the Republic of Kosova" not in names
    assert not any(n.startswith(("Special Agent", "Agent")) for n in names)


def test_non_breaking_hyphen_does_not_hide_a_name(settings):
    # ICITAP blog, Colombia: "ICITAP‑Colombia mission" is written with U+2011, which the
    # tokenizer does not split at; the parser reads it as "-" and offsets stay the text's
    text = ("Investigators built on specialized training in asset tracing provided through "
            "the ICITAP\u2011Colombia mission with support from the U.S. Department of State’s "
            "Bureau of International Narcotics and Law Enforcement Affairs (INL).")
    extraction = extract_batch([_doc("h", text)], settings)
    found, _ = _by_text(extraction)
    icitap = found[("h", "ICITAP")]
    assert icitap.kb_id == "usa-doj-icitap"
    mention = next(m for m in extraction.mentions if m.entity_id == icitap.entity_id)
    assert text[mention.start_char:mention.end_char] == "ICITAP"
    assert ("h", "Colombia") in found


def test_evidence_quotes_the_text_as_written(settings):
    # ICITAP blog, Colombia (the page's opening as cleaned): the parser reads U+2011 as "-",
    # but a relation's evidence is the text itself at its offsets (corpus check audits that)
    text = ("Criminal Division | Colombia: Through Work By ICITAP-Trained Investigators, Colombia "
            "Issues First INTERPOL Silver Notice in Latin America\n\nInternational Criminal "
            "Investigative Training Assistance Program (ICITAP)\n\nColombia: Through Work By "
            "ICITAP-Trained Investigators, Colombia Issues First INTERPOL Silver Notice In Latin "
            "America\n\nFriday, May 9, 2025\n\nOn May 9, the ICITAP\u2011Colombia mission reported "
            "a significant development in international criminal finance cooperation when "
            "Colombia became the first country in Latin America to issue an INTERPOL Silver "
            "Notice, an innovative international alert designed to help identify and track assets "
            "linked to transnational criminal activity rather than seek arrests.")
    extraction = extract_batch([_doc("c", text)], settings)
    assert extraction.relations, "ICITAP trained Colombian investigators"
    for rel in extraction.relations:
        assert rel.evidence == text[rel.start_char:rel.end_char]
    assert any("\u2011" in rel.evidence for rel in extraction.relations)


def test_nationality_word_before_a_list_is_every_members_country(settings):
    # usao-mdfl, Pankov / NLBrute: "Georgian" qualifies the three bodies, and the
    # rule that reads "Georgia" as the U.S. state does not touch the adjective
    text = ("This investigation also benefited from foreign law enforcement cooperation by "
            "the Georgian Prosecutor General’s Office, Ministry of Justice, and Ministry of "
            "Internal Affairs.")
    # fbi.gov, Bugat/Dridex: the list after "the Moldovan ..." is Moldova's
    moldova = ("Other agencies and organizations partnering in this effort include: "
               "Spamhaus and the Moldovan General Inspectorate of Police Centre for Combating "
               "Cyber Crime, the Prosecutor General’s Office Cyber Crimes Unit and the "
               "Ministry of Interior Forensics Unit.")
    # a country name used as a prefix is the name's own: "Bellevue Police" stays as it was
    us = ("The case was investigated with assistance from the U.S. Postal Inspection "
          "Service, U.S. Customs and Border Protection, and the Bellevue Police Department.")
    extraction = extract_batch([_doc("g", text), _doc("m", moldova), _doc("u", us)], settings)
    found, _ = _by_text(extraction)
    assert found[("g", "Georgian Prosecutor General’s Office")].country == "GEO"
    assert found[("g", "Ministry of Justice")].kb_id == "geo-moj"
    assert found[("g", "Ministry of Internal Affairs")].kb_id == "geo-mia"
    for name in ("Prosecutor General’s Office Cyber Crimes Unit",
                 "Ministry of Interior Forensics Unit"):
        assert (found[("m", name)].kind, found[("m", name)].country) == ("agency", "MDA")
    assert found[("u", "Bellevue Police Department")].country is None


def test_country_after_the_last_name_of_a_list(settings):
    # justice.gov/opa, 911 S5 botnet: "of the Kingdom of Thailand" ends "A and the B", so
    # the Office of the Attorney General is Thailand's, not the U.S. Attorney General's
    thailand = ("The Department appreciates the significant assistance provided by the "
                "Attorney-General’s Chambers of Singapore, Singapore Police Force (SPF), Royal "
                "Thai Police, and the Office of the Attorney General and the Anti-Money "
                "Laundering Office of the Kingdom of Thailand.")
    # fbi.gov, U.S. citizen deported from Uganda: "in Uganda" closes the list
    uganda = ("Attorney Hickton commended numerous agencies and organizations for conducting "
              "the investigation leading to charges in this case, including the Directorate "
              "of Public Prosecution, the Criminal Investigations and Intelligence Department, "
              "the Special Investigations and Intelligence Unit, and Stanbic Bank in Uganda; "
              "the U.S. Secret Service and the Federal Bureau of Investigation.")
    # ic3/fbi: a long list of "X of France, ..., Y of Japan" gives each its own country
    mixed = ("Direction Centrale de la Police aux Frontieres (PAF) of France, Squadra Mobile "
             "Di Caserta and Italian National Police, National Police Agency of Japan.")
    extraction = extract_batch([_doc("t", thailand), _doc("u", uganda), _doc("x", mixed)],
                               settings)
    found, _ = _by_text(extraction)
    oag = found[("t", "Office of the Attorney General")]
    assert (oag.kb_id, oag.country) == ("tha-oag", "THA")
    assert found[("t", "Anti-Money Laundering Office of the Kingdom of Thailand")].kb_id \
        == "tha-amlo"
    assert found[("t", "Royal Thai Police")].kb_id == "tha-rtp"
    for name in ("Directorate of Public Prosecution",
                 "Criminal Investigations and Intelligence Department",
                 "Special Investigations and Intelligence Unit"):
        assert (found[("u", name)].kind, found[("u", name)].country) == ("agency", "UGA")
    assert found[("u", "U.S. Secret Service")].country == "USA"
    assert not any(e.country == "JPN" for (d, t), e in found.items()
                   if d == "x" and "Italian" in t)


def test_german_police_compounds_with_their_place_are_agencies(settings):
    # justice.gov (OPA), ALPHV/Blackcat: German compounds end in the head word; with the
    # place after them they name a body, and "and" after one ends the name
    text = ("The Justice Department also recognizes the critical cooperation of Germany’s "
            "Bundeskriminalamt and Zentrale Kriminalinspektion Göttingen, Denmark’s Special "
            "Crime Unit, and Europol. Additionally, the following foreign law enforcement "
            "authorities provided substantial assistance and support: the Australian Federal "
            "Police, Spain’s Policia Nacional, Switzerland’s Kantonspolizei Thurgau, and "
            "Austria’s Directorate State Protection and Intelligence Service.")
    # justice.gov (D.D.C.), Monopoly Market: alone, before "(ZKI) Oldenburg", the compound
    # is left to the readers that know the whole name
    zki = ("This case is being investigated by the FBI Washington Field Office’s Hi-Tech "
           "Opioid Task Force and Germany’s Zentrale Kriminalinspektion (ZKI) Oldenburg "
           "Cybercrime Unit.")
    extraction = extract_batch([_doc("a", text), _doc("z", zki)], settings)
    found, _ = _by_text(extraction)
    assert found[("a", "Kantonspolizei Thurgau")].kind == "agency"
    assert found[("a", "Kantonspolizei Thurgau")].country == "CHE"
    assert found[("a", "Zentrale Kriminalinspektion Göttingen")].kind == "agency"
    assert found[("a", "Bundeskriminalamt")].country == "DEU"
    assert not [k for k in found if k[0] == "z" and k[1] == "Zentrale Kriminalinspektion"]


def test_a_name_glossed_in_brackets_is_one_body(settings):
    # justice.gov OPA, Operation Dark HunTor: "Italy's Finance Corps (Guardia di Finanza)",
    # "Switzerland's Zurich Canton Police (Kantonspolizei Zürich)": the English name and
    # the name in brackets are one entity, the one the knowledge base knows
    text = ("The investigations were aided by Italy’s Finance Corps (Guardia di Finanza) and "
            "Switzerland’s Zurich Canton Police (Kantonspolizei Zürich), and by the FBI (and "
            "Europol).")
    extraction = extract_batch([_doc("g", text)], settings)
    found, _ = _by_text(extraction)
    assert found[("g", "Finance Corps")].entity_id == found[("g", "Guardia di Finanza")].entity_id
    assert found[("g", "Finance Corps")].kb_id == "ita-gdf"
    zurich = found[("g", "Kantonspolizei Zürich")]
    assert found[("g", "Zurich Canton Police")].entity_id == zurich.entity_id
    assert zurich.country == "CHE"
    # "(and Europol)" does not fill the brackets with a name: two bodies
    assert found[("g", "FBI")].entity_id != found[("g", "Europol")].entity_id


def test_no_sentence_ends_inside_a_parenthesis(nlp):
    """justice.gov OPA, Operation Dark HunTor: a name glossed in Cyrillic inside its
    parenthesis made the parser end the sentence there, cutting the partner list in two;
    the rest of the list ("France's National Police ...") lost the words that said these
    bodies aided the investigations."""
    text = (
        'The investigations leading to Operation Dark HunTor were significantly aided by '
        'support and coordination by the Department of Justice’s Organized Crime Drug '
        'Enforcement Task Forces (OCDETF), multi-agency Special Operations Division, the '
        'Criminal Division’s Computer Crime and Intellectual Property Section, Money '
        'Laundering and Asset Recovery Section’s Digital Currency Initiative, Narcotic '
        'and Dangerous Drug Section, the Fraud Section, the Justice Department’s Office '
        'of International Affairs, the National Cyber Joint Investigative Task Force '
        '(NCJITF), Europol and its Dark Web team and international partners Eurojust, '
        'Australian Federal Police (AFP), Bulgaria’s General Directorate Combating '
        'Organized Crime (Главна дирекция Борба с организираната престъпност), France’s '
        'National Police (Police National - OCLCTIC) and National Gendarmerie '
        '(Gendarmerie Nationale – C3N), Germany’s Federal Criminal Police Office '
        '(Bundeskriminalamt), Central Criminal Investigation Department in the German '
        'city of Oldenburg (Zentrale KriminaIinspektion Oldenburg), State Criminal Police '
        'Offices (Landeskriminalämter), State Criminal Police Office of Lower Saxony (LKA '
        'Niedersachsen), various police departments (Dienststellen der Länderpolizeien), '
        'German Investigation Customs ( Zollfahndungsämter), Italy’s Finance Corps '
        '(Guardia di Finanza) and Public Prosecutor’s Office Brescia, the Netherland’s '
        'National Police (Politie), Switzerland’s Zurich Canton Police (Kantonspolizei '
            "Zürich) and Public Prosecutor's Office II of the Canton of Zurich "
        '(Staatsanwaltschaft II), and the United Kingdom’s National Crime Agency (NCA) '
        'and NPCC.')
    doc = nlp(text)
    assert len(list(doc.sents)) == 1, [s.text for s in doc.sents]
    two = nlp("The NCA assisted (see below). The FBI led the case.")
    assert [s.text.strip() for s in two.sents] == ["The NCA assisted (see below).",
                                                    "The FBI led the case."]


def test_a_list_of_us_bodies_keeps_each_body(settings):
    # dea.gov, Kingdom Market (2023-12-21), as written, comma without a space included:
    # the inspector general's office without "the" is the knowledge base's; "General, the
    # Bureau of ..." is a list, not a title whose agency owns the next name; a state's
    # department is American; "FBI, New York Field Office" in a title is the FBI's office
    text = ("The Drug Enforcement Administration investigated this case with IRS Criminal "
            "Investigation, the FBI, the U.S. Postal Inspection Service, the Social Security "
            "Administration Office of Inspector General, the Bureau of Diplomatic Security,"
            "Homeland Security Investigations, and the Missouri Department of Revenue. "
            "Michael J. Driscoll, Assistant Director-in-Charge, FBI, New York Field Office, "
            "announced the charges.")
    extraction = extract_batch([_doc("k", text)], settings)
    found, entities = _by_text(extraction)
    oig = found[("k", "Social Security Administration Office of Inspector General")]
    assert oig.kb_id == "usa-ssa-oig"
    assert entities[oig.parent_id].kb_id == "usa-ssa"
    assert found[("k", "Bureau of Diplomatic Security")].kb_id == "usa-state-ds"
    revenue = found[("k", "Missouri Department of Revenue")]
    assert (revenue.country, revenue.parent_id) == ("USA", None)
    assert found[("k", "New York Field Office")].kb_id == "usa-fbi-fo-newyork"


def test_a_plural_office_name_is_several_bodies_not_one(settings):
    # justice.gov OPA, Dark web vendor forfeits $150M: "Upper Arlington and Colombus, Ohio
    # Police Departments are investigating the case" names two local forces by their shared
    # tail; "Ohio Police Departments" is no body of its own
    text = ("DEA, IRS:CI, HSI, USPIS, and Upper Arlington and Colombus, Ohio Police Departments "
            "are investigating the case.")
    extraction = extract_batch([_doc("o", text)], settings)
    names = {e.name for e in extraction.entities}
    assert "Ohio Police Departments" not in names
    assert {"Drug Enforcement Administration", "Homeland Security Investigations"} <= names


def test_the_plural_attorneys_offices_of_listed_districts_are_each_districts(settings):
    # justice.gov OPA (2011), Romanian criminal groups: the plural office names three
    # district offices, each a party to the "close cooperation between ..."
    text = ("More than 100 individuals have been arrested as a result of close cooperation "
            "between the Romanian Intelligence Service (SRI) and the FBI, the U.S. Secret "
            "Service, and the U.S. Attorneys’ Offices for the Southern District of Florida, the "
            "Western District of Pennsylvania and the Eastern District of Missouri.")
    read = _kb_ids(extract_batch([_doc("r", text)], settings), lambda m: m.kind == "agency")
    assert read.get("U.S. Attorneys’ Offices for the Southern District of Florida") \
        == "usa-usao-sdfl", read
    assert read.get("Western District of Pennsylvania") == "usa-usao-wdpa"
    assert read.get("Eastern District of Missouri") == "usa-usao-edmo"
    assert "usa-doj-usao" not in read.values()
    # a district the knowledge base does not know leaves the plural as it was
    odd = extract_batch([_doc("o", "The U.S. Attorneys’ Offices for the Southern District of "
                                    "Atlantis and the FBI investigated.")], settings)
    assert "usa-doj-usao" in {e.kb_id for e in odd.entities}


def test_a_field_office_after_its_agency_and_city_is_that_agencys(settings):
    # justice.gov (D.D.C.), Bitfinex launderers plead guilty: "led by IRS-CI Washington,
    # D.C. Field Office's Cyber Crimes Unit": the field office is IRS-CI's, so it acts as
    # IRS-CI, not as a body of its own
    text = ("The investigation was led by IRS-CI Washington, D.C. Field Office’s Cyber Crimes "
            "Unit, FBI-Chicago, FBI’s Virtual Assets Unit (VAU), and HSI-New York.")
    extraction = extract_batch([_doc("b", text)], settings)
    found, entities = _by_text(extraction)
    office = found[("b", "D.C. Field Office")]
    assert (office.country, entities[office.parent_id].kb_id) == ("USA", "usa-irsci")


def test_a_named_team_is_an_agency_and_a_police_in_a_country_is_that_countrys(settings):
    # justice.gov (W.D. Wash.), Port Angeles beach drugs: "the Olympic Peninsula Narcotics
    # Enforcement Team (OPNET)" is a local task force; justice.gov (D.D.C.), Bitfinex
    # hacker sentenced: "the Ansbach Police Department in Germany" is a German force
    text = ("The grand jury indictment was returned after an extensive investigation by the "
            "FBI, the Royal Canadian Mounted Police (RCMP), and the Olympic Peninsula Narcotics "
            "Enforcement Team (OPNET). The FBI is investigating the case, with assistance from "
            "the Justice Department’s Office of International Affairs and the Ansbach Police "
            "Department in Germany.")
    extraction = extract_batch([_doc("t", text)], settings)
    country = {e.name: e.country for e in extraction.entities if e.kind == "agency"}
    assert "Olympic Peninsula Narcotics Enforcement Team" in country
    assert country.get("Ansbach Police Department") == "DEU"
    assert country.get("Office of International Affairs") == "USA"


def test_an_agencys_acronym_after_its_field_office_stays_the_agencys(settings):
    # justice.gov (E.D.N.Y.), Bitzlato founder pleads guilty: "Federal Bureau of
    # Investigation, New York Field Office (FBI)" in a title does not make the later "the
    # FBI’s Legal Attaché" the New York office's
    text = ("James Smith, Assistant Director-in-Charge, Federal Bureau of Investigation, New York "
            "Field Office (FBI), announced the guilty plea. The Justice Department’s Office of "
            "International Affairs and the FBI’s Legal Attaché in France provided critical "
            "assistance in the case.")
    read = _kb_ids(extract_batch([_doc("b", text)], settings),
                   lambda m: m.start_char > text.index("announced"))
    assert read.get("FBI") == "usa-fbi", read


def test_a_known_body_of_the_republic_of_its_country_is_that_body(settings):
    # justice.gov (S.D.N.Y.), Silk Road: "the Reykjavik Metropolitan Police of the Republic
    # of Iceland" is the knowledge base's Reykjavik police, not a second body; a U.S.
    # state's formal name is no country
    from corpus.knowledge import load_kb

    text = ("Mr. Bharara praised the foreign law enforcement partners, namely, the Reykjavik "
            "Metropolitan Police of the Republic of Iceland.")
    extraction = extract_batch([_doc("s", text)], settings)
    by_id = {e.entity_id: e for e in extraction.entities}
    named = {(by_id[m.entity_id].name, by_id[m.entity_id].kb_id) for m in extraction.mentions
             if m.kind == "agency"}
    assert named == {("Reykjavik Metropolitan Police", "isl-lrh")}, named
    kb = load_kb()
    assert kb.country_code("the Kingdom of Spain") == "ESP"
    assert kb.country_code("State of Georgia") is None


def test_a_name_that_opens_with_its_republic_keeps_it(settings):
    # justice.gov, Monopoly Market: "the Republic of Serbia High-Tech Crimes Prosecutor"
    # is the name; "Republic of" is no title to strip ("Rector of the Academy")
    text = "The FBI thanks the Republic of Serbia High-Tech Crimes Prosecutor for its help."
    extraction = extract_batch([_doc("m", text)], settings)
    agencies = {e.name: e.country for e in extraction.entities if e.kind == "agency"}
    assert agencies.get("Republic of Serbia High-Tech Crimes Prosecutor") == "SRB", agencies


def test_a_prosecutors_office_named_with_its_city_after_it(settings):
    # justice.gov, Monopoly Market: "the Public Prosecutors Office Vienna"; a weekday after
    # an office is no city
    text = ("The FBI thanks the Public Prosecutors Office Vienna for its help. The "
            "Prosecutor's Office Tuesday said nothing.")
    extraction = extract_batch([_doc("v", text)], settings)
    names = {e.name for e in extraction.entities if e.kind == "agency"}
    assert "Public Prosecutors Office Vienna" in names
    assert not any(n.endswith("Tuesday") for n in names), names


def test_a_possessive_country_and_a_province_comma_country_give_the_list_its_country(settings):
    # justice.gov OPA, BlackSuit: "Canada's Royal Canadian Mounted Police and Delta Police
    # Department"; booter services: "the Brandon Police Service in Manitoba, Canada"; a
    # known home body after such a list keeps its own country
    text = ("HSI and the FBI are investigating the case alongside Canada's Royal Canadian Mounted "
            "Police and Delta Police Department, and Lithuania's Criminal Police Bureau. "
            "Invaluable assistance was provided by EUROPOL; and the Brandon Police Service in "
            "Manitoba, Canada. Spain's Guardia Civil and Seattle Police Department helped.")
    extraction = extract_batch([_doc("d", text)], settings)
    country = {e.name: e.country for e in extraction.entities if e.kind == "agency"}
    assert country.get("Delta Police Department") == "CAN", country
    assert country.get("Brandon Police Service") == "CAN", country
    assert country.get("Seattle Police Department") == "USA", country


def test_a_possessive_countrys_list_runs_past_the_glosses_of_its_names(settings):
    # justice.gov (C.D. Cal.), Operation SpecTor: each country's bodies are listed with a
    # gloss in their own language after each name, and every one of them is that country's
    text = ("The international partners include France’s Directorate-General of Customs and "
            "Indirect Taxes (Douane); Germany’s Federal Criminal Police Office "
            "(Bundeskriminalamt), Central Criminal Investigation Department of Oldenburg "
            "(Zentrale KriminaIinspektion Oldenburg), Berlin Police (Polizei Berlin); Brazil’s "
            "Civil Police of the State of Piauí (Polícia Civil do Estado do Piauí), Civil Police "
            "of the Federal District (Polícia Civil do Distrito Federal).")
    extraction = extract_batch([_doc("s", text)], settings)
    country = {e.name: e.country for e in extraction.entities if e.kind == "agency"}
    assert country.get("Zentrale Kriminalinspektion Oldenburg") == "DEU", country
    assert country.get("Civil Police of the Federal District") == "BRA", country
    assert "fra-douane" in {e.kb_id for e in extraction.entities}
    assert "Directorate-General of Customs" not in country


def test_a_numbered_office_of_a_canton_is_an_agency_of_the_lists_country(settings):
    # justice.gov OPA, Operation Dark HunTor: "Public Prosecutor's Office II of the Canton
    # of Zurich" is a name (its numeral and its canton included), and Switzerland's
    text = ("The international partners include Eurojust and Switzerland’s Zurich Canton Police "
            "(Kantonspolizei Zürich) and Public Prosecutor's Office II of the Canton of Zurich "
            "(Staatsanwaltschaft II).")
    read = _kb_ids(extract_batch([_doc("k", text)], settings))
    assert read.get("Public Prosecutor's Office II of the Canton of Zurich") == "che-sta2-zh"
    assert read.get("Staatsanwaltschaft II") == "che-sta2-zh"
    # without the knowledge base's entry the shape alone still reads a Swiss body
    shaped = extract_batch([_doc("z", text.replace(
        "Office II of the Canton of Zurich (Staatsanwaltschaft II)",
        "Office IV of the Canton of Zurich"))], settings)
    country = {e.name: e.country for e in shaped.entities if e.kind == "agency"}
    assert country.get("Public Prosecutor's Office IV of the Canton of Zurich") == "CHE", country


def test_a_partner_list_gives_each_body_its_country_and_its_own_name(settings):
    # secretservice.gov, Operation reWired: "... (PAF) of France", "Squadra Mobile Di Caserta
    # and Italian National Police" (two bodies), "(DCI) of Kenya", and a run of British
    # bodies the closing "of the UK" names, confirmed by the known ones among them
    text = ("Additionally, the Direction Centrale de la Police aux Frontieres (PAF) of France, "
            "Squadra Mobile Di Caserta and Italian National Police, Directorate of Criminal "
            "Investigations (DCI) of Kenya and the National Crime Agency (NCA), North Wales "
            "Police, Metropolitan Police Service and Hertfordshire Constabulary of the UK "
            "provided significant assistance.")
    extraction = extract_batch([_doc("w", text)], settings)
    agencies = {e.name: (e.country, e.kb_id) for e in extraction.entities if e.kind == "agency"}
    assert agencies.get("Police aux frontières") == ("FRA", "fra-paf"), agencies
    assert "Squadra Mobile Di Caserta" in agencies
    assert agencies.get("Directorate of Criminal Investigations (Kenya)") == ("KEN", "ken-dci")
    assert agencies.get("North Wales Police") == ("GBR", None)
    assert agencies.get("Hertfordshire Constabulary") == ("GBR", None)
    # "X of France, Y, Z of Japan": an unknown body two names back is no one's
    mixed = extract_batch([_doc("m", "The Cyber Unit of France, the Kanto Crime Squad, the "
                                     "Osaka Crime Squad and the Fukuoka Crime Squad of Japan "
                                     "assisted.")], settings)
    country = {e.name: e.country for e in mixed.entities if e.kind == "agency"}
    assert country.get("Osaka Crime Squad") == "JPN" and country.get("Kanto Crime Squad") is None, \
        country


def test_the_emotet_partners_are_the_knowledge_bases_bodies(settings):
    # justice.gov OPA, Emotet botnet disrupted: the court and the Frankfurt prosecutors under
    # the names the release gives them
    text = ("The FBI conducted the operation in close cooperation with investigators and "
            "prosecutors from several jurisdictions, including France’s National Police and "
            "Judicial Court of Paris, Germany’s Federal Criminal Police and General Public "
            "Prosecutor’s Office Frankfurt/Main.")
    extraction = extract_batch([_doc("e", text)], settings)
    known = {e.kb_id for e in extraction.entities}
    assert {"fra-tj-paris", "deu-gsta-ffm", "fra-pn", "deu-bka"} <= known, known
    assert "deu-gsta" not in known      # not the generic "General Public Prosecutor's Office"


def test_the_consumer_protection_branch_is_the_civil_divisions(settings):
    # justice.gov OPA, Nigerian national extradited from the United Kingdom: the branch leads
    # the investigation the foreign police assisted
    extraction = extract_batch([_doc("c", "The Consumer Protection Branch, USPIS, and HSI are "
                                          "investigating the case.")], settings)
    by_id = {e.entity_id: e for e in extraction.entities}
    branch = next(e for e in extraction.entities if e.kb_id == "usa-doj-cpb")
    assert by_id[branch.parent_id].kb_id == "usa-doj-civil"


def test_a_nationality_word_before_a_known_body_is_part_of_its_name(settings):
    # justice.gov (D.D.C.), Dark Scandals: "The Dutch National Police of the Netherlands"
    # is written as one name; a nationality of another country stays apart
    extraction = extract_batch([_doc("n", "The Dutch National Police of the Netherlands and "
                                          "the French National Police of the Netherlands "
                                          "provided assistance.")], settings)
    texts = {m.text for m in extraction.mentions if m.kind == "agency"}
    assert "Dutch National Police of the Netherlands" in texts, texts
    assert "French National Police of the Netherlands" not in texts, texts
    # justice.gov (E.D. Pa.), ChipMixer: a name the knowledge base knows with its
    # nationality already is read once, not twice
    chip = extract_batch([_doc("c", "The operation involved the German Federal Criminal "
                                    "Police’s (the Bundeskriminalamt) seizure of the servers.")],
                         settings)
    spans = [(m.start_char, m.end_char, m.entity_id) for m in chip.mentions]
    assert len(spans) == len(set(spans)), chip.mentions


def test_a_companys_team_is_no_agency(settings):
    # justice.gov, dark web vendor case: "Substantial assistance and cooperation was provided
    # by Target, Amazon’s Customer Protection and Enforcement Team, Walmart": the team is
    # Amazon's, a company unit, not a public agency to pair with the FBI
    text = ("Substantial assistance and cooperation was provided by Target, Amazon’s Customer "
            "Protection and Enforcement Team, Walmart, and the FBI.")
    extraction = extract_batch([_doc("a", text)], settings)
    kinds = {e.name: e.kind for e in extraction.entities}
    assert kinds.get("Customer Protection and Enforcement Team") == "organization", kinds


def test_a_city_force_named_like_a_foreign_one_needs_that_country_in_the_text(settings):
    # justice.gov (W.D. Wash.): "in partnership with ... Kent Police Department, Homeland
    # Security Investigations" is the force of Kent, Washington, not the UK's Kent Police;
    # "the Dubai Police Department in the United Arab Emirates" stays Dubai's
    seattle = ("The investigation was conducted by the DEA in partnership with the Tahoma "
               "Narcotics Enforcement Team, Kent Police Department, and Homeland Security "
               "Investigations.")
    dubai = "The Dubai Police Department in the United Arab Emirates arrested him."
    extraction = extract_batch([_doc("k", seattle), _doc("u", dubai)], settings)
    country = {e.name: e.country for e in extraction.entities if e.kind == "agency"}
    assert country.get("Kent Police Department") is None, country
    assert country.get("Dubai Police Department") == "ARE", country
