"""Document -> mentions, canonical entities and dates (spaCy + the knowledge base).

Domain knowledge enters spaCy as two registered components, configured in one
place (``COMPONENTS``):

- ``corpus_knowledge``: PhraseMatchers fed from the knowledge base's surface forms
  (case-insensitive names, case-sensitive acronyms) put candidate spans in
  ``doc.spans["corpus_kb"]`` (label = kind, ``kb_id_`` = entry id);
- ``corpus_resolver``: finds unknown agencies, units, programs and organisations by
  their shape ("... Police", "Office of ...", "Operation X", "... Inc."), drops page
  furniture (menu lines, teaser tails), reads acronym definitions ("Federal Bureau of
  Investigation (FBI)"), and resolves every span to a canonical key, so "Israel
  Police" and "the National Police of Israel" are one entity in every document.

Entity ids are ``stable_id(kind, key)``: the key is the knowledge-base id for known
entries, the ISO 3166-1 alpha-3 code for countries, and ``country|parent|core words``
for entities the knowledge base does not know, so batches run anywhere agree.
"""
from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from corpus.config import Settings
from corpus.dates import DATES_VERSION, find_dates
from corpus.knowledge import US_STATES, starts_with_us_state
from corpus.records import (DateMention, Entity, Extraction, Mention, Rejection, canonical_name,
                            stable_id)

EXTRACT_VERSION = "16"         # bump when the rules change, so databases re-extract
STAGE = "extract"

# One place to configure the domain components (a user swaps the KB by path here or
# in settings.extra["kb_path"]).
COMPONENTS: dict[str, dict[str, Any]] = {
    "corpus_knowledge": {"kb_path": None},
    "corpus_resolver": {"kb_path": None, "menu_max_words": 8, "tail_after": 0.3},
}
PIECE_CHARS = 100_000          # a document is parsed in pieces of at most this size
FULL_NLP_CHARS = 300_000       # beyond this, only the matchers run (no parser, no NER)

# ------------------------------------------------------------------ word lists (shape rules)
AGENCY_HEADS = frozenset("""
police policía policia polícia polizia polizei politie policja politi poliisi polis
gendarmerie gendarmería carabinieri guardia bureau directorate direction dirección
direção directorate-general unit unidad unité agency agence agencia ministry ministère
ministerio ministério department departamento office service servicio command division
section centre center cell squad squadra brigade brigada force taskforce commission authority
administration prosecutor prosecution procuratorate procuraduría fiscalía parquet
inspectorate guard secretariat academy embassy consulate customs groupe gruppo grupo
corps marshals constabulary judiciaire team
""".split())
LEADING_HEADS = frozenset("""
groupe brigade brigada squadra direction dirección direção unidad unité agence agencia
ministère ministerio ministério policía polícia polizia gendarmerie gendarmería guardia fiscalía
procuraduría office bureau ministry department directorate agency division command
centre center unit service
""".split())
# German compounds end in the head word: "Kantonspolizei Thurgau", "Zentrale
# Kriminalinspektion Göttingen", "Landeskriminalamt"; they take a place after them as the
# police words do
COMPOUND_HEAD_ENDINGS = ("polizei", "kriminalamt", "inspektion", "staatsanwaltschaft",
                         "präsidium", "direktion")
PROGRAM_HEADS = frozenset("""
program programme course training system initiative workshop seminar exercise strategy
curriculum
""".split())
PROGRAM_LEADS = frozenset({"operation", "project", "operación", "opération", "operação",
                           "operazione", "operatie"})
ORG_HEADS = frozenset("""
inc inc. corp corp. corporation llc l.l.c. ltd ltd. limited co. company group holdings bank
foundation association institute university college times post news journal tribune
herald gazette technologies solutions labs laboratories society coalition exchange
airlines partners gmbh s.a. ag plc centers
""".split())
CONNECTORS = frozenset("""of for and & de la le du des del da do di on against the y e
für der van von l' d' en aux""".split())
# a name that ends in these plurals is several bodies, not one
COLLECTIVE_HEADS = frozenset({"departments", "offices", "agencies"})
# the last words of a field unit's name: "New York Field Office", "Miami Field Division"
FIELD_UNITS = ("field office", "field division", "resident agency", "resident office")
# a possessive after these words is part of the name ("U.S. Attorney's Office")
POSSESSIVE_KEEP = frozenset("""attorney attorneys prosecutor prosecutors general sheriff
marshal marshals inspector controller commissioner people children""".split())
LEAD_STRIP = frozenset("""the a an on in at for with by from this that these those last
under according as after before during today yesterday both its their his her our each
when while since if and but or to of also then said says new former acting assistant
deputy special chief director head senior""".split())
# title words that also begin names: "Special Prosecution of the Republic of Kosova",
# "Chief Technology Office", "New York Department of Taxation" keep them; "Special Agent",
# "Chief Prosecutor" (a person's title) do not
NAME_ADJECTIVES = frozenset("""special chief senior new""".split())
MONTH_WORDS = frozenset("""january february march april may june july august september
october november december monday tuesday wednesday thursday friday saturday sunday""".split())
# adjectives that make "National Police" generic: it names a body only with a country
GENERIC_WORDS = frozenset("""national federal state local border judicial municipal military
civil general central public traffic tourist metropolitan city special
criminal investigation investigations regional provincial county the""".split())
PERSON_TITLES = frozenset("""director chief commissioner attorney general agent officer
minister secretary ambassador president deputy assistant spokesperson spokesman
superintendent inspector sergeant captain lieutenant colonel judge rector mayor prime
head martyrs members member""".split())
# words after "Chief"/"Special"/"Senior" that make a person's title, not a name
NAME_TITLE_WORDS = frozenset("""agent agents officer officers prosecutor prosecutors
attorney attorneys investigator investigators counsel executive justice constable
constables analyst analysts adviser advisor advisers advisors correspondent""".split())
TAIL_MARKERS = re.compile(
    r"^(?:##\s*Extraction Notes|Related Content|Related Stories|Related News|Related Links|"
    r"Related Press Releases|Recent Press Releases|More Press Releases|More News|"
    r"Previous|Next|Updated:?\s+\w+\.?\s+\d{1,2},\s+\d{4}|Updated:?\s+\d{1,2}/\d{1,2}/\d{4}|Component\(s\):?|Components:?|"
    r"Topics?:?|Read More|Most Recent|Similar Stories|Press Release Archive)\s*$",
    re.IGNORECASE)
_VERBISH = re.compile(r"\b(?:is|are|was|were|has|have|had|will|said|says|to|be|been)\b")
_ACRONYM_TOKEN = re.compile(r"^[A-Z][A-Za-z0-9&\-]{1,9}$")
_TRAILING_BRACKET = re.compile(r"\s*\([^()]*\)$")
_ROMAN = frozenset({"ii", "iii", "iv", "vi", "vii", "viii", "ix"})     # not "i", "v", "x"
_QUOTE_OPEN = {"“", '"', "‘", "«"}
_QUOTE_CLOSE = {"”", '"', "’", "»"}


def is_generic(words: Sequence[str]) -> bool:
    """"Police", "National Police", "the Federal Police": a kind of body, not a name."""
    if len(words) == 1:
        return words[0] in AGENCY_HEADS or words[0] in GENERIC_WORDS
    return all(w in GENERIC_WORDS or w in AGENCY_HEADS for w in words) \
        and any(w in GENERIC_WORDS for w in words)


# "District of Columbia Cyber Crime Unit": a place word before "of" keeps the name whole
PLACE_BEFORE_OF = frozenset("""district state commonwealth county city province territory
municipality borough parish republic kingdom principality""".split())
# "a Georgia man", "Georgia-based": a U.S. state used as an adjective
STATE_NOUNS = frozenset("""man woman men women resident residents couple native natives
teen teenager boy girl based business businesses company companies firm doctor physician
lawyer attorney family families home homes""".split())
# "your local ICE Office", "the nearest FBI office": a kind of office, not a name
GENERIC_OFFICE_LEADS = frozenset("""local nearest your any area regional""".split())

LEAD_POS = frozenset({"ADV", "ADP", "DET", "PRON", "SCONJ", "CCONJ", "AUX", "VERB", "PART",
                      "NUM", "INTJ"})


class ExtractError(RuntimeError):
    """A document could not be analysed (the message says why)."""


# ------------------------------------------------------------------ resolved mentions

@dataclass(slots=True)
class Resolved:
    """One span resolved to a canonical entity (character offsets into ``doc.text``)."""

    start: int
    end: int
    text: str
    kind: str
    key: str
    name: str
    country: str | None = None
    kb_id: str | None = None
    parent_key: str | None = None
    parent_kind: str | None = None


def entity_id(kind: str, key: str) -> str:
    return stable_id(kind, key)


def fold(text: str) -> str:
    """Comparison key of a name: no accents, one quote style, case-folded, no "the"."""
    from corpus.knowledge import normalize

    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = normalize(text)
    return re.sub(r"(?<=\b[a-z])\.(?=[a-z]\.|\s|$)", "", text).replace("..", ".")


# ------------------------------------------------------------------ spaCy components

PAREN_MAX_TOKENS = 40          # a longer "parenthesis" is more likely a stray bracket


@Language.component("corpus_parentheses")
def no_break_in_parentheses(doc: Doc) -> Doc:
    """No sentence starts inside a parenthesis or at its closing bracket. A name glossed
    in its own script ("Bulgaria's General Directorate Combating Organized Crime (Главна
    дирекция ...), France's National Police ...") otherwise makes the parser end the
    sentence mid-list, and the rest of the list loses the words that said what it did.
    Nor does one start right after the parenthesis, unless it ends a sentence itself, or
    after a possessive ("U.S. Immigration and Customs Enforcement (ICE)’s | Homeland
    Security Investigations (HSI); U.S. Customs and ...")."""
    opened: int | None = None
    for token in doc:
        if token.tag_ == "POS" and token.i + 1 < len(doc) and "\n" not in token.whitespace_:
            doc[token.i + 1].is_sent_start = False
        if token.text == "(":
            opened = token.i
        elif token.text == ")" and opened is not None:
            if token.i - opened <= PAREN_MAX_TOKENS:
                for inner in doc[opened + 1:token.i + 1]:
                    inner.is_sent_start = False
                if token.i + 1 < len(doc) and "\n" not in token.whitespace_ \
                        and doc[token.i - 1].text not in (".", "!", "?"):
                    # "Homeland Security Investigations (“HSI”) | Chicago-O’Hare, the ..."
                    doc[token.i + 1].is_sent_start = False
            opened = None
    return doc


@Language.factory("corpus_knowledge", default_config={"kb_path": None})
def make_knowledge_matcher(nlp: Language, name: str, kb_path: str | None):
    return KnowledgeMatcher(nlp, kb_path)


class KnowledgeMatcher:
    """Marks every knowledge-base surface form in ``doc.spans["corpus_kb"]``."""

    def __init__(self, nlp: Language, kb_path: str | None = None):
        from corpus.knowledge import load_kb

        self.kb = load_kb(kb_path) if kb_path else load_kb()
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.kinds: dict[str, str] = {}
        lower: dict[str, list[Doc]] = {}
        exact: dict[str, list[Doc]] = {}
        for form in self.kb.phrase_patterns():
            self.kinds[form.entry_id] = form.kind
            target = exact if form.case_sensitive else lower
            target.setdefault(form.entry_id, []).append(nlp.make_doc(form.text))
        for entry_id, docs in lower.items():
            self.lower.add(entry_id, docs)
        for entry_id, docs in exact.items():
            self.exact.add(entry_id, docs)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for matcher in (self.lower, self.exact):
            for match_id, start, end in matcher(doc):
                entry_id = doc.vocab.strings[match_id]
                spans.append(Span(doc, start, end, label=self.kinds[entry_id], kb_id=entry_id))
        doc.spans["corpus_kb"] = spans
        return doc


@Language.factory("corpus_resolver", default_config={"kb_path": None, "menu_max_words": 8,
                                                     "tail_after": 0.3})
def make_resolver(nlp: Language, name: str, kb_path: str | None, menu_max_words: int,
                  tail_after: float):
    return Resolver(kb_path, menu_max_words, tail_after)


@dataclass(slots=True)
class _Cand:
    start: int                      # token offsets
    end: int
    kind: str
    source: str                     # kb, shape, ner, acronym
    kb_id: str | None = None
    priority: int = 0
    owner: int | None = None        # index of the candidate this one belongs to ('s)
    country_hint: str | None = None
    extra: dict = field(default_factory=dict)


class Resolver:
    """Candidate spans -> resolved mentions in ``doc.user_data["corpus_mentions"]``."""

    def __init__(self, kb_path: str | None = None, menu_max_words: int = 8,
                 tail_after: float = 0.3):
        from corpus.knowledge import load_kb

        self.kb = load_kb(kb_path) if kb_path else load_kb()
        self.menu_max_words = menu_max_words
        self.tail_after = tail_after

    # -- page furniture --------------------------------------------------------------
    def title_case_ranges(self, text: str) -> list[tuple[int, int]]:
        """Headline lines (most words capitalised): shape rules do not run there."""
        ranges = []
        pos = 0
        for line in text.splitlines(keepends=True):
            start, pos = pos, pos + len(line)
            words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", line)
                     if w.lower() not in CONNECTORS and w.lower() not in ("a", "an", "in",
                                                                          "at", "to", "by")]
            if 4 <= len(words) <= 30 and not line.rstrip().endswith(".") \
                    and sum(w[0].isupper() for w in words) >= 0.8 * len(words):
                ranges.append((start, pos))
        return ranges

    def boilerplate_ranges(self, text: str) -> list[tuple[int, int]]:
        """Character ranges whose mentions do not count: menu-like lines, teaser tails."""
        ranges: list[tuple[int, int]] = []
        pos = 0
        tail_from = int(len(text) * self.tail_after)
        for line in text.splitlines(keepends=True):
            start, pos = pos, pos + len(line)
            body = line.strip()
            if not body:
                continue
            if start >= tail_from and TAIL_MARKERS.match(body):
                ranges.append((start, len(text)))
                break
            if self.is_menu_line(body):
                ranges.append((start, pos))
        return ranges

    def is_menu_line(self, line: str) -> bool:
        """Short, no verb, no sentence punctuation, title case: a menu item or banner."""
        words = line.split()
        if len(words) > self.menu_max_words:
            return False
        if line[-1] in "!?;,\"”" or line[-1] == "." and len(words) > 3 \
                or _VERBISH.search(line):
            return False
        if line.endswith(":") and len(words) > 3:
            return False
        for word in words:
            w = word.strip("()[]“”\"'’,:|-–")
            if w and w[0].islower() and w.lower() not in CONNECTORS and w.lower() not in {
                    "a", "an", "in", "at", "to", "by", "with", "from", "or", "about", "your",
                    "our", "us", "more", "all", "v.", "vs.", "et", "al", "al."}:
                return False
        return True

    # -- the component -----------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        doc.user_data["corpus_mentions"] = self.resolve(doc)
        return doc

    def resolve(self, doc: Doc) -> list[Resolved]:
        text = doc.text
        doc.user_data["corpus_text"] = text
        skip = self.boilerplate_ranges(text)
        blocked = bytearray(len(text) + 1)
        for a, b in skip:
            blocked[a:b] = b"\x01" * (b - a)

        def live(span_start: int, span_end: int) -> bool:
            return not blocked[doc[span_start].idx]

        header_end = len(text) * 0.25
        headers = set()
        lines = [(m.start(), m.group().strip()) for m in re.finditer(r"[^\n]+", text)
                 if m.group().strip()]
        for (a, line), (_, following) in zip(lines, lines[1:]):
            if a >= header_end:
                break
            if self.is_menu_line(line) and not self.is_menu_line(following):
                headers.add(line)
                headers.add(line.split(",")[0].strip())
        cands: list[_Cand] = []
        for span in doc.spans.get("corpus_kb", []):
            if self.kb.is_stopword(span.text):
                continue
            if not live(span.start, span.end):
                # the publisher's name alone on a header line still names it
                if not (span.label_ in ("agency", "organization") and span.text in headers
                        and span.start_char < header_end):
                    continue
            start = span.start + 1 if doc[span.start].lower_ == "the" and len(span) > 1 \
                else span.start
            cands.append(_Cand(start, span.end, span.label_, "kb", span.kb_id_, 3))
        titled = bytearray(len(text) + 1)
        for a, b in self.title_case_ranges(text):
            titled[a:b] = b"\x01" * (b - a)

        def body(span_start: int, span_end: int) -> bool:
            return live(span_start, span_end) and not titled[doc[span_start].idx]

        kb_agency_ends: dict[int, int] = {}
        for c in cands:
            if c.kind == "agency":
                kb_agency_ends[c.start] = max(kb_agency_ends.get(c.start, 0), c.end)
        cands += self._shape_candidates(doc, body, kb_agency_ends)
        cands += self._quoted_programs(doc, body)
        if doc.has_annotation("ENT_IOB"):
            cands += self._ner_candidates(doc, body)
        chosen = self._choose(doc, cands)
        return self._canonicalise(doc, chosen, live)

    # -- candidates ----------------------------------------------------------------------
    @staticmethod
    def _is_name_token(tok) -> bool:
        t = tok.text
        if not t or tok.is_space or "\n" in t:
            return False
        if t[0].isupper() or t[0].isdigit() and any(c.isupper() for c in t):
            return True
        if len(t) > 2 and t[:2].lower() in ("d’", "d'", "l’", "l'") and t[2:3].isupper():
            return True
        return False

    def _runs(self, doc: Doc, live) -> list[tuple[int, int, int | None]]:
        """Maximal runs of name tokens joined by connectors; (start, end, owner run)."""
        runs: list[tuple[int, int, int | None]] = []
        i, n = 0, len(doc)
        owner: int | None = None
        while i < n:
            if not self._is_name_token(doc[i]):
                owner = None
                i += 1
                continue
            start = i
            j = i + 1
            while j < n:
                tok = doc[j]
                if self._is_name_token(tok):
                    j += 1
                    continue
                low = tok.lower_
                if tok.text in ("-", "‑", "–") and not doc[j - 1].whitespace_ \
                        and not tok.whitespace_ and j + 1 < n \
                        and self._is_name_token(doc[j + 1]):
                    j += 2
                    continue
                if low == "in" and doc[j - 1].lower_ in ("embassy", "consulate") \
                        and j + 1 < n and self._is_name_token(doc[j + 1]):
                    j += 2
                    continue
                if tok.text == "(" and j + 3 < n and self._is_name_token(doc[j + 1]) \
                        and not doc[j + 1].is_upper and doc[j + 2].text == ")" \
                        and self._is_name_token(doc[j + 3]):
                    j += 4
                    continue
                if low in ("on", "against") and doc[j - 1].lower_ not in (
                        AGENCY_HEADS | PROGRAM_HEADS | ORG_HEADS | {
                            "committee", "council", "conference", "group", "force",
                            "working", "forum", "convention"}):
                    break
                if low in ("and", "&") and (j + 1 < n and doc[j + 1].lower_ == "the"
                                            or j + 2 < n and self._nationality(doc[j + 1])
                                            or doc[j - 1].lower_ in AGENCY_HEADS
                                            or doc[j - 1].lower_.endswith(COMPOUND_HEAD_ENDINGS)
                                            or self._ends_with_country(doc, start, j)):
                    break
                if (low in CONNECTORS and j + 1 < n and (self._is_name_token(doc[j + 1])
                        or doc[j + 1].lower_ in ("the", "la", "le", "l'", "l’")
                        and j + 2 < n and self._is_name_token(doc[j + 2]))):
                    j += 1
                    continue
                if low in ("'s", "’s", "'", "’") and doc[j - 1].lower_ in POSSESSIVE_KEEP \
                        and j + 1 < n and self._is_name_token(doc[j + 1]):
                    j += 1
                    continue
                break
            while j > start and doc[j - 1].lower_ in CONNECTORS:
                j -= 1
            if j > start and live(start, j):
                runs.append((start, j, owner))
                owner = len(runs) - 1
            else:
                owner = None
            # a possessive links this run to the next one ("Europol's EC3")
            if j < n and doc[j].lower_ in ("'s", "’s") and j + 1 < n \
                    and self._is_name_token(doc[j + 1]) and owner is not None:
                i = j + 1
                continue
            owner = None
            i = max(j, i + 1)
        return runs

    def _nationality(self, tok) -> bool:
        """"Italian", "German": a nationality word that opens another body's name
        ("Squadra Mobile Di Caserta and Italian National Police")."""
        code = self.kb.country_code(tok.text)
        country = self.kb.countries.get(code) if code else None
        return country is not None and tok.text in country.demonyms

    def _ends_with_country(self, doc: Doc, start: int, end: int) -> bool:
        return any(self.kb.country_code(doc[k:end].text) for k in range(max(start, end - 3), end))

    def _shape_candidates(self, doc: Doc, live,
                          kb_agency_ends: dict[int, int] | None = None) -> list[_Cand]:
        out: list[_Cand] = []
        runs = self._runs(doc, live)
        index_of: dict[int, int] = {}
        person_end_at: dict[int, int] = {}      # token -> end of the PERSON span it starts
        if doc.has_annotation("ENT_IOB"):
            for e in doc.ents:
                if e.label_ == "PERSON":
                    person_end_at[e.start] = e.end
        for r, (start, end, owner) in enumerate(runs):
            persons = [person_end_at[k] for k in range(start, end)
                       if k in person_end_at and person_end_at[k] < end]
            if persons:
                start = max(persons)
            while start < end and not self._name_adjective(doc, start, end) \
                    and (doc[start].lower_ in LEAD_STRIP
                         or doc[start].lower_ in MONTH_WORDS
                         or doc[start].lower_ in CONNECTORS
                         or doc[start].pos_ in LEAD_POS and start + 1 < end
                         and doc[start + 1].lower_ in CONNECTORS):
                start += 1
            start = self._after_title(doc, start, end, kb_agency_ends)
            if start >= end:
                continue
            cand = self._classify(doc, start, end)
            if cand is None:
                continue
            if cand.kind == "agency" and self._generic_local_office(doc, start, end,
                                                                    kb_agency_ends):
                continue
            cand.owner = index_of.get(owner) if owner is not None else None
            if owner is not None and cand.owner is None:
                cand.extra["owner_span"] = (runs[owner][0], runs[owner][1])
            index_of[r] = len(out)
            out.append(cand)
        return out

    def _name_adjective(self, doc: Doc, start: int, end: int) -> bool:
        """A capitalised "Special", "Chief", "Senior" or "New" that begins a name
        ("Special Prosecution of the Republic of Kosova", "Special Investigations and
        Intelligence Unit", "New York Department of Taxation") rather than a person's title
        ("Special Agent", "Chief Prosecutor", "Senior Trial Attorney"): the next word is a
        name word that is no title and no word stripped before names."""
        tok = doc[start]
        if tok.lower_ not in NAME_ADJECTIVES or not tok.text[:1].isupper() \
                or start + 1 >= end:
            return False
        nxt = doc[start + 1]
        low = nxt.lower_
        if not self._is_name_token(nxt) or low in LEAD_STRIP or low in MONTH_WORDS \
                or low in PERSON_TITLES or low in NAME_TITLE_WORDS:
            return False
        # "Special Unit", "Chief Directorate": one head word after it stays a title
        return not (start + 2 == end and low in AGENCY_HEADS)

    @staticmethod
    def _after_title(doc: Doc, start: int, end: int,
                     kb_agency_ends: dict[int, int] | None = None) -> int:
        """"Rector of the Security Academy" names the academy: when the words before the
        first "of" hold no head word, the name starts after it. A known agency or a place
        ("District of Columbia", "State of Texas") before the "of" is part of the name:
        "IRS-CI District of Columbia Cyber Crime Unit" is IRS-CI's unit, not "Columbia
        Cyber Crime Unit"."""
        words = [t.lower_ for t in doc[start:end]]
        if "of" not in words:
            return start
        k = words.index("of")
        before = words[:k]
        if not before or any(w in AGENCY_HEADS or w in ORG_HEADS or w in PROGRAM_HEADS
                             for w in before):
            return start
        if before[-1] in PLACE_BEFORE_OF:
            return start
        if kb_agency_ends and any(start <= s < start + k and e <= start + k
                                  for s, e in kb_agency_ends.items()):
            return start
        if not any(w in AGENCY_HEADS or w in ORG_HEADS for w in words[k + 1:]):
            return start
        s = start + k + 1
        while s < end and doc[s].lower_ in CONNECTORS:
            s += 1
        return s

    @staticmethod
    def _generic_local_office(doc: Doc, start: int, end: int,
                              kb_agency_ends: dict[int, int] | None) -> bool:
        """"your local ICE Office", "the nearest FBI Field Office": a kind of office of
        a known agency, not a unit with a name. True when a word like "local" comes
        before and the words after the known agency are only head words."""
        inner = (kb_agency_ends or {}).get(start)
        if inner is None or inner >= end:
            return False
        rest = [t.lower_ for t in doc[inner:end]]
        if not all(w in AGENCY_HEADS or w in ("field", "local", "regional", "area", "resident")
                   for w in rest):
            return False
        before = doc[start - 1].lower_ if start > 0 else ""
        return before in GENERIC_OFFICE_LEADS

    def _classify(self, doc: Doc, start: int, end: int) -> _Cand | None:
        words = [t.lower_ for t in doc[start:end]]
        if words[0] in PROGRAM_LEADS and end - start >= 2:
            return _Cand(start, end, "program", "shape", priority=2)
        # the last head word decides; what follows it must be an "of ..." phrase
        for k in range(len(words) - 1, -1, -1):
            w = words[k]
            tail = words[k + 1:]
            if tail[:1] and tail[0] in _ROMAN and (len(tail) == 1 or tail[1] in CONNECTORS):
                tail = tail[1:]         # "Public Prosecutor's Office II of the Canton of Zurich"
            tail_ok = not tail or tail[0] in CONNECTORS
            if w in PROGRAM_HEADS and tail_ok and k > 0:
                return _Cand(start, end, "program", "shape", priority=2)
            if w in ORG_HEADS and tail_ok and k > 0:
                return _Cand(start, end, "organization", "shape", priority=1)
            # a German compound counts only with its place ("Kantonspolizei Thurgau"); alone
            # ("Zentrale Kriminalinspektion (ZKI) Oldenburg") the other readers name it
            compound = w not in AGENCY_HEADS and w.endswith(COMPOUND_HEAD_ENDINGS) \
                and 1 <= len(tail) <= 2
            if compound or w in AGENCY_HEADS and (
                    tail_ok or k == 0 and w in LEADING_HEADS
                    or w in ("police", "policía", "polícia", "polizia", "embassy", "consulate")
                    and len(tail) <= 2
                    or w == "office" and 1 <= len(tail) <= 3
                    and any(p.startswith("prosecut") for p in words[:k])
                    and all(t not in MONTH_WORDS for t in tail)
                    and all(self._is_name_token(t) or t.text == "/"
                            for t in doc[start + k + 1:end])):
                # the police words, and a prosecutor's office, take their city after them
                # ("Public Prosecutors Office Vienna", "... Office Frankfurt/Main")
                if is_generic(words):
                    return _Cand(start, end, "agency", "shape", priority=1,
                                 extra={"generic": True})
                if words[-1] in PERSON_TITLES:
                    return None
                return _Cand(start, end, "agency", "shape", priority=2)
        return None

    def _quoted_programs(self, doc: Doc, live) -> list[_Cand]:
        """“Title” Course / the “Title” program: a quoted title next to a program word."""
        out = []
        for i, tok in enumerate(doc):
            if tok.text not in _QUOTE_OPEN:
                continue
            for j in range(i + 2, min(i + 16, len(doc))):
                if doc[j].text in _QUOTE_CLOSE:
                    inner = doc[i + 1:j]
                    if not live(i, j) or not inner.text[:1].isupper():
                        break
                    after = doc[j + 1].lower_ if j + 1 < len(doc) else ""
                    before = doc[i - 1].lower_ if i > 0 else ""
                    if after in PROGRAM_HEADS:
                        out.append(_Cand(i, j + 2, "program", "shape", priority=2))
                    elif before in PROGRAM_HEADS or before in PROGRAM_LEADS \
                            or before.endswith("-sponsored"):
                        out.append(_Cand(i + 1, j, "program", "shape", priority=2))
                    break
                if "\n" in doc[j].text:
                    break
        return out

    def _ner_candidates(self, doc: Doc, live) -> list[_Cand]:
        """spaCy's ORG spans, kept only when their shape says organisation or agency."""
        out = []
        for ent in doc.ents:
            if ent.label_ != "ORG" or not live(ent.start, ent.end):
                continue
            if self.kb.is_stopword(ent.text):
                continue
            start = ent.start
            for k in range(ent.start, ent.end):
                if doc[k].text[:1].islower():
                    start = k + 1
            if ent.end - start > 1 and ent[-1].lower_ in ORG_HEADS and live(start, ent.end):
                out.append(_Cand(start, ent.end, "organization", "ner", priority=0))
        return out

    # -- choosing ------------------------------------------------------------------------
    def _choose(self, doc: Doc, cands: list[_Cand]) -> list[_Cand]:
        """Non-overlapping spans: longest first, then knowledge base over shape rules.

        A shape span that only adds a place tail to a known agency ("U.S. Attorney's
        Office for the Eastern District of Missouri") gives way to the known agency, and
        so does one that known names cover entirely. Lookups go through position indexes,
        so a long text costs linear time."""
        kb_agencies = [c for c in cands if c.source == "kb" and c.kind == "agency"]
        kb_by_start: dict[int, list[_Cand]] = {}
        kb_by_end: dict[int, list[_Cand]] = {}
        for k in kb_agencies:
            kb_by_start.setdefault(k.start, []).append(k)
            kb_by_end.setdefault(k.end, []).append(k)
        for c in cands:
            if c.source != "shape" or c.kind != "agency":
                continue
            # a unit whose name begins inside a known agency's name is that agency's unit:
            # "Internal Revenue Service—Criminal Investigation Cyber Crimes Unit"
            for s in range(c.start - 1, max(-1, c.start - 12), -1):
                if doc[c.start - 1].lower_ in ("'s", "’s"):
                    break           # "Justice Department's Office of ...": its owner, apart
                k = max((k for k in kb_by_start.get(s, ()) if c.start < k.end < c.end),
                        key=lambda k: k.end, default=None)
                if k is not None and "\n" not in doc[k.start:c.start].text:
                    c.start = k.start
                    break
            for k in kb_by_start.get(c.start, ()):
                if k.end < c.end and doc[k.end].lower_ in ("for", "in") \
                        and doc[k.end - 1].lower_ not in ("embassy", "consulate"):
                    c.priority = -1
            covered = [False] * (c.end - c.start)
            for pos in range(c.start, c.end):
                for k in kb_by_start.get(pos, ()):
                    if k.end <= c.end and (k.end - k.start) < c.end - c.start:
                        covered[k.start - c.start:k.end - c.start] = [True] * (k.end - k.start)
            if all(cov or doc[c.start + i].lower_ in CONNECTORS
                   for i, cov in enumerate(covered)):
                c.priority = -1
        cands = [c for c in cands if c.priority >= 0]
        for c in list(cands):
            if c.source != "shape" or c.kind != "agency":
                continue
            # the known agency after "of" ends with the name, or runs past it when the
            # name stops at a comma inside it ("Boston Field Division of the Bureau of
            # Alcohol, Tobacco, Firearms & Explosives")
            crossing = [k for pos in range(c.start + 2, c.end)
                        for k in kb_by_start.get(pos, ()) if k.end > c.end] \
                if c.end < len(doc) and doc[c.end].text == "," else []
            for k in [*kb_by_end.get(c.end, ()), *crossing]:
                if k.start > c.start + 1 and doc[k.start - 1].lower_ in ("of", "the") \
                        and any(t.lower_ in AGENCY_HEADS for t in doc[c.start:k.start - 1]):
                    cut = k.start - 1
                    while cut > c.start and doc[cut - 1].lower_ in CONNECTORS | {"of"}:
                        cut -= 1
                    if doc[cut].lower_ in ("of", "the"):
                        c.end = cut
                        while c.end > c.start and doc[c.end - 1].lower_ in CONNECTORS:
                            c.end -= 1
                        c.extra["parent_cand"] = k
                    break
        countries = {c.start: c for c in cands if c.kind == "country" and c.source == "kb"}
        for k in kb_agencies:
            entry = self.kb.by_id.get(k.kb_id)
            nxt = countries.get(k.end)
            if entry is None or entry.country is not None or nxt is None \
                    or entry.category != "international" or k.end == 0:
                continue
            if doc[k.end - 1].whitespace_ and "\n" not in doc[k.end - 1].whitespace_:
                cands.append(_Cand(k.start, nxt.end, "agency", "national_office", k.kb_id, 3,
                                   extra={"country": nxt.kb_id}))
        order = sorted(range(len(cands)), key=lambda i: (-(cands[i].end - cands[i].start),
                                                         -cands[i].priority, cands[i].start))
        taken = bytearray(len(doc) + 1)
        owner_of: list[_Cand | None] = [None] * (len(doc) + 1)
        chosen: list[_Cand] = []
        for i in order:
            c = cands[i]
            if any(taken[c.start:c.end]):
                continue
            taken[c.start:c.end] = b"\x01" * (c.end - c.start)
            for pos in range(c.start, c.end):
                owner_of[pos] = c
            chosen.append(c)
        nested: list[_Cand] = []
        longest_kb: dict[int, int] = {}
        for c in cands:
            if c.source == "kb" and c.kind == "agency":
                longest_kb[c.start] = max(longest_kb.get(c.start, 0), c.end)
        seen_nested: set[tuple[int, int, str]] = set()
        for c in cands:
            if c.source == "kb" and (c.start, c.end, c.kb_id) in seen_nested:
                continue
            if c.source != "kb" or any(c is o for o in (owner_of[c.start],)):
                continue
            o = owner_of[c.start]
            if o is None or o.end < c.end or (o.start, o.end) == (c.start, c.end):
                continue
            if c.kind == "country" and o.kind == "agency":
                pass                # "Ukrainian National Police" also names Ukraine
            elif c.kind == "agency" and o.source == "shape" and o.kind == "agency" \
                    and o.start == c.start and c.end == longest_kb.get(c.start):
                pass                # "FBI Atlanta Field Office" also names the FBI
            elif c.kind == "agency" and c.end < len(doc) and o.kind != "country" \
                    and doc[c.end].lower_ in ("'s", "’s"):
                pass                # "U.S. Department of State's Bureau of ..." names State
            else:
                continue
            seen_nested.add((c.start, c.end, c.kb_id))
            nested.append(_Cand(c.start, c.end, c.kind, "kb", c.kb_id, 3,
                                extra={"nested": True, "nested_in": o}))
        chosen += nested
        # possessive owners: remember which chosen span precedes "'s"
        by_span = {(c.start, c.end): c for c in chosen}
        by_end = {c.end: c for c in chosen if not c.extra.get("nested")}
        for c in chosen:
            owner_span = c.extra.get("owner_span")
            if c.start >= 2 and doc[c.start - 1].lower_ in ("'s", "’s"):
                o = by_end.get(c.start - 1)
                if o is not None and o is not c:
                    c.extra["owner"] = o
            elif owner_span and owner_span in by_span:
                c.extra["owner"] = by_span[owner_span]
        chosen.sort(key=lambda c: (c.start, c.end))
        return chosen

    # -- canonicalisation -------------------------------------------------------------
    def _country_split(self, doc: Doc, start: int, end: int) -> tuple[str | None, int, int]:
        """A country word at the start ("Ukrainian", "Ukraine's") or end ("of Ukraine")
        of a name: (iso3, core start, core end)."""
        for k in range(min(4, end - start - 1), 0, -1):
            code = self.kb.country_code(doc[start:start + k].text)
            if code:
                s = start + k
                if s < end and doc[s].lower_ in ("'s", "’s"):
                    s += 1
                return code, s, end
        for k in range(start + 2, end):
            if doc[k - 1].lower_ in ("of", "de", "du", "del", "des") \
                    and self.kb.country_code(doc[k:end].text):
                return self.kb.country_code(doc[k:end].text), start, k - 1
        return None, start, end

    def _canonicalise(self, doc: Doc, chosen: list[_Cand], live) -> list[Resolved]:
        kb = self.kb
        text = doc.user_data.get("corpus_text") or doc.text
        out: list[Resolved] = []
        resolved_of: dict[int, Resolved] = {}
        country_counts = Counter()
        for c in chosen:
            if c.kind == "country":
                country_counts[c.kb_id] += 1
        doc_countries = [code for code, _ in country_counts.most_common() if code]
        acronyms: dict[str, Resolved] = {}

        def make(c: _Cand) -> Resolved | None:
            span = doc[c.start:c.end]
            surface = span.text.strip("“”\"' ")
            a, b = span.start_char, span.end_char
            if c.source == "national_office":
                parent = kb.by_id[c.kb_id]
                code = c.extra["country"]
                name = re.sub(r"\s+", " ", span.text)
                return Resolved(a, b, span.text, "agency", f"{code}|kb:{parent.id}|national office",
                                name, code, None, "kb:" + parent.id, "agency")
            if c.source == "kb" and c.kb_id:
                entry = kb.by_id.get(c.kb_id)
                if entry is None:
                    return None
                if c.kind == "country":
                    if self._not_a_country(doc, c):
                        return None
                    return Resolved(a, b, span.text, "country", entry.id, entry.name, entry.id,
                                    entry.id)
                if entry.country is None and c.kind == "agency":
                    scoped = kb.lookup(span.text, country=doc_countries[0]) \
                        if doc_countries else None
                    if scoped is not None and scoped.kind == entry.kind:
                        entry = scoped
                owner = self._foreign_owner(doc, c, entry, chosen_kb_end, chosen_kb)
                if owner is not None:
                    # "the Secret Service’s Washington Field Office": the possessor's office,
                    # not the FBI's office of that name
                    holder = kb.by_id[owner.kb_id]
                    core = re.sub(r"\s+", " ", span.text.strip())
                    if core.lower().startswith("the "):
                        core = core[4:]
                    written = re.sub(r"\s+", " ", doc[owner.start:owner.end].text.strip())
                    written = _TRAILING_BRACKET.sub("", written) or written   # "(NCA)"
                    key = "|".join(["", "kb:" + holder.id, fold(core)])
                    return Resolved(a, b, span.text, "agency", key, f"{written} {core}",
                                    holder.country, None, "kb:" + holder.id, "agency")
                parent = entry.parent
                if entry.kind == "agency" and entry.country and c.start > 0 \
                        and not any(k.kind == "agency"
                                    for k in chosen_kb.get(c.start - 1, ())) \
                        and self._nationality(doc[c.start - 1]) \
                        and self.kb.country_code(doc[c.start - 1].text) == entry.country:
                    # "the Dutch National Police of the Netherlands": the nationality word
                    # is part of the name as written
                    span = doc[c.start - 1:c.end]
                    a = span.start_char
                return Resolved(a, b, span.text, entry.kind, "kb:" + entry.id, entry.name,
                                entry.country, entry.id,
                                ("kb:" + parent) if parent else None,
                                kb.by_id[parent].kind if parent and parent in kb.by_id else None)
            if kb.is_stopword(surface) or len(surface) < 3:
                return None
            if c.kind == "program":
                name = re.sub(r"[“”\"]", "", surface).strip()
                name = re.sub(r"\s+", " ", name)
                entry = kb.lookup(name, kinds=("program",))
                if entry is not None:
                    return Resolved(a, b, span.text, "program", "kb:" + entry.id, entry.name,
                                    entry.country, entry.id)
                return Resolved(a, b, span.text, "program", "|" + fold(name), name)
            if c.kind == "organization":
                entry = kb.lookup(surface, kinds=("organization",))
                if entry is not None:
                    return Resolved(a, b, span.text, "organization", "kb:" + entry.id,
                                    entry.name, entry.country, entry.id)
                return Resolved(a, b, span.text, "organization", "|" + fold(surface), surface)
            # agencies found by shape
            owner = c.extra.get("owner")
            owner_res = resolved_of.get(id(owner)) if owner is not None else None
            if owner_res is not None and owner_res.kind == "organization":
                # "Amazon’s Customer Protection and Enforcement Team", "Microsoft’s Digital
                # Crimes Unit": a company's unit is no public agency
                return Resolved(a, b, span.text, "organization", "|" + fold(surface),
                                re.sub(r"\s+", " ", surface))
            code, cs, ce = self._country_split(doc, c.start, c.end)
            entry = kb.lookup(span.text, country=code or (owner_res.country if owner_res
                                                          and owner_res.kind == "country"
                                                          else None), kinds=("agency",))
            if entry is None and code is not None and (cs, ce) != (c.start, c.end):
                # "Anti-Money Laundering Office of the Kingdom of Thailand"
                entry = kb.lookup(doc[cs:ce].text, country=code, kinds=("agency",))
                entry = entry if entry is not None and entry.country == code else None
            if entry is None and doc_countries and c.extra.get("generic"):
                for country in doc_countries:
                    entry = kb.lookup(span.text, country=country, kinds=("agency",))
                    if entry is not None:
                        break
            if entry is not None:
                parent = entry.parent
                return Resolved(a, b, span.text, "agency", "kb:" + entry.id, entry.name,
                                entry.country, entry.id, ("kb:" + parent) if parent else None,
                                "agency" if parent else None)
            core = doc[cs:ce].text if ce > cs else span.text
            core_words = fold(core).split()
            if not core_words or is_generic(core_words) and code is None:
                if owner_res is not None and owner_res.kind == "country":
                    code = owner_res.country
                else:
                    return None          # "the National Police" with no country: generic
            if len(core_words) == 1 and core_words[0] in AGENCY_HEADS:
                if code is None:
                    return None
            if core_words[-1] in COLLECTIVE_HEADS and doc[c.end - 1].tag_ in ("NNS", "NNPS"):
                return None     # "Upper Arlington and Colombus, Ohio Police Departments"
            parent_key = parent_kind = None
            country = code
            pc = c.extra.get("parent_cand")
            if pc is not None and pc.kb_id in kb.by_id:
                owner_res = Resolved(0, 0, "", "agency", "kb:" + pc.kb_id, "",
                                     kb.by_id[pc.kb_id].country, pc.kb_id)
            # a known agency at the start of the name is its parent ("FBI Atlanta Field Office")
            inner = [k for k in chosen_kb.get(c.start, ()) if k.end < c.end
                     and k.kind == "agency"]
            # or the known agency before it in a title's apposition ("Assistant
            # Director-in-Charge, FBI, New York Field Office")
            apposed = self._apposed_owner(doc, c, chosen_kb_end) \
                if fold(span.text).endswith(FIELD_UNITS) else []
            if inner or apposed:
                p = kb.by_id.get((inner or apposed)[0].kb_id)
                if p is not None and inner and p.country and p.country not in doc_countries \
                        and doc[inner[0].end - 1].lower_ == "police" \
                        and c.end - inner[0].end == 1 and doc[c.end - 1].lower_ in AGENCY_HEADS:
                    # "Kent Police Department" in a Seattle release: a city force whose name
                    # only looks like the knowledge base's Kent Police, whose country the
                    # text never names
                    p = None
                if p is not None:
                    core = doc[inner[0].end:c.end].text if inner else span.text
                    # "IRS - Criminal Investigation Cyber Crimes Unit": the unit under
                    # another of its parent's names ("IRS Criminal Investigation ...")
                    for written in (p.name, *p.aliases):
                        unit = kb.lookup(f"{written} {core}", kinds=("agency",))
                        if unit is not None and unit.parent == p.id:
                            return Resolved(a, b, span.text, "agency", "kb:" + unit.id,
                                            unit.name, unit.country, unit.id, "kb:" + p.id,
                                            "agency")
                    parent_key, parent_kind = "kb:" + p.id, "agency"
                    country = country or p.country
            if owner_res is not None:
                if owner_res.kind == "country":
                    country = country or owner_res.country
                elif owner_res.kind == "agency":
                    parent_key, parent_kind = owner_res.key, "agency"
                    country = country or owner_res.country
            if country is None and self._state_named(core):
                country = "USA"         # "Missouri Department of Revenue"
            key = "|".join([code or "", parent_key or "", fold(core)])
            name = re.sub(r"\s+", " ", span.text.strip())
            if code is not None and ce < c.end and cs == c.start and not is_generic(core_words):
                # "Hertfordshire Constabulary of the UK": the body's own name, its country
                # apart ("National Police of Colombia", a generic name, keeps it)
                name = re.sub(r"\s+", " ", doc[cs:ce].text.strip())
            if pc is not None:              # "Financial Crimes Division of DIJIN"
                name = re.sub(r"\s+", " ", doc[c.start:pc.end].text)
            if name.lower().startswith("the "):
                name = name[4:]
            return Resolved(a, b, span.text, "agency", key, name, country, None, parent_key,
                            parent_kind)

        chosen_kb: dict[int, list[_Cand]] = {}
        chosen_kb_end: dict[int, list[_Cand]] = {}
        for c in chosen:
            if c.source == "kb":
                chosen_kb.setdefault(c.start, []).append(c)
                chosen_kb_end.setdefault(c.end, []).append(c)
        listed: list[tuple[_Cand, Resolved]] = []
        for c in chosen:
            res = make(c)
            if res is None:
                continue
            resolved_of[id(c)] = res
            out.append(res)
            if not c.extra.get("nested"):
                listed.append((c, res))
        out = self._list_countries(doc, listed, out)
        out = self._acronyms(doc, out, acronyms, live)
        out = _district_offices(text, out, kb)
        return _glosses(text, out)

    # -- a country shared by a list of names -------------------------------------------
    def _list_countries(self, doc: Doc, listed: list[tuple[_Cand, Resolved]],
                        out: list[Resolved]) -> list[Resolved]:
        """A country written once for a list of names is every member's: a nationality
        word before the first ("the Georgian Prosecutor General’s Office, Ministry of
        Justice, and Ministry of Internal Affairs") or "of <country>" / "in <country>"
        after the last ("the Office of the Attorney General and the Anti-Money Laundering
        Office of the Kingdom of Thailand"; "the Directorate of Public Prosecution, ...,
        and Stanbic Bank in Uganda"). Members are names joined only by commas, "and" and
        "the"; the walk stops at a member that names another country or is known without
        this one."""
        replaced: dict[int, Resolved] = {}
        for i, (c, res) in enumerate(listed):
            possessed = -1              # the name a country's possessive stands before
            confirm = False             # walking back: only as far as a known body confirms
            code, cs, ce = self._country_split(doc, c.start, c.end)
            if code is not None and res.country == code and cs > c.start:
                if not self._shared_adjective(doc, c.start, cs, code):
                    continue            # "U.S. Secret Service": the country is the name's
                steps = range(i + 1, len(listed))
            elif res.kind == "country" and res.country and c.end + 1 < len(doc) \
                    and doc[c.end].lower_ in ("'s", "’s") and i + 1 < len(listed) \
                    and listed[i + 1][0].start == c.end + 1:
                # "Canada's Royal Canadian Mounted Police and Delta Police Department":
                # the possessive country, outside the first name, qualifies the list
                code = res.country
                steps = range(i + 1, len(listed))
                possessed = i + 1
            elif code is not None and res.country == code and ce < c.end:
                # "A and the B of Thailand": the name just before; a longer list of
                # "X of France, Y, Z of Japan" gives each its own, unless a body the
                # knowledge base knows in that country further back shows the list is one
                # country's ("the National Crime Agency (NCA), North Wales Police, Metropolitan
                # Police Service and Hertfordshire Constabulary of the UK")
                steps = range(i - 1, -1, -1)
                confirm = True
                if i and "and" not in {t.lower_ for t in doc[listed[i - 1][0].end:c.start]}:
                    continue
            else:
                glossed = self._country_after_gloss(doc, c, listed[i + 1:])
                if glossed is not None:
                    # "Directorate of Criminal Investigations (DCI) of Kenya": that body only
                    found = self._in_country(doc, c, res, glossed)
                    if found is not None:
                        replaced[id(res)] = found
                    continue
                code = self._country_after(doc, c, listed[i + 1:])
                if code is None:
                    continue
                if _unknown_agency(res):
                    # "the Ansbach Police Department in Germany": the body is that country's
                    replaced[id(res)] = _with_country(res, code)
                steps = range(i - 1, -1, -1)
            near = i
            pending: list[tuple[int, Resolved]] = []
            for j in steps:
                a, b = sorted((near, j))
                if j != possessed and not self._list_gap(doc, listed[a][0], listed[b][0]):
                    break
                member, current = listed[j]
                current = replaced.get(id(current), current)
                if member.kind == "organization" and current.country is None:
                    near = j
                    continue            # "..., and Stanbic Bank in Uganda"
                found = self._in_country(doc, member, current, code)
                if found is None:
                    break
                near = j
                if confirm and j < i - 1 and not (current.kb_id and current.country == code):
                    pending.append((id(listed[j][1]), found))
                    continue
                for key, value in pending:
                    replaced[key] = value
                pending = []
                replaced[id(listed[j][1])] = found
        if not replaced:
            return out
        return [replaced.get(id(r), r) for r in out]

    def _shared_adjective(self, doc: Doc, start: int, core: int, code: str) -> bool:
        """"Georgian ...", "Poland’s ...": a nationality word or a possessive country that
        can qualify the names after it, not a country name used as a prefix ("U.S.")."""
        if doc[core - 1].lower_ in ("'s", "’s"):
            return True
        country = self.kb.countries.get(code)
        written = fold(doc[start:core].text)
        return country is not None and any(fold(d) == written for d in country.demonyms)

    @staticmethod
    def _list_gap(doc: Doc, first: _Cand, second: _Cand) -> bool:
        """Only list punctuation between two names: ", ", " and ", ", and the ", or the
        brackets of a name's gloss ("Germany’s Federal Criminal Police Office
        (Bundeskriminalamt), Central Criminal Investigation Department of Oldenburg")."""
        gap = doc[first.end:second.start]
        words = [t.lower_ for t in gap]
        if words == ["("]:
            return True                 # the gloss itself: the same body by another name
        if words[:1] == ["("] and ")" in words:
            # a gloss that is no name of ours: "Civil Police of the State of Piauí (Polícia
            # Civil do Estado do Piauí), Civil Police of the Federal District"
            words = words[words.index(")"):]
        return bool(words) and "\n" not in gap.text \
            and all(w in (",", "and", "&", "the", ")") for w in words) \
            and any(w in (",", "and", "&") for w in words)

    def _country_after(self, doc: Doc, c: _Cand,
                       following: list[tuple[_Cand, Resolved]]) -> str | None:
        """"... and Stanbic Bank in Uganda;": the country right after the last name."""
        if c.end + 1 >= len(doc) or doc[c.end].lower_ != "in" or not following:
            return None
        nxt, res = following[0]
        # "the Brandon Police Service in Manitoba, Canada": a province or city before it
        province = nxt.start == c.end + 3 and doc[c.end + 2].text == "," \
            and self._is_name_token(doc[c.end + 1]) and doc[c.end + 1].ent_type_ != "ORG"
        if res.kind != "country" or not (nxt.start == c.end + 1 or province):
            return None
        after = doc[nxt.end].lower_ if nxt.end < len(doc) else ""
        if after in ("and", "or", ",") and len(following) > 1 \
                and following[1][1].kind == "country" and following[1][0].start <= nxt.end + 2:
            return None             # "in Uganda and Kenya": no one country
        return res.country

    @staticmethod
    def _country_after_gloss(doc: Doc, c: _Cand,
                             following: list[tuple[_Cand, Resolved]]) -> str | None:
        """"Direction Centrale ... (PAF) of France", "Directorate of Criminal Investigations
        (DCI) of Kenya": the country after the name's bracketed acronym."""
        k = c.end
        if k + 3 >= len(doc) or doc[k].text != "(" or doc[k + 2].text != ")" \
                or doc[k + 3].lower_ != "of":
            return None
        k += 4
        if k < len(doc) and doc[k].lower_ == "the":
            k += 1
        for nxt, res in following[:3]:
            if nxt.start == k and res.kind == "country":
                return res.country
        return None

    def _in_country(self, doc: Doc, c: _Cand, res: Resolved, code: str) -> Resolved | None:
        """An agency of a list read with the list's country: its entry in that country,
        or the unknown agency with that country; None when it names another one."""
        if res.kind != "agency":
            return None
        if res.country == code:
            return res
        span = doc[c.start:c.end]
        named = {self.kb.country_code(t.text) for t in span} - {None}
        if named == {code} and _unknown_agency(res):
            return _with_country(res, code)     # "North Wales Police, ... of the UK"
        if named or res.country is not None and res.kb_id is None:
            return None             # "Italian National Police" names its own
        if any(t.ent_type_ == "GPE" and not self.kb.country_code(t.text)
               and not any(w.lower_ == "of" for w in doc[span.start:t.i]) for t in span):
            return None             # "Tampa Field Office": a place of its own (but "...
            #                         Office II of the Canton of Zurich" is in the country)
        entry = self.kb.lookup(span.text, country=code, kinds=("agency",))
        if entry is not None and entry.country == code:
            parent = entry.parent
            return Resolved(res.start, res.end, res.text, "agency", "kb:" + entry.id,
                            entry.name, entry.country, entry.id,
                            ("kb:" + parent) if parent else None,
                            "agency" if parent else None)
        if not _unknown_agency(res):
            return None             # a known name ("FBI") or a unit of one stays as it is
        return _with_country(res, code)

    def _foreign_owner(self, doc: Doc, c: _Cand, entry,
                       chosen_kb_end: dict[int, list[_Cand]],
                       chosen_kb_start: dict[int, list[_Cand]]) -> _Cand | None:
        """The known agency that owns a unit matched by a name without its parent's
        ("Washington Field Office", the FBI's in the knowledge base) when another known
        agency comes right before it, possessive or not ("the Secret Service’s Washington
        Field Office", "HSI Washington Field Office") or after it in a person's title
        ("Special Agent in Charge, Washington Field Office, U.S. Secret Service"); None
        when the unit is its own parent's ("FBI’s Washington Field Office") or its name
        says whose it is."""
        if c.kind != "agency" or not entry.parent or c.start == 0:
            return None
        k = c.start
        if doc[k - 1].lower_ in ("'s", "’s", "'", "’"):
            k -= 1
        owners = [o for o in chosen_kb_end.get(k, ()) if o.kind == "agency" and o.kb_id
                  and o.start < k and "\n" not in doc[o.start:c.start].text]
        if not owners:
            owners = self._title_owner(doc, c, chosen_kb_start, chosen_kb_end)
        if not owners:
            return None
        owner = owners[0]
        holder = self.kb.by_id.get(owner.kb_id)
        if holder is None or holder.id == entry.id:
            return None
        lineage = {entry.id, *(e.id for e in self.kb.ancestors(entry.id))}
        if holder.id in lineage or entry.id in {e.id for e in self.kb.ancestors(holder.id)}:
            return None     # "FBI’s Washington Field Office", "DOJ's ... Field Office"
        parent = self.kb.by_id.get(entry.parent)
        named = fold(doc[c.start:c.end].text)
        if parent is not None and any(
                re.search(r"(?<!\w)" + re.escape(fold(n)) + r"(?!\w)", named)
                for n in (parent.name, *parent.aliases) if len(fold(n)) > 1):
            return None     # the unit's name says whose it is ("FBI Washington")
        return owner

    @staticmethod
    def _title_owner(doc: Doc, c: _Cand, chosen_kb_start: dict[int, list[_Cand]],
                     chosen_kb_end: dict[int, list[_Cand]]) -> list[_Cand]:
        """"Special Agent in Charge, Washington Field Office, U.S. Secret Service": the
        agency after the unit in a title's apposition. Not when the word before the comma
        ends an agency's name ("the Social Security Administration Office of Inspector
        General, the Bureau of Diplomatic Security, Homeland Security Investigations" is a
        list)."""
        before = c.start - 1
        if before >= 0 and doc[before].lower_ == "the":
            before -= 1
        if before < 1 or doc[before].text != "," \
                or doc[before - 1].lower_ not in PERSON_TITLES | {"charge"} \
                or any(k.kind == "agency" for k in chosen_kb_end.get(before, ())):
            return []
        after = c.end
        if after + 1 >= len(doc) or doc[after].text != ",":
            return []
        after += 1
        if doc[after].lower_ == "the" and after + 1 < len(doc):
            after += 1
        return [o for o in chosen_kb_start.get(after, ()) if o.kind == "agency" and o.kb_id
                and "\n" not in doc[c.start:o.end].text]

    def _not_a_country(self, doc: Doc, c: _Cand) -> bool:
        """"Jordan" the person, "Georgia" the US state, "Chad" the first name."""
        span = doc[c.start:c.end]
        first = doc[c.start]
        if first.ent_type_ == "PERSON" and all(t.ent_type_ == "PERSON" for t in span):
            return True
        if first.ent_type_ in ("GPE", "LOC", "FAC") and (
                first.ent_iob_ == "I" or c.end < len(doc) and doc[c.end].ent_iob_ == "I"):
            ent = self._ent_at(doc, c.start)
            if ent is not None and len(ent) > len(span) \
                    and self.kb.country_code(ent.text) is None:
                return True
        if self._us_state(doc, c):
            return True
        if len(span) == 1 and span.text.isupper() and len(span.text) == 2 \
                and span.text not in ("US", "UK", "EU"):
            return True
        return False

    def _us_state(self, doc: Doc, c: _Cand) -> bool:
        """"Atlanta, Georgia", "the Northern District of Georgia", "a Georgia man",
        "Texas and Georgia", "New Jersey", "the Georgia Bureau of Investigation": the U.S.
        state, not the country (only for countries named like a state)."""
        span = doc[c.start:c.end]
        prev = doc[c.start - 1] if c.start >= 1 else None
        if prev is not None and prev.is_alpha \
                and fold(f"{prev.text} {span.text}") in US_STATES:
            return True                                 # "New Jersey", "South Jersey"
        if fold(span.text) not in US_STATES:
            return False
        owner = c.extra.get("nested_in")
        if owner is not None and owner.source in ("kb", "national_office"):
            entry = self.kb.by_id.get(owner.kb_id)
            if entry is not None and entry.country == "USA":
                return True                             # "Georgia Bureau of Investigation"
        if prev is not None and prev.text == "," and c.start >= 2 \
                and doc[c.start - 2].text[:1].isupper() \
                and not self.kb.country_code(doc[c.start - 2].text):
            return True                                 # "Atlanta, Georgia"
        if c.start >= 2 and prev is not None and prev.lower_ == "of" \
                and doc[c.start - 2].lower_ in ("district", "university", "state", "college",
                                                "centers", "center", "bank"):
            return True                             # "Northern District of Georgia"
        after = [t for t in doc[c.end:c.end + 2]]
        if after and (after[0].lower_ in STATE_NOUNS or after[0].text in ("-", "‑")
                      and len(after) > 1 and after[1].lower_ in STATE_NOUNS):
            return True                                 # "a Georgia man", "Georgia-based"
        # "Arizona, Texas, Missouri, Montana, and Georgia": a list of U.S. states
        for step in (-1, 1):
            k = c.start - 1 if step < 0 else c.end
            while 0 <= k < len(doc) and doc[k].lower_ in (",", "and", "or", "&"):
                k += step
            if k == (c.start - 1 if step < 0 else c.end) or not 0 <= k < len(doc):
                continue
            words = [doc[k].text]
            if step > 0 and k + 1 < len(doc):
                words.append(f"{doc[k].text} {doc[k + 1].text}")
            if step < 0 and k >= 1:
                words.append(f"{doc[k - 1].text} {doc[k].text}")
            if any(fold(w) in US_STATES and not self.kb.country_code(w) for w in words):
                return True
        return False

    @staticmethod
    def _apposed_owner(doc: Doc, c: _Cand,
                       chosen_kb_end: dict[int, list[_Cand]]) -> list[_Cand]:
        """The known agency a field unit follows after a comma, in a title's apposition or
        after the unit's city: "Assistant Director-in-Charge, FBI, New York Field Office",
        "IRS-CI Washington, D.C. Field Office's Cyber Crimes Unit"."""
        if c.start < 2 or doc[c.start - 1].text != ",":
            return []
        owners = [k for k in chosen_kb_end.get(c.start - 1, ()) if k.kind == "agency"]
        if not owners and c.start >= 3 and doc[c.start - 2].ent_type_ == "GPE":
            owners = [k for k in chosen_kb_end.get(c.start - 2, ()) if k.kind == "agency"]
        return owners

    def _state_named(self, name: str) -> bool:
        """"Missouri Department of Revenue", "New York State Police": a name that begins
        with a U.S. state that is no country's name (not "Georgia")."""
        state = starts_with_us_state(fold(name))
        return state is not None and not self.kb.country_code(state)

    @staticmethod
    def _ent_at(doc: Doc, i: int) -> Span | None:
        start = i
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        end = i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        if doc[start].ent_iob_ not in ("B",) and start != i:
            return None
        return doc[start:end]

    def _acronyms(self, doc: Doc, out: list[Resolved], acronyms: dict[str, Resolved],
                  live) -> list[Resolved]:
        """"Long Name (ACR)" and "Long Name, or ACR," define ACR for this document."""
        text = doc.user_data.get("corpus_text") or doc.text
        by_end = {r.end: r for r in out if r.kind != "country"}
        taken = [(r.start, r.end) for r in out]
        pattern = re.compile(r"\s*(?:\(\s*|,\s+or\s+)(?:the\s+)?([A-Z][A-Za-z0-9&\-]{1,9})"
                             r"(?:\s*\)|(?=[,.;\s]))")
        for end, res in sorted(by_end.items()):
            m = pattern.match(text, end)
            if not m or not _ACRONYM_TOKEN.match(m.group(1)):
                continue
            acr = m.group(1)
            if sum(ch.isupper() for ch in acr) < 2:
                continue
            if acr in acronyms or self._names_an_ancestor(acr, res):
                continue
            acronyms[acr] = res
        if not acronyms:
            return out
        extra: list[Resolved] = []
        used = bytearray(len(text) + 1)
        at: dict[tuple[int, int], list[Resolved]] = {}
        for r in out:
            used[r.start:r.end] = b"\x01" * (r.end - r.start)
            at.setdefault((r.start, r.end), []).append(r)
        for acr, res in acronyms.items():
            for m in re.finditer(r"(?<![\w.])" + re.escape(acr) + r"(?![\w])", text):
                a, b = m.span()
                if any(used[a:b]):
                    # a knowledge-base reading of the acronym gives way to the definition
                    clash = [r for r in at.get((a, b), ())
                             if r.key != res.key and r.kind != "country"]
                    if not clash:
                        continue
                    for r in clash:
                        out.remove(r)
                        at[(a, b)].remove(r)
                if not self._live_char(doc, a, live):
                    continue
                extra.append(Resolved(a, b, acr, res.kind, res.key, res.name, res.country,
                                      res.kb_id, res.parent_key, res.parent_kind))
                used[a:b] = b"\x01" * (b - a)
        out = sorted(out + extra, key=lambda r: (r.start, r.end))
        return out

    def _names_an_ancestor(self, acr: str, res: Resolved) -> bool:
        """True when the knowledge base reads ``acr`` as an agency ``res`` belongs to:
        "Federal Bureau of Investigation, New York Field Office (FBI)" does not make every
        later "FBI" the field office."""
        entry = self.kb.lookup(acr, kinds=("agency",))
        if entry is None:
            return False
        if res.parent_key == "kb:" + entry.id:
            return True
        return res.kb_id is not None and entry.id in {
            e.id for e in self.kb.ancestors(res.kb_id)}

    @staticmethod
    def _live_char(doc: Doc, char: int, live) -> bool:
        span = doc.char_span(char, char + 1, alignment_mode="expand")
        return span is None or live(span.start, span.end)


def _unknown_agency(res: Resolved) -> bool:
    """An agency known only by the name the text gives it: no entry of the knowledge base,
    no parent, no country."""
    return res.kind == "agency" and res.kb_id is None and res.parent_key is None \
        and res.country is None and res.key.startswith("|")


def _with_country(res: Resolved, code: str) -> Resolved:
    """An agency of unknown country, known now to be ``code``'s."""
    return Resolved(res.start, res.end, res.text, "agency", code + res.key, res.name, code,
                    None, res.parent_key, res.parent_kind)


def _glosses(text: str, out: list[Resolved]) -> list[Resolved]:
    """"Switzerland's Zurich Canton Police (Kantonspolizei Zürich)", "Italy's Finance Corps
    (Guardia di Finanza)": an agency glossed in brackets by another name that fills them
    is one body. Both names take the entity the knowledge base knows (else the first),
    and its country where it has none."""
    agencies = sorted((r for r in out if r.kind == "agency"), key=lambda r: r.start)
    same: dict[int, Resolved] = {}
    for first, second in zip(agencies, agencies[1:]):
        if text[first.end:second.start].strip() != "(" \
                or text[second.end:second.end + 3].strip()[:1] != ")" \
                or first.key == second.key:
            continue
        keep, other = (second, first) if second.kb_id and not first.kb_id else (first, second)
        same[id(other)] = keep
    if not same:
        return out
    merged = []
    for r in out:
        keep = same.get(id(r))
        if keep is not None:
            r = dataclasses.replace(r, key=keep.key, name=keep.name, kb_id=keep.kb_id,
                                    country=keep.country or r.country,
                                    parent_key=keep.parent_key, parent_kind=keep.parent_kind)
        merged.append(r)
    return merged


_DISTRICT = r"(?:(?:Northern|Southern|Eastern|Western|Middle|Central)\s+)?District\s+of\s+" \
    r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?"
_DISTRICT_LIST = re.compile(rf"\s+(?:for|in)\s+(?:the\s+)?({_DISTRICT})"
                            rf"((?:\s*,?\s*(?:and\s+)?(?:for\s+)?(?:the\s+)?{_DISTRICT})*)")
_DISTRICT_ITEM = re.compile(_DISTRICT)
_PLURAL_OFFICES = re.compile(r"\bAttorneys\W*s?\s+Office|\bOffices\b")
_USAO_PLURAL_ID = "usa-doj-usao"


def _district_offices(text: str, out: list[Resolved], kb) -> list[Resolved]:
    """"the U.S. Attorneys' Offices for the Southern District of Florida, the Western
    District of Pennsylvania and the Eastern District of Missouri": the plural names one
    office per district, each the knowledge base's. The first takes the plural's words
    (it stands where the plural stands in the sentence), the others their district's.
    When a district is unknown, the plural stays as it was."""
    split: list[Resolved] = []
    for r in out:
        if r.kb_id != _USAO_PLURAL_ID or not _PLURAL_OFFICES.search(r.text):
            split.append(r)
            continue
        found = _DISTRICT_LIST.match(text, r.end)
        if found is None:
            split.append(r)
            continue
        spans = [(found.start(1), found.end(1))]
        spans += [(found.start(2) + m.start(), found.start(2) + m.end())
                  for m in _DISTRICT_ITEM.finditer(found.group(2))]
        entries = [kb.lookup("U.S. Attorney's Office for the "
                             + re.sub(r"\s+", " ", text[a:b]), kinds=("agency",))
                   for a, b in spans]
        if any(e is None or e.parent != _USAO_PLURAL_ID for e in entries):
            split.append(r)
            continue
        for i, ((a, b), e) in enumerate(zip(spans, entries)):
            a = r.start if i == 0 else a
            split.append(Resolved(a, b, text[a:b], "agency", "kb:" + e.id, e.name, e.country,
                                  e.id, "kb:" + _USAO_PLURAL_ID, "agency"))
    return split


# ------------------------------------------------------------------ the stage

@functools.lru_cache(maxsize=4)
def _components(models: tuple[str, ...], kb_path: str | None):
    from corpus.nlp import _load_spacy

    nlp = _load_spacy(models, ())
    if "corpus_parentheses" not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe("corpus_parentheses", before="parser")
    knowledge = nlp.create_pipe("corpus_knowledge",
                                config={**COMPONENTS["corpus_knowledge"], "kb_path": kb_path})
    resolver = nlp.create_pipe("corpus_resolver",
                               config={**COMPONENTS["corpus_resolver"], "kb_path": kb_path})
    return nlp, knowledge, resolver


def pipeline(settings: Settings):
    """(nlp, knowledge matcher, resolver) for these settings, built once per process."""
    from corpus.nlp import load_spacy

    load_spacy(settings)            # raises ModelNotInstalled with a helpful message
    return _components(tuple(settings.spacy_models), settings.extra.get("kb_path"))


def split_pieces(text: str, size: int) -> list[tuple[int, int]]:
    """(start, end) pieces of at most ``size`` characters, cut after a line break or a
    space where possible, so every piece is tokenised as the whole text would be."""
    pieces = []
    start, n = 0, len(text)
    while start < n:
        end = min(start + size, n)
        if end < n:
            cut = text.rfind("\n", start + size // 2, end)
            if cut < 0:
                cut = text.rfind(" ", start + size // 2, end)
            if cut >= 0:
                end = cut + 1
        pieces.append((start, end))
        start = end
    return pieces


@dataclass(slots=True)
class _Job:
    doc_index: int
    offset: int
    full: bool


# characters the parser reads as another of the same length, so offsets stay those of the
# text: spaCy's tokenizer does not split at the non-breaking hyphen of "ICITAP‑supported"
# or "ICITAP‑Colombia", which ICITAP's posts use throughout
PARSE_FOLD = str.maketrans({"\u2011": "-", "\u2010": "-"})


def extract_batch(docs: Sequence[dict], settings: Settings) -> Extraction:
    """Mentions, entities, dates and relations of a batch of documents (pure, no database)."""
    from corpus.relate import find_relations

    nlp, knowledge, resolver = pipeline(settings)
    with_relations = bool(settings.extra.get("extract_relations", True))
    piece_chars = min(int(settings.extra.get("extract_piece_chars", PIECE_CHARS)),
                      nlp.max_length - 1)
    full_chars = int(settings.extra.get("extract_full_nlp_chars", FULL_NLP_CHARS))
    result = Extraction()
    texts: list[str] = []
    jobs: list[_Job] = []
    fast: list[tuple[int, int, str]] = []
    wanted: list[int] = []
    for i, d in enumerate(docs):
        language = (d.get("language") or "en").lower()
        text = d.get("text") or ""
        if language[:2] not in settings.languages or not text.strip():
            result.done_doc_ids.append(d["doc_id"])
            continue
        wanted.append(i)
        for a, b in split_pieces(text, piece_chars):
            piece = text[a:b].translate(PARSE_FOLD)
            if a < full_chars:
                jobs.append(_Job(i, a, True))
                texts.append(piece)
            else:
                fast.append((i, a, piece))

    parsed: dict[int, list[tuple[int, Doc]]] = {i: [] for i in wanted}
    n_process = max(1, int(settings.nlp_processes))
    if n_process > 1 and len(texts) < 4 * settings.nlp_batch:
        n_process = 1               # forking costs more than it saves on a small batch
    for job, doc in zip(jobs, nlp.pipe(texts, batch_size=settings.nlp_batch,
                                       n_process=n_process)):
        parsed[job.doc_index].append((job.offset, knowledge(doc)))
    for i, offset, piece in fast:
        parsed[i].append((offset, knowledge(nlp.make_doc(piece))))

    entities: dict[str, Entity] = {}
    for i in wanted:
        d = docs[i]
        doc_id = d["doc_id"]
        try:
            mentions, found, dates, full_doc = _analyse(d, parsed[i], resolver, nlp)
        except Exception as exc:  # a bad document must not fail the batch
            result.rejections.append(Rejection(
                str(d.get("url") or d.get("source") or doc_id), STAGE,
                f"entity extraction failed: {exc.__class__.__name__}: {exc}"[:500]))
            result.done_doc_ids.append(doc_id)
            continue
        for e in found.values():
            known = entities.get(e.entity_id)
            if known is None:
                entities[e.entity_id] = e
            else:
                known.aliases = sorted(set(known.aliases) | set(e.aliases))
                known.name = canonical_name(known.name, e.name)
        relations = []
        if full_doc is not None and mentions and with_relations:
            try:
                parsed_chars = len(full_doc.text)
                relations = find_relations(full_doc, [m for m in mentions
                                                       if m.end_char <= parsed_chars],
                                           found, doc_id=doc_id, published=d.get("published"),
                                           date_mentions=dates)
                text = d.get("text") or ""
                for rel in relations:   # the parse read PARSE_FOLD's stand-ins; quote the text
                    rel.evidence = text[rel.start_char:rel.end_char]
            except Exception as exc:
                result.rejections.append(Rejection(
                    str(d.get("url") or d.get("source") or doc_id), "relate",
                    f"relation finding failed: {exc.__class__.__name__}: {exc}"[:500]))
        result.mentions += mentions
        result.dates += dates
        result.relations += relations
        result.done_doc_ids.append(doc_id)
    result.entities = list(entities.values())
    return result


def _analyse(d: dict, pieces: list[tuple[int, Doc]], resolver: Resolver, nlp):
    doc_id = d["doc_id"]
    text = d.get("text") or ""
    pieces.sort(key=lambda p: p[0])
    full = [doc for _, doc in pieces if doc.has_annotation("DEP")]
    full_doc: Doc | None = None
    if len(full) == 1:
        full_doc = full[0]
    elif len(full) > 1:
        joined = Doc.from_docs(full, ensure_whitespace=False)
        full_doc = joined if joined.text == text[:len(joined.text)] else full[0]
    resolved: list[Resolved] = []
    if full_doc is not None and len(full) > 1 and full_doc.text != full[0].text:
        full_doc.spans["corpus_kb"] = [
            Span(full_doc, s.start + base, s.end + base, label=s.label_, kb_id=s.kb_id_)
            for base, piece in _token_bases(full) for s in piece.spans["corpus_kb"]]
        resolved += resolver.resolve(full_doc)
        rest = [(o, p) for o, p in pieces if not p.has_annotation("DEP")]
    else:
        rest = pieces
    for offset, piece in rest:
        for r in resolver.resolve(piece):
            r.start += offset
            r.end += offset
            resolved.append(r)
    # one canonical entity per key; its name is the longest knowledge-base or first form
    entities: dict[str, Entity] = {}
    mentions: list[Mention] = []
    for r in resolved:
        eid = entity_id(r.kind, r.key)
        parent_id = entity_id(r.parent_kind or "agency", r.parent_key) if r.parent_key else None
        if eid not in entities:
            entities[eid] = Entity(eid, r.name, r.kind, r.country, [r.text.strip()],
                                   parent_id, r.kb_id)
        else:
            e = entities[eid]
            e.name = canonical_name(e.name, r.name)
            if r.text.strip() not in e.aliases:
                e.aliases.append(r.text.strip())
            e.country = e.country or r.country
            e.parent_id = e.parent_id or parent_id
        mentions.append(Mention(doc_id, eid, r.kind, text[r.start:r.end], r.start, r.end))
    _add_parents(entities, resolved)
    tail = _tail_start(resolver, text)
    dates = [DateMention(doc_id, f.text, f.start, f.end, f.value, f.granularity)
             for f in find_dates(text, d.get("published"))
             if tail is None or f.start < tail]
    return mentions, entities, dates, full_doc


def _token_bases(docs: list[Doc]):
    base = 0
    for doc in docs:
        yield base, doc
        base += len(doc)


def _tail_start(resolver: Resolver, text: str) -> int | None:
    """Where the teaser/footer tail of a page begins, if it has one."""
    ranges = [r for r in resolver.boilerplate_ranges(text) if r[1] == len(text)]
    return ranges[-1][0] if ranges else None


def _add_parents(entities: dict[str, Entity], resolved: list[Resolved]) -> None:
    """Every known parent up the chain gets an entity row, mentioned or not, so
    ``entities.parent_id`` always names a row (the map can roll units up)."""
    from corpus.knowledge import load_kb

    kb = load_kb()
    wanted = [r.parent_key for r in resolved if r.parent_key and r.parent_key.startswith("kb:")]
    wanted += ["kb:" + kb.by_id[e.kb_id].parent for e in list(entities.values())
               if e.kb_id in kb.by_id and kb.by_id[e.kb_id].parent]
    seen: set[str] = set()
    while wanted:
        key = wanted.pop()
        if key in seen:
            continue
        seen.add(key)
        entry = kb.by_id.get(key[3:])
        if entry is None:
            continue
        pid = entity_id(entry.kind if entry.kind != "country" else "country",
                        entry.id if entry.kind == "country" else key)
        if entry.parent:
            wanted.append("kb:" + entry.parent)
        if pid in entities:
            continue
        grand = entity_id(kb.by_id[entry.parent].kind, "kb:" + entry.parent) \
            if entry.parent and entry.parent in kb.by_id else None
        entities[pid] = Entity(pid, entry.name, entry.kind, entry.country, [entry.name],
                               grand, entry.id)


def consolidate(con, settings: Settings) -> int:
    """Corpus-wide pass: entities whose parent row is missing get it from the knowledge
    base; ids never change. Returns the number of rows added or updated."""
    from corpus.store import extract as extract_store

    return extract_store.fill_missing_parents(con)
