"""The curated knowledge base: agencies, countries, programs, organisations, stop words.

The facts live in the CSV files of ``data/`` (see ``data/README.md``); this module
only reads, checks and indexes them. ``load_kb()`` is cached, so every stage of a
process shares one ``KnowledgeBase``.

Surface forms are compared after ``normalize()``: casefold, one style of quotes,
apostrophes and dashes, collapsed whitespace, no leading "the", no possessive
"'s", no trailing acronym in brackets ("Federal Bureau of Investigation (FBI)"), one
spelling for "cyber crime"/"cybercrime" and British/American words ("centre"/"center"),
and "Office of the Inspector General" is "Office of Inspector General".
Acronyms (2-6 capitals or digits, e.g. "FBI", "US", "EC3") are compared exactly, so
the country "US" is not the pronoun "us".
"""
from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

ENTRY_KINDS = ("agency", "country", "program", "organization")
AGENCY_CATEGORIES = frozenset({
    "police", "gendarmerie", "ministry", "justice", "prosecution", "border", "customs",
    "intelligence", "financial", "military", "international", "development", "regulator",
    "embassy", "court", "other",
})
ORGANIZATION_CATEGORIES = frozenset({"vendor", "ngo", "media", "company", "platform"})
PROGRAM_CATEGORIES = frozenset({"program", "operation", "system", "initiative", "training"})
COUNTRY_FILE_COLUMNS = ("iso3", "name", "aliases", "demonyms")
AGENCY_FILE_COLUMNS = ("id", "name", "kind", "country", "parent", "category", "aliases")
ORGANIZATION_FILE_COLUMNS = ("id", "name", "kind", "country", "category", "aliases")
PROGRAM_FILE_COLUMNS = ("id", "name", "kind", "country", "parent", "aliases")
ALIAS_FILE_COLUMNS = ("alias", "id")


class KnowledgeBaseError(ValueError):
    """A data file of the knowledge base is malformed; the message names file and line."""


@dataclass(frozen=True, slots=True)
class KbEntry:
    id: str
    name: str
    kind: str                        # one of ENTRY_KINDS
    country: str | None              # ISO 3166-1 alpha-3 (home country), None if international
    parent: str | None               # id of the parent entry (a unit's agency, a program's owner)
    category: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SurfaceForm:
    """One literal string that names an entry, for a spaCy PhraseMatcher or EntityRuler."""

    text: str
    entry_id: str
    kind: str
    case_sensitive: bool             # match on ORTH (acronyms, one-word names), not LOWER


# --------------------------------------------------------------------------- normalisation

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u00b4": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
    "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
})
_POSSESSIVE = re.compile(r"(?<=\w)'s?(?=\W|$)")
_TRAILING_ACRONYM = re.compile(r"\s*\((?=(?:[^)]*[A-Z]){2})[A-Z0-9./&-]{2,12}\)?\s*$")
_SPACES = re.compile(r"\s+")
_JOINED_PREFIX = re.compile(r"\b(anti|counter|cyber|co)[\s-](?=[a-z]{3})")
_AMERICAN = {"centre": "center", "centres": "centers", "organised": "organized",
             "organisation": "organization", "organisations": "organizations",
             "defence": "defense", "programme": "program", "programmes": "programs"}
_BRITISH = re.compile(r"\b(" + "|".join(_AMERICAN) + r")\b")
_SPELLINGS = [
    ("Cybercrime", "Cyber Crime"), ("Counterterrorism", "Counter Terrorism"),
    ("Counterterrorism", "Counter-Terrorism"), ("Anti-Corruption", "Anticorruption"),
    ("Organized", "Organised"), ("Center", "Centre"), ("Defense", "Defence"),
    ("Programme", "Program"),
    ("Office of the Inspector General", "Office of Inspector General"),
]
_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Z0-9]{2,6}$")
_EDGE_PUNCT = " \t\n\"'[]{},;:"


def _strip_edges(text: str) -> str:
    """Edge punctuation off; brackets too, unless they are balanced ("Cocos (Keeling) Islands")."""
    text = text.strip(_EDGE_PUNCT)
    if text.count("(") != text.count(")") or (text.startswith("(") and text.endswith(")")):
        text = text.strip(_EDGE_PUNCT + "()")
    return text


def unify_punctuation(text: str) -> str:
    """One style of quotes, apostrophes, dashes and spaces; whitespace collapsed."""
    return _SPACES.sub(" ", text.translate(_QUOTES)).strip()


def is_acronym(surface: str) -> bool:
    """2-6 capitals or digits with at least two capitals: compared case-sensitively."""
    return bool(_ACRONYM.match(surface.strip()))


@functools.lru_cache(maxsize=262144)
def normalize(surface: str) -> str:
    """The comparison key of a surface form (see the module docstring)."""
    text = unify_punctuation(surface)
    stripped = _TRAILING_ACRONYM.sub("", text)   # "Federal Bureau of Investigation (FBI)"
    if _strip_edges(stripped):
        text = stripped
    text = _POSSESSIVE.sub("", _strip_edges(text))
    text = text.replace(" & ", " and ").casefold()
    text = _JOINED_PREFIX.sub(r"\1", text)       # "cyber crime", "cyber-crime" = "cybercrime"
    text = _BRITISH.sub(lambda m: _AMERICAN[m.group(0)], text)   # "centre" = "center"
    text = text.replace("office of the inspector general", "office of inspector general")
    if text.startswith("the "):
        text = text[4:]
    return _strip_edges(_SPACES.sub(" ", text))


# "the Republic of Iceland", "Kingdom of Spain": a formal style around a country's name
_FORMAL_STYLE = re.compile(r"^(?:the\s+)?(?:(?:federal|democratic|islamic|socialist|people['’]s)"
                           r"\s+)*(?:republic|kingdom|principality|grand duchy)"
                           r"\s+of\s+(?:the\s+)?(.+)$", re.IGNORECASE)


@functools.lru_cache(maxsize=262144)
def _key(surface: str) -> tuple[bool, str]:
    """(case_sensitive, key): acronyms keep their case, everything else is normalised."""
    stripped = _strip_edges(unify_punctuation(surface))
    if stripped.startswith(("the ", "The ")):
        stripped = stripped[4:]
    stripped = _POSSESSIVE.sub("", stripped)
    if is_acronym(stripped):
        return True, stripped
    return False, normalize(surface)


# the states of the United States (and D.C., Puerto Rico, "South Jersey"), casefolded; some
# share a name or a word with a country ("Georgia", "New Jersey")
US_STATES = frozenset("""alabama alaska arizona arkansas california colorado connecticut
delaware florida georgia hawaii idaho illinois indiana iowa kansas kentucky louisiana maine
maryland massachusetts michigan minnesota mississippi missouri montana nebraska nevada
ohio oklahoma oregon pennsylvania tennessee texas utah vermont virginia washington
wisconsin wyoming""".split()) | frozenset({
    "new hampshire", "new jersey", "new mexico", "new york", "north carolina",
    "north dakota", "rhode island", "south carolina", "south dakota", "west virginia",
    "south jersey", "north jersey", "district of columbia", "puerto rico"})


def starts_with_us_state(folded: str) -> str | None:
    """The U.S. state a casefolded name begins with, when more words follow it
    ("missouri department of revenue" -> "missouri"), else None."""
    words = folded.split()
    for n in (3, 2, 1):
        if len(words) > n and " ".join(words[:n]) in US_STATES:
            return " ".join(words[:n])
    return None


# --------------------------------------------------------------------------- reading files

def _split(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _rows(path: Path, columns: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; '#' lines and blank lines are skipped."""
    if not path.exists():
        raise KnowledgeBaseError(f"{path}: file missing")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header: list[str] | None = None
        for record in reader:
            line = reader.line_num
            if not record or not any(cell.strip() for cell in record):
                continue
            if record[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
                missing = [c for c in columns if c not in header]
                if missing:
                    raise KnowledgeBaseError(
                        f"{path.name} line {line}: header lacks column(s) {', '.join(missing)}")
                continue
            if len(record) != len(header):
                raise KnowledgeBaseError(
                    f"{path.name} line {line}: {len(record)} fields, expected {len(header)}"
                    " (quote a value that contains a comma)")
            yield line, {h: cell.strip() for h, cell in zip(header, record)}


def _read_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        text = raw.strip()
        if text and not text.startswith("#"):
            lines.append(text)
    return lines


# --------------------------------------------------------------------------- the knowledge base

@dataclass(slots=True)
class _Claim:
    entry_id: str
    where: str                       # "file line N", for error messages
    generated: bool                  # derived by a word-order rule, not written by a person


class KnowledgeBase:
    """Indexed, validated entries; build it with ``load_kb()``."""

    def __init__(self, *, entries: list[KbEntry], countries: dict[str, Country], version: str,
                 stoplist: Iterable[str], overrides: dict[tuple[bool, str], tuple[str, ...]],
                 index: dict[tuple[bool, str], tuple[str, ...]],
                 scoped: dict[tuple[str, str], str], path: Path,
                 derived: dict[str, list[str]] | None = None,
                 override_texts: dict[tuple[bool, str], str] | None = None):
        self.entries = entries
        self._derived = derived or {}     # entry id -> word-order variants of its names
        self._override_texts = override_texts or {}   # aliases.csv key -> alias as written
        self.by_id: dict[str, KbEntry] = {e.id: e for e in entries}
        self.countries = countries
        self.version = version
        self.path = path
        self._stop = frozenset(normalize(s) for s in stoplist)
        self._overrides = overrides
        self._index = index
        self._scoped = scoped
        self._country_keys = {
            key: ids[0] for key, ids in index.items()
            if len(ids) == 1 and self.by_id[ids[0]].kind == "country"
        }
        for key, ids in overrides.items():
            if len(ids) == 1 and self.by_id[ids[0]].kind == "country":
                self._country_keys[key] = ids[0]

    def __repr__(self) -> str:
        return f"<KnowledgeBase {self.version}: {len(self.entries)} entries>"

    # lookups ---------------------------------------------------------------
    def candidates(self, surface: str) -> list[KbEntry]:
        """Every entry the surface form may name (more than one when it is ambiguous)."""
        key = _key(surface)
        ids = self._overrides.get(key) or self._index.get(key) or ()
        return [self.by_id[i] for i in ids]

    def lookup(self, surface: str, *, country: str | None = None,
               kinds: Sequence[str] | None = None) -> KbEntry | None:
        """The one entry this surface form names, or None when unknown or ambiguous.

        ``country`` (ISO3, e.g. the country the document is about) resolves names that
        several countries use ("Police Nationale", listed in aliases.csv, whose first id
        is the default) and generic names of national bodies ("National Police",
        "Ministry of Interior") derived from the entries' names.
        """
        key = _key(surface)
        found = self.candidates(surface)
        if kinds is not None:
            found = [e for e in found if e.kind in kinds]
        if country and found:
            local = [e for e in found if e.country == country]
            if local:
                found = local
            elif all(e.country for e in found):
                scoped = self._scoped_entry(surface, country, kinds)
                if scoped is not None:   # "Police Nationale" in a Burkinabe text
                    return scoped
        if len(found) == 1:
            return found[0]
        if len(found) > 1 and key in self._overrides:
            return found[0]          # aliases.csv: the first id is the default
        if not found and country:
            return self._scoped_entry(surface, country, kinds)
        return None

    def _scoped_entry(self, surface: str, country: str,
                      kinds: Sequence[str] | None) -> KbEntry | None:
        entry_id = self._scoped.get((normalize(surface), country))
        if entry_id and (kinds is None or self.by_id[entry_id].kind in kinds):
            return self.by_id[entry_id]
        return None

    def country_code(self, surface: str) -> str | None:
        """ISO 3166-1 alpha-3 of a country name, alias, demonym or adjective; a state's
        formal style ("the Republic of Iceland", "Kingdom of Spain") names it too."""
        code = self._country_keys.get(_key(surface))
        if code is None:
            formal = _FORMAL_STYLE.match(surface.strip())
            if formal:
                code = self._country_keys.get(_key(formal.group(1)))
        return code

    def is_stopword(self, surface: str) -> bool:
        """True for surface forms that are never entities (menu words, titles, slogans)."""
        return normalize(surface) in self._stop

    def ambiguous_aliases(self) -> list[tuple[str, tuple[str, ...]]]:
        """Names two entries share without a rule in aliases.csv (lookup() gives None)."""
        return [(key[1], ids) for key, ids in self._index.items()
                if len(ids) > 1 and key not in self._overrides]

    def children(self, entry_id: str) -> list[KbEntry]:
        return [e for e in self.entries if e.parent == entry_id]

    def ancestors(self, entry_id: str) -> list[KbEntry]:
        """Parent, grandparent, ... of an entry (nearest first)."""
        chain: list[KbEntry] = []
        current = self.by_id.get(entry_id)
        while current is not None and current.parent and len(chain) < 20:
            current = self.by_id.get(current.parent)
            if current is not None:
                chain.append(current)
        return chain

    # patterns for spaCy ------------------------------------------------------
    def phrase_patterns(self, kinds: Sequence[str] | None = None) -> list[SurfaceForm]:
        """Literal surface forms that name exactly one entry, for a PhraseMatcher.

        ``case_sensitive`` forms (acronyms and one-word names) belong in a matcher on
        ORTH, the others in a matcher on LOWER. Derived word orders and both quote styles
        (’ and ') are included, since a matcher does not normalise; ambiguous forms and
        the stop list are left out. A form shared through aliases.csv carries its
        default entry: re-resolve it with ``lookup(text, country=...)``.
        """
        forms: dict[tuple[str, str], SurfaceForm] = {}
        for entry in self.entries:
            if kinds is not None and entry.kind not in kinds:
                continue
            surfaces = [entry.name, *entry.aliases, *self._derived.get(entry.id, ())]
            if entry.kind == "country":
                surfaces += list(self.countries[entry.id].demonyms)
            for surface in surfaces:
                if self.lookup(surface) is not entry or self.is_stopword(surface):
                    continue
                for text, sensitive in _matcher_variants(surface):
                    forms.setdefault((text, entry.id), SurfaceForm(text, entry.id, entry.kind,
                                                                   sensitive))
        for key, ids in self._overrides.items():
            if len(ids) == 1 and (kinds is None or self.by_id[ids[0]].kind in kinds):
                entry = self.by_id[ids[0]]
                written = self._override_texts.get(key, key[1])
                if written.lower().startswith("the "):
                    written = written[4:]
                for text, sensitive in _matcher_variants(written):
                    forms.setdefault((text, entry.id), SurfaceForm(text, entry.id, entry.kind,
                                                                   sensitive))
        return list(forms.values())

    def entity_ruler_patterns(self, nlp, kinds: Sequence[str] | None = None,
                              labels: dict[str, str] | None = None) -> list[dict]:
        """Patterns for spaCy's EntityRuler (label = kind upper-cased unless ``labels``).

        Case-insensitive forms become ``LOWER`` token patterns, acronyms and one-word
        names ``ORTH`` patterns, all tokenised with ``nlp`` so pattern and text agree.
        """
        labels = labels or {}
        patterns = []
        for form in self.phrase_patterns(kinds):
            attr = "ORTH" if form.case_sensitive else "LOWER"
            tokens = [t.text if form.case_sensitive else t.lower_ for t in nlp.make_doc(form.text)]
            patterns.append({
                "label": labels.get(form.kind, form.kind.upper()),
                "pattern": [{attr: t} for t in tokens],
                "id": form.entry_id,
            })
        return patterns


def _matcher_variants(surface: str) -> list[tuple[str, bool]]:
    """(text, case_sensitive) forms of one alias for a matcher that does not normalise.

    Acronyms and one-word names ("Signal", "Chad", "Europol") must keep their case,
    otherwise the ordinary words "signal" or "chad" would match; their all-capitals
    form is added for headlines. Longer names match in any case.
    """
    text = unify_punctuation(surface)
    if is_acronym(text):
        return [(v, True) for v in _quote_variants(text)]
    if " " not in text:
        variants = dict.fromkeys([*_quote_variants(text), *_quote_variants(text.upper())])
        if _WORD_HYPHEN.search(text):       # "IRS-CI" is also written "IRS–CI"
            variants.update(dict.fromkeys(_WORD_HYPHEN.sub(dash, v) for v in list(variants)
                                          for dash in ("\u2014", "\u2013")))
        return [(v, True) for v in variants]
    spellings = [surface]
    for one, other in _SPELLINGS:      # the matcher does not know these are the same word
        for form in list(spellings):
            if one in form:
                spellings.append(form.replace(one, other))
            elif other in form:
                spellings.append(form.replace(other, one))
    for form in list(spellings):   # "Service-Criminal" is also written "Service—Criminal"
        if _WORD_HYPHEN.search(form):
            spellings += [_WORD_HYPHEN.sub(dash, form) for dash in ("\u2014", "\u2013")]
    for form in list(spellings):   # "Firearms and Explosives" is also "Firearms & Explosives"
        if _AND.search(form):
            spellings.append(_AND.sub(" & ", form))
        elif " & " in form:
            spellings.append(form.replace(" & ", " and "))
    return [(v, False) for form in dict.fromkeys(spellings) for v in _quote_variants(form)]


_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_AND = re.compile(r" and ", re.IGNORECASE)


def _quote_variants(surface: str) -> list[str]:
    texts = [surface]
    if "'" in surface:
        texts.append(surface.replace("'", "\u2019"))
    if "\u2019" in surface:
        texts.append(surface.replace("\u2019", "'"))
    return texts


# --------------------------------------------------------------------------- building

_OF_PLACE = re.compile(r" (?:of|de|del|de la|du|da|do|des|di|della|van|von) (?:the |la |l'|le )?",
                       re.IGNORECASE)


def _usable_place(alias: str) -> bool:
    """Short, Latin-script other names ("Holland", "U.S."), not acronyms or official titles."""
    return (not is_acronym(alias) and len(alias.split()) <= 2 and alias.isascii()
            and not alias.lower().startswith(("republic", "kingdom", "state of", "the ")))


def _split_of_place(text: str, place_keys: set[str]) -> str | None:
    """The core of "<core> of <place>" when <place> is one of ``place_keys``."""
    for match in _OF_PLACE.finditer(text):
        if normalize(text[match.end():]) in place_keys:
            return text[:match.start()]
    return None


def _word_order_variants(entry: KbEntry, country: Country) -> tuple[list[str], list[str]]:
    """Other word orders of an agency's names: ("National Police of Ukraine",
    "Ukrainian National Police", "Ukraine National Police"), and the generic core
    ("National Police") that names the entry once the country is known."""
    places = [country.name, *[a for a in country.aliases if _usable_place(a)]][:3]
    demonyms = set(country.demonyms)
    adjectives = [d for d in country.demonyms
                  if not (d.endswith("s") and d[:-1] in demonyms)][:3]   # not "Ukrainians"
    place_keys = {normalize(p) for p in (country.name, *country.aliases)}
    variants: list[str] = []
    cores: list[str] = []
    for alias in (entry.name, *entry.aliases):
        if is_acronym(alias):
            continue
        text = unify_punctuation(alias)
        core = _split_of_place(text, place_keys)
        qualified = _QUALIFIER.match(text)
        if core is None and qualified and normalize(qualified.group(2)) in place_keys:
            core = qualified.group(1)    # "Ministry of Justice (Israel)"
        if core is None:
            for place in places:             # "Department of Justice Canada"
                if len(text) > len(place) + 1 and normalize(text).endswith(" " + normalize(place)):
                    core = text[:len(text) - len(place)].strip()
                    break
        if core is None:
            for prefix in sorted(places + adjectives, key=len, reverse=True):
                for candidate in (prefix + "'s ", prefix + " "):
                    if text.casefold().startswith(candidate.casefold()):
                        core = text[len(candidate):]
                        break
                if core:
                    break
        if not core or len(core) < 4:
            continue
        for form in _core_forms(core):
            cores.append(form)
            variants += [f"{form} of {p}" for p in places[:2]]
            variants += [f"{p} {form}" for p in places[:2]]
            variants += [f"{p}'s {form}" for p in places[:2]]
            variants += [f"{a} {form}" for a in adjectives]
    return variants, cores


# One-word generic names that do name a national body once the country is known.
# ("Police" or "Embassy" alone are left out: in a U.S. release "police" is the local
# force, and "the Embassy" is as often the other country's.)
_INSTITUTION_WORDS = frozenset({
    "gendarmerie", "carabinieri", "politie", "policija", "politsiya", "douane", "cyberpolice",
    "militia",
})


def _generic_core(core: str) -> bool:
    """A core worth resolving with the text's country: several words, an acronym, or an
    institution word ("Gendarmerie"); not an ordinary word like "Expertise" or "Mission"."""
    text = unify_punctuation(core)
    return " " in text or is_acronym(text) or normalize(text) in _INSTITUTION_WORDS


_QUALIFIER = re.compile(r"^(.+?) \(([^()]+)\)$")
_MINISTRY_OF = re.compile(r"^(Ministry|Department) of (?:the )?(.+)$", re.IGNORECASE)


def _core_forms(core: str) -> list[str]:
    """A generic name and its usual rewordings: "Ministry of the Interior",
    "Ministry of Interior", "Interior Ministry"."""
    forms = [core]
    match = _MINISTRY_OF.match(core)
    if match and " " not in match.group(2).strip():
        kind, topic = match.group(1).title(), match.group(2)
        forms.append(f"{topic} {kind}")
        if topic.lower() == "interior":
            forms += [f"{kind} of Interior", f"{kind} of the Interior"]
    return list(dict.fromkeys(forms))


_USAO_NAME = "U.S. Attorney's Office for the "


def _office_head_titles(row: dict[str, str]) -> tuple[str, ...]:
    """"The United States Attorney for the Southern District of New York, Jay Clayton":
    the title of a U.S. Attorney's Office's head names the office, as the gold files
    name it, and the office is who thanks or praises when its head does."""
    if row["parent"] != "usa-doj-usao" or not row["name"].startswith(_USAO_NAME):
        return ()
    district = row["name"][len(_USAO_NAME):]
    return (f"U.S. Attorney for the {district}", f"United States Attorney for the {district}")


def _validate_country(value: str, countries: dict[str, Country], where: str) -> str | None:
    if not value:
        return None
    if value not in countries:
        raise KnowledgeBaseError(f"{where}: unknown country code {value!r}"
                                 " (use an ISO 3166-1 alpha-3 code listed in countries.csv)")
    return value


def _build(path: Path) -> KnowledgeBase:
    version_file = path / "VERSION"
    version = version_file.read_text(encoding="utf-8").strip() if version_file.exists() else ""
    if not version:
        raise KnowledgeBaseError(f"{version_file}: missing or empty VERSION")

    countries: dict[str, Country] = {}
    entries: list[KbEntry] = []
    origin: dict[str, str] = {}
    country_rows: list[tuple[str, Country]] = []

    for line, row in _rows(path / "countries.csv", COUNTRY_FILE_COLUMNS):
        where = f"countries.csv line {line}"
        iso3 = row["iso3"]
        if not re.fullmatch(r"[A-Z]{3}", iso3):
            raise KnowledgeBaseError(f"{where}: {iso3!r} is not an alpha-3 code")
        if iso3 in countries:
            raise KnowledgeBaseError(f"{where}: duplicate country {iso3} (first at {origin[iso3]})")
        if not row["name"]:
            raise KnowledgeBaseError(f"{where}: empty name")
        country = Country(iso3, row["name"], _split(row["aliases"]), _split(row["demonyms"]))
        countries[iso3] = country
        origin[iso3] = where
        country_rows.append((where, country))
        entries.append(KbEntry(iso3, country.name, "country", iso3, None, None,
                               (*country.aliases, *country.demonyms)))

    pending_parents: list[tuple[str, str, str]] = []

    def add(entry: KbEntry, where: str) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", entry.id):
            raise KnowledgeBaseError(f"{where}: id {entry.id!r} must be lower-case letters, "
                                     "digits, '.', '_' or '-'")
        if entry.id in origin:
            raise KnowledgeBaseError(f"{where}: duplicate id {entry.id!r} "
                                     f"(first at {origin[entry.id]})")
        if not entry.name:
            raise KnowledgeBaseError(f"{where}: empty name")
        origin[entry.id] = where
        entries.append(entry)
        if entry.parent:
            pending_parents.append((entry.id, entry.parent, where))

    for line, row in _rows(path / "agencies.csv", AGENCY_FILE_COLUMNS):
        where = f"agencies.csv line {line}"
        if row["kind"] != "agency":
            raise KnowledgeBaseError(f"{where}: kind must be 'agency', not {row['kind']!r}")
        if row["category"] not in AGENCY_CATEGORIES:
            raise KnowledgeBaseError(f"{where}: unknown category {row['category']!r} "
                                     f"(one of {', '.join(sorted(AGENCY_CATEGORIES))})")
        add(KbEntry(row["id"], row["name"], "agency",
                    _validate_country(row["country"], countries, where), row["parent"] or None,
                    row["category"], (*_split(row["aliases"]), *_office_head_titles(row))),
            where)

    for line, row in _rows(path / "organizations.csv", ORGANIZATION_FILE_COLUMNS):
        where = f"organizations.csv line {line}"
        if row["kind"] != "organization":
            raise KnowledgeBaseError(f"{where}: kind must be 'organization', not {row['kind']!r}")
        if row["category"] not in ORGANIZATION_CATEGORIES:
            raise KnowledgeBaseError(f"{where}: unknown category {row['category']!r} "
                                     f"(one of {', '.join(sorted(ORGANIZATION_CATEGORIES))})")
        add(KbEntry(row["id"], row["name"], "organization",
                    _validate_country(row["country"], countries, where), None,
                    row["category"], _split(row["aliases"])), where)

    for line, row in _rows(path / "programs.csv", PROGRAM_FILE_COLUMNS):
        where = f"programs.csv line {line}"
        if row["kind"] != "program":
            raise KnowledgeBaseError(f"{where}: kind must be 'program', not {row['kind']!r}")
        category = row.get("category") or None
        if category is not None and category not in PROGRAM_CATEGORIES:
            raise KnowledgeBaseError(f"{where}: unknown category {category!r} "
                                     f"(one of {', '.join(sorted(PROGRAM_CATEGORIES))})")
        add(KbEntry(row["id"], row["name"], "program",
                    _validate_country(row["country"], countries, where), row["parent"] or None,
                    category, _split(row["aliases"])), where)

    for entry_id, parent, where in pending_parents:
        if parent not in origin:
            raise KnowledgeBaseError(f"{where}: unknown parent id {parent!r} of {entry_id!r}")
        if parent == entry_id:
            raise KnowledgeBaseError(f"{where}: {entry_id!r} is its own parent")

    # aliases.csv: one id = this alias always names that entry; several ids (a|b|c) =
    # the alias is knowingly shared, and lookup(country=...) chooses.
    overrides: dict[tuple[bool, str], tuple[str, ...]] = {}
    override_where: dict[tuple[bool, str], str] = {}
    override_texts: dict[tuple[bool, str], str] = {}
    for line, row in _rows(path / "aliases.csv", ALIAS_FILE_COLUMNS):
        where = f"aliases.csv line {line}"
        ids = _split(row["id"])
        if not row["alias"] or not ids:
            raise KnowledgeBaseError(f"{where}: alias and id are both required")
        for entry_id in ids:
            if entry_id not in origin:
                raise KnowledgeBaseError(f"{where}: unknown id {entry_id!r}")
        key = _key(row["alias"])
        if key in overrides:
            raise KnowledgeBaseError(f"{where}: alias {row['alias']!r} already listed at "
                                     f"{override_where[key]}; list all its ids on one row")
        overrides[key] = ids
        override_where[key] = where
        override_texts[key] = row["alias"]

    by_id = {e.id: e for e in entries}
    claims: dict[tuple[bool, str], list[_Claim]] = defaultdict(list)
    scoped: dict[tuple[str, str], str] = {}
    derived: dict[str, list[str]] = {}
    for entry in entries:
        where = origin[entry.id]
        for surface in dict.fromkeys((entry.name, *entry.aliases)):
            key = _key(surface)
            if not key[1]:
                raise KnowledgeBaseError(f"{where}: empty alias in {entry.id!r}")
            if all(c.entry_id != entry.id for c in claims[key]):
                claims[key].append(_Claim(entry.id, where, False))
        if entry.kind == "agency" and entry.country:
            variants, cores = _word_order_variants(entry, countries[entry.country])
            derived[entry.id] = variants
            for surface in variants:
                key = _key(surface)
                if all(c.entry_id != entry.id for c in claims[key]):
                    claims[key].append(_Claim(entry.id, where, True))
            for core in cores:
                if _generic_core(core):
                    scoped.setdefault((normalize(core), entry.country), entry.id)

    index: dict[tuple[bool, str], tuple[str, ...]] = {}
    conflicts: list[str] = []
    for key, found in claims.items():
        written = [c for c in found if not c.generated]
        if len(written) > 1 and key not in overrides:
            homes = {by_id[c.entry_id].country for c in written}
            if len(homes) > 1:
                places = "; ".join(f"{c.entry_id} ({c.where})" for c in written)
                conflicts.append(f"alias {key[1]!r} is claimed by {places}")
                continue
        chosen = written or found
        if len(chosen) > 1 and not written and key not in overrides:
            continue                 # two generated variants collide: neither is trusted
        index[key] = tuple(c.entry_id for c in chosen)
    if conflicts:
        raise KnowledgeBaseError(
            "aliases shared by entries of different countries; rename one, or list the alias "
            "in aliases.csv with the right id (or all ids, a|b, when it is truly shared):\n  "
            + "\n  ".join(conflicts))

    stoplist = _read_lines(path / "stoplist.txt")
    return KnowledgeBase(entries=entries, countries=countries, version=version,
                         stoplist=stoplist, overrides=overrides, index=index, scoped=scoped,
                         path=path, derived=derived, override_texts=override_texts)


@functools.lru_cache(maxsize=4)
def _load_cached(path: Path) -> KnowledgeBase:
    return _build(path)


def load_kb(path: str | Path | None = None) -> KnowledgeBase:
    """The knowledge base in ``path`` (default: the files shipped with the package), cached."""
    return _load_cached(Path(path).resolve() if path else DATA_DIR)


def kb_version(path: str | Path | None = None) -> str:
    return load_kb(path).version


__all__ = [
    "Country", "KbEntry", "KnowledgeBase", "KnowledgeBaseError", "SurfaceForm", "load_kb",
    "kb_version", "normalize", "is_acronym", "unify_punctuation", "DATA_DIR",
]
