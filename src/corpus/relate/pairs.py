"""Document-level pairing: the home agencies of a release and the foreign bodies it
says helped.

The sentence reader of :mod:`corpus.relate` states a relation only where the parse
joins two actors through a cooperation predicate. Releases often state the tie across
sentences instead: "The FBI investigated the case. ... The Justice Department thanks
the Dutch National Police and Europol for their assistance." This module scores every
(home agency, foreign body) pair the reader left unpaired with a logistic model over
document features (is the agency the lead, is the foreign body named in a sentence of
assistance or thanks, is it listed beside a body already paired with the agency ...)
trained on the hand-made gold (``benchmarks/train_pair_model.py``). A pair over the
model's threshold becomes a ``general_cooperation`` relation (``training``, home agency
to foreign body, when its evidence speaks of training) whose evidence is the sentence
that states the foreign body's part, with ``trigger`` ``document:<cue>`` so analysts
can tell these inferred ties from those a single sentence states, and the model's
probability as its confidence.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Callable, Iterator, Mapping, Sequence

from corpus.knowledge import starts_with_us_state
from corpus.records import Entity
from corpus.relate import frames as fr

MODEL_FILE = "pair_model.json"

# words that say a body took part or helped, in the sentence that names it
CUE_WORDS = frozenset({
    "assist", "assistance", "support", "help", "cooperation", "cooperate", "cooperative",
    "collaboration", "collaborate", "coordination", "coordinate", "partner", "partnership",
    "contribution", "contribute", "participate", "participation", "joint", "jointly",
    "conjunction", "together", "valuable", "invaluable", "critical", "instrumental",
    "effort", "work", "provide", "aid", "coordinated", "alongside", "combined"})
THANK_WORDS = frozenset({"thank", "thanks", "gratitude", "appreciate", "appreciation",
                         "acknowledge", "commend", "recognize"})
# words that, governing a name within a few dependency hops, say that body helped
HELP_HEADS = frozenset({
    "assist", "assistance", "support", "help", "cooperation", "cooperate", "collaboration",
    "collaborate", "coordination", "coordinate", "partner", "partnership", "contribution",
    "contribute", "participate", "participation", "conjunction", "aid", "alongside",
    "involve", "join", "work", "with-joint"})
# words that, governing a name, make it the source or scene of the crime
CRIME_HEADS = frozenset({
    "threat", "theft", "attack", "scheme", "hacker", "hack", "malware", "ransomware",
    "violation", "sanction", "indictment", "indict", "charge", "conspire", "conspiracy",
    "conspirator", "co-conspirator", "defendant", "launder", "laundering", "intrusion",
    "espionage", "base", "originate", "sponsor", "pose", "target", "officer", "employee",
    "unit", "agent", "actor", "criminal", "national", "citizen", "sale", "sell", "export",
    "smuggle"})
# what "with X" hangs on when X is a partner: "an action with", "worked with", "investigated with"
_JOINT_HOSTS = frozenset({
    "action", "operation", "investigation", "effort", "case", "coordination", "cooperation",
    "work", "partner", "partnership", "collaborate", "cooperate", "investigate", "conduct",
    "coordinate", "join", "operate", "takedown", "disruption", "seizure", "arrest"})
LEAD_HEADS = frozenset({"investigate", "investigation", "lead", "conduct", "prosecute",
                        "handle", "announce"})
# an evidence sentence with these words makes the tie training (the home agency trains)
TRAINING_WORDS = frozenset({"train", "training", "trainer", "course", "mentor", "mentoring",
                            "workshop", "seminar", "academy", "curriculum", "instructor"})
# surface cues between two names: "A, B and C, along with D, E and F"; "X, with the
# assistance of Y"; "support provided by Z". Read on the words, not the parse, because
# long lists of bodies are where the parser most often loses the thread.
_WITH_AFTER = frozenset({"along", "together", "cooperation", "coordination", "partnership",
                         "conjunction", "collaboration", "concert", "partner", "jointly",
                         "closely", "alongside"})
_BY_AFTER = frozenset({"assistance", "support", "help", "cooperation", "contribution",
                       "participation", "assist", "aid", "join", "coordination",
                       "collaboration", "partnership"})
_THANK_STEMS = ("thank", "gratitude", "appreciat", "acknowledg", "commend", "recogni")
ARREST_WORDS = frozenset({"arrest", "apprehend", "detain", "custody", "locate", "reside",
                          "live", "flee", "extradite", "extradition", "national", "citizen"})

FEATURES = (
    "bias", "f_paired_elsewhere", "h_paired_elsewhere", "list_mate_paired", "h_lead",
    "h_first_lead", "h_owner", "h_share", "f_cue", "f_thank", "co_sentence", "co_cue",
    "f_country", "f_international", "f_organization", "f_agency", "f_arrest_only",
    "f_late", "f_quoted_only", "n_foreign_log", "n_home_log", "f_mentions_log",
    "h_in_cue_sentence_of_f", "h_subject_somewhere", "f_near_help", "f_near_thank",
    "h_near_lead", "f_modifier_only", "f_country_paired", "other_home_in_cue_sentence",
    "n_lead_log", "h_rank_log", "same_list", "f_paired_via_thanks", "f_near_crime",
    "f_security_service", "h_subject_over_f", "across_cue")

# programs that fund and coordinate cases across agencies ("part of an Organized Crime
# Drug Enforcement Task Forces operation"): named in most drug releases, never the partner
# of a foreign body in any gold file, so the document-level model does not pair them
FUNDING_PROGRAMS = frozenset({"usa-doj-ocdetf", "usa-hidta"})
# "U.S. Attorneys' Offices" in the plural: the prosecutors of many districts, who support a
# national operation. No gold file ties them, and the pair model paired them with every
# foreign body of Operation SpecTor. ("The U.S. Attorney's Office", singular, is the
# publishing office and stays.)
GENERIC_OFFICES = frozenset({"usa-doj-usao"})

_TRACE: list | None = None


@dataclass(slots=True)
class PairCandidate:
    home: str
    foreign: str
    features: dict[str, float]
    sentence: object                   # the spaCy span chosen as evidence
    cue: str
    type: str = "general_cooperation"  # "training" (home trains foreign) when the evidence says


@dataclass(slots=True)
class _Sentence:
    span: object
    ids: set[str]
    words: set[str]
    quoted: bool
    position: float                    # 0 at the document's start, 1 at its end
    subjects: set[str]                 # entity ids standing as a clause subject
    free_words: set[str]               # lemmas outside names ("Training" in ICITAP's is not)
    places: tuple[tuple[int, str], ...] = ()   # (first token, entity id) of each name
    cues: tuple[int, ...] = ()         # token indices of surface cues (see _surface_cues)

    def across(self, a: str, b: str) -> bool:
        """True when a surface cue stands between a name of ``a`` and one of ``b``."""
        if not self.cues:
            return False
        pa = [i for i, e in self.places if e == a]
        pb = [i for i, e in self.places if e == b]
        return any(min(i, j) < c < max(i, j) for i in pa for j in pb for c in self.cues)


@contextmanager
def tracing() -> Iterator[list]:
    """Collect ``(doc_id, home, foreign, features)`` of every candidate pair while the
    block runs (what the training script labels against gold)."""
    global _TRACE
    saved, _TRACE = _TRACE, []
    try:
        yield _TRACE
    finally:
        _TRACE = saved


def tracing_active() -> bool:
    return _TRACE is not None


@functools.lru_cache(maxsize=4)
def load_model(name: str = MODEL_FILE) -> dict | None:
    """The trained weights and thresholds shipped with the package; None when the file
    is absent or was trained on another feature set."""
    try:
        text = resources.files("corpus.relate").joinpath("data", name).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    model = json.loads(text)
    if set(model.get("weights", {})) != set(FEATURES):
        return None                    # weights of another feature set: do not guess
    return model


def model_fingerprint(name: str = MODEL_FILE) -> str:
    """A short digest of the shipped model file ("none" without one): part of the stage
    version, so a retrained model makes databases re-run the relation stage."""
    try:
        data = resources.files("corpus.relate").joinpath("data", name).read_bytes()
    except (FileNotFoundError, OSError):
        return "none"
    return hashlib.blake2b(data, digest_size=4).hexdigest()


def probability(features: Mapping[str, float], model: Mapping) -> float:
    z = sum(model["weights"][name] * ((features.get(name, 0.0) - model["mean"][name])
                                      / model["scale"][name]) for name in FEATURES)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def candidates(doc, by_sentence: Mapping[int, Sequence[fr.Actor]], *, home_code: str | None,
               lead: Sequence[str], owner: str | None, entities: Mapping[str, Entity],
               international: Sequence[str], paired: Mapping[frozenset, set[str]],
               acceptable, security_services: frozenset[str] = frozenset(),
               doc_id: str = "", acting: Callable[[str], str] | None = None,
               ) -> list[PairCandidate]:
    """Every (home agency, foreign body) pair of a document that the sentence reader did
    not pair, with its features. ``security_services`` are the entity ids of intelligence
    and military bodies (the knowledge base's categories), paired only when thanked.
    ``acting`` gives the entity that acts for a mentioned one (the agency of a field
    office the knowledge base knows, "DEA Miami Field Division"), as the reader names it."""
    if not home_code:
        return []

    def actor(e: str) -> str:
        return _pair_actor(acting(e) if acting else e, entities)

    lead = list(dict.fromkeys(actor(e) for e in lead))
    by_sentence = {start: [dataclasses.replace(a, entity_ids=tuple(dict.fromkeys(
        actor(e) for e in a.entity_ids))) for a in actors]
        for start, actors in by_sentence.items()}   # "FBI Charlotte" is paired as the FBI
    sentences = _sentences(doc, by_sentence)
    if not sentences:
        return []
    counts: dict[str, int] = {}
    for s in sentences:
        for e in s.ids:
            counts[e] = counts.get(e, 0) + 1
    home = [e for e in counts if entities[e].kind == "agency" and entities[e].country == home_code
            and entities[e].kb_id not in FUNDING_PROGRAMS
            and not (entities[e].kb_id in GENERIC_OFFICES and _plural_only(doc, by_sentence, e))
            and not (_state_body(entities[e]) and e not in lead)]
    foreign = [e for e in counts if _is_foreign(entities[e], home_code, international)]
    if not home or not foreign:
        return []
    home_total = sum(counts[h] for h in home)
    rank = {h: i for i, h in enumerate(sorted(home, key=lambda h: (-counts[h], h)))}
    paired_with: dict[str, set[str]] = {}
    for pair in paired:
        if len(pair) == 2:
            a, b = tuple(pair)
            paired_with.setdefault(a, set()).add(b)
            paired_with.setdefault(b, set()).add(a)
    lists = _list_mates(doc, by_sentence)
    near, near_crime = _near_heads(doc, by_sentence)
    # what governs a foreign body's names, a list's members taking the list's head
    helped, _ = _near_heads(doc, by_sentence, free_conj=True)
    over = _subject_links(doc, by_sentence)
    paired_countries = {h: {entities[o].country for o in paired_with.get(h, ())
                            if o in foreign and entities[o].country} for h in home}
    out: list[PairCandidate] = []
    for f in foreign:
        f_sents = [s for s in sentences if f in s.ids]
        cue_sents = [s for s in f_sents if s.words & (CUE_WORDS | THANK_WORDS)]
        kind = entities[f].kind
        if kind == "country" and _placed_only(doc, by_sentence, f):
            continue                 # "In Jordan, ICITAP carries out this mission ..."
        modifier_only = float(_modifier_only(doc, by_sentence, f))
        for h in home:
            if frozenset((h, f)) in paired or not acceptable(h, f):
                continue
            co = [s for s in f_sents if h in s.ids]
            features = {
                "bias": 1.0,
                "f_paired_elsewhere": float(any(
                    o != h and o in home for o in paired_with.get(f, ()))),
                "h_paired_elsewhere": float(any(
                    o in foreign for o in paired_with.get(h, ()))),
                "list_mate_paired": float(any(
                    m in paired_with.get(h, ()) for m in lists.get(f, ()))),
                "h_lead": float(h in lead),
                "h_first_lead": float(bool(lead) and h == lead[0]),
                "h_owner": float(h == owner),
                "h_share": counts[h] / home_total,
                "f_cue": float(bool(cue_sents)),
                "f_thank": float(any(s.words & THANK_WORDS for s in f_sents)),
                "co_sentence": float(bool(co)),
                "co_cue": float(any(s.words & (CUE_WORDS | THANK_WORDS) for s in co)),
                "f_country": float(kind == "country"),
                "f_international": float(f in international),
                "f_organization": float(kind == "organization"),
                "f_agency": float(kind == "agency" and f not in international),
                "f_arrest_only": float(all(s.words & ARREST_WORDS and not
                                           s.words & (CUE_WORDS | THANK_WORDS)
                                           for s in f_sents)),
                "f_late": float(min(s.position for s in f_sents) > 0.6),
                "f_quoted_only": float(bool(cue_sents) and all(s.quoted for s in cue_sents)),
                "n_foreign_log": math.log1p(len(foreign)),
                "n_home_log": math.log1p(len(home)),
                "f_mentions_log": math.log1p(len(f_sents)),
                "h_in_cue_sentence_of_f": float(any(h in s.ids for s in cue_sents)),
                "h_subject_somewhere": float(any(h in s.subjects for s in sentences)),
                "f_near_help": float(bool(helped.get(f, set()) & HELP_HEADS)),
                "f_near_thank": float(bool(helped.get(f, set()) & THANK_WORDS)),
                "f_near_crime": float(bool(near_crime.get(f, set()) & CRIME_HEADS)),
                "f_security_service": float(f in security_services),
                "h_subject_over_f": float((h, f) in over),
                "across_cue": float(any(s.across(h, f) for s in co)),
                "h_near_lead": float(bool(near.get(h, set()) & LEAD_HEADS)),
                "f_modifier_only": modifier_only,
                "f_country_paired": float(bool(entities[f].country) and
                                          entities[f].country in paired_countries[h]),
                "other_home_in_cue_sentence": float(any(
                    o != h and o in s.ids for s in cue_sents for o in home)),
                "n_lead_log": math.log1p(len(lead)),
                "h_rank_log": math.log1p(rank[h]),
                "same_list": float(h in lists.get(f, ())),
                "f_paired_via_thanks": float(any(
                    t.startswith(_THANK_STEMS) for o in paired_with.get(f, ())
                    if o != h and o in home for t in paired[frozenset((o, f))])),
            }
            if not _plausible(features):
                continue
            best = _evidence(co, cue_sents, f_sents)
            cue = sorted(best.words & (THANK_WORDS | CUE_WORDS))
            kind_of_tie = ("training" if best.free_words & TRAINING_WORDS
                           else "general_cooperation")
            out.append(PairCandidate(h, f, features, best.span, cue[0] if cue else "named",
                                     kind_of_tie))
    if _TRACE is not None:
        _TRACE.extend((doc_id, c.home, c.foreign, c.features) for c in out)
    return out


def _state_body(entity: Entity) -> bool:
    """A body of one of the U.S. states ("New York National Guard", "Ohio Police
    Departments", "Missouri Department of Revenue"). It helps the federal case at home; the
    gold ties it to the partners abroad only when it led the case."""
    return entity.country == "USA" and starts_with_us_state(
        " ".join(entity.name.casefold().replace(".", "").split())) is not None


def _plural_only(doc, by_sentence: Mapping[int, Sequence[fr.Actor]], entity: str) -> bool:
    """True when every mention of ``entity`` is a plural ("U.S. Attorneys' Offices")."""
    heads = [doc[a.root] for actors in by_sentence.values() for a in actors
             if entity in a.entity_ids and not a.resolved and a.root >= 0]
    return bool(heads) and all(t.tag_ in ("NNS", "NNPS") for t in heads)


def _plausible(x: Mapping[str, float]) -> bool:
    """A pair worth scoring: an agency that leads, owns the release, is a subject or
    shares a sentence of help with the foreign body, and a foreign body the text names
    in a sentence of help or thanks or lists beside a partner."""
    home_ok = (x["h_lead"] or x["h_owner"] or x["h_in_cue_sentence_of_f"] or x["across_cue"]
               or x["h_near_lead"] or x["h_subject_somewhere"])
    named_helping = x["f_near_help"] or x["f_near_thank"] or x["list_mate_paired"]
    # a country is more often the scene or source of the crime than a partner: only one
    # the text governs by a word of help or thanks, or lists beside a partner, is scored
    foreign_ok = named_helping or (x["f_cue"] and not x["f_country"]) or x["across_cue"]
    if x["f_near_crime"] and (x["f_country"] or not named_helping):
        return False                 # "the threat Russia poses", "GRU hackers"
    if x["f_security_service"] and not (x["f_near_thank"] or x["list_mate_paired"]):
        return False                 # an intelligence or military body: only when thanked
    if x["f_country"] and x["f_modifier_only"]:
        return False                 # "the United Kingdom's National Crime Agency"
    return bool(home_ok and foreign_ok)


def explicit(features: Mapping[str, float]) -> bool:
    """True when one sentence states the agency's own part with the body: the agency is
    the subject of the clause that names it, or a cue of cooperation stands between their
    names ("the FBI and the Secret Service, with the assistance of the NCA")."""
    return bool(features["h_subject_over_f"] or features["across_cue"])


def select(groups: Sequence[str], probs: Sequence[float], threshold: float,
           threshold_more: float, explicit: Sequence[bool] | None = None) -> list[bool]:
    """Which candidates to keep: per foreign body (``groups``), the best-scored home
    agency when it reaches ``threshold``, others only when they reach ``threshold_more``
    (a release that names one foreign partner seldom ties it to every US agency named),
    unless a sentence states that agency's part with the body (``explicit``)."""
    explicit = explicit or [False] * len(groups)
    best: dict[str, float] = {}
    for g, p in zip(groups, probs):
        best[g] = max(best.get(g, 0.0), p)
    keep, first_taken = [], set()
    for g, p, said in zip(groups, probs, explicit):
        if p >= best[g] and g not in first_taken and p >= threshold:
            first_taken.add(g)
            keep.append(True)
        else:
            keep.append(p >= threshold and (said or p >= threshold_more))
    return keep


def _pair_actor(entity_id: str, entities: Mapping[str, Entity]) -> str:
    """A unit the knowledge base does not know ("FBI Charlotte") is paired as its parent
    agency, as gold and analysts name the agency; known units (CCIPS, EC3) act as themselves."""
    entity = entities[entity_id]
    if not entity.kb_id and entity.parent_id in entities and entity.kind == "agency":
        return entity.parent_id
    return entity_id


def _is_foreign(entity: Entity, home_code: str, international: Sequence[str]) -> bool:
    if entity.entity_id in international:
        return True
    if entity.kind not in ("agency", "country", "organization"):
        return False
    return bool(entity.country) and entity.country != home_code


def _sentences(doc, by_sentence: Mapping[int, Sequence[fr.Actor]]) -> list[_Sentence]:
    n = max(len(doc.text), 1)
    out = []
    for sent in doc.sents:
        actors = [a for a in by_sentence.get(sent.start, []) if not a.resolved]
        if not actors:
            continue
        words = {fr.lemma(t) for t in sent} | {t.lower_ for t in sent}
        text = sent.text
        quoted = text.lstrip().startswith(("\u201c", '"'))      # a quote, not the narrative
        subjects = {e for a in actors for e in a.entity_ids
                    if doc[a.root].dep_ in ("nsubj", "nsubjpass")
                    or doc[a.root].head.dep_ == "agent"}
        named = {i for a in actors for i in a.tokens}
        free = {fr.lemma(t) for t in sent if t.i not in named and t.pos_ != "PROPN"
                and not _course_of(t)}
        places = tuple(sorted((min(a.tokens) if a.tokens else a.root, e)
                              for a in actors for e in a.entity_ids))
        out.append(_Sentence(sent, {e for a in actors for e in a.entity_ids}, words, quoted,
                             sent.start_char / n, subjects, free, places,
                             _surface_cues(sent, named)))
    return out


def _surface_cues(sent, named: set[int]) -> tuple[int, ...]:
    """Token indices of the words that join two lists of bodies as partners: "with" after
    "along", "together" or a word of cooperation ("in coordination with"), "alongside",
    and "of", "from" or "by" after a word of help ("with the assistance of", "support
    provided by", "assisted by")."""
    found = []
    for tok in sent:
        if tok.i in named:
            continue
        low = tok.lower_
        before = [fr.lemma(t) for t in sent.doc[max(sent.start, tok.i - 2):tok.i]]
        if low == "alongside" or (low == "with" and before and before[-1] in _WITH_AFTER):
            found.append(tok.i)
        elif low in ("of", "from", "by") and before and (
                before[-1] in _BY_AFTER or (before[-1] == "provide" and len(before) > 1
                                            and before[0] in _BY_AFTER)):
            found.append(tok.i)
    return tuple(found)


def _course_of(tok) -> bool:
    """"over the course of several years" is time, not a training course."""
    return tok.lower_ == "course" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "of"


def _list_mates(doc, by_sentence: Mapping[int, Sequence[fr.Actor]]) -> dict[str, set[str]]:
    """Entities named in one coordinated list ("A, B and C") with each other."""
    mates: dict[str, set[str]] = {}
    for actors in by_sentence.values():
        groups: dict[int, set[str]] = {}
        for a in actors:
            if a.resolved:
                continue
            tok = doc[a.root]
            for _ in range(12):
                if tok.dep_ not in ("conj", "appos") or tok.head.i == tok.i:
                    break
                tok = tok.head
            groups.setdefault(tok.i, set()).update(a.entity_ids)
        for ids in groups.values():
            for e in ids:
                mates.setdefault(e, set()).update(ids - {e})
    return mates


def _near_heads(doc, by_sentence: Mapping[int, Sequence[fr.Actor]], hops: int = 5,
                close: int = 3, free_conj: bool = False,
                ) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """entity id -> the lemmas of the words that govern its names within ``hops``
    dependency steps ("with the assistance of X": assistance, with; with ``free_conj``
    the members of a list are one step from its head), and within ``close``
    steps (a word of the crime must govern a name closely), from one walk up the tree."""
    near: dict[str, set[str]] = {}
    closer: dict[str, set[str]] = {}
    for actors in by_sentence.values():
        for a in actors:
            if a.resolved:
                continue
            words: set[str] = set()
            first: set[str] = set()
            tok = doc[a.root]
            if _placed(tok):
                continue                     # "coordinated from The Hague, Netherlands"
            for step in range(1, hops + 1):
                while free_conj and tok.dep_ == "conj" and tok.head.i != tok.i:
                    tok = tok.head       # a list's members share its head: no step
                if tok.head.i == tok.i:
                    break
                tok = tok.head
                words.add(fr.lemma(tok))
                words.add(tok.lower_)
                if _borrows_verb(tok):
                    # "OIA provided critical assistance, as did ... authorities in France":
                    # the clause of "did" says what its head clause says
                    words.update(fr.lemma(t) for t in (tok.head, *tok.head.children)
                                 if t.i == tok.head.i or t.dep_ == "dobj")
                if tok.lower_ in ("with", "alongside", "along") and (
                        fr.lemma(tok.head) in _JOINT_HOSTS):
                    words.add("with-joint")  # "a coordinated action with X", "worked with X"
                if step == close:
                    first = set(words)
            if not first:
                first = words                # the walk ended within ``close`` steps
            for e in a.entity_ids:
                near.setdefault(e, set()).update(words)
                closer.setdefault(e, set()).update(first)
    return near, closer


def _borrows_verb(tok) -> bool:
    """"as did", "as have": a clause that repeats its head clause's verb by "do"/"have"."""
    return (fr.lemma(tok) in ("do", "have") and tok.dep_ == "advcl" and tok.head.i != tok.i
            and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children))


_PLACE_PREPS = frozenset({"in", "from", "at", "to", "into", "across", "throughout", "within"})


def _placed(tok) -> bool:
    """True when a name is the place of a verb ("arrested in Spain", "coordinated from The
    Hague, Netherlands"), not a partner ("authorities in Spain" hangs on a noun)."""
    for _ in range(4):                   # "from The Hague in the Netherlands": a place's place
        while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
            tok = tok.head
        prep = tok.head
        if tok.dep_ != "pobj" or prep.lower_ not in _PLACE_PREPS:
            return False
        if prep.head.pos_ in ("VERB", "AUX"):
            return True
        if prep.head.pos_ != "PROPN":
            return False
        tok = prep.head
    return False


def _subject_links(doc, by_sentence: Mapping[int, Sequence[fr.Actor]],
                   hops: int = 6) -> set[tuple[str, str]]:
    """(a, b) when a name of ``a`` is the subject (or passive agent) of a clause whose verb
    governs a name of ``b`` within ``hops`` steps: "HSI, the Secret Service and the FBI are
    investigating the case alongside the NCA, ..." links each of the three with the NCA."""
    links: set[tuple[str, str]] = set()
    for actors in by_sentence.values():
        verbs = []
        for a in actors:
            tok = doc[a.root]
            for _ in range(12):          # "A, B and C investigated": B, C are conjuncts of A
                if tok.dep_ not in ("conj", "appos") or tok.head.i == tok.i:
                    break
                tok = tok.head
            if tok.dep_ in ("nsubj", "nsubjpass"):
                verbs.append((a, tok.head))
            elif tok.dep_ == "pobj" and tok.head.dep_ == "agent":
                verbs.append((a, tok.head.head))
        for a, verb in verbs:
            for b in actors:
                if b is a:
                    continue
                tok = doc[b.root]
                for _ in range(12):      # a list of partners hangs on its first member
                    if tok.dep_ not in ("conj", "appos") or tok.head.i == tok.i:
                        break
                    tok = tok.head
                for _ in range(hops):
                    if tok.head.i == tok.i:
                        break
                    tok = tok.head
                    if tok.i == verb.i:
                        links.update((x, y) for x in a.entity_ids for y in b.entity_ids)
                        break
    return links


def _placed_only(doc, by_sentence: Mapping[int, Sequence[fr.Actor]], entity_id: str) -> bool:
    """True when every name of ``entity_id`` is the place of a verb ("In Jordan, ICITAP
    carries out this mission", "arrested in Spain"): a scene, never a partner."""
    roots = [doc[a.root] for actors in by_sentence.values() for a in actors
             if entity_id in a.entity_ids and not a.resolved and a.root >= 0]
    return bool(roots) and all(_placed(t) for t in roots)


def _modifier_only(doc, by_sentence: Mapping[int, Sequence[fr.Actor]], entity_id: str) -> bool:
    """True when every name of the entity modifies a noun ("Russian hackers", "a Nigerian
    national")."""
    roots = [doc[a.root] for actors in by_sentence.values() for a in actors
             if not a.resolved and entity_id in a.entity_ids]
    return bool(roots) and all(t.dep_ in ("amod", "compound", "nmod", "poss")
                               or t.pos_ == "ADJ" for t in roots)


def _evidence(co: list[_Sentence], cue: list[_Sentence], named: list[_Sentence]) -> _Sentence:
    both = [s for s in co if s in cue]
    for group in (both, cue, co, named):
        if group:
            return group[0]
    raise ValueError("a foreign body without a sentence")
