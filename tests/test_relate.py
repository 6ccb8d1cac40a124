"""The relate stage on real release sentences: type, direction, modality, evidence.

Sentences quoted from ../shared/corpus/press-releases/dev.jsonl (US federal press
releases, public domain) unless marked "constructed": the dev corpus states no
planned, refused or negated cooperation between two named actors, nor a passive
"trained by", so those few are written in the same style.
"""
from __future__ import annotations

import json
import re
from datetime import date

import pytest

from conftest import DEV_GOLD, DEV_JSONL
from corpus.records import DateMention, Entity, Mention, stable_id
from corpus.relate import RELATE_VERSION, _mend_bracket_lists, find_relations

FBI = ("usa-fbi", "agency", "USA")
EUROPOL = ("int-europol", "agency", None)
EC3 = ("int-europol-ec3", "agency", None)


def country(code: str) -> tuple[str, str, str]:
    return (code, "country", code)


def relate(nlp, text: str, names: dict[str, tuple], *, published=None, dates=(), parents=None,
           entity_names=None, known=()):
    """Parse ``text``, name the given surface forms as entities, and find relations.
    Ids starting "int-", and those in ``known``, are bodies the knowledge base knows (their
    kb_id); ``entity_names`` gives an entity a canonical name other than its surface form."""
    entities = {eid: Entity(eid, (entity_names or {}).get(eid, surface), kind, country=code,
                            parent_id=(parents or {}).get(eid),
                            kb_id=eid if eid.startswith("int-") or eid in known else None)
                for surface, (eid, kind, code) in names.items()}
    mentions: list[Mention] = []
    for surface in sorted(names, key=len, reverse=True):
        eid, kind, _ = names[surface]
        for m in re.finditer(re.escape(surface), text):
            if not any(x.start_char < m.end() and m.start() < x.end_char for x in mentions):
                mentions.append(Mention("doc", eid, kind, surface, m.start(), m.end()))
    mentions.sort(key=lambda m: m.start_char)
    return find_relations(nlp(text), mentions, entities, doc_id="doc", published=published,
                          date_mentions=dates)


def one(relations, a: str, b: str):
    """The relation joining a and b (either order); fails when there is none."""
    found = [r for r in relations if {r.source_id, r.target_id} == {a, b}]
    assert found, f"no relation between {a} and {b}: {relations}"
    return found[0]


def test_extradition_runs_from_the_country_that_hands_over(nlp):
    text = ("On June 23, 2023, Desnica was extradited from Austria to the United States "
            "to face drug trafficking charges.")
    when = DateMention("doc", "June 23, 2023", 3, 16, date(2023, 6, 23), "day")
    rels = relate(nlp, text, {"Austria": country("AUT"), "United States": country("USA")},
                  published=date(2023, 7, 1), dates=[when])
    rel = one(rels, "AUT", "USA")
    assert (rel.type, rel.directed, rel.source_id, rel.target_id) == (
        "legal_assistance", True, "AUT", "USA")
    assert rel.modality == "asserted"
    assert rel.event_date == date(2023, 6, 23)          # the sentence's date, not published
    assert text[rel.start_char:rel.end_char] == rel.evidence == text
    assert rel.trigger == "extradited" and rel.confidence >= 0.8


def test_extradition_without_a_destination_goes_to_the_publishers_country(nlp):
    text = ("Fatiu Ismaila Lawal, 45, was extradited from Canada in mid-July. "
            "The FBI investigated the case with the United States Attorney's Office.")
    rels = relate(nlp, text, {"Canada": country("CAN"), "FBI": FBI,
                              "United States": country("USA")}, published=date(2024, 9, 1))
    rel = one(rels, "CAN", "USA")
    assert (rel.type, rel.source_id, rel.target_id) == ("legal_assistance", "CAN", "USA")
    assert rel.event_date == date(2024, 9, 1)           # no date in the sentence


def test_trainer_and_trainee_on_a_hyphenated_participle(nlp):
    text = ("March 2026: ICHIP-trained Ukrainian investigators launched a criminal case into an "
            "organized criminal group composed of three Ukrainian citizens running an illegal "
            "counterfeit cigarette black market.")
    rels = relate(nlp, text, {"ICHIP": ("usa-ichip", "agency", "USA"),
                              "Ukrainian": country("UKR")})
    rel = one(rels, "usa-ichip", "UKR")
    assert (rel.type, rel.directed, rel.source_id) == ("training", True, "usa-ichip")


def test_passive_trained_by_puts_the_trainer_first(nlp):
    # constructed
    text = "The Kenyan officers were trained by the FBI in digital forensics last year."
    rel = one(relate(nlp, text, {"Kenyan": country("KEN"), "FBI": FBI}), "usa-fbi", "KEN")
    assert (rel.type, rel.source_id, rel.target_id) == ("training", "usa-fbi", "KEN")


def test_training_delivered_to_a_foreign_unit(nlp):
    text = ("On January 19, ICITAP Counter-IED Advisors delivered Burkina Faso’s Groupe Spéciale "
            "d’Intervention de la Police Nationale (GSIPN) its first-ever explosives safety and "
            "demolition range instruction, marking a historic milestone in ICITAP’s engagement "
            "with the Burkinabe National Police.")
    rels = relate(nlp, text, {
        "ICITAP": ("usa-icitap", "agency", "USA"), "Burkina Faso": country("BFA"),
        "Groupe Spéciale d’Intervention de la Police Nationale": ("bfa-gsipn", "agency", "BFA"),
        "GSIPN": ("bfa-gsipn", "agency", "BFA"),
        "Burkinabe National Police": ("bfa-police", "agency", "BFA")})
    rel = one(rels, "usa-icitap", "bfa-gsipn")
    assert (rel.type, rel.source_id, rel.target_id) == ("training", "usa-icitap", "bfa-gsipn")
    assert one(rels, "usa-icitap", "bfa-police").type == "general_cooperation"
    # Burkina Faso only qualifies the unit: no tie of its own
    assert not [r for r in rels if "BFA" in (r.source_id, r.target_id)]


def test_investigated_with_assistance_from_a_list(nlp):
    text = ("This investigation, Operation Shrouded Horizon, is being conducted by the FBI with "
            "assistance from Europol and their European Cyber Crime Center (EC3).")
    rels = relate(nlp, text, {"FBI": FBI, "Europol": EUROPOL,
                              "European Cyber Crime Center": EC3, "EC3": EC3},
                  parents={"int-europol-ec3": "int-europol"})
    for partner in ("int-europol", "int-europol-ec3"):
        rel = one(rels, "usa-fbi", partner)
        assert rel.type == "joint_operation" and not rel.directed
    # a unit and its own parent are not a cooperation
    assert not [r for r in rels if {r.source_id, r.target_id} == {"int-europol",
                                                                    "int-europol-ec3"}]


def test_thanks_for_assistance_pairs_the_thanker_with_each_agency(nlp):
    text = ("The Federal Bureau of Investigation thanks the Dutch National Police and Europol "
            "for their assistance.")
    rels = relate(nlp, text, {"Federal Bureau of Investigation": FBI,
                              "Dutch National Police": ("nld-police", "agency", "NLD"),
                              "Europol": EUROPOL})
    assert {frozenset((r.source_id, r.target_id)) for r in rels} == {
        frozenset(("usa-fbi", "nld-police")), frozenset(("usa-fbi", "int-europol"))}
    assert all(r.type in ("general_cooperation", "joint_operation") for r in rels)


def test_provided_significant_assistance_joins_the_lead_agency(nlp):
    text = ("The case was investigated by Homeland Security Investigations. "
            "The Criminal Division’s Office of International Affairs provided significant "
            "assistance.")
    rels = relate(nlp, text, {"Homeland Security Investigations": ("usa-hsi", "agency", "USA"),
                              "Office of International Affairs": ("usa-oia", "agency", "USA")})
    rel = one(rels, "usa-oia", "usa-hsi")
    assert rel.confidence < 0.7                         # read across sentences


def test_inverted_list_of_contributors_joins_the_investigating_agency(nlp):
    text = ("The case was investigated by the FBI with assistance from U.S. Postal Inspection "
            "Service (USPIS). Also contributing to the investigation were Washington State "
            "Employment Security Division (ESD), the Internal Revenue Service Criminal "
            "Investigation (IRS-CI), and the Small Business Administration (SBA).")
    rels = relate(nlp, text, {
        "FBI": FBI, "U.S. Postal Inspection Service": ("usa-uspis", "agency", "USA"),
        "Washington State Employment Security Division": ("usa-wa-esd", "agency", "USA"),
        "Internal Revenue Service Criminal Investigation": ("usa-irsci", "agency", "USA"),
        "Small Business Administration": ("usa-sba", "agency", "USA")})
    for other in ("usa-uspis", "usa-wa-esd", "usa-irsci", "usa-sba"):
        assert one(rels, "usa-fbi", other).type == "joint_operation"
    assert not [r for r in rels if "usa-fbi" not in (r.source_id, r.target_id)]


def test_department_anaphor_resolves_to_the_named_department(nlp):
    text = ("Assistant Attorney General Brian A. Benczkowski of the Justice Department’s Criminal "
            "Division announced the extradition. The department thanks law enforcement and "
            "international cooperation authorities in the United Kingdom for their substantial "
            "assistance in the investigation.")
    rels = relate(nlp, text, {"Justice Department": ("usa-doj", "agency", "USA"),
                              "Criminal Division": ("usa-doj-crm", "agency", "USA"),
                              "United Kingdom": country("GBR")})
    rel = one(rels, "usa-doj", "GBR")
    assert rel.type in ("joint_operation", "legal_assistance")


def test_planned_agreement_is_marked_planned(nlp):
    # constructed
    text = ("Ghana and the United States will sign a memorandum of understanding on cybercrime "
            "cooperation next month.")
    rel = one(relate(nlp, text, {"Ghana": country("GHA"), "United States": country("USA")}),
              "GHA", "USA")
    assert (rel.type, rel.modality) == ("agreement", "planned")


def test_negated_and_refused_cooperation(nlp):
    # constructed
    rel = one(relate(nlp, "Spain did not extradite the suspect to the United States.",
                     {"Spain": country("ESP"), "United States": country("USA")}), "ESP", "USA")
    assert (rel.type, rel.source_id, rel.modality) == ("legal_assistance", "ESP", "negated")
    rel = one(relate(nlp, "Brazil refused to share intelligence with Argentina.",
                     {"Brazil": country("BRA"), "Argentina": country("ARG")}), "BRA", "ARG")
    assert (rel.type, rel.modality) == ("intelligence_sharing", "refused")


def test_not_possible_without_cooperation_is_asserted(nlp):
    text = ("The extradition announced today would not have been possible without the "
            "cooperation of the Government of Greece with the Justice Department.")
    rels = relate(nlp, text, {"Greece": country("GRC"),
                              "Justice Department": ("usa-doj", "agency", "USA")})
    assert all(r.modality == "asserted" for r in rels)


def test_criticism_is_kept_and_flagged(nlp):
    # constructed (NGO style)
    text = ("Human rights groups condemned the training that the FBI provided to the Egyptian "
            "police, citing human rights abuses.")
    rel = one(relate(nlp, text, {"FBI": FBI, "Egyptian": country("EGY")}), "usa-fbi", "EGY")
    assert (rel.type, rel.source_id, rel.critical, rel.modality) == (
        "training", "usa-fbi", True, "asserted")


def test_cooccurrence_and_settlements_are_not_cooperation(nlp):
    rels = relate(nlp, (
        "Atlantic Biologicals Corporation, a pharmaceutical wholesaler based in Miami, has "
        "entered into a two-year deferred prosecution agreement with the Justice Department. "
        "Last week’s law enforcement actions took place in Australia, Belgium, France and "
        "the U.S."), {"Atlantic Biologicals Corporation": ("abc", "organization", "USA"),
                      "Justice Department": ("usa-doj", "agency", "USA"),
                      "Australia": country("AUS"), "Belgium": country("BEL"),
                      "France": country("FRA"), "U.S.": country("USA")})
    assert rels == []


def test_same_pair_and_type_once_per_sentence(nlp):
    text = ("The Justice Department thanks the Government of Greece, particularly the Ministry of "
            "Justice, for all their efforts in securing the defendant’s transfer to the United "
            "States.")
    rels = relate(nlp, text, {"Justice Department": ("usa-doj", "agency", "USA"),
                              "Greece": country("GRC"),
                              "Ministry of Justice": ("grc-moj", "agency", "GRC")})
    keys = [(frozenset((r.source_id, r.target_id)), r.type) for r in rels]
    assert len(keys) == len(set(keys))
    assert {k for k, _ in keys} >= {frozenset(("usa-doj", "GRC")),
                                     frozenset(("usa-doj", "grc-moj"))}
    assert len({r.relation_id for r in rels}) == len(rels)
    assert RELATE_VERSION


@pytest.mark.skipif(not DEV_GOLD.exists(), reason="needs ../shared gold")
def test_dev_gold_pairs_with_gold_mentions(nlp):
    """With perfect mentions the stage itself reaches the issue's targets on the gold."""
    from relate_harness import gold_entities, gold_mentions, parse_date, score

    gold = json.loads(DEV_GOLD.read_text(encoding="utf-8"))["docs"]
    records = {}
    with DEV_JSONL.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["url"] in gold:
                records[rec["url"]] = rec
    tp = fp = fn = typed = direction_errors = 0
    for url, gdoc in gold.items():
        rec = records[url]
        entities, surfaces = gold_entities(gdoc)
        mentions = gold_mentions(url, rec["text"], surfaces, entities)
        rels = find_relations(nlp(rec["text"]), mentions, entities, doc_id=url,
                              published=parse_date(rec["published"]))
        assert all(rec["text"][r.start_char:r.end_char] == r.evidence for r in rels)
        counts = score(rels, gdoc, surfaces)
        tp, fp, fn = tp + counts["tp"], fp + counts["fp"], fn + counts["fn"]
        typed += counts["typed_tp"]
        direction_errors += counts["direction_errors"]
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.8 and recall >= 0.75, (precision, recall)
    assert typed / (tp + fn) >= 0.65
    assert direction_errors == 0


def test_views_count_independent_documents_and_roll_up_units(con):
    con.execute("""
        INSERT INTO documents (doc_id, source, text, content_hash, published, duplicate_of) VALUES
        ('d1', 's1', 'x', 'h1', DATE '2020-01-05', NULL),
        ('d2', 's2', 'x', 'h2', DATE '2020-03-01', 'd1'),
        ('d3', 's3', 'x', 'h3', DATE '2021-06-01', NULL)""")
    con.execute("""
        INSERT INTO entities (entity_id, name, kind, country, parent_id) VALUES
        ('fbi', 'FBI', 'agency', 'USA', NULL), ('europol', 'Europol', 'agency', NULL, NULL),
        ('ec3', 'EC3', 'agency', NULL, 'europol'), ('gbr', 'United Kingdom', 'country', 'GBR', NULL)""")
    rows = [  # id, doc, source, target, type, directed, modality
        ("r1", "d1", "fbi", "europol", "joint_operation", False, "asserted"),
        ("r2", "d2", "europol", "fbi", "joint_operation", False, "asserted"),   # duplicate doc
        ("r3", "d3", "ec3", "fbi", "joint_operation", False, "asserted"),
        ("r4", "d3", "fbi", "gbr", "agreement", False, "planned"),
        ("r5", "d3", "ec3", "europol", "general_cooperation", False, "asserted"),
    ]
    for rid, doc, s, t, rtype, directed, modality in rows:
        con.execute("""INSERT INTO relations (relation_id, doc_id, source_id, target_id, type,
                       directed, evidence, start_char, end_char, event_date, confidence, modality)
                       VALUES (?, ?, ?, ?, ?, ?, 'e', 0, 1, NULL, 0.9, ?)""",
                    [rid, doc, s, t, rtype, directed, modality])
    cmap = con.execute("SELECT * FROM cooperation_map ORDER BY source_id, target_id").df()
    assert list(cmap.columns[:8]) == ["source_id", "source_name", "target_id", "target_name",
                                      "type", "n_documents", "first_seen", "last_seen"]
    fbi_europol = cmap[(cmap.source_id == "europol") & (cmap.target_id == "fbi")].iloc[0]
    assert fbi_europol.n_documents == 1 and fbi_europol.n_relations == 2
    assert "agreement" not in set(cmap.type)                  # planned: not on the map
    rolled = con.execute("SELECT * FROM cooperation_map_rollup").df()
    tie = rolled[(rolled.source_id == "europol") & (rolled.target_id == "fbi")].iloc[0]
    assert tie.n_documents == 2                                # d1 (with its copy d2) and d3
    assert str(tie.first_seen)[:10] == "2020-01-05" and str(tie.last_seen)[:10] == "2021-06-01"
    assert not ((rolled.source_id == rolled.target_id).any())  # EC3-Europol folds away


def test_international_view_keeps_ties_that_cross_a_border(con):
    con.execute("""
        INSERT INTO documents (doc_id, source, text, content_hash, published) VALUES
        ('d1', 's1', 'x', 'h1', DATE '2024-01-05')""")
    con.execute("""
        INSERT INTO entities (entity_id, name, kind, country, kb_id) VALUES
        ('fbi', 'FBI', 'agency', 'USA', 'usa-fbi'), ('hsi', 'HSI', 'agency', 'USA', 'usa-hsi'),
        ('europol', 'Europol', 'agency', NULL, 'int-europol'),
        ('nca', 'National Crime Agency', 'agency', 'GBR', 'gbr-nca'),
        ('unit', 'Cyber Crime Unit', 'agency', NULL, NULL),
        ('gbr', 'United Kingdom', 'country', 'GBR', 'GBR'),
        ('usa', 'United States', 'country', 'USA', 'USA')""")
    pairs = [("fbi", "hsi"), ("fbi", "europol"), ("fbi", "nca"), ("fbi", "unit"),
             ("gbr", "usa"), ("nca", "gbr")]
    for n, (s, t) in enumerate(pairs):
        con.execute("""INSERT INTO relations (relation_id, doc_id, source_id, target_id, type,
                       directed, evidence, start_char, end_char, confidence)
                       VALUES (?, 'd1', ?, ?, 'joint_operation', false, 'e', 0, 1, 0.9)""",
                    [f"r{n}", s, t])
    rows = con.execute("SELECT source_id, target_id FROM cooperation_map_international").fetchall()
    # domestic ties, an unknown unit with no country and an agency with its own country stay out
    assert sorted(rows) == [("europol", "fbi"), ("fbi", "nca"), ("gbr", "usa")]


def test_stable_ids_for_the_same_input(nlp):
    text = "On June 23, 2023, Desnica was extradited from Austria to the United States."
    names = {"Austria": country("AUT"), "United States": country("USA")}
    first = [r.relation_id for r in relate(nlp, text, names)]
    assert first == [r.relation_id for r in relate(nlp, text, names)]
    assert first[0] != stable_id("relation", "other-doc")


ENDGAME = ("The Federal Bureau of Investigation (FBI) announces Operation Endgame, a multinational "
           "coordinated cyber operation by the United States, Denmark, France, Germany, the "
           "Netherlands, and the United Kingdom, with assistance from Europol and Eurojust, to "
           "dismantle criminal infrastructure responsible for hundreds of millions of dollars in "
           "damages worldwide.")


def test_list_of_co_participants_is_not_paired_among_itself(nlp):
    """Operation Endgame (fbi.gov, 2024-05-30): the six countries are co-participants of
    one operation; the sentence pairs none of them with another."""
    codes = {"United States": "USA", "Denmark": "DNK", "France": "FRA", "Germany": "DEU",
             "Netherlands": "NLD", "United Kingdom": "GBR"}
    names = {name: country(code) for name, code in codes.items()}
    names.update({"Federal Bureau of Investigation": FBI, "FBI": FBI, "Europol": EUROPOL,
                  "Eurojust": ("int-eurojust", "agency", None)})
    rels = relate(nlp, ENDGAME, names)
    countries = set(codes.values())
    among = [r for r in rels if r.source_id in countries and r.target_id in countries]
    assert not among, among
    assert len(rels) <= 2 * len(countries) + 2
    assert one(rels, "usa-fbi", "int-europol").type == "joint_operation"


def test_nationality_of_the_extradited_person_is_not_the_giving_state(nlp):
    """justice.gov (N.D. Cal.), Vinnik: "Russian" is his nationality; Greece extradited him."""
    text = ("Russian national Alexander Vinnik was extradited to the United States yesterday "
            "to be held accountable for operating BTC-e.")
    rels = relate(nlp, text, {"Russian": country("RUS"), "United States": country("USA")})
    assert not [r for r in rels if "RUS" in (r.source_id, r.target_id)], rels


def test_subject_hung_on_a_fronted_date_is_read(nlp):
    """justice.gov ICITAP Jordan release: the parser makes "ICITAP" an apposition of the
    date "February 2–6"; it is still the subject of "delivered"."""
    text = ("From February 2–6, ICITAP, in partnership with the Guardian Centers of Georgia, "
            "delivered an Advanced Surveillance and Countersurveillance Training to 15 officers "
            "from Jordan’s Public Security Directorate/Special Branch, combining classroom "
            "instruction with intensive, scenario-driven field exercises.")
    rels = relate(nlp, text, {"ICITAP": ("usa-doj-icitap", "agency", "USA"),
                              "Guardian Centers": ("usa-guardian", "organization", "USA"),
                              "Public Security Directorate": ("jor-psd", "agency", "JOR"),
                              "Jordan": country("JOR"), "Georgia": ("GEO", "country", "GEO")})
    one(rels, "usa-doj-icitap", "usa-guardian")
    # "delivered a Training to 15 officers from Jordan's PSD": the officers' agency is trained
    rel = one(rels, "usa-doj-icitap", "jor-psd")
    assert (rel.type, rel.source_id, rel.directed) == ("training", "usa-doj-icitap", True)


ICITAP = ("usa-doj-icitap", "agency", "USA")
INL = ("usa-dos-inl", "agency", "USA")


def test_support_attached_to_the_object_is_the_subjects(nlp):
    """justice.gov ICITAP Jordan release: "with the support of" hangs on "this mission"."""
    text = ("In Jordan, ICITAP carries out this mission with the support of the U.S. Department "
            "of State Bureau of Counterterrorism (CT).")
    rels = relate(nlp, text, {"ICITAP": ICITAP, "Jordan": country("JOR"),
                              "Bureau of Counterterrorism": ("usa-dos-ct", "agency", "USA")})
    one(rels, "usa-doj-icitap", "usa-dos-ct")
    assert not [r for r in rels if "JOR" in (r.source_id, r.target_id)], rels


def test_a_name_the_parser_splits_across_sentences_is_mended(nlp):
    """justice.gov ICITAP Kosovo release: the parser ends the sentence inside "Bureau of
    International Narcotics and Law | Enforcement Affairs"; the by-phrase's subject
    ("ICITAP has supported ... by providing ...") coordinates with INL and the Embassy."""
    text = ("ICITAP has supported Kosovo Police in these efforts by providing sustained "
            "training, mentoring, and guidance, in coordination with the U.S. Department of "
            "State’s Bureau of International Narcotics and Law Enforcement Affairs (INL) and "
            "the U.S. Embassy in Pristina. Through these partnerships, ICITAP strengthens "
            "Kosovo’s law enforcement institutions.")
    doc = nlp(text)
    assert len(list(doc.sents)) == 3                    # the parser's split, still there
    rels = relate(nlp, text, {
        "ICITAP": ICITAP, "Kosovo Police": ("xkx-police", "agency", "XKX"),
        "Bureau of International Narcotics and Law Enforcement Affairs": INL, "INL": INL,
        "U.S. Embassy in Pristina": ("usa-embassy-xkx", "agency", "USA"),
        "Kosovo": country("XKX")})
    assert one(rels, "usa-doj-icitap", "xkx-police").source_id == "usa-doj-icitap"
    one(rels, "usa-doj-icitap", "usa-dos-inl")
    one(rels, "usa-doj-icitap", "usa-embassy-xkx")
    assert all(r.evidence.startswith("ICITAP has supported") and r.evidence.endswith("Pristina.")
               for r in rels), rels


def test_an_agency_office_named_by_its_country_is_the_agency(nlp):
    """justice.gov ICITAP Albania release: "ICITAP Albania" is ICITAP's office, not Albania."""
    text = ("On January 13, ICITAP Albania joined the U.S. Embassy Tirana and international law "
            "enforcement partners in recognizing the 113th Anniversary of the Albanian State "
            "Police (ASP).")
    rels = relate(nlp, text, {"ICITAP": ICITAP, "Albania": country("ALB"),
                              "U.S. Embassy Tirana": ("usa-embassy-alb", "agency", "USA"),
                              "Albanian State Police": ("alb-asp", "agency", "ALB")})
    rel = one(rels, "usa-doj-icitap", "usa-embassy-alb")
    assert rel.type == "general_cooperation"            # joining a ceremony is no operation
    assert not [r for r in rels if "ALB" in (r.source_id, r.target_id)], rels


def test_collaboration_with_a_list_behind_a_split_name(nlp):
    """justice.gov ICITAP Albania release: the parser hangs "Affairs" as an apposition
    and "the U.S. Embassy" on it; both are ICITAP's partners in the collaboration."""
    text = ("ICITAP’s collaboration with the U.S. Department of State’s Bureau of International "
            "Narcotics and Law Enforcement Affairs (INL) and the U.S. Embassy ensures sustained, "
            "strategic capacity building.")
    rels = relate(nlp, text, {
        "ICITAP": ICITAP, "Bureau of International Narcotics and Law Enforcement Affairs": INL,
        "INL": INL, "U.S. Embassy": ("usa-embassy-alb", "agency", "USA")})
    assert one(rels, "usa-doj-icitap", "usa-dos-inl").type == "general_cooperation"
    one(rels, "usa-doj-icitap", "usa-embassy-alb")


def test_the_investigation_that_benefited_stands_for_its_lead_agency(nlp):
    """justice.gov (M.D. Fla.), Ivanov-Tolpintsev: the parser hangs "by the Polish
    National Police" on "benefited"; the case is the FBI's, named as its lead before."""
    text = ("The investigation was led by the Tampa Division of the Federal Bureau of "
            "Investigation. This investigation also benefited from foreign law enforcement "
            "cooperation by the Polish National Police, the Polish Prosecutor’s Office, and "
            "the Polish Ministry of Justice.")
    rels = relate(nlp, text, {"Federal Bureau of Investigation": FBI,
                              "Polish National Police": ("pol-police", "agency", "POL"),
                              "Polish Ministry of Justice": ("pol-moj", "agency", "POL")})
    assert one(rels, "usa-fbi", "pol-police").type == "joint_operation"   # in an investigation


def test_field_offices_of_one_agency_act_as_that_agency(nlp):
    """fbi.gov, Operation Endgame: five FBI field offices and a list of foreign partners
    would be a cross product of 5 x 4; the offices stand for the FBI."""
    text = ("The FBI Charlotte, FBI Indianapolis, FBI Jacksonville, FBI Los Angeles, and FBI "
            "Cleveland Field Offices conducted the operation with close coordination and "
            "assistance from Germany’s Federal Criminal Police, Security Service of Ukraine, "
            "and United Kingdom’s National Crime Agency, with assistance from Europol.")
    offices = {f"FBI {city}": (f"usa-fbi-{city.lower()}", "agency", "USA")
               for city in ("Charlotte", "Indianapolis", "Jacksonville", "Los Angeles",
                            "Cleveland")}
    names = {**offices, "FBI": FBI, "Federal Criminal Police": ("deu-bka", "agency", "DEU"),
             "Security Service of Ukraine": ("ukr-sbu", "agency", "UKR"),
             "National Crime Agency": ("gbr-nca", "agency", "GBR"), "Europol": EUROPOL}
    rels = relate(nlp, text, names, parents={eid: "usa-fbi" for eid, _, _ in offices.values()})
    for partner in ("deu-bka", "ukr-sbu", "gbr-nca"):
        one(rels, "usa-fbi", partner)
    office_ids = {eid for eid, _, _ in offices.values()}
    assert not [r for r in rels if {r.source_id, r.target_id} & office_ids], rels


def test_a_units_parent_named_in_its_possessive_is_not_a_second_actor(nlp):
    """justice.gov (D.D.C.), Bitcoin Fog: "FBI's Virtual Asset Unit" is the unit alone."""
    text = ("This case is being investigated by the IRS-CI Cyber Crimes Unit. The Justice "
            "Department’s Office of International Affairs and FBI’s Virtual Asset Unit provided "
            "invaluable assistance.")
    rels = relate(nlp, text, {"FBI": FBI, "Virtual Asset Unit": ("usa-fbi-vau", "agency", "USA"),
                              "Office of International Affairs": ("usa-doj-oia", "agency", "USA"),
                              "IRS-CI Cyber Crimes Unit": ("usa-irsci-cyber", "agency", "USA")},
                  parents={"usa-fbi-vau": "usa-fbi"}, known={"usa-fbi-vau"})
    one(rels, "usa-fbi-vau", "usa-irsci-cyber")
    assert not [r for r in rels if "usa-fbi" in (r.source_id, r.target_id)], rels


def test_a_field_office_acts_as_its_agency(nlp):
    """justice.gov (D.D.C.), four hacking suspects: the FBI's Washington Field Office
    investigated with Europol; the relation names the FBI, the mention keeps the office."""
    text = ("The investigation into this matter was conducted by the FBI’s Washington Field "
            "Office with assistance from Europol.")
    rels = relate(nlp, text, {"FBI’s Washington Field Office": ("usa-fbi-fo-washington", "agency",
                                                                "USA"),
                              "FBI": FBI, "Europol": EUROPOL},
                  parents={"usa-fbi-fo-washington": "usa-fbi"},
                  entity_names={"usa-fbi-fo-washington": "FBI Washington Field Office"})
    one(rels, "usa-fbi", "int-europol")
    assert not [r for r in rels if "usa-fbi-fo-washington" in (r.source_id, r.target_id)], rels


def test_a_division_named_after_its_city_acts_as_its_agency(nlp):
    """justice.gov (M.D. Fla.), Ivanov-Tolpintsev: "the Tampa Division of the Federal Bureau
    of Investigation" is an FBI field office, so the Polish police cooperated with the FBI."""
    text = ("The investigation was led by the Tampa Division of the Federal Bureau of "
            "Investigation. This investigation also benefited from foreign law enforcement "
            "cooperation by the Polish National Police.")
    tampa = "Tampa Division of the Federal Bureau of Investigation"
    # "FBI" is not written in the text: the parent is an entity of the document all the same
    rels = relate(nlp, text, {tampa: ("usa-fbi-tampa", "agency", "USA"), "FBI": FBI,
                              "Polish National Police": ("pol-police", "agency", "POL")},
                  parents={"usa-fbi-tampa": "usa-fbi"},
                  entity_names={"usa-fbi-tampa": "Tampa Division of the FBI"})
    one(rels, "usa-fbi", "pol-police")
    assert not [r for r in rels if "usa-fbi-tampa" in (r.source_id, r.target_id)], rels


def test_a_functional_division_acts_as_itself(nlp):
    """The FBI's Cyber Division is a unit with an identity of its own, not a field office."""
    text = ("The investigation was led by the FBI's Cyber Division. This investigation also "
            "benefited from foreign law enforcement cooperation by the Polish National Police.")
    rels = relate(nlp, text, {"FBI's Cyber Division": ("usa-fbi-cyd", "agency", "USA"),
                              "FBI": FBI,
                              "Polish National Police": ("pol-police", "agency", "POL")},
                  parents={"usa-fbi-cyd": "usa-fbi"}, known={"usa-fbi-cyd"},
                  entity_names={"usa-fbi-cyd": "Cyber Division"})
    one(rels, "usa-fbi-cyd", "pol-police")


def test_appreciating_the_cooperation_provided_by_authorities_thanks_them(nlp):
    """justice.gov (W.D. Wash.), ShinyHunters: "appreciates" is thanks; the helpers hang
    on the participle "provided by"."""
    text = ("The Department of Justice also appreciates the significant cooperation and "
            "assistance provided by Moroccan and French authorities.")
    rels = relate(nlp, text, {"Department of Justice": ("usa-doj", "agency", "USA"),
                              "Moroccan": country("MAR"), "French": country("FRA")})
    one(rels, "usa-doj", "MAR")
    one(rels, "usa-doj", "FRA")


def test_an_investigation_by_agencies_and_one_international_body(nlp):
    """ice.gov, Silk Road 2.0: three investigators, one of them Europol: Europol is each
    one's partner; the two US agencies are not paired by this sentence."""
    text = ("The arrest is the result of an international investigation by HSI, FBI and the "
            "European Police (EUROPOL).")
    rels = relate(nlp, text, {"HSI": ("usa-hsi", "agency", "USA"), "FBI": FBI,
                              "European Police": EUROPOL, "EUROPOL": EUROPOL})
    one(rels, "int-europol", "usa-hsi")
    one(rels, "int-europol", "usa-fbi")
    assert not [r for r in rels if {r.source_id, r.target_id} == {"usa-hsi", "usa-fbi"}], rels


def test_the_country_of_the_arrest_hands_over(nlp):
    """secretservice.gov, Cismaru: she fled Romania and was arrested in the UK, which
    extradited her."""
    text = ("Cismaru, who fled Romania weeks after her arrest, was apprehended in the United "
            "Kingdom on March 23, 2018, and extradited to the United States on in July 26, 2018.")
    rels = relate(nlp, text, {"Romania": country("ROU"), "United Kingdom": country("GBR"),
                              "United States": country("USA")})
    rel = one(rels, "GBR", "USA")
    assert (rel.type, rel.source_id) == ("legal_assistance", "GBR")
    assert not [r for r in rels if "ROU" in (r.source_id, r.target_id)], rels


def test_securing_an_extradition_to_a_named_destination(nlp):
    """dea.gov, Lopez Zamora: the destination of "secure the extradition ... to the United
    States from Mexico" receives, not the office that secured it."""
    text = ("The Justice Department’s Office of International Affairs worked with Mexican "
            "authorities to secure the arrest and extradition of Luis Lopez Zamora to the "
            "United States from Mexico.")
    rels = relate(nlp, text, {"Office of International Affairs": ("usa-doj-oia", "agency", "USA"),
                              "Mexican": country("MEX"), "Mexico": country("MEX"),
                              "United States": country("USA")})
    rel = one(rels, "MEX", "USA")
    assert (rel.type, rel.source_id, rel.target_id) == ("legal_assistance", "MEX", "USA")
    one(rels, "usa-doj-oia", "MEX")


def test_a_state_transferring_custody_hands_over(nlp):
    """justice.gov (D.D.C.), the Boeing 747: a government transfers custody to another."""
    text = ("On February 11, 2024, the government of Argentina transferred physical custody of "
            "the aircraft to the United States pursuant to the final order of forfeiture.")
    rels = relate(nlp, text, {"Argentina": country("ARG"), "United States": country("USA")})
    rel = one(rels, "ARG", "USA")
    assert (rel.type, rel.source_id) == ("legal_assistance", "ARG")


def test_a_person_transported_between_states_is_handed_over_but_drugs_are_not(nlp):
    """justice.gov (W.D. Wash.), a drug ring's source of supply: "was transported from
    Mexico to the United States" hands a defendant over; cocaine transported so does not."""
    names = {"Mexico": country("MEX"), "United States": country("USA")}
    person = relate(nlp, "Jose Luis Sanchez-Valencia, 58, was transported from Mexico to the "
                         "United States last month.", names)
    rel = one(person, "MEX", "USA")
    assert (rel.type, rel.source_id, rel.target_id) == ("legal_assistance", "MEX", "USA")
    drugs = relate(nlp, "The cocaine was transported from Mexico to the United States in "
                        "tractor-trailers.", names)
    assert not drugs


def test_a_list_after_a_passive_verb_is_not_its_agent(nlp):
    """dea.gov, Sacramento: "investigated by the DEA, with assistance from HSI, the FBI, ..."
    — the list after the verb assists the DEA; it is not an "FBI-led" modifier."""
    text = ("This case was investigated by the Drug Enforcement Administration, with assistance "
            "from Homeland Security Investigations, the Federal Bureau of Investigation, the U.S. "
            "Marshals Service, and the California Highway Patrol.")
    rels = relate(nlp, text, {"Drug Enforcement Administration": ("usa-dea", "agency", "USA"),
                              "Homeland Security Investigations": ("usa-hsi", "agency", "USA"),
                              "Federal Bureau of Investigation": FBI,
                              "U.S. Marshals Service": ("usa-usms", "agency", "USA"),
                              "California Highway Patrol": ("usa-chp", "agency", "USA")})
    one(rels, "usa-dea", "usa-hsi")
    assert all("usa-dea" in (r.source_id, r.target_id) for r in rels), rels


def test_coordination_hung_on_the_object_is_the_subjects(nlp):
    """justice.gov ICITAP North Macedonia post: "in coordination with" hangs on "efforts"."""
    text = ("In North Macedonia, ICITAP implements these efforts in coordination with the U.S. "
            "Department of State’s Bureau of International Narcotics and Law Enforcement Affairs "
            "(INL) and the U.S. Embassy in Skopje.")
    rels = relate(nlp, text, {
        "ICITAP": ICITAP, "North Macedonia": country("MKD"),
        "Bureau of International Narcotics and Law Enforcement Affairs": INL, "INL": INL,
        "U.S. Embassy in Skopje": ("usa-embassy-mkd", "agency", "USA")})
    one(rels, "usa-doj-icitap", "usa-dos-inl")
    one(rels, "usa-doj-icitap", "usa-embassy-mkd")
    assert not [r for r in rels if "MKD" in (r.source_id, r.target_id)], rels


def test_gratitude_expressed_to_partners_named_after_it(nlp):
    """fbi.gov, the Yahoo intrusion case: "the Bureau's gratitude" is the FBI's; the
    partners are the ones it names after it."""
    text = ("The FBI announced the charges. Abbate expressed the Bureau’s gratitude to our "
            "international partners for their assistance and support leading up to these "
            "criminal charges today—specifically mentioning the Royal Canadian Mounted Police, "
            "the Toronto Police Service, and the United Kingdom’s MI5.")
    rels = relate(nlp, text, {"FBI": FBI, "Royal Canadian Mounted Police": ("can-rcmp", "agency",
                                                                            "CAN"),
                              "Toronto Police Service": ("can-tps", "agency", "CAN"),
                              "MI5": ("gbr-mi5", "agency", "GBR"),
                              "United Kingdom": country("GBR")},
                  entity_names={"usa-fbi": "Federal Bureau of Investigation"})
    for partner in ("can-rcmp", "can-tps", "gbr-mi5"):
        one(rels, "usa-fbi", partner)
    assert not [r for r in rels if "GBR" in (r.source_id, r.target_id)], rels   # MI5's country


def test_a_hyphenated_participle_relates_its_agent_to_the_noun(nlp):
    """justice.gov ICITAP North Macedonia post: "the ICITAP-supported Border Police and
    Trafficking in Persons (TIP) Unit"."""
    text = ("The Ministry of Interior State Secretary led the North Macedonian delegation, "
            "including representatives from the ICITAP-supported Border Police and Trafficking "
            "in Persons (TIP) Unit, at the annual meeting.")
    rels = relate(nlp, text, {"ICITAP": ICITAP, "Border Police": ("mkd-border", "agency", "MKD"),
                              "Trafficking in Persons (TIP) Unit": ("mkd-tip", "agency", "MKD")})
    assert one(rels, "usa-doj-icitap", "mkd-border").type == "general_cooperation"
    one(rels, "usa-doj-icitap", "mkd-tip")


def test_an_operation_that_involved_partners_joins_its_lead(nlp):
    """fbi.gov, AlphaBay: the operation the FBI led "involved the cooperative efforts of
    law enforcement agencies in" six countries and Europol."""
    text = ("The operation to seize AlphaBay’s servers was led by the FBI and involved the "
            "cooperative efforts of law enforcement agencies in Thailand, the Netherlands, "
            "Lithuania, Canada, the United Kingdom, and France, along with the European law "
            "enforcement agency Europol.")
    codes = {"Thailand": "THA", "Netherlands": "NLD", "Lithuania": "LTU", "Canada": "CAN",
             "United Kingdom": "GBR", "France": "FRA"}
    names = {name: country(code) for name, code in codes.items()}
    rels = relate(nlp, text, {**names, "FBI": FBI, "Europol": EUROPOL})
    for code in codes.values():
        one(rels, "usa-fbi", code)
    one(rels, "usa-fbi", "int-europol")
    assert all("usa-fbi" in (r.source_id, r.target_id) for r in rels), rels


def test_partners_listed_as_included_join_the_investigating_agency(nlp):
    """fbi.gov (Pittsburgh), Bugat: "Other agencies and organizations partnering in this
    effort include: ..." after "The investigation is being conducted by the FBI"."""
    text = ("The investigation is being conducted by the FBI. Other agencies and organizations "
            "partnering in this effort include: the United Kingdom’s National Crime Agency, "
            "Europol’s EC3 and the German Bundeskriminalamt (BKA).")
    rels = relate(nlp, text, {"FBI": FBI, "United Kingdom": country("GBR"),
                              "National Crime Agency": ("gbr-nca", "agency", "GBR"),
                              "EC3": EC3, "Europol": EUROPOL,
                              "Bundeskriminalamt": ("deu-bka", "agency", "DEU")},
                  parents={"int-europol-ec3": "int-europol"})
    for partner in ("gbr-nca", "int-europol-ec3", "deu-bka"):
        one(rels, "usa-fbi", partner)
    assert not [r for r in rels if "GBR" in (r.source_id, r.target_id)], rels


def test_foreign_help_in_a_case_two_agencies_led_goes_to_both(nlp):
    """justice.gov (M.D. Fla.), SSNDOB: two lead agencies; the Latvian Police assisted."""
    text = ("The U.S. investigation was led by the IRS Criminal Investigation and the FBI. "
            "Substantial assistance was also provided by the Department of Justice’s Office of "
            "International Affairs, the Latvian Police, and the Cypriot authorities.")
    rels = relate(nlp, text, {"IRS Criminal Investigation": ("usa-irsci", "agency", "USA"),
                              "FBI": FBI, "U.S.": country("USA"),
                              "Office of International Affairs": ("usa-doj-oia", "agency", "USA"),
                              "Latvian Police": ("lva-police", "agency", "LVA"),
                              "Cypriot": country("CYP")})
    for lead in ("usa-irsci", "usa-fbi"):
        one(rels, lead, "lva-police")
        one(rels, lead, "CYP")
    one(rels, "usa-irsci", "usa-doj-oia")                # a domestic helper: the first lead
    assert not [r for r in rels if {r.source_id, r.target_id} == {"usa-fbi", "usa-doj-oia"}]


def test_thanks_extended_to_partners_in_countries(nlp):
    """justice.gov (D. Md.), Phobos: "extends its thanks to law enforcement partners in"
    a list of countries and Europol; "thanks" is a noun here, the Department thanks."""
    text = ("The Justice Department extends its thanks to law enforcement partners in South "
            "Korea, Japan, Spain, and Romania, as well as Europol, for their cooperation.")
    codes = {"South Korea": "KOR", "Japan": "JPN", "Spain": "ESP", "Romania": "ROU"}
    rels = relate(nlp, text, {**{n: country(c) for n, c in codes.items()},
                              "Justice Department": ("usa-doj", "agency", "USA"),
                              "Europol": EUROPOL})
    for partner in [*codes.values(), "int-europol"]:
        one(rels, "usa-doj", partner)


# -- the document-level pair model ----------------------------------------------------
def test_the_pair_model_ships_with_the_package_for_the_features_the_code_computes():
    from corpus.relate import pairs

    model = pairs.load_model(pairs.MODEL_FILE)
    assert model is not None, "src/corpus/relate/data/pair_model.json is missing or stale"
    assert set(model["weights"]) == set(pairs.FEATURES)
    assert 0 < model["threshold"] <= model["threshold_more"] < 1
    assert model["trained_on"] and not any("holdout" in name for name in model["trained_on"])


def test_a_partner_named_in_a_later_sentence_is_paired_with_the_lead_agency(nlp):
    """justice.gov (M.D. Fla.), Ivanov-Tolpintsev: US agencies lead in one sentence, three
    Polish bodies cooperate in the next. The sentence reader pairs "this investigation"
    (its lead) with the first bodies it reads; the pair model adds the rest, with the
    sentence that states their part as evidence."""
    text = ("Acting United States Attorney Karin Hoppmann announces the extradition of Glib "
            "Oleksandr Ivanov-Tolpintsev in connection with charges of conspiracy. The "
            "investigation was led by the Tampa Division of the Federal Bureau of Investigation, "
            "the Internal Revenue Service—Criminal Investigation’s Tampa Field Office, and "
            "Homeland Security Investigations - Tampa Division. This investigation also benefited "
            "from foreign law enforcement cooperation by the Polish National Police, the Polish "
            "Prosecutor’s Office, and the Polish Ministry of Justice.")
    last = text[text.index("This investigation"):]
    rels = relate(nlp, text, {
        "United States Attorney": ("usa-usao-mdfl", "agency", "USA"),
        "Tampa Division of the Federal Bureau of Investigation": ("usa-fbi-tampa", "agency", "USA"),
        "FBI": FBI,
        "Internal Revenue Service—Criminal Investigation’s Tampa Field Office": (
            "usa-irsci-tampa", "agency", "USA"),
        "IRS-CI": ("usa-irsci", "agency", "USA"),
        "Homeland Security Investigations - Tampa Division": ("usa-hsi-tampa", "agency", "USA"),
        "HSI": ("usa-hsi", "agency", "USA"),
        "Polish National Police": ("pol-police", "agency", "POL"),
        "Polish Prosecutor’s Office": ("pol-prosecutor", "agency", "POL"),
        "Polish Ministry of Justice": ("pol-moj", "agency", "POL")},
        parents={"usa-fbi-tampa": "usa-fbi", "usa-irsci-tampa": "usa-irsci",
                 "usa-hsi-tampa": "usa-hsi"})
    for body in ("pol-police", "pol-prosecutor", "pol-moj"):
        rel = one(rels, "usa-fbi", body)
        assert rel.evidence == last and text[rel.start_char:rel.end_char] == last
    inferred = [r for r in rels if r.trigger.startswith("document:")]
    assert inferred, "the pair model added nothing"
    for rel in inferred:
        assert rel.type == "general_cooperation" and not rel.directed
        assert rel.source_id.startswith("usa-") and rel.target_id.startswith("pol-")
        assert 0.5 <= rel.confidence <= 1.0 and rel.modality == "asserted"


def test_pairs_are_kept_per_foreign_body_best_first():
    from corpus.relate.pairs import select

    groups = ["europol", "europol", "europol", "bka"]
    probs = [0.55, 0.9, 0.6, 0.4]
    # the best agency for Europol passes the first threshold; a second only the higher one
    assert select(groups, probs, 0.5, 0.8) == [False, True, False, False]
    assert select(groups, probs, 0.5, 0.58) == [False, True, True, False]
    assert select(groups, probs, 0.3, 0.3) == [True, True, True, True]


def test_tracing_collects_every_candidate_with_all_features(nlp):
    from corpus.relate import pairs

    text = ("The investigation was led by the Federal Bureau of Investigation. The Justice "
            "Department thanks the Dutch National Police and Eurojust for their assistance.")
    with pairs.tracing() as trace:
        relate(nlp, text, {"Federal Bureau of Investigation": FBI,
                           "Justice Department": ("usa-doj", "agency", "USA"),
                           "Dutch National Police": ("nld-police", "agency", "NLD"),
                           "Eurojust": ("int-eurojust", "agency", None)})
    assert trace, "no candidate pair traced"
    for doc_id, home, foreign, features in trace:
        assert doc_id == "doc" and set(features) == set(pairs.FEATURES)
        assert home in ("usa-fbi", "usa-doj") and foreign in ("nld-police", "int-eurojust")


def test_a_country_named_as_the_source_of_the_threat_is_not_a_partner(nlp):
    """fbi.gov, Russian government employees charged: Russia is named beside "partners" and
    "help" but as the threat; neither the reader nor the pair model makes it a partner."""
    text = ("An FBI special agent who investigated the case said they found no evidence that the "
            "hackers took any sensitive data of intelligence value. The first is to help the "
            "American public better understand the ongoing threat from cyber actors supported by "
            "Russia. “The FBI, along with our federal and international partners, is "
            "laser-focused on countering the significant cyber threat Russia poses to our "
            "critical infrastructure.”")
    rels = relate(nlp, text, {"FBI": FBI, "Russia": country("RUS")})
    assert not [r for r in rels if "RUS" in (r.source_id, r.target_id)], rels


def _dev_release(settings, url_part: str):
    """The extraction of the whole development-corpus release whose URL contains
    ``url_part``; skips when the shared corpus is not here."""
    from corpus.extract import extract_batch

    if not DEV_JSONL.exists():
        pytest.skip("the shared development corpus is not here")
    with DEV_JSONL.open(encoding="utf-8") as fh:
        record = next(json.loads(line) for line in fh if url_part in line)
    return extract_batch([{"doc_id": "d", "text": record["text"], "title": record["title"],
                           "published": None, "language": "en"}], settings)


def test_the_services_and_state_behind_a_hacking_campaign_are_not_partners(settings):
    """fbi.gov, Russian government employees charged: the FBI names the GRU, the FSB and
    the Russian Ministry of Defense beside "partners" and "critical" as the attackers. The
    whole release, through the real extraction, pairs the FBI with none of them."""
    result = _dev_release(settings, "russian-government-employees-charged-in-hacking")
    country = {e.entity_id: e.country for e in result.entities}
    russian = [r for r in result.relations
               if "RUS" in (country.get(r.source_id), country.get(r.target_id))]
    assert not russian, russian


def test_working_with_a_foreign_office_to_secure_an_extradition_runs_to_the_receiver(nlp):
    """justice.gov (D. Neb.), Penchukov: "worked with ... to secure the extradition" names
    legal assistance without its direction; the side abroad hands over (CONTRACT.md: the
    type is directed, so the relation must be)."""
    text = ("The FBI Omaha and Charlotte Field Offices are investigating the case. The Justice "
            "Department’s Office of International Affairs worked with the Swiss Federal Office "
            "of Justice to secure the arrest and extradition of Penchukov.")
    rels = relate(nlp, text, {"FBI": FBI,
                              "Office of International Affairs": ("usa-doj-oia", "agency", "USA"),
                              "Swiss Federal Office of Justice": ("che-foj", "agency", "CHE")})
    rel = one(rels, "usa-doj-oia", "che-foj")
    assert (rel.type, rel.directed, rel.source_id, rel.target_id) == (
        "legal_assistance", True, "che-foj", "usa-doj-oia")
    from corpus.records import RELATION_TYPES
    assert all(r.directed == RELATION_TYPES[r.type] for r in rels if r.type != "visit_exchange")


def test_an_extradition_an_agency_secured_is_also_between_the_states(nlp):
    """justice.gov (D.N.J.), Albashiti (first sentence shortened): OIA received the man from
    Georgia; the release names the United States ("U.S. District Judge"), so Georgia also
    handed him over to the United States."""
    text = ("Firas Bashiti, 40, pleaded guilty before U.S. District Judge Michael A. Shipp in "
            "Trenton federal court today. The Justice Department’s Office of International "
            "Affairs secured the July 2024 extradition from Georgia of Albashiti.")
    rels = relate(nlp, text, {"U.S.": country("USA"), "Georgia": country("GEO"),
                              "Office of International Affairs": ("usa-doj-oia", "agency", "USA")})
    to_oia = one(rels, "GEO", "usa-doj-oia")
    to_us = one(rels, "GEO", "USA")
    for rel in (to_oia, to_us):
        assert (rel.type, rel.directed, rel.source_id) == ("legal_assistance", True, "GEO")
    assert to_us.evidence == to_oia.evidence and to_us.confidence < to_oia.confidence


def _speaks_of_training(nlp, text: str) -> bool:
    """Whether the pair model reads training words in the sentence ``text`` (outside names)."""
    from corpus.relate.frames import Actor
    from corpus.relate.pairs import TRAINING_WORDS, _sentences

    sent = next(nlp(text).sents)
    by_sentence = {sent.start: [Actor(("x",), sent.root.i, frozenset({sent.root.i}))]}
    (info,) = _sentences(sent.doc, by_sentence)
    return bool(info.free_words & TRAINING_WORDS)


def test_training_in_a_name_does_not_make_a_tie_training(nlp):
    """justice.gov (W.D. Pa.), Uganda counterfeiting: "the National Cyber-Forensics & Training
    Alliance" names a body; it does not say anybody was trained. The pair model types a tie
    as training only on the common word."""
    assert not _speaks_of_training(
        nlp, "U.S. Attorney Hickton commended numerous agencies, including the U.S. Secret "
             "Service and the National Cyber-Forensics & Training Alliance.")
    assert _speaks_of_training(nlp, "ICITAP advisors provided training to Kosovo Police "
                                    "investigators.")


def test_over_the_course_of_years_is_not_a_training_course(nlp):
    """justice.gov (D.N.J.), Silnikau: "cooperation ... over the course of several years"
    is time; "delivered the course" is training."""
    assert not _speaks_of_training(
        nlp, "The Department also appreciates the extensive cooperation and coordination by "
             "the United Kingdom’s National Crime Agency over the course of several years.")
    assert _speaks_of_training(nlp, "ICITAP advisors delivered the course to Kosovo Police "
                                    "investigators.")


WELEAKINFO = (
    "The announcement was made by U.S. Attorney Jessie K. Liu of the District of Columbia and "
    "Special Agent in Charge Timothy M. Dunham of the FBI’s Washington Field Office.\n\n"
    "The seizure is part of a comprehensive law enforcement action taken by the FBI, the U.S. "
    "Attorney’s Office for the District of Columbia, and the Department of Justice’s Computer "
    "Crime and Intellectual Property Section, along with international law enforcement, "
    "including the United Kingdom’s National Crime Agency, the Netherlands National Police "
    "Corps, the German Bundeskriminalamt (the Federal Criminal Police Office of Germany), and "
    "the Police Service of Northern Ireland.")


def test_home_agencies_along_with_foreign_police_are_each_tied(settings):
    """justice.gov (D.D.C.), WeLeakInfo: the parser hangs "along with" and the second US
    office on "is", so no parse path joins the lists; read on the words, "along with" stands
    between each US body and each foreign one, and the pair model ties all twelve."""
    from corpus.extract import extract_batch

    result = extract_batch([{"doc_id": "w", "text": WELEAKINFO, "title": "WeLeakInfo.com "
                             "Domain Name Seized", "published": None, "language": "en"}],
                           settings)
    by_id = {e.entity_id: e for e in result.entities}
    named = {m.entity_id for m in result.mentions}
    tied = {frozenset((by_id[r.source_id].kb_id or by_id[r.source_id].name,
                       by_id[r.target_id].kb_id or by_id[r.target_id].name))
            for r in result.relations}
    home = {e.kb_id or e.name for e in result.entities if e.country == "USA"
            and e.entity_id in named
            and e.kind == "agency" and ("Computer Crime" in e.name or "District of Columbia"
                                        in e.name or e.kb_id == "usa-fbi")}
    foreign = {e.kb_id or e.name for e in result.entities if e.entity_id in named
               and e.kind == "agency" and e.country in ("GBR", "NLD", "DEU")}
    assert len(home) == 3 and len(foreign) == 4, (home, foreign)
    missing = [(h, f) for h in home for f in foreign if frozenset((h, f)) not in tied]
    assert not missing, missing
    assert all(r.trigger.startswith("document:") or r.confidence <= 0.7
               for r in result.relations)


def test_home_and_foreign_co_investigators_are_each_tied(nlp):
    """justice.gov (C.D. Cal.), NetWire: one home agency and four bodies abroad conducted the
    investigation together; the FBI worked with each of them, and the bodies abroad are not
    paired among themselves."""
    text = ("The FBI’s Los Angeles Field Office; the Croatia Ministry of the Interior, Criminal "
            "Police Directorate; Zurich Cantonal Police in Switzerland; the Europol European "
            "Cybercrime Center; and the Australian Federal Police conducted the investigation "
            "in this matter.")
    rels = relate(nlp, text, {
        "FBI’s Los Angeles Field Office": FBI,
        "Croatia Ministry of the Interior, Criminal Police Directorate": ("hrv-moi", "agency", "HRV"),
        "Zurich Cantonal Police": ("che-zurich", "agency", "CHE"),
        "Europol European Cybercrime Center": ("int-europol-ec3", "agency", None),
        "Australian Federal Police": ("aus-afp", "agency", "AUS")})
    pairs = {frozenset((r.source_id, r.target_id)) for r in rels}
    abroad = ("hrv-moi", "che-zurich", "int-europol-ec3", "aus-afp")
    assert {frozenset(("usa-fbi", f)) for f in abroad} <= pairs, pairs
    assert not [p for p in pairs if p <= set(abroad)], pairs


def test_the_us_attorney_who_thanks_speaks_for_the_office(nlp):
    """justice.gov (S.D.N.Y.), IntelBroker: "Mr. Clayton praised ... He also thanked the
    French, Spanish, British, and Dutch authorities": the U.S. Attorney's Office thanks them,
    though the FBI is the release's most named agency."""
    text = ("Jay Clayton, the United States Attorney for the Southern District of New York, and "
            "the FBI announced the charges. The FBI New York Field Office investigated the case. "
            "The FBI worked with the FBI Cyber Division. Mr. Clayton praised the outstanding "
            "work of the FBI. He also thanked the French, Spanish, British, and Dutch "
            "authorities for their assistance.")
    rels = relate(nlp, text, {
        "Southern District of New York": ("usa-usao-sdny", "agency", "USA"),
        "FBI": FBI, "French": country("FRA"), "Spanish": country("ESP"),
        "British": country("GBR"), "Dutch": country("NLD")},
        entity_names={"usa-usao-sdny": "U.S. Attorney's Office for the Southern District of "
                                       "New York"})
    thanked = {r.target_id if r.source_id == "usa-usao-sdny" else r.source_id
               for r in rels if "usa-usao-sdny" in (r.source_id, r.target_id)
               and r.trigger == "thanked"}
    assert thanked >= {"FRA", "ESP", "GBR", "NLD"}, rels


def test_officials_who_praise_the_work_of_an_agency_and_its_partners_abroad(nlp):
    """justice.gov (W.D. Pa.), QQAAZZ: "Acting Assistant Attorney General Rabbit and U.S.
    Attorney Brady praised the outstanding investigative work of the FBI's Pittsburgh Field
    Office and their law enforcement partners from Portugal, Spain, ...": the office of the
    U.S. Attorney among the speakers praises the partners abroad too."""
    text = ("United States Attorney Scott W. Brady for the Western District of Pennsylvania "
            "made the announcement. Acting Assistant Attorney General Rabbit and U.S. Attorney "
            "Brady praised the outstanding investigative work of the FBI’s Pittsburgh Field "
            "Office and their law enforcement partners from Portugal, Spain, the United Kingdom "
            "and Latvia.")
    usao = "usa-usao-wdpa"
    rels = relate(nlp, text, {
        "Western District of Pennsylvania": (usao, "agency", "USA"), "FBI": FBI,
        "Portugal": country("PRT"), "Spain": country("ESP"),
        "United Kingdom": country("GBR"), "Latvia": country("LVA")},
        entity_names={usao: "U.S. Attorney's Office for the Western District of Pennsylvania"})
    praised = {r.target_id if r.source_id == usao else r.source_id
               for r in rels if usao in (r.source_id, r.target_id) and r.trigger == "praised"}
    assert praised >= {"PRT", "ESP", "GBR", "LVA"}, rels
    # the Assistant Attorney General alone is no U.S. Attorney
    alone = relate(nlp, text.replace(" and U.S. Attorney Brady", ""), {
        "Western District of Pennsylvania": (usao, "agency", "USA"), "FBI": FBI,
        "Portugal": country("PRT")},
        entity_names={usao: "U.S. Attorney's Office for the Western District of Pennsylvania"})
    assert not [r for r in alone if usao in (r.source_id, r.target_id)], alone


def test_a_long_by_list_the_parser_bends_into_one_name_is_read_on_the_words(nlp):
    """justice.gov (S.D. Fla.), dark web administrator sentenced: the parser hangs "DEA
    Miami Field Office" on "FBI Miami's Cyber Task Force" as a modifier; the DEA still
    conducted the investigation with the bodies abroad the list names."""
    text = ("The investigation was conducted by DEA Miami Field Office and Paris Country "
            "Office, FBI Miami’s Cyber Task Force, IRS-CI Miami Field Office, Europol, Special "
            "Operations Division (SOD), Finnish National Police and Dutch National Police.")
    rels = relate(nlp, text, {
        "DEA Miami Field Office": ("usa-dea", "agency", "USA"),
        "FBI Miami’s Cyber Task Force": FBI,
        "IRS-CI Miami Field Office": ("usa-irsci", "agency", "USA"),
        "Europol": EUROPOL,
        "Finnish National Police": ("fin-police", "agency", "FIN"),
        "Dutch National Police": ("nld-politie", "agency", "NLD")})
    for partner in ("int-europol", "fin-police", "nld-politie"):
        assert one(rels, "usa-dea", partner).type == "joint_operation"
        assert one(rels, "usa-fbi", partner)
    assert not [r for r in rels if {r.source_id, r.target_id} == {"usa-dea", "usa-fbi"}]


def test_i_thank_in_a_quote_is_the_speakers_agency_thanking(nlp):
    """justice.gov OPA, Nigerian national extradited from the United Kingdom: "I thank the
    Kingdom of Spain and the United Kingdom ..." is said by the head of the Civil Division;
    the speaker's own units he commends are no partners."""
    text = ("“Schemes that prey on the elderly are particularly insidious,” said Principal "
            "Deputy Attorney General Brian M. Boynton, head of the Justice Department’s Civil "
            "Division. “I thank the Kingdom of Spain and the United Kingdom for their tireless "
            "efforts in assisting U.S. authorities.”\n\n“DEA and our partners are watching,” "
            "said Administrator Anne Milgram of the DEA. “I commend the investigative efforts "
            "of the Cyber Support Section.”")
    civil = ("usa-doj-civil", "agency", "USA")
    rels = relate(nlp, text, {
        "Civil Division": civil, "Spain": country("ESP"), "United Kingdom": country("GBR"),
        "DEA": ("usa-dea", "agency", "USA"),
        "Cyber Support Section": ("cyber-support", "agency", None)})
    for partner in ("ESP", "GBR"):
        assert one(rels, "usa-doj-civil", partner).trigger == "thank"
    assert not [r for r in rels if "cyber-support" in (r.source_id, r.target_id)], rels


def test_these_actions_in_a_multinational_effort_are_the_previous_subjects(nlp):
    """justice.gov (C.D. Cal.), Qakbot leader indicted: "the Justice Department filed today a
    civil forfeiture complaint ... These actions are the latest step in an ongoing
    multinational effort by the United States, France, ...": the Department's actions."""
    text = ("In connection with the charges, the Justice Department filed today a civil "
            "forfeiture complaint against more than $24 million in cryptocurrency seized from "
            "Gallyamov. These actions are the latest step in an ongoing multinational effort by "
            "the United States, France, Germany, the Netherlands, and Canada to combat "
            "cybercrime.")
    doj = ("usa-doj", "agency", "USA")
    names = {"Justice Department": doj, "United States": country("USA"),
             "France": country("FRA"), "Germany": country("DEU"),
             "Netherlands": country("NLD"), "Canada": country("CAN")}
    rels = relate(nlp, text, names)
    for code in ("FRA", "DEU", "NLD", "CAN"):
        assert one(rels, "usa-doj", code).type == "joint_operation"
    other = relate(nlp, text.replace("These actions are", "Cybercrime is"), names)
    assert not [r for r in other if "usa-doj" in (r.source_id, r.target_id)], other


def test_a_list_member_after_a_bracketed_place_is_still_listed(nlp):
    """justice.gov (D.D.C.), Dark Scandals: "jointly investigated by the Internal Revenue
    Service-Criminal Investigations (Washington, D.C.) and Homeland Security Investigations
    (...)": the parser makes HSI a conjunct of Washington; HSI led the case too."""
    text = ("The investigation was jointly investigated by the Internal Revenue Service-Criminal "
            "Investigations (Washington, D.C.) and Homeland Security Investigations (Colorado "
            "Springs and The Hague). The Dutch National Police of the Netherlands and Europol "
            "provided assistance.")
    rels = relate(nlp, text, {
        "Internal Revenue Service-Criminal Investigations": ("usa-irsci", "agency", "USA"),
        "Homeland Security Investigations": ("usa-hsi", "agency", "USA"),
        "Dutch National Police of the Netherlands": ("nld-politie", "agency", "NLD"),
        "Europol": EUROPOL})
    for lead in ("usa-irsci", "usa-hsi"):
        for partner in ("nld-politie", "int-europol"):
            assert one(rels, lead, partner)
    doc = nlp(text)
    hsi = next(t for t in doc if t.text == "Homeland")
    _mend_bracket_lists(doc)
    listed = next(t for t in hsi.ancestors if t.dep_ == "conj")
    assert listed.head.text == "Investigations" and listed.head.i < hsi.i - 5


def test_arrests_made_abroad_for_the_case_pair_the_bodies_with_its_leads(nlp):
    """justice.gov (W.D. Wash.), FIN7 members in custody: "the result of an investigation
    conducted by the Seattle Cyber Task Force of the FBI and the U.S. Attorney's Office ...
    Arrests overseas were executed in Poland by ... CBŚP ...; in Germany by LKA Sachsen":
    the bodies that made the arrests worked with the case's leads; the countries named as
    places are no parties. A side investigation's agencies ("An investigation conducted by
    FBI Atlanta ... identified a staffer") do not lead the case."""
    text = ("The indictments are the result of an investigation conducted by the Seattle Cyber "
            "Task Force of the FBI and the U.S. Attorney’s Office for the Western District of "
            "Washington, with the assistance of numerous international agencies. Arrests overseas "
            "were executed in Poland by the Shadow Hunters from CBŚP; in Germany by LKA "
            "Sachsen and the Polizeidirektion Dresden.")
    usao = ("usa-usao-wdwa", "agency", "USA")
    names = {"FBI": FBI, "U.S. Attorney’s Office for the Western District of Washington": usao,
             "Poland": country("POL"),
             "CBŚP": ("pol-cbsp", "agency", "POL"), "Germany": country("DEU"),
             "LKA Sachsen": ("deu-lka-sn", "agency", "DEU"),
             "Polizeidirektion Dresden": ("deu-pd-dresden", "agency", "DEU")}
    rels = relate(nlp, text, names)
    for lead in ("usa-fbi", "usa-usao-wdwa"):
        for body in ("pol-cbsp", "deu-lka-sn", "deu-pd-dresden"):
            assert one(rels, lead, body).trigger == "executed"
    assert not [r for r in rels if "DEU" in (r.source_id, r.target_id)
                and r.trigger == "executed"], rels
    side = relate(nlp, text.replace("The indictments are the result of an investigation "
                                    "conducted by", "An investigation conducted by").replace(
        "international agencies.", "international agencies identified a staffer."), names)
    assert not [r for r in side if r.trigger == "executed"], side


def test_a_states_involvement_in_hacking_is_no_help(nlp):
    """justice.gov OPA, i-Soon contract hackers: "in a manner that obscured the PRC
    government's involvement" is no help to the FBI's case; involvement in the
    investigation is."""
    text = ("The FBI investigated the case. According to court documents, the MPS employed "
            "contractors in China to hack and steal information in a manner that obscured the "
            "PRC government’s involvement.")
    rels = relate(nlp, text, {"FBI": FBI, "China": country("CHN"), "PRC": country("CHN")})
    assert not rels, rels
    rels = relate(nlp, "The FBI investigated the case. Europol's involvement in the "
                       "investigation was critical.", {"FBI": FBI, "Europol": EUROPOL})
    assert one(rels, "usa-fbi", "int-europol")


def test_a_home_unit_the_kb_does_not_know_acts_as_its_agency(nlp):
    """justice.gov (OPA), Cryptex: the Secret Service's Cyber Investigative Section leads;
    the gold and analysts name the Secret Service. A unit abroad the knowledge base does not
    know ("Kosovo Police's Cybercrime Investigation Directorate") stays itself."""
    text = ("The Secret Service and the Kosovo Police announced the arrest. "
            "The U.S. Secret Service Cyber Investigative Section investigated the case with "
            "the assistance of the National Crime Agency and the Kosovo Police Cybercrime "
            "Investigation Directorate.")
    rels = relate(nlp, text, {
        "U.S. Secret Service Cyber Investigative Section": ("usa-usss-cis", "agency", "USA"),
        "National Crime Agency": ("gbr-nca", "agency", "GBR"),
        "Kosovo Police Cybercrime Investigation Directorate": ("xkx-cid", "agency", "XKX"),
        "Secret Service": ("usa-usss", "agency", "USA"),
        "Kosovo Police": ("xkx-police", "agency", "XKX")},
        parents={"usa-usss-cis": "usa-usss", "xkx-cid": "xkx-police"})
    assert rels
    helped = [r for r in rels if r.trigger == "assistance"]
    ends = {e for r in helped for e in (r.source_id, r.target_id)}
    assert "usa-usss-cis" not in ends and "usa-usss" in ends, helped
    assert "xkx-cid" in ends and "xkx-police" not in ends, helped


def _untied(tied, members, partners) -> list[tuple[str, str]]:
    """The (member, partner) pairs of the two lists that ``tied`` lacks."""
    return [(m, p) for m in members for p in partners if frozenset((m, p)) not in tied]


def _extracted_ties(settings, text: str, title: str):
    """Entities and undirected ties (by knowledge-base id, else name) of one release."""
    from corpus.extract import extract_batch

    result = extract_batch([{"doc_id": "d", "text": text, "title": title, "published": None,
                             "language": "en"}], settings)
    by_id = {e.entity_id: e for e in result.entities}

    def key(eid: str) -> str:
        return by_id[eid].kb_id or by_id[eid].name

    tied = {frozenset((key(r.source_id), key(r.target_id))) for r in result.relations}
    return result, tied


DISRUPTOR = (
    "Operation DisrupTor was a collaborative initiative across JCODE members, including the "
    "Department of Justice; Federal Bureau of Investigation; U.S. Drug Enforcement "
    "Administration; U.S. Postal Inspection Service; U.S. Immigration and Customs "
    "Enforcement’s Homeland Security Investigations; U.S. Customs and Border Protection; "
    "Financial Crimes Enforcement Network; Bureau of Alcohol, Tobacco, and Firearms; Naval "
    "Criminal Investigative Service, and Department of Defense. Local, state and other federal "
    "agencies also contributed to Operation DisrupTor investigations.The investigations "
    "leading to Operation DisrupTor were significantly aided by essential support and "
    "coordination by the Department of Justice’s multi-agency Special Operations Division, the "
    "Criminal Division’s Computer Crime and Intellectual Property Section, Narcotic and "
    "Dangerous Drug Section, and Organized Crime and Gang Section, the Justice Department’s "
    "Office of International Affairs, the National Cyber Joint Investigative Task Force, "
    "Europol and its Dark Web team and international partners Eurojust, Austrian Federal "
    "Investigation Bureau, Cyprus Police, German Federal Criminal Police Office, Canada’s Royal "
    "Canadian Mounted Police, Portuguese Judicial Police, Dutch Police, Swedish Police, the "
    "British National Crime Agency, Australia's Western Australia Police Force, and Australian "
    "Criminal Intelligence Commission.")


def test_the_members_of_the_initiative_lead_it_together(settings):
    """dea.gov, Operation DisrupTor: no clause says who investigated; the release lists the
    JCODE members that ran the initiative, and the help of the partners abroad is help to
    each member, the ones named once (CBP, FinCEN, ATF, NCIS) included. The
    Australian Criminal Intelligence Commission is a police body, not a security service."""
    _, tied = _extracted_ties(settings, DISRUPTOR, "International law enforcement operation "
                              "targeting opioid traffickers on the Darknet")
    members = ["usa-cbp", "usa-fincen", "usa-atf", "usa-ncis", "usa-fbi", "usa-dea"]
    partners = ["can-rcmp", "deu-bka", "gbr-nca", "aus-acic"]
    assert not _untied(tied, members, partners)


BOOTERS = (
    "In conjunction with the website seizures, Homeland Security Investigations, the United "
    "Kingdom’s National Crime Agency, and the Netherlands Police have launched an advertising "
    "campaign using targeted placement ads in search engines, which are triggered by keywords "
    "associated with DDoS activities.\n\nThe cases announced today are being investigated by "
    "the FBI’s Anchorage and Los Angeles field offices, Defense Criminal Investigative "
    "Service’s Cyber East and Cyber West field offices, and HSI’s Columbus field office.\n\n"
    "Invaluable assistance was provided by Germany’s Bundeskriminalamt (BKA); the United "
    "Kingdom’s National Crime Agency; the Netherlands Police; Polish Central Cybercrime "
    "Bureau; Brazilian Federal Police, High Tech Crimes Coordination; EUROPOL; and the Brandon "
    "Police Service in Manitoba, Canada.")


def test_agencies_whose_field_offices_investigate_lead(settings):
    """justice.gov (C.D. Cal.), booter services: "investigated by the FBI's Anchorage and Los
    Angeles field offices, DCIS's ... and HSI's Columbus field office" names the agencies only
    as owners of the agents; they still led, so each gets the assistance that follows."""
    _, tied = _extracted_ties(settings, BOOTERS, "2 Defendants Charged in U.S. Courts as Part "
                              "of Global Crackdown on Booter Services")
    for agency in ("usa-fbi", "usa-dod-dcis", "usa-hsi"):
        for partner in ("deu-bka", "pol-cbsp", "bra-pf"):
            assert frozenset((agency, partner)) in tied, (agency, partner, tied)


def test_a_funding_program_is_not_paired_with_the_partners_abroad(settings):
    """justice.gov (D.N.J.), Silnikau extradited from Poland: the release names OCDETF (its
    "Narcotics/OCDETF Unit" prosecutes) beside fourteen bodies abroad that helped. OCDETF
    funds and coordinates drug cases; no gold file pairs it with a body abroad."""
    result = _dev_release(settings, "malvertising-and-ransomware-schemes-extradited-poland")
    by_id = {e.entity_id: e for e in result.entities}
    ocdetf = {e.entity_id for e in result.entities if e.kb_id == "usa-doj-ocdetf"}
    assert ocdetf
    abroad = [r for r in result.relations if {r.source_id, r.target_id} & ocdetf
              and any(by_id[e].country not in (None, "USA")
                      for e in (r.source_id, r.target_id))]
    assert not abroad, abroad
    assert any(r.trigger.startswith("document:") for r in result.relations)


def test_a_nationality_in_a_headline_does_not_act(nlp):
    """justice.gov (N.D. Cal.), Baratov: "Canadian" is the hacker's nationality and the FSB
    officers are Russian; neither country aided the other."""
    text = "Canadian Hacker Who Conspired With And Aided Russian FSB Officers Pleads Guilty"
    rels = relate(nlp, text, {"Canadian": country("CAN"), "Russian": country("RUS")})
    assert rels == []


def test_a_country_goods_were_sold_to_is_not_a_partner(settings):
    """justice.gov (D.D.C.), a U.S. Attorney's farewell: "illicit tobacco sales to North
    Korea" makes North Korea the destination of a crime, though "efforts" stands near and
    the Justice Department owns the release. The whole release, through the extraction."""
    result = _dev_release(settings, "united-states-attorney-matthew-m-graves-step-down")
    korea = {e.entity_id for e in result.entities if e.name == "North Korea"}
    assert korea
    assert not [r for r in result.relations if {r.source_id, r.target_id} & korea]


def test_the_country_a_fugitive_is_a_citizen_of_does_not_hand_him_over(nlp):
    """justice.gov (M.D. Fla.), Pankov: Russia is his citizenship; Georgia arrested him and
    the sentence names no Russian part in the extradition."""
    text = ("Pankov, a citizen and resident of Russia, was taken into custody by Georgian "
            "authorities in the Republic of Georgia, on October 4, 2022, and extradited to the "
            "United States pursuant to a request from the United States.")
    rels = relate(nlp, text, {"Russia": country("RUS"), "Georgian": country("GEO"),
                              "Georgia": country("GEO"), "United States": country("USA")})
    assert not [r for r in rels if "RUS" in (r.source_id, r.target_id)], rels


def test_the_us_attorney_who_acknowledges_assistance_speaks_for_the_office(nlp):
    """justice.gov (S.D.N.Y.), Samourai Wallet: "Mr. Roos" (no PERSON tag) praises the
    investigators, then "He also acknowledged the assistance of ... Europol, the Portuguese
    Judicial Police": the helpers hang on "assistance", and the office thanks them."""
    text = ("U.S. Attorney's Office, Southern District of New York. Mr. Roos praised the "
            "investigative work of Internal Revenue Service-Criminal Investigation and the "
            "Federal Bureau of Investigation (“FBI”). He also acknowledged the assistance of the "
            "Justice Department’s Office of International Affairs, Europol, the Portuguese "
            "Judicial Police, the Procuradoria-Geral da República, the Icelandic Police, and the "
            "FBI Field Office in Pittsburgh for their assistance in the investigation of this "
            "case.")
    usao = ("usa-usao-sdny", "agency", "USA")
    rels = relate(nlp, text, {
        "U.S. Attorney's Office, Southern District of New York": usao,
        "Internal Revenue Service-Criminal Investigation": ("usa-irsci", "agency", "USA"),
        "Federal Bureau of Investigation": FBI, "FBI": FBI,
        "Justice Department’s Office of International Affairs": ("usa-oia", "agency", "USA"),
        "Europol": EUROPOL,
        "Portuguese Judicial Police": ("prt-pj", "agency", "PRT"),
        "Icelandic Police": ("isl-police", "agency", "ISL")})
    for partner in ("int-europol", "prt-pj", "isl-police"):
        assert one(rels, "usa-usao-sdny", partner).trigger == "acknowledged"


def test_a_semicolon_list_of_investigators_is_one_team(nlp):
    """justice.gov (D. Or.), Jian Zhang: "investigated by ... HSI; DEA; USPIS; Grand Forks
    Narcotics Task Force; Royal Canadian Mounted Police; ...": the parser breaks the list
    apart, and a task force of unknown country does not void it; each US agency worked with
    the RCMP."""
    text = ("This case is being investigated by the Department of Homeland Security - Homeland "
            "Security Investigations; Drug Enforcement Administration; United States Postal "
            "Inspection Service; Grand Forks Narcotics Task Force; Royal Canadian Mounted Police; "
            "Portland Oregon Police Bureau – Drugs and Vice Division; and, the Grand Forks Police "
            "Department.")
    rels = relate(nlp, text, {
        "Homeland Security Investigations": ("usa-hsi", "agency", "USA"),
        "Drug Enforcement Administration": ("usa-dea", "agency", "USA"),
        "United States Postal Inspection Service": ("usa-uspis", "agency", "USA"),
        "Grand Forks Narcotics Task Force": ("gf-task-force", "agency", None),
        "Royal Canadian Mounted Police": ("can-rcmp", "agency", "CAN")})
    for agency in ("usa-hsi", "usa-dea", "usa-uspis"):
        assert one(rels, agency, "can-rcmp").type == "joint_operation"


def test_the_audience_of_a_training_event_names_the_trainees(nlp):
    """justice.gov OPDAT, Cyber & IP Asia: the ICHIP "presented a case study ... for an
    audience of approximately 19 investigators from Indonesia, Malaysia, Thailand, and
    Vietnam", and "held ... a series for twenty ... investigators of the Royal Malaysia
    Police": the clause's subject trains the bodies the people come from."""
    ichip = ("usa-doj-ichip", "agency", "USA")
    text = ("June 2025: The ICHIP presented a case study on the successful U.S. prosecution of "
            "“Jetflicks” for an audience of approximately 19 investigators from Indonesia, "
            "Malaysia, Thailand, and Vietnam at an HSI IPR Center-organized Southeast Asia "
            "digital piracy workshop.")
    rels = relate(nlp, text, {"ICHIP": ichip, "HSI": ("usa-hsi", "agency", "USA"),
                              "Indonesia": country("IDN"), "Malaysia": country("MYS"),
                              "Thailand": country("THA"), "Vietnam": country("VNM")})
    for code in ("IDN", "MYS", "THA", "VNM"):
        r = one(rels, "usa-doj-ichip", code)
        assert (r.type, r.source_id, r.directed) == ("training", "usa-doj-ichip", True)
        # the host of the workshop trains the audience too
        r = one(rels, "usa-hsi", code)
        assert (r.type, r.source_id, r.directed) == ("training", "usa-hsi", True)
    text = ("January 2026: The ICHIP held the fifth phase of the multi-phase Global Cyber "
            "Forensics Advisor (GCFA) Certification series for twenty digital forensics "
            "investigators of the Royal Malaysia Police in Kuala Lumpur, Malaysia.")
    rels = relate(nlp, text, {"ICHIP": ichip, "Royal Malaysia Police": ("mys-rmp", "agency", "MYS"),
                              "Malaysia": country("MYS")})
    r = one(rels, "usa-doj-ichip", "mys-rmp")
    assert (r.type, r.source_id) == ("training", "usa-doj-ichip")


def test_officials_at_a_meeting_are_not_an_audience(nlp):
    """Constructed: people named in a sentence with no training event are not trainees."""
    text = ("The FBI met with 20 officials from Ukraine and Moldova to discuss the case.")
    rels = relate(nlp, text, {"FBI": FBI, "Ukraine": country("UKR"), "Moldova": country("MDA")})
    assert not [r for r in rels if r.type == "training"], rels


def test_a_multinational_effort_of_listed_countries_ties_the_lead_to_each(nlp):
    """justice.gov (C.D. Cal.), Qakbot leader indicted: "the latest step in an ongoing
    multinational effort by the United States, France, Germany, ..." lists the countries of a
    joint effort the home country belongs to; the agency that led the case worked with each
    other one, and never with its own country."""
    text = ("The FBI investigated the case. These actions are the latest step in an ongoing "
            "multinational effort by the United States, France, Germany, the Netherlands, "
            "Denmark, the United Kingdom, and Canada to combat cybercrime.")
    codes = {"United States": "USA", "France": "FRA", "Germany": "DEU",
             "Netherlands": "NLD", "Denmark": "DNK", "United Kingdom": "GBR", "Canada": "CAN"}
    rels = relate(nlp, text, {"FBI": FBI, **{n: country(c) for n, c in codes.items()}})
    for code in ("FRA", "DEU", "NLD", "DNK", "GBR", "CAN"):
        assert one(rels, "usa-fbi", code).type == "joint_operation"
    assert not [r for r in rels if {r.source_id, r.target_id} == {"usa-fbi", "USA"}], rels


def test_the_nations_comprising_a_coalition_are_all_partners(nlp):
    """justice.gov (W.D. Pa.), Darkode dismantled: "The nations comprising the coalition
    include Australia, ..., the United Kingdom and the United States": all 18 other nations,
    however long the parser's chain of conjuncts, and not the home country."""
    nations = ["Australia", "Bosnia and Herzegovina", "Brazil", "Canada", "Colombia",
               "Costa Rica", "Cyprus", "Croatia", "Denmark", "Finland", "Germany", "Israel",
               "Latvia", "Macedonia", "Nigeria", "Romania", "Serbia", "Sweden"]
    text = ("The FBI investigated the case. The nations comprising the coalition include "
            + ", ".join(nations) + ", the United Kingdom and the United States.")
    names = {n: country(n[:3].upper() + str(i)) for i, n in enumerate(nations)}
    rels = relate(nlp, text, {"FBI": FBI, **names, "United Kingdom": country("GBR"),
                              "United States": country("USA")})
    for code, _, _ in [*names.values(), country("GBR")]:
        assert one(rels, "usa-fbi", code).type == "joint_operation"
    assert not [r for r in rels if {r.source_id, r.target_id} == {"usa-fbi", "USA"}], rels


def test_a_list_opened_by_including_reaches_its_verb(nlp):
    """dea.gov, Kingdom Market: "The investigation also involved numerous foreign law
    enforcement agencies, including the German Federal Criminal Police, or Bundeskriminalamt,
    ...": "including" opens the list; it is not another clause, and "am" in "Frankfurt am
    Main" is no verb that ends it."""
    text = ("The Drug Enforcement Administration investigated this case with IRS Criminal "
            "Investigation, the FBI and the U.S. Postal Inspection Service. The investigation "
            "also involved numerous foreign law enforcement "
            "agencies, including the German Federal Criminal Police, or Bundeskriminalamt, the "
            "Frankfurt am Main Public Prosecutor's Office - Central Office for Combating "
            "Internet Crime (ZIT) as well as law enforcement agencies from Switzerland, the "
            "Republic of Moldova and Ukraine.")
    bka = ("deu-bka", "agency", "DEU")
    rels = relate(nlp, text, {"Drug Enforcement Administration": ("usa-dea", "agency", "USA"),
                              "IRS Criminal Investigation": ("usa-irs-ci", "agency", "USA"),
                              "FBI": FBI,
                              "U.S. Postal Inspection Service": ("usa-uspis", "agency", "USA"),
                              "German Federal Criminal Police": bka, "Bundeskriminalamt": bka,
                              "Central Office for Combating Internet Crime":
                                  ("deu-zit", "agency", "DEU"),
                              "Switzerland": country("CHE"), "Republic of Moldova": country("MDA"),
                              "Ukraine": country("UKR")})
    # every agency that investigated the case (not only the first two), each with the
    # whole list, its tail too (which the parser hangs under "Combating": "the agencies
    # from Switzerland ...")
    for lead in ("usa-dea", "usa-irs-ci", "usa-fbi", "usa-uspis"):
        for partner in ("deu-bka", "deu-zit", "CHE", "MDA", "UKR"):
            assert one(rels, lead, partner).type == "joint_operation"


def test_countries_that_took_part_in_the_investigation_partner_each_lead(nlp):
    """justice.gov (W.D. Pa.), LabHost domains: "Law enforcement authorities from the
    following countries participated in the investigation: Australia, ..."; the FBI and
    the Secret Service conducted it. Each lead works with each country, even though two
    leads times four countries is a cross product the reader otherwise refuses."""
    text = ("The Federal Bureau of Investigation and United States Secret Service conducted the "
            "investigation in the United States. Law enforcement authorities from the following "
            "countries participated in the investigation: Australia, Austria, Belgium, and the "
            "United Kingdom.")
    codes = {"Australia": "AUS", "Austria": "AUT", "Belgium": "BEL", "United Kingdom": "GBR"}
    rels = relate(nlp, text, {"Federal Bureau of Investigation": FBI,
                              "United States Secret Service": ("usa-usss", "agency", "USA"),
                              "United States": country("USA"),
                              **{n: country(c) for n, c in codes.items()}})
    for lead in ("usa-fbi", "usa-usss"):
        for code in codes.values():
            assert one(rels, lead, code).type == "joint_operation"


def test_partners_from_listed_countries_work_with_the_lead(nlp):
    """justice.gov (W.D. Pa.), QQAAZZ: "praised the outstanding investigative work of the
    FBI's Pittsburgh Field Office and their law enforcement partners from Portugal, Spain,
    the United Kingdom, ...": the FBI, which did the investigative work, with each country."""
    text = ("Acting Assistant Attorney General Rabbit and U.S. Attorney Brady praised the "
            "outstanding investigative work of the FBI’s Pittsburgh Field Office and their law "
            "enforcement partners from Portugal, Spain, the United Kingdom, Latvia and Belgium.")
    codes = {"Portugal": "PRT", "Spain": "ESP", "United Kingdom": "GBR", "Latvia": "LVA",
             "Belgium": "BEL"}
    rels = relate(nlp, text, {"FBI": FBI, **{n: country(c) for n, c in codes.items()}})
    for code in codes.values():
        assert one(rels, "usa-fbi", code).type == "joint_operation"


def test_the_attorneys_offices_in_the_plural_are_not_paired(nlp):
    """justice.gov OPA, Operation SpecTor: "U.S. Attorneys' Offices" in the plural are the
    prosecutors of many districts; the pair model paired them with every foreign body. The
    singular "U.S. Attorney's Office" is the publishing office and stays a candidate."""
    from corpus.relate import pairs

    names = {"FBI": FBI, "Europol": EUROPOL, "National Crime Agency": ("gbr-nca", "agency", "GBR")}
    for surface, expected in (("U.S. Attorneys’ Offices", False), ("U.S. Attorney’s Office", True)):
        text = ("Operation SpecTor was led by the FBI. The National Crime Agency and Europol "
                f"provided support. The cases are being prosecuted by the {surface} of the "
                "districts involved, and the FBI thanks its partners.")
        with pairs.tracing() as trace:
            relate(nlp, text, {**names, surface: ("usa-doj-usao", "agency", "USA")},
                   known=("usa-doj-usao",))
        homes = {home for _, home, _, _ in trace}
        assert ("usa-doj-usao" in homes) is expected, (surface, homes)


def test_hosting_the_operations_command_post_is_a_joint_operation(nlp):
    """fbi.gov, AlphaBay takedown: "Europol hosted a command post staffed with representatives
    from the FBI, the Drug Enforcement Administration, and the Department of Justice": the
    bodies ran the operation together; hosting a delegation stays a visit."""
    text = ("In early July, days before AlphaBay servers were seized, Europol hosted a command "
            "post staffed with representatives from the FBI, the Drug Enforcement "
            "Administration, and the Department of Justice, along with its own members.")
    dea = ("usa-dea", "agency", "USA")
    rels = relate(nlp, text, {"Europol": EUROPOL, "FBI": FBI,
                              "Drug Enforcement Administration": dea,
                              "Department of Justice": ("usa-doj", "agency", "USA")})
    r = one(rels, "int-europol", "usa-dea")
    assert (r.type, r.directed) == ("joint_operation", False)
    rels = relate(nlp, "The FBI hosted the Albanian State Police at its academy in Quantico.",
                  {"FBI": FBI, "Albanian State Police": ("alb-asp", "agency", "ALB")})
    assert one(rels, "usa-fbi", "alb-asp").type == "visit_exchange"


NDTX_DISRUPTOR = (
    "Operation DisrupTor was a collaborative initiative across JCODE members, including the "
    "Department of Justice; Federal Bureau of Investigation (FBI); U.S. Drug Enforcement "
    "Administration (DEA); U.S. Postal Inspection Service (USPIS); U.S. Immigration and "
    "Customs Enforcement (ICE)’s Homeland Security Investigations (HSI); U.S. Customs and "
    "Border Protection (CBP); Financial Crimes Enforcement Network (FinCEN); Bureau of "
    "Alcohol, Tobacco, and Firearms (ATF); Naval Criminal Investigative Service (NCIS) and "
    "Department of Defense (DOD). Local, state and other federal agencies also contributed to "
    "Operation DisrupTor investigations. The investigations leading to Operation DisrupTor "
    "were significantly aided by essential support and coordination by the Department of "
    "Justice’s multi-agency Special Operations Division, the Justice Department’s Office of "
    "International Affairs, Europol and its Dark Web team and international partners "
    "Eurojust, Cyprus Police (Αστυνομία Κύπρου), German Federal Criminal Police Office "
    "(Bundeskriminalamt), Canada’s Royal Canadian Mounted Police, the British National Crime "
    "Agency, and Australian Criminal Intelligence Commission.")


def test_a_possessive_does_not_end_the_list_of_members(settings):
    """justice.gov (N.D. Tex.), Operation DisrupTor: "(ICE)’s Homeland Security
    Investigations" made the parser start a sentence after "’s", so the members listed after
    it (CBP, FinCEN, ATF, NCIS) were no part of the initiative and took none of its help
    from abroad; and the member that acts is HSI, not ICE."""
    _, tied = _extracted_ties(settings, NDTX_DISRUPTOR, "NDTX Charges Alleged DarkWeb Drug "
                              "Trafficker Arrested In DOJ Operation DisrupTor")
    members = ["usa-cbp", "usa-fincen", "usa-atf", "usa-ncis", "usa-hsi", "usa-fbi"]
    partners = ["can-rcmp", "deu-bka", "gbr-nca"]
    assert not _untied(tied, members, partners)


LOCKERGOGA = (
    "Joseph Nocella, Jr., United States Attorney for the Eastern District of New York; "
    "Matthew R. Galeotti, Acting Assistant Attorney General of the Justice Department’s "
    "Criminal Division; Christopher Raia, Assistant Director in Charge, Federal Bureau of "
    "Investigation, New York Field Office (FBI); and FBI Special Agent in Charge Christopher "
    "J.S. Johnson, Springfield, Illinois Field Office, announced the superseding indictment.\n\n"
    "“The criminals behind Nefilim ransomware may believe they can profit from extortion and "
    "data leaks, but they are wrong. The FBI is actively pursuing them to disrupt their "
    "operations and bring them to justice.”\n\n"
    "The Justice Department’s Office of International Affairs provided critical assistance in "
    "this case, as did the FBI’s Legal Attachés abroad and authorities in France, Czech "
    "Republic, Germany, Lithuania, Luxembourg, Netherlands, Norway, Romania, Switzerland, and "
    "Ukraine, as well as Europol and Eurojust via the Criminal Division’s International "
    "Computer Hacking and Intellectual Property (ICHIP) The Hague.")


def test_as_did_lends_its_clause_the_help_and_a_list_shares_its_head(settings):
    """justice.gov (E.D.N.Y.), LockerGoga and Nefilim administrator charged: "OIA provided
    critical assistance, as did ... authorities in France, Czech Republic, ..., Romania":
    "did" repeats "provided critical assistance", and every country of the list is governed
    by it, not only the first ones the dependency walk reached through the chain of
    conjuncts."""
    _, tied = _extracted_ties(settings, LOCKERGOGA, "Ransomware Administrator Charged")
    for code in ("FRA", "CZE", "LTU", "NOR", "ROU", "CHE"):
        assert frozenset(("usa-fbi", code)) in tied, (code, tied)


SPECTOR_CDCA = (
    "The DEA, FBI, USPS Office of Inspector General (USPS-OIG), U.S. Postal Inspection Service "
    "(USPIS) and the Palm Beach County Sheriff’s Office investigated the case. The U.S. "
    "Attorney’s Office for the Southern District of Florida is prosecuting the case.\n\n"
    "Operation SpecTor was a collaborative initiative across JCODE members, including the "
    "Department of Justice, FBI, DEA, USPIS, HSI, IRS-CI, ATF, Naval Criminal Investigative "
    "Service (NCIS), and the FDA’s Office of Criminal Investigations. Local, state, and other "
    "federal agencies also contributed to Operation SpecTor investigations through task force "
    "participation and regional partnerships. The investigations leading to Operation SpecTor "
    "were significantly aided by support and coordination by the Justice Department’s Office "
    "of International Affairs; Europol and its Dark Web team; and international partners. The "
    "international partners include Eurojust; Austria’s Federal Criminal Police Office "
    "(Bundeskriminalamt); Germany’s Federal Criminal Police Office (Bundeskriminalamt); and "
    "the United Kingdom’s National Crime Agency (NCA).")


def test_the_members_lead_beside_the_agencies_that_investigated_one_case(settings):
    """justice.gov (C.D. Cal.), Operation SpecTor: a clause names who investigated one of
    the cases (DEA, FBI, USPIS ...); the JCODE members that ran the whole operation (HSI,
    IRS-CI, ATF, NCIS ...) led it as well, and the partners abroad helped each of them."""
    _, tied = _extracted_ties(settings, SPECTOR_CDCA, "Los Angeles case part of largest "
                              "international operation against darknet trafficking")
    members = ["usa-hsi", "usa-irsci", "usa-atf", "usa-ncis", "usa-fbi", "usa-dea"]
    partners = ["deu-bka", "gbr-nca"]
    assert not _untied(tied, members, partners)


POWEROFF = (
    "These law enforcement actions were taken in conjunction with Operation PowerOFF, an "
    "ongoing, coordinated effort among international law enforcement agencies aimed at "
    "dismantling criminal DDoS-for-hire infrastructures worldwide, and holding accountable the "
    "administrators and users of these illegal services. Principal partners in Operation "
    "PowerOFF include EUROPOL; the United States Attorney’s Office for the District of Alaska; "
    "The Department of Justice Computer Crime and Intellectual Property Section (CCIPS); FBI’s "
    "Anchorage and Los Angeles field offices; HSI’s Columbus field office; Germany’s "
    "Bundeskriminalamt (BKA); United Kingdom’s National Crime Agency (NCA); Netherlands Police; "
    "Polish Central Cybercrime Bureau; Brazilian Federal Police, Japan’s National Police "
    "Agency; and France’s Police Nationale.")


def test_the_home_members_of_a_roster_of_partners_work_with_those_abroad(settings):
    """justice.gov (C.D. Cal.), nine DDoS-for-hire domains seized: "Principal partners in
    Operation PowerOFF include EUROPOL; the United States Attorney's Office for the District
    of Alaska; ... CCIPS; ...; Germany's Bundeskriminalamt ...": the roster names the
    operation's members at home and abroad, and each home member worked with each one
    abroad, with no investigating clause to name a lead."""
    _, tied = _extracted_ties(settings, POWEROFF, "Law Enforcement Seizes 9 DDoS-for-Hire "
                              "Webpages as Part of Global Crackdown")
    for home in ("usa-usao-dak", "usa-doj-ccips", "usa-hsi"):
        for abroad in ("deu-bka", "gbr-nca", "int-europol"):
            assert frozenset((home, abroad)) in tied, (home, abroad)


SILK_ROAD_2 = (
    "Mr. Bharara praised the outstanding joint efforts of the FBI and its New York Cyber Branch "
    "and HSI and its Cyber Crimes Center and Chicago-O’Hare Field Office. He also thanked the "
    "Drug Enforcement Administration’s New York Organized Crime Drug Enforcement Strike Force, "
    "which comprises agents and officers of the DEA, the Internal Revenue Service, the New York "
    "City Police Department, HSI, the New York State Police, the Bureau of Alcohol, Tobacco, "
    "Firearms and Explosives, the U.S. Secret Service, the U.S. Marshals Service, Office of "
    "Foreign Assets Control, and New York Department of Taxation. Mr. Bharara also thanked the "
    "Department of Justice’s Computer Crime and Intellectual Property Section for its "
    "assistance and support, the Department of Justice’s Criminal Division Office of "
    "International Affairs, and the law enforcement authorities of France, Germany, Lithuania, "
    "the Netherlands, and the United Kingdom.")


def test_a_states_bodies_that_helped_at_home_are_not_paired_abroad(settings):
    """justice.gov (S.D.N.Y.), Silk Road 2.0 operator charged: the New York State Police and
    the New York Department of Taxation served on the strike force the U.S. Attorney thanked;
    the authorities abroad he thanked helped the case, not those state bodies, which led
    nothing. The bodies abroad are still paired with the federal ones."""
    result, tied = _extracted_ties(settings, SILK_ROAD_2, "Operator Of “Silk Road 2.0” "
                                   "Website Charged In Manhattan Federal Court")
    by_id = {e.entity_id: e for e in result.entities}
    state = [r for r in result.relations
             if any(by_id[e].name.startswith("New York") and by_id[e].kb_id != "usa-nypd"
                    for e in (r.source_id, r.target_id))
             and any(by_id[e].country not in ("USA", None) for e in (r.source_id, r.target_id))]
    assert not state, state
    assert any("FRA" in pair for pair in tied), tied      # the authorities abroad are paired


CLARK = (
    "In addition to his prison sentence, CLARK, 61, a citizen of Canada, was sentenced to three "
    "years of supervised release and ordered to forfeit $1,606,150.\n\n"
    "Mr. Williams praised the outstanding joint efforts of the Federal Bureau of Investigation, "
    "the Internal Revenue Service - Criminal Investigation’s New York Field Office, Homeland "
    "Security Investigations (“HSI”) Chicago-O’Hare, the Drug Enforcement Administration’s New "
    "York Field Division, and the New York City Police Department. Mr. Williams also thanked "
    "the HSI Attaché Bangkok, the Royal Thai Police, and the U.S. Department of Justice’s "
    "Office of International Affairs for their support and assistance.")


def _leads(nlp, text: str, agencies: dict[str, tuple[str, str]]) -> set[str]:
    """The lead agencies the document context finds in ``text``; ``agencies`` maps a US
    agency's id to (its name, its surface in the text)."""
    from corpus.relate import _actors_by_sentence, _document_context

    doc = nlp(text)
    ents = {eid: Entity(eid, name, "agency", "USA", [], None, eid)
            for eid, (name, _) in agencies.items()}
    mentions = []
    for eid, (_, surface) in agencies.items():
        start = text.index(surface)
        mentions.append(Mention("d", eid, "agency", surface, start, start + len(surface)))
    ctx = _document_context(doc, _actors_by_sentence(doc, mentions, ents), mentions, ents)
    return set(ctx.lead)


def test_the_agencies_whose_joint_efforts_are_praised_lead(nlp):
    """justice.gov (S.D.N.Y.), Silk Road adviser Clark sentenced: "praised the outstanding
    joint efforts of the FBI, IRS-CI's New York Field Office, HSI ("HSI") Chicago-O'Hare, the
    DEA's New York Field Division, and the NYPD" names the agencies that led the case, all
    five: the parser had started a sentence after "(“HSI”)", cutting the DEA and the NYPD
    off the list."""
    agencies = {
        "usa-fbi": ("Federal Bureau of Investigation", "Federal Bureau of Investigation"),
        "usa-irsci": ("IRS Criminal Investigation",
                      "Internal Revenue Service - Criminal Investigation"),
        "usa-hsi": ("Homeland Security Investigations", "Homeland Security Investigations"),
        "usa-dea": ("Drug Enforcement Administration", "Drug Enforcement Administration"),
        "usa-nypd": ("New York City Police Department", "New York City Police Department")}
    assert _leads(nlp, CLARK, agencies) == set(agencies)


def test_he_was_extradited_from_the_country_of_the_arrest_just_told(settings):
    """justice.gov (W.D. Pa.), GozNym: "Nikolov was arrested at his residence in Varna,
    Bulgaria, on September 8, 2016. He was extradited to the United States over the past
    weekend": the sentence of the extradition names no source; the one before says where
    he was arrested, so Bulgaria handed him over."""
    text = ("Nikolov was arrested at his residence in Varna, Bulgaria, on September 8, 2016. He "
            "was extradited to the United States over the past weekend, and made his initial "
            "appearance in federal court in Western Pennsylvania today at 3:30 p.m.")
    result, _ = _extracted_ties(settings, text, "Bulgarian Charged with GozNym Malware Attacks")
    by_id = {e.entity_id: e for e in result.entities}
    handed = [(by_id[r.source_id].kb_id, by_id[r.target_id].kb_id, r.directed)
              for r in result.relations if r.type == "legal_assistance"]
    assert handed == [("BGR", "USA", True)], handed


def test_an_investigation_by_a_team_at_home_and_abroad_ties_each_side(settings):
    """justice.gov (W.D. Wash.), Port Angeles beach drugs: "returned after an extensive
    investigation by the FBI, ..., the Royal Canadian Mounted Police (RCMP), and ...": the
    parser hangs the list anywhere; each home agency worked with the RCMP."""
    text = ("The grand jury indictment was returned after an extensive investigation by the FBI, "
            "Homeland Security Investigation (HSI), U.S. Border Patrol and the Border Patrol Air "
            "and Marine Unit, the Royal Canadian Mounted Police (RCMP), and the Olympic Peninsula "
            "Narcotics Enforcement Team (OPNET).")
    _, tied = _extracted_ties(settings, text, "Two defendants appear on indictment")
    assert not _untied(tied, ["usa-fbi", "usa-hsi", "usa-usbp"], ["can-rcmp"]), tied
    assert frozenset(("usa-fbi", "usa-hsi")) not in tied      # a list at home is not paired


def test_partners_including_authorities_abroad_helped_those_who_led_the_effort(settings):
    """justice.gov (W.D. Pa.), Flax Typhoon botnet: "... led the domestic disruption
    effort. ... These efforts would not have been successful without the collaboration of
    partners, including French authorities": France worked with the office that led."""
    text = ("The U.S. Attorney’s Office for the Western District of Pennsylvania, FBI’s San Diego "
            "Office and Cyber Division, and the National Security Cyber Section of the Justice "
            "Department’s National Security Division led the domestic disruption effort. "
            "Assistance was also provided by the Criminal Division’s Computer Crime and "
            "Intellectual Property Section. These efforts would not have been successful without "
            "the collaboration of partners, including French authorities, and Lumen Technologies’ "
            "threat intelligence group, Black Lotus Labs, which first identified and described "
            "this botnet.")
    _, tied = _extracted_ties(settings, text, "Court-Authorized Operation Disrupts Botnet")
    assert frozenset(("usa-usao-wdpa", "FRA")) in tied, tied


def test_partner_agencies_abroad_listed_with_home_agencies_work_with_each(settings):
    """justice.gov (W.D. Pa.), Flax Typhoon botnet: an advisory "published today by the FBI,
    the National Security Agency, ... and partner agencies in Australia, Canada, New Zealand
    and the United Kingdom": each home agency of the list with each partner country."""
    text = ("A cybersecurity advisory describing Integrity Technology Group tactics, techniques "
            "and procedures was also published today by the FBI, the National Security Agency, "
            "U.S. Cyber Command’s Cyber National Mission Force, and partner agencies in "
            "Australia, Canada, New Zealand and the United Kingdom.")
    _, tied = _extracted_ties(settings, text, "Court-Authorized Operation Disrupts Botnet")
    assert not _untied(tied, ["usa-fbi", "usa-nsa"], ["AUS", "CAN", "NZL", "GBR"]), tied
