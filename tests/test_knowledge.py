"""The knowledge base: the shipped files load and validate, and the hard names resolve."""
from __future__ import annotations

import shutil

import pytest

from corpus.knowledge import DATA_DIR, KnowledgeBaseError, load_kb, normalize


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def test_shipped_files_load_with_a_version(kb):
    assert kb.version.startswith("kb-")
    kinds = {e.kind for e in kb.entries}
    assert kinds == {"agency", "country", "program", "organization"}
    assert len(kb.countries) >= 249
    assert "XKX" in kb.countries and "TWN" in kb.countries and "PSE" in kb.countries
    assert kb.by_id["int-europol-ec3"].parent == "int-europol"


def test_every_country_has_national_police_interior_and_justice(kb):
    categories: dict[str, set[str]] = {}
    for entry in kb.entries:
        if entry.kind == "agency" and entry.country:
            categories.setdefault(entry.country, set()).add(entry.category)
    lacking = []
    for iso in sorted(set(kb.countries) - _TERRITORIES):
        found = categories.get(iso, set())
        police = bool(found & {"police", "gendarmerie"})
        interior = "ministry" in found or ("justice" in found and iso in _JUSTICE_IS_INTERIOR)
        justice = bool(found & {"justice", "prosecution"})
        if not (police and interior and justice):
            lacking.append(iso)
    assert lacking == []


def test_no_name_is_silently_shared_or_stopped(kb):
    assert kb.ambiguous_aliases() == []
    stopped = [(e.id, name) for e in kb.entries for name in (e.name, *e.aliases)
               if kb.is_stopword(name)]
    assert stopped == []


def test_one_actor_under_many_names(kb):
    israel_police = kb.lookup("Israel Police")
    assert israel_police is not None and israel_police.country == "ISR"
    assert kb.lookup("the National Police of Israel") is israel_police
    assert kb.lookup("Israeli Police") is israel_police
    ukraine = kb.lookup("National Police of Ukraine")
    assert ukraine.id == "ukr-npu"
    for surface in ("Ukrainian National Police", "Ukraine’s National Police",
                    "Ukraine's National Police", "the National Police of Ukraine"):
        assert kb.lookup(surface) is ukraine, surface


def test_interpol_washington_is_the_us_national_central_bureau(kb):
    ncb = kb.lookup("INTERPOL Washington")
    assert ncb.country == "USA"
    assert ncb.parent == kb.lookup("INTERPOL").id == kb.lookup("Interpol").id
    assert kb.lookup("U.S. National Central Bureau") is ncb
    assert kb.ancestors(kb.lookup("EC3").id)[0].name == "Europol"


def test_countries_from_names_demonyms_and_adjectives(kb):
    assert kb.country_code("Burkinabe") == "BFA"
    assert kb.country_code("Burkinabè") == "BFA"
    assert kb.country_code("U.S.") == "USA"
    assert kb.country_code("US") == "USA"
    assert kb.country_code("United States of America") == "USA"
    assert kb.country_code("the Netherlands") == "NLD"
    assert kb.country_code("Holland") == "NLD"
    assert kb.country_code("Dutch") == "NLD"
    assert kb.country_code("Ivory Coast") == kb.country_code("Côte d’Ivoire") == "CIV"
    assert kb.country_code("Türkiye") == kb.country_code("Turkey") == "TUR"
    assert kb.country_code("Republic of Korea") == kb.country_code("South Korea") == "KOR"
    assert kb.country_code("Emirati") == "ARE"
    assert kb.country_code("Filipino") == "PHL"
    assert kb.country_code("Kosovar") == "XKX"
    assert kb.country_code("UK") == kb.country_code("Britain") == "GBR"


def test_acronyms_are_case_sensitive(kb):
    assert kb.lookup("us") is None
    assert kb.country_code("us") is None
    assert kb.lookup("US").id == "USA"
    assert kb.lookup("FBI").id == "usa-fbi"
    assert kb.lookup("fbi") is None
    assert kb.lookup("Federal Bureau of Investigation").id == "usa-fbi"


def test_generic_national_names_need_the_texts_country(kb):
    burkina_police = kb.lookup("Burkinabe National Police")
    assert burkina_police.country == "BFA"
    assert kb.lookup("Police Nationale", country="BFA") is burkina_police
    assert kb.lookup("Police Nationale").country == "FRA"
    assert kb.lookup("Ministry of Justice", country="ISR").id == "isr-moj"
    assert kb.lookup("Justice Ministry", country="ISR").id == "isr-moj"
    assert kb.lookup("Israeli Ministry of Justice").id == "isr-moj"
    assert kb.lookup("Ministry of Justice") is None
    assert kb.lookup("National Central Bureau", country="USA").id == "usa-interpol-washington"
    assert kb.lookup("Federal Bureau of Investigation (FBI)").id == "usa-fbi"


def test_shared_names_follow_the_texts_country(kb):
    assert kb.lookup("OFAC", country="FRA").id == "fra-ofac"
    assert kb.lookup("OFAC").id == "usa-ofac"
    assert kb.lookup("National Police", country="UKR").id == "ukr-npu"
    assert kb.lookup("National Police") is None


def test_stoplist_and_normalisation(kb):
    assert kb.is_stopword("Press Releases")
    assert kb.is_stopword("share")
    assert not kb.is_stopword("Europol")
    assert normalize("  The  Ukraine’s  National—Police ") == "ukraine national-police"
    assert normalize("European Cyber Crime Centre") == normalize("European Cybercrime Center")
    assert kb.lookup("European Serious and Organized Crime Center").id == "int-europol-esocc"


def test_phrase_patterns_cover_acronyms_exactly(kb):
    forms = kb.phrase_patterns()
    by_text = {(f.text, f.entry_id): f for f in forms}
    assert by_text[("FBI", "usa-fbi")].case_sensitive
    assert not by_text[("Federal Bureau of Investigation", "usa-fbi")].case_sensitive
    assert ("Europol’s European Cybercrime Centre", "int-europol-ec3") in by_text
    assert not any(f.text == "National Police" for f in forms)
    assert ("Israel’s Ministry of Justice", "isr-moj") in by_text      # derived word order
    assert by_text[("Chad", "TCD")].case_sensitive                   # not the word "chad"


def test_entity_ruler_patterns_find_agencies_in_a_real_sentence(kb):
    import spacy

    ruler_nlp = spacy.blank("en")
    ruler = ruler_nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": None})
    ruler.add_patterns(kb.entity_ruler_patterns(ruler_nlp, kinds=("agency", "country")))
    doc = ruler_nlp("The FBI and the Ukrainian National Police worked with us and the U.S. "
                    "Department of Justice.")
    found = {(ent.text, ent.ent_id_) for ent in doc.ents}
    assert ("FBI", "usa-fbi") in found
    assert ("Ukrainian National Police", "ukr-npu") in found
    assert ("U.S. Department of Justice", "usa-doj") in found
    assert not any(ent.text == "us" for ent in doc.ents)


def _copy_data(tmp_path):
    target = tmp_path / "kb"
    shutil.copytree(DATA_DIR, target)
    return target


def _append(path, line):
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def test_unknown_country_is_refused_with_file_and_line(tmp_path):
    data = _copy_data(tmp_path)
    _append(data / "agencies.csv", "zzz-police,Police of Nowhere,agency,ZZZ,,police,")
    line = len((data / "agencies.csv").read_text(encoding="utf-8").splitlines())
    with pytest.raises(KnowledgeBaseError, match=rf"agencies.csv line {line}: unknown country"):
        load_kb(data)


def test_unknown_parent_and_duplicate_id_are_refused(tmp_path):
    data = _copy_data(tmp_path)
    _append(data / "programs.csv", "prog-x,Operation X,program,,int-nowhere,operation,")
    with pytest.raises(KnowledgeBaseError, match="unknown parent id 'int-nowhere'"):
        load_kb(data)
    data = _copy_data(tmp_path / "second")
    _append(data / "agencies.csv", "usa-fbi,Another FBI,agency,USA,,police,")
    with pytest.raises(KnowledgeBaseError, match="duplicate id 'usa-fbi'"):
        load_kb(data)


def test_alias_shared_across_countries_needs_an_alias_rule(tmp_path):
    data = _copy_data(tmp_path)
    _append(data / "agencies.csv", "can-fbi,Fictional Bureau,agency,CAN,,police,FBI")
    with pytest.raises(KnowledgeBaseError, match="'FBI' is claimed by usa-fbi"):
        load_kb(data)
    _append(data / "aliases.csv", "FBI,usa-fbi|can-fbi")
    _append(data / "aliases.csv", "the Feds,usa-fbi")
    _append(data / "aliases.csv", "Uncle Sam,USA")
    kb = load_kb(data)
    assert kb.lookup("FBI").id == "usa-fbi"
    assert kb.lookup("FBI", country="CAN").id == "can-fbi"
    assert kb.lookup("feds").id == "usa-fbi"                  # a person's rule, normalised
    assert kb.country_code("Uncle Sam") == "USA"
    assert any(f.text == "Feds" and f.entry_id == "usa-fbi" for f in kb.phrase_patterns())


# Countries whose justice ministry is also the ministry in charge of the police.
_JUSTICE_IS_INTERIOR = {"IRL", "NOR"}

# Territories and other non-sovereign entries of ISO 3166-1: no own police required.
_TERRITORIES = {
    "ALA", "ASM", "AIA", "ATA", "ABW", "BMU", "BES", "BVT", "IOT", "CYM", "CXR", "CCK", "COK",
    "CUW", "FLK", "FRO", "GUF", "PYF", "ATF", "GIB", "GRL", "GLP", "GUM", "GGY", "HMD", "IMN",
    "JEY", "MTQ", "MYT", "MSR", "NCL", "NIU", "NFK", "MNP", "PCN", "PRI", "REU", "BLM", "SHN",
    "MAF", "SPM", "SXM", "SGS", "SJM", "TKL", "TCA", "UMI", "VGB", "VIR", "WLF", "ESH", "MAC",
    "VAT",
}


def test_phrase_patterns_cover_dash_spellings(kb):
    # "Internal Revenue Service—Criminal Investigation" (usao-mdfl) is IRS-CI
    by_text = {(f.text, f.entry_id) for f in kb.phrase_patterns()}
    assert ("Internal Revenue Service—Criminal Investigation", "usa-irsci") in by_text
    assert ("Internal Revenue Service–Criminal Investigation", "usa-irsci") in by_text
    assert ("IRS–CI", "usa-irsci") in by_text
    assert kb.lookup("Internal Revenue Service—Criminal Investigation Cyber Crimes Unit").id \
        == "usa-irsci-cyber"


def test_phrase_patterns_match_ampersand_and_and_alike(kb):
    # usao-wdwa: "Bureau of Alcohol, Tobacco, Firearms & Explosives (ATF)"
    by_text = {(f.text, f.entry_id) for f in kb.phrase_patterns()}
    assert ("Bureau of Alcohol, Tobacco, Firearms & Explosives", "usa-atf") in by_text
    assert ("Bureau of Alcohol, Tobacco, Firearms and Explosives", "usa-atf") in by_text
    assert kb.lookup("Bureau of Alcohol, Tobacco, Firearms & Explosives").id == "usa-atf"
    # and the other way round: a name written with "&" also matches with "and"
    amp = [e for e in kb.entries if " & " in e.name]
    for entry in amp[:3]:
        assert (entry.name.replace(" & ", " and "), entry.id) in by_text \
            or kb.lookup(entry.name) is not entry


def test_the_head_of_a_us_attorneys_office_names_it(kb):
    # "The United States Attorney for the Southern District of New York, Jay Clayton, ...":
    # the gold files name the office so, and the office speaks when its head thanks
    for title in ("United States Attorney for the Southern District of New York",
                  "U.S. Attorney for the Western District of Pennsylvania"):
        entry = kb.lookup(title, kinds=("agency",))
        assert entry is not None and entry.id.startswith("usa-usao-"), title
    assert kb.lookup("U.S. Attorney for the Southern District of New York",
                     kinds=("agency",)).id == "usa-usao-sdny"


def test_office_of_inspector_general_with_or_without_the(kb):
    # dea.gov, Kingdom Market: "the Social Security Administration Office of Inspector
    # General" is the knowledge base's "... Office of the Inspector General"
    assert normalize("Office of the Inspector General") == normalize("Office of Inspector General")
    entry = kb.lookup("Social Security Administration Office of Inspector General",
                      kinds=("agency",))
    assert entry is not None and entry.id == "usa-ssa-oig" and entry.parent == "usa-ssa"
