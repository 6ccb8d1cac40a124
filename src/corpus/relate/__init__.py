"""Sentences + resolved mentions -> typed, directed cooperation relations.

The cooperating actors are read off the dependency parse as the arguments of a
cooperation predicate (trained, extradited, signed, shared, assisted, "with the
assistance of", "thanks ... for their assistance"), never from co-occurrence alone.
Each relation keeps its evidence sentence, a modality (asserted, planned, proposed,
refused, denied, negated) and a flag for sentences that criticise the cooperation.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Mapping, Sequence

from corpus.records import RELATION_TYPES, DateMention, Entity, Mention, Relation, stable_id
from corpus.relate import frames as fr
from corpus.relate import lexicon as lx
from corpus.relate import pairs
from corpus.relate.modality import is_critical, modality_of

RELATE_VERSION = "25"
RELATOR_VERSION = RELATE_VERSION      # the skeleton's name, kept for old imports

ACTOR_KINDS = ("agency", "country", "organization")

# a quote's attribution: "..., said Special Agent in Charge ..."
_SAID = re.compile(r"\b(?:said|says|stated|added)\b")

# confidence by the kind of evidence
DIRECT, PREPOSITION, LIST, CROSS = 0.9, 0.8, 0.7, 0.55
MAX_AMONG = 2       # co-agents paired among themselves only when two ("X and Y conducted")
MAX_SIDE = 2        # a lone group modifier ("U.S. agencies") is paired with at most two
MAX_CROSS = 4       # a list-by-list cross product is read only up to 2 x 2
# "Sanchez-Valencia was transported from Mexico to the United States": who is handed over
PERSON_WORDS = frozenset({"he", "she", "they", "defendant", "fugitive", "suspect"})
MAX_LEAD = 2        # agencies named as leading the investigation that helpers are paired with
MAX_STAR = 5        # co-agents with one international body: each paired with the body
MAX_MIXED = 60      # co-agents at home and abroad: each home agency with each body abroad

__all__ = ["RELATE_VERSION", "find_relations"]


@dataclass(slots=True)
class Candidate:
    source: str
    target: str
    type: str
    directed: bool
    confidence: float
    trigger: object                    # spaCy token


@dataclass(slots=True)
class DocContext:
    """What a document says once that sentences may lean on."""

    entities: Mapping[str, Entity]
    home: str | None                   # entity id of the publisher's country
    home_code: str | None
    lead: tuple[str, ...]              # agencies that led the investigation
    extradition_sources: tuple[str, ...]
    international: tuple[str, ...]     # international bodies named in the document
    order: list[tuple[int, str]]       # (start_char, entity_id) of every mention
    owner: str | None = None           # the agency the document is about, when clear
    # sentence start -> the countries it says someone was arrested in
    arrest_places: dict[int, tuple[str, ...]] = dataclasses.field(default_factory=dict)


def find_relations(doc, mentions: Sequence[Mention], entities: Mapping[str, Entity], *,
                   doc_id: str, published: date | None,
                   date_mentions: Sequence[DateMention] = ()) -> list[Relation]:
    """Relations stated in one parsed document (a spaCy ``Doc``)."""
    actor_mentions = [m for m in mentions
                      if m.entity_id in entities and entities[m.entity_id].kind in ACTOR_KINDS]
    if not actor_mentions:
        return []
    _mend_split_names(doc, actor_mentions)
    _mend_bracket_lists(doc)
    by_sentence = _actors_by_sentence(doc, actor_mentions, entities)
    ctx = _document_context(doc, by_sentence, actor_mentions, entities)
    relations: dict[tuple, Relation] = {}
    for sent in doc.sents:
        actors = by_sentence.get(sent.start, [])
        actors = actors + _anaphors(sent, actors, ctx)
        if not actors:
            continue
        candidates = _sentence_candidates(sent, actors, ctx)
        if not candidates:
            continue
        critical = is_critical(sent.text)
        event_date = _event_date(sent, date_mentions) or published
        evidence = sent.text.strip()
        start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        oriented = [_oriented(c, ctx) for c in candidates if _acceptable(c, entities)]
        for cand in oriented + _between_states(oriented, ctx):
            mood = modality_of(cand.trigger)
            key = _dedupe_key(cand, sent.start_char)
            if key in relations and relations[key].confidence >= cand.confidence:
                continue
            relations[key] = Relation(
                relation_id=stable_id("relation", doc_id, cand.source, cand.target, cand.type,
                                      sent.start_char),
                doc_id=doc_id, source_id=cand.source, target_id=cand.target, type=cand.type,
                directed=cand.directed, evidence=evidence,
                start_char=start, end_char=start + len(evidence), event_date=event_date,
                confidence=cand.confidence, modality=mood, critical=critical,
                trigger=cand.trigger.text)
    for rel in _document_pairs(doc, by_sentence, ctx, entities, relations.values(),
                               doc_id=doc_id, published=published,
                               date_mentions=date_mentions):
        relations[("document", rel.source_id, rel.target_id)] = rel
    return list(relations.values())


def _document_pairs(doc, by_sentence, ctx: DocContext, entities: Mapping[str, Entity],
                    found, *, doc_id: str, published: date | None,
                    date_mentions: Sequence[DateMention]) -> list[Relation]:
    """Ties the document states across sentences, as the pair model scores them
    (:mod:`corpus.relate.pairs`)."""
    model = pairs.load_model(pairs.MODEL_FILE)
    if model is None and not pairs.tracing_active():
        return []
    paired: dict[frozenset, set[str]] = {}
    for r in found:
        paired.setdefault(frozenset((r.source_id, r.target_id)), set()).add(
            (r.trigger or "").lower())
    scored = pairs.candidates(
        doc, by_sentence, home_code=ctx.home_code, lead=ctx.lead, owner=ctx.owner,
        entities=entities, international=ctx.international, paired=paired, doc_id=doc_id,
        security_services=_security_services(entities),
        acting=lambda e: _acting_entity(e, entities, ctx.home_code),
        acceptable=lambda a, b: _acceptable(Candidate(a, b, "", False, 0.0, None), entities))
    if model is None or not scored:
        return []
    probs = [pairs.probability(c.features, model) for c in scored]
    keep = pairs.select([c.foreign for c in scored], probs, model["threshold"],
                        model["threshold_more"],
                        [pairs.explicit(c.features) for c in scored])
    out = []
    for cand, p, kept in zip(scored, probs, keep):
        if not kept:
            continue
        sent = cand.sentence
        evidence = sent.text.strip()
        start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        cue = next((t for t in sent if cand.cue in (t.lower_, fr.lemma(t))), sent.root)
        out.append(Relation(
            relation_id=stable_id("relation", doc_id, cand.home, cand.foreign, "document"),
            doc_id=doc_id, source_id=cand.home, target_id=cand.foreign,
            type=cand.type, directed=RELATION_TYPES[cand.type], evidence=evidence,
            start_char=start, end_char=start + len(evidence),
            event_date=_event_date(sent, date_mentions) or published,
            confidence=round(p, 3), modality=modality_of(cue), critical=is_critical(sent.text),
            trigger=f"document:{cand.cue}"))
    return out


_SECURITY_NAME = re.compile(r"\b(?:defen[cs]e|military|army|armed forces|intelligence)\b",
                            re.IGNORECASE)
_CRIMINAL_INTELLIGENCE = re.compile(r"\bcriminal intelligence\b", re.IGNORECASE)


def _security_services(entities: Mapping[str, Entity]) -> frozenset[str]:
    """Entity ids of intelligence and military bodies, as the knowledge base files them;
    a body it does not know, by its name ("Russian Ministry of Defense")."""
    kb = _knowledge_base()
    out = set()
    for eid, ent in entities.items():
        entry = kb.by_id.get(ent.kb_id) if kb is not None and ent.kb_id else None
        if _CRIMINAL_INTELLIGENCE.search(ent.name):
            continue                   # a police body that gathers criminal intelligence
        if entry is not None:
            if entry.category in ("intelligence", "military"):
                out.add(eid)
        elif ent.kind == "agency" and _SECURITY_NAME.search(ent.name):
            out.add(eid)
    return frozenset(out)


def _us_attorney(subject, look_back: bool = True) -> bool:
    """True when a clause's subject is the U.S. Attorney a USAO release quotes: "U.S.
    Attorney Durham", "Mr. Clayton" / "Ms. Liu" (the form its closing lines use), or "He" /
    "She" right after a sentence whose subject is one of those."""
    doc = subject.doc
    if subject.ent_type_ == "PERSON" or subject.pos_ == "PROPN":   # "Mr. Roos": no PERSON tag
        before = [t.lower_ for t in doc[max(0, subject.left_edge.i - 2):subject.left_edge.i + 1]]
        # "Acting Assistant Attorney General Rabbit and U.S. Attorney Brady praised ...":
        # the title right before the name itself, when the subject is a list of officials
        own = [t.lower_ for t in doc[max(0, subject.i - 2):subject.i]]
        return "attorney" in before or own[-1:] == ["attorney"] and "general" not in own \
            or bool({"mr.", "ms.", "mrs.", "mr", "ms", "mrs"} & set(before))
    if look_back and subject.lower_ in ("he", "she") and subject.sent.start > 0:
        previous = doc[subject.sent.start - 1].sent
        return any(t.dep_ == "nsubj" and _us_attorney(t, False) for t in previous)
    return False


# -- actors -----------------------------------------------------------------
def _mend_split_names(doc, mentions: Sequence[Mention]) -> None:
    """Join sentences the parser split inside a name ("... Bureau of International
    Narcotics and Law | Enforcement Affairs (INL) and the U.S. Embassy in Pristina."):
    the second piece's root is hung on the name's first part, so the name and whatever
    the piece lists after it belong to the sentence that states the cooperation."""
    for m in mentions:
        span = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
        if span is None or len(span) < 2:
            continue
        first, last = span[0].sent, span[-1].sent
        if first.start == last.start:
            continue
        root = last.root
        if not span.start <= root.i < span.end or not (root.dep_ and doc[last.start - 1].dep_):
            continue                       # not a split name, or a piece left unparsed
        root.head = doc[last.start - 1]
        root.dep_ = "flat"


def _mend_bracket_lists(doc) -> None:
    """"by the Internal Revenue Service-Criminal Investigations (Washington, D.C.) and
    Homeland Security Investigations (...)": the parser makes the next list member a
    conjunct of the place in the brackets; it is a conjunct of what the brackets qualify."""
    for tok in doc:
        head = tok.head
        if tok.dep_ != "conj" or head.i >= tok.i or head.head.i == head.i:
            continue
        between = doc[head.i + 1:tok.i]
        opened = [t for t in doc[max(tok.sent.start, head.i - 8):head.i] if t.text in "()"]
        if not (opened and opened[-1].text == "(" and any(t.text == ")" for t in between)):
            continue
        outer = head
        while outer.i > opened[-1].i and outer.head.i != outer.i:
            outer = outer.head            # up to the token the bracket hangs on
        if outer.i >= opened[-1].i or outer.i in {t.i for t in tok.subtree}:
            continue
        tok.head = outer


def _actors_by_sentence(doc, mentions, entities) -> dict[int, list[fr.Actor]]:
    """Actors per sentence start; a name nested in a longer name ("Burkinabe" in
    "Burkinabe National Police") is part of it, not an actor of its own."""
    out: dict[int, list[fr.Actor]] = {}
    taken: list[tuple[int, int]] = []
    countries = Counter(entities[m.entity_id].country for m in mentions
                        if entities[m.entity_id].kind == "agency" and entities[m.entity_id].country)
    home = countries.most_common(1)[0][0] if countries else None
    for m in sorted(mentions, key=lambda m: (m.start_char - m.end_char, m.start_char)):
        span = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        if any(a < m.end_char and m.start_char < b for a, b in taken):
            continue
        taken.append((m.start_char, m.end_char))     # "U.S.–Kenya" is one token, two actors
        root = _span_root(span)
        acting = _acting_entity(m.entity_id, entities, home)
        actor = fr.Actor((acting,), root.i, frozenset(t.i for t in span),
                         kinds=(entities[acting].kind,))
        out.setdefault(root.sent.start, []).append(actor)
    for start, actors in out.items():
        out[start] = _merge_agency_country(doc, actors, entities)
    return out


_LOCAL_OFFICE = re.compile(r"\bfield (office|division)\b|\bresident (agency|office)\b"
                           r"|-fo-", re.I)


# "Tampa Division of the FBI", "the FBI's Tampa Division": a division named after a place
_PLACE_DIVISION = re.compile(r"^(?:the )?(?:FBI(?:'s|’s)? )?([A-Z][a-z]+(?: [A-Z][a-z]+)?) "
                             r"Division(?: of the (?:FBI|Federal Bureau of Investigation))?$")
_FUNCTION_WORDS = {"cyber", "criminal", "counterterrorism", "counterintelligence", "operational",
                   "laboratory", "technology", "investigative", "intelligence", "training",
                   "security", "finance", "financial", "information", "international", "violent",
                   "organized", "narcotics", "weapons", "records", "national", "special",
                   "victim", "science", "critical", "civil", "tax", "antitrust", "fraud",
                   "environment", "consumer", "appellate", "justice", "identity", "money"}


def _is_local_office(entity: Entity) -> bool:
    for name in (entity.name, *entity.aliases, entity.kb_id or ""):
        if _LOCAL_OFFICE.search(name):
            return True
        place = _PLACE_DIVISION.match(name)
        if place and not {w.lower() for w in place.group(1).split()} & _FUNCTION_WORDS:
            return True
    return False


def _acting_entity(entity_id: str, entities: Mapping[str, Entity],
                   home: str | None = None) -> str:
    """The agency acting when a document names one of its local offices: "the FBI's
    Washington Field Office worked with Europol" is the FBI working with Europol (the
    mention keeps the office; only the relation names the agency). Functional units
    with an identity of their own (Europol's EC3, the FBI's Cyber Division) act as
    themselves; so does a unit the knowledge base does not know abroad, while one at home
    ("the U.S. Secret Service Cyber Investigative Section") acts as its agency, as the
    gold and analysts name it."""
    current = entity_id
    for _ in range(4):
        ent = entities.get(current)
        if ent is None or not ent.parent_id or ent.parent_id not in entities:
            break
        parent = entities[ent.parent_id]
        home_unit = (home is not None and not ent.kb_id and ent.kind == "agency"
                     and ent.country == home == parent.country)
        if not _is_local_office(ent) and not _LOCAL_OFFICE.search(parent.name) \
                and not home_unit:
            break                          # a unit in its own right, or a unit of a unit
        current = parent.entity_id
    return current


def _span_root(span):
    """The token a name hangs from in the sentence. When the parser split the name
    ("the Bureau of ... Law Enforcement Affairs" with "Affairs" in apposition), the part
    attached as an argument wins over the part attached as an apposition or conjunct."""
    outside = [t for t in span if t.head.i == t.i or not span.start <= t.head.i < span.end]
    if len(outside) <= 1:
        return span.root
    attached = [t for t in outside if t.dep_ not in ("appos", "conj", "punct", "cc", "dep")]
    return min(attached or outside, key=lambda t: (sum(1 for _ in t.ancestors), t.i))


def _merge_agency_country(doc, actors: list[fr.Actor], entities) -> list[fr.Actor]:
    """"ICITAP Albania joined ...": an agency's country office is the agency acting, not
    the country; the agency's name and the country become one actor. In "FBI's Virtual
    Asset Unit" the unit acts, and the FBI is only part of its name."""
    by_token = _token_index(actors)
    drop: set[int] = set()
    out = []
    for a in actors:
        merged = a
        if a.kinds == ("agency",) and a.root >= 0:
            tok = doc[a.root]
            nxt = by_token.get(max(a.tokens) + 1)
            if nxt is not None and nxt.kinds == ("country",) and tok.dep_ == "compound" \
                    and tok.head.i == nxt.root and doc[nxt.root].dep_ not in ("compound",):
                country = entities[nxt.entity_ids[0]].country
                if not country or country != entities[a.entity_ids[0]].country:
                    merged = fr.Actor(a.entity_ids, nxt.root, a.tokens | nxt.tokens,
                                      kinds=a.kinds)
                    drop.add(id(nxt))
            end = max(a.tokens) + 1
            unit = by_token.get(end + 1)
            if end < len(doc) and doc[end].lower_ in ("'s", "’s") and unit is not None \
                    and min(unit.tokens) == end + 1 and any(
                        entities[e].parent_id in a.entity_ids for e in unit.entity_ids):
                merged = None              # "FBI's Virtual Asset Unit": the unit acts
        if merged is not None:
            out.append(merged)
    return [a for a in out if id(a) not in drop]


def _anaphors(sent, actors: list[fr.Actor], ctx: DocContext) -> list[fr.Actor]:
    """Actors named earlier and referred to here: "the department", "the two countries",
    "our international partners"."""
    covered = {i for a in actors for i in a.tokens}
    found: list[fr.Actor] = []
    for tok in sent:
        if tok.pos_ not in ("NOUN", "PROPN") or tok.i in covered:
            continue
        word = tok.lemma_.lower()
        if word not in _ANAPHOR_WORDS:
            continue
        dets = {c.lower_ for c in tok.children if c.dep_ in ("det", "nummod", "predet")}
        if word in lx.ANAPHOR_NOUNS and dets & {"the", "this"} and not _has_of(tok) \
                and tok.tag_ in ("NN", "NNP") \
                and not any(c.dep_ in ("compound", "amod", "poss") for c in tok.children):
            ent = _last_agency_named(word, sent.start_char, ctx)
            if ent:
                found.append(fr.Actor((ent,), tok.i, frozenset({tok.i}), resolved=True))
        elif word in lx.COUNTRY_ANAPHORS and tok.tag_ in ("NNS", "NNPS") \
                and dets & {"two", "both"}:
            pair = _last_two_countries(sent.start_char, ctx)
            if pair:
                found.append(fr.Actor(pair, tok.i, frozenset({tok.i}), resolved=True))
        elif word in lx.PROGRAM_ANAPHORS and tok.tag_ == "NN" and dets & {"the", "this"} \
                and tok.dep_ in ("nsubj", "nsubjpass") and ctx.owner:
            # "The program is implemented with the support of ...": the publisher's program
            found.append(fr.Actor((ctx.owner,), tok.i, frozenset({tok.i}), resolved=True))
        elif word == "partner" and tok.tag_ == "NNS" and 0 < len(ctx.international) <= 3 and any(
                c.lower_ in ("international", "foreign", "european", "global", "overseas")
                for c in tok.children):
            found.append(fr.Actor(ctx.international, tok.i, frozenset({tok.i}), resolved=True,
                                  kinds=("partners",)))
    return found


_ANAPHOR_WORDS = lx.ANAPHOR_NOUNS | lx.COUNTRY_ANAPHORS | lx.PROGRAM_ANAPHORS | {"partner"}


def _has_of(tok) -> bool:
    return any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children)


def _last_agency_named(word: str, before: int, ctx: DocContext) -> str | None:
    """The most recent agency before ``before`` whose name holds ``word``."""
    best = None
    for start, eid in ctx.order:
        if start >= before:
            break
        ent = ctx.entities[eid]
        if ent.kind == "agency" and word in ent.name.lower().split():
            best = eid
    if best is None and word == "department":
        names = [eid for _, eid in ctx.order if "department" in
                 ctx.entities[eid].name.lower().split() and ctx.entities[eid].kind == "agency"]
        if names:
            best = Counter(names).most_common(1)[0][0]
    return best


def _last_two_countries(before: int, ctx: DocContext) -> tuple[str, ...] | None:
    seen: list[str] = []
    for start, eid in reversed(ctx.order):
        if start >= before or before - start > 600:
            continue
        if ctx.entities[eid].kind == "country" and eid not in seen:
            seen.append(eid)
    return tuple(seen[:2]) if len(seen) >= 2 else None


# -- the document's context ---------------------------------------------------
def _document_context(doc, by_sentence, mentions, entities) -> DocContext:
    order = sorted((m.start_char, m.entity_id) for m in mentions)
    agency_codes = Counter(entities[eid].country for _, eid in order
                           if entities[eid].kind == "agency" and entities[eid].country)
    home_code = agency_codes.most_common(1)[0][0] if agency_codes else None
    home = None
    if home_code:
        for _, eid in order:
            ent = entities[eid]
            if ent.kind == "country" and ent.country == home_code:
                home = eid
                break
    international = tuple(dict.fromkeys(
        eid for _, eid in order if _is_international(entities[eid])))
    counts = Counter(eid for _, eid in order if entities[eid].kind == "agency")
    title_end = doc.text.find("\n")
    in_title: dict[str, int] = {}
    for start, eid in order:
        if start < (title_end if title_end > 0 else 300):
            in_title.setdefault(eid, start)
    ranked = sorted(counts.items(), key=lambda kv: (kv[0] not in in_title, -kv[1],
                                                    in_title.get(kv[0], 0), kv[0]))
    owner = None
    if ranked and ranked[0][1] >= 3 and (ranked[0][0] in in_title or len(ranked) == 1
                                         or ranked[0][1] > ranked[1][1]):
        owner = ranked[0][0]                # the agency the title names, else the most named
    ctx = DocContext(entities, home, home_code, (), (), international, order, owner)
    lead: list[str] = []
    sources: list[str] = []
    for sent in doc.sents:
        actors = by_sentence.get(sent.start, [])
        if not actors:
            continue
        index = _token_index(actors)
        places = tuple(dict.fromkeys(
            a.entity_ids[0] for a in actors if not a.resolved and a.kinds == ("country",)
            and a.entity_ids[0] != home and _arrest_place(doc[a.root])))
        if places:
            ctx.arrest_places[sent.start] = places
        for tok in sent:
            word = fr.lemma(tok)
            if not lead and home_code and word in ("work", "effort") and any(
                    c.dep_ == "amod" and c.lower_ in ("investigative", "joint")
                    for c in tok.children):
                # "Mr. Roos praised the investigative work of IRS-CI and the FBI", "Mr.
                # Williams praised the outstanding joint efforts of the FBI, ..."
                lead = next((_listed_after(sent, of, actors, entities, home_code)
                             for of in tok.children if of.dep_ == "prep" and of.lower_ == "of"),
                            [])
            if not lead and (word == "investigate" and fr.is_verb(tok)
                             or word in ("conduct", "lead") and any(
                                 _has_object(tok, n) for n in (*lx.CASE_NOUNS, "effort"))
                             # "the result of an investigation conducted by the Seattle
                             # Cyber Task Force of the FBI and the U.S. Attorney's Office"
                             or word in ("conduct", "lead") and tok.dep_ == "acl"
                             and tok.head.lemma_.lower() in lx.CASE_NOUNS
                             and tok.head.dep_ == "pobj" and tok.head.head.head.lemma_.lower()
                             in ("result", "product", "culmination", "outcome")):
                roles = _roles(tok, actors, index, set())
                agents = roles.get(fr.BY, []) or roles.get(fr.SUBJ, [])
                agents = sorted(agents, key=lambda a: min(a.tokens, default=a.root))
                lead = list(dict.fromkeys(e for a in agents for e in a.entity_ids
                                          if entities[e].kind == "agency"))
                if lead and word == "investigate" and home_code:
                    # "The DEA investigated this case with IRS-CI, the FBI, the Postal
                    # Inspection Service ...": the home agencies it investigated with led too
                    lead += [e for a in sorted(roles.get(fr.WITH, []),
                                               key=lambda a: min(a.tokens, default=a.root))
                             for e in a.entity_ids
                             if entities[e].kind == "agency" and entities[e].country == home_code
                             and e not in lead]
                by = next((c for c in tok.children if c.dep_ == "agent"), None)
                if by is not None and home_code and (not lead or _semicolons_after(by)):
                    # "by the FBI's Anchorage and Los Angeles field offices, DCIS's ...":
                    # the agencies only own the agents; "by ... HSI; DEA; USPIS; ...": the
                    # parser breaks semicolon lists apart. Read the by-phrase on the words.
                    lead = list(dict.fromkeys(
                        lead + _listed_after(sent, by, actors, entities, home_code)))
            if word in lx.HAND_OVER_VERBS or (word == "extradition" and not fr.is_verb(tok)):
                roles = _roles(tok, actors, index, set())
                for a in roles.get(fr.FROM, []):
                    for e in a.entity_ids:
                        if e != home and entities[e].kind == "country" and e not in sources:
                            sources.append(e)
    # the members of the team or initiative behind the case led it too, whether or not
    # a clause also names who investigated ("This case was investigated by the FBI Dallas
    # Field Office ... Operation DisrupTor was a collaborative initiative across JCODE
    # members, including ...; U.S. Customs and Border Protection (CBP); ...")
    lead = list(dict.fromkeys(lead + _member_agencies(doc, by_sentence, entities, home_code)))
    ctx.lead = tuple(lead)
    ctx.extradition_sources = tuple(sources)
    return ctx


# "a collaborative initiative across JCODE members, including the Department of Justice;
# FBI; DEA; ...", "the NCIDE Task Force, composed of agents from HSI, the FBI, ...": the
# agencies that make up the team that ran the case
_MEMBER_VERBS = frozenset({"compose", "comprise", "consist"})
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _member_agencies(doc, by_sentence, entities, home_code: str | None) -> list[str]:
    """The home agencies a release lists as the members of the team or initiative behind
    its case: they led it together."""
    if not home_code:
        return []
    for sent in doc.sents:
        actors = by_sentence.get(sent.start, [])
        if len(actors) < 2:
            continue
        for tok in sent:
            word = fr.lemma(tok)
            if word == "member" and tok.pos_ == "NOUN":
                heads = [c for c in tok.children if c.lower_ in ("including", "include")]
            elif word in _MEMBER_VERBS and tok.pos_ == "VERB":
                heads = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"]
            else:
                continue
            for head in heads:
                members = _listed_after(sent, head, actors, entities, home_code)
                if len(members) >= 2:
                    return members
    return []


def _named_after(sent, head, index: Mapping[int, fr.Actor]) -> list[fr.Actor]:
    """The actors named after ``head`` up to the next finite verb, read on the words: the
    parser breaks long semicolon lists ("DOJ; FBI; DEA; ...") apart."""
    out: list[fr.Actor] = []
    for tok in sent[head.i - sent.start + 1:]:
        actor = index.get(tok.i)
        if actor is None and tok.tag_ in _FINITE and tok.lower_ not in ("'s", "’s") \
                and (tok.dep_ == "ROOT" or any(c.dep_ in ("nsubj", "nsubjpass")
                                               for c in tok.children)):
            break       # a clause; not "am" in "Frankfurt am Main", not "(ICE)’s HSI"
        if actor is not None and actor not in out:
            out.append(actor)
    return out


def _semicolons_after(head) -> bool:
    return any(t.text == ";" for t in head.sent[head.i - head.sent.start:])


def _listed_after(sent, head, actors, entities, home_code: str) -> list[str]:
    """The home agencies among the actors named after ``head`` (``_named_after``)."""
    return list(dict.fromkeys(
        e for a in _named_after(sent, head, _token_index(actors)) for e in a.entity_ids
        if entities[e].kind == "agency" and entities[e].country == home_code))


def _is_international(entity: Entity) -> bool:
    """An international police body (Europol, INTERPOL ...) as the knowledge base says."""
    if entity.kind != "agency" or entity.country or not entity.kb_id:
        return False
    kb = _knowledge_base()
    entry = kb.by_id.get(entity.kb_id) if kb is not None else None
    for _ in range(4):
        if entry is None:
            return False
        if entry.id in _POLICE_BODIES:
            return True
        entry = kb.by_id.get(entry.parent) if entry.parent else None
    return False


# international bodies that "our international partners" can stand for
_POLICE_BODIES = {"int-interpol", "int-europol", "int-eurojust", "int-unodc", "int-frontex",
                  "int-cepol", "int-ameripol", "int-afripol", "int-aseanapol", "int-gccpol"}


@functools.lru_cache(maxsize=1)
def _knowledge_base():
    try:
        from corpus.knowledge import load_kb
        return load_kb()
    except Exception:                  # noqa: BLE001 - relations work without the KB
        return None


def _has_object(verb, noun: str) -> bool:
    return any(c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() == noun
               for c in verb.children)


def _token_index(actors: Sequence[fr.Actor]) -> dict[int, fr.Actor]:
    index: dict[int, fr.Actor] = {}
    for a in actors:
        for i in a.tokens:
            index[i] = a
    return index


def _roles(anchor, actors, index, blockers, inside=None) -> dict[str, list[fr.Actor]]:
    """The slot each actor fills relative to ``anchor``; with ``inside`` (a trigger noun
    hanging from ``anchor``) the actors within that noun's phrase are left to it."""
    roles: dict[str, list[fr.Actor]] = {}
    for a in actors:
        if anchor.i in a.tokens:
            continue
        if inside is not None and not _dominates(inside, anchor) \
                and _dominates(inside, anchor.doc[a.root]):
            continue
        role = fr.role_of(a, anchor, index, blockers)
        if role:
            roles.setdefault(role, []).append(a)
    if inside is None and not fr.is_verb(anchor) and anchor.dep_ == "conj" \
            and not fr.is_verb(anchor.head):
        # "the arrest and extradition of Singh from the United Kingdom"
        shared = _roles(anchor.head, actors, index, blockers - {anchor.head.i})
        for role in (fr.FROM, fr.TO):
            for a in shared.get(role, []):
                if a not in roles.get(role, []):
                    roles.setdefault(role, []).append(a)
    return roles


def _dominates(top, tok) -> bool:
    return top.i == tok.i or any(t.i == top.i for t in tok.ancestors)


# -- one sentence -------------------------------------------------------------
def _sentence_candidates(sent, actors, ctx: DocContext) -> list[Candidate]:
    index = _token_index(actors)
    triggers = [(tok, kind) for tok in sent if tok.i not in index
                for kind in [_trigger_kind(tok)] if kind]
    blockers = {tok.i for tok, kind in triggers
                if kind in ("noun", "help_noun", "coalition") or tok.dep_ in ("amod", "acl")}
    sentence_lemmas = {t.lemma_.lower() for t in sent}
    out: list[Candidate] = []
    reader = _SentenceReader(sent, actors, index, blockers, ctx, sentence_lemmas, out)
    for tok, kind in triggers:
        getattr(reader, "read_" + kind)(tok)
    reader.read_headline()
    return out


def _trigger_kind(tok) -> str | None:
    word = fr.lemma(tok)
    if tok.pos_ == "NOUN" and word in lx.GRATITUDE_NOUNS and tok.dep_ == "dobj" \
            and fr.lemma(tok.head) in lx.EXPRESS_VERBS:
        return "gratitude"                 # "The Justice Department extends its thanks to"
    if tok.lower_ in ("thanks", "thank") and tok.dep_ != "prep":
        return "thank"
    if fr.is_verb(tok) and word in ("involve", "include") and _reports_partners(tok):
        return "involve"
    if fr.is_verb(tok) and word == "participate" and _in_the_case(tok):
        return "participate"               # "authorities ... participated in the investigation"
    if (word == "partner" and tok.tag_ == "NNS" or word in ("agency", "authority")
            and tok.tag_ == "NNS" and any(c.dep_ in ("compound", "amod")
                                          and c.lemma_.lower() == "partner"
                                          for c in tok.children)) \
            and _partners_from(tok) is not None:
        return "partners_from"             # "their law enforcement partners from A, B, C"
    if fr.is_verb(tok) and word in lx.THANK_VERBS and any(
            c.dep_ == "dobj" and (c.lemma_.lower() in lx.HELP_NOUNS
                                  or c.lemma_.lower() in ("work", "effort") and any(
                                      p.dep_ == "prep" and p.lower_ == "of" for p in c.children))
            for c in tok.children):
        # "The Department appreciates the cooperation ...", "U.S. Attorney Brady praised the
        # outstanding investigative work of the FBI's Pittsburgh Field Office and ..."
        return "thank"
    if fr.is_verb(tok) or (tok.is_title and word in fr._KNOWN_VERBS and tok.dep_ == "ROOT"):
        if word in lx.GIVE_VERBS:
            return "give"
        if word in lx.HAND_OVER_VERBS:
            return "hand_over"
        if word in lx.SHARE_VERBS:
            return "share"
        if word in lx.SIGN_VERBS:
            return "sign"
        if word in lx.VISIT_VERBS and word != "receive":
            return "visit"
        if word in lx.HELP_VERBS:
            return "help"
        if word in lx.JOINT_VERBS:
            return "joint"
        return None
    if tok.pos_ in ("NOUN", "PROPN"):
        if _is_coalition(tok):
            return "coalition"
        if word in lx.AUDIENCE_NOUNS and tok.dep_ == "pobj" \
                and tok.head.lower_ in ("to", "for", "of") \
                and {fr.lemma(t) for t in tok.sent} & lx.TRAINING_EVENT_WORDS:
            return "audience"
        if word in lx.HELP_NOUNS:
            return "help_noun"
        if word in lx.NOUN_TYPES:
            return "noun"
    return None


class _SentenceReader:
    """Reads one sentence's cooperation predicates into candidates."""

    def __init__(self, sent, actors, index, blockers, ctx, lemmas, out):
        self.sent, self.actors, self.index = sent, actors, index
        self.blockers, self.ctx, self.lemmas, self.out = blockers, ctx, lemmas, out
        # words that make helping a joint operation; "the ability to investigate" does not
        self.operation_words = {t.lemma_.lower() for t in sent
                                if t.lemma_.lower() in lx.OPERATION_CONTEXT
                                and not any(c.dep_ == "aux" and c.lower_ == "to"
                                            for c in t.children)}

    # helpers ---------------------------------------------------------------
    def roles(self, anchor, *free) -> dict[str, list[fr.Actor]]:
        blockers = self.blockers - {anchor.i, *(t.i for t in free)}
        roles = _roles(anchor, self.actors, self.index, blockers,
                       inside=free[0] if free else None)
        if fr.is_verb(anchor) and not (roles.get(fr.SUBJ) or roles.get(fr.PASS_SUBJ)):
            self._inherit_subject(anchor, roles, blockers)
        if fr.is_verb(anchor) and not (roles.get(fr.SUBJ) or roles.get(fr.PASS_SUBJ)):
            # "From February 2-6, ICITAP, in partnership with X, delivered ...": the parser
            # hangs the subject on the fronted date as its apposition
            for prep in anchor.children:
                if prep.dep_ != "prep" or prep.i > anchor.i:
                    continue
                for date_tok in prep.children:
                    if date_tok.dep_ != "pobj" or date_tok.ent_type_ not in ("DATE", "TIME"):
                        continue
                    for c in date_tok.children:
                        if c.dep_ == "appos" and c.i in self.index:
                            roles.setdefault(fr.SUBJ, []).extend(self._actors_at(c, blockers))
            for aux in anchor.children:
                if aux.dep_ == "aux" and aux.lemma_ == "be":
                    for c in aux.children:       # "Also contributing ... were X, Y and Z"
                        if c.dep_ in ("attr", "nsubj"):
                            roles.setdefault(fr.SUBJ, []).extend(
                                self._actors_at(c, blockers) + self._listed(c))
        return roles

    def _listed(self, tok) -> list[fr.Actor]:
        """Actors in apposition or coordination with ``tok``: a list the parser chained."""
        return [self.index[c.i] for c in tok.subtree
                if c.i != tok.i and c.i in self.index and c.dep_ in ("appos", "conj")
                and self.index[c.i].root == c.i]

    def _inherit_subject(self, verb, roles, blockers) -> None:
        head = verb.head
        if verb.dep_ in ("acl", "relcl") and head.i != verb.i:
            holder = self._actors_at(head, blockers)
            if holder:
                passive = fr.is_passive(verb) or verb.tag_ == "VBN"
                roles.setdefault(fr.PASS_SUBJ if passive else fr.SUBJ, []).extend(holder)
        elif verb.dep_ == "pcomp" and head.dep_ == "prep" and fr.is_verb(head.head) \
                and not any(c.dep_.startswith("nsubj") for c in verb.children):
            # "ICITAP has supported ... by providing training ..., in coordination with X"
            upper = _roles(head.head, self.actors, self.index, blockers)
            subj = upper.get(fr.SUBJ)
            if subj:
                roles.setdefault(fr.SUBJ, []).extend(subj)
        elif verb.dep_ in ("xcomp", "conj", "advcl") and head.i != verb.i and fr.is_verb(head) \
                and not any(c.dep_.startswith("nsubj") for c in verb.children):
            upper = _roles(head, self.actors, self.index, blockers)
            if not (upper.get(fr.SUBJ) or upper.get(fr.PASS_SUBJ)) and head.dep_ in (
                    "conj", "advcl", "xcomp") and head.head.i != head.i:
                upper = self.roles(head)         # "Funded by X and implemented with Y, ..."
            subj = upper.get(fr.SUBJ) or ([] if verb.dep_ != "conj" else upper.get(fr.PASS_SUBJ))
            if subj:
                passive = fr.is_passive(verb) or (verb.tag_ == "VBN" and verb.dep_ == "advcl")
                roles.setdefault(fr.PASS_SUBJ if passive else fr.SUBJ, []).extend(subj)

    def _actors_at(self, tok, blockers) -> list[fr.Actor]:
        """Actors a noun phrase stands for: the actor itself, its conjuncts, or the
        actors modifying a group noun ("ICITAP advisors", "authorities in Spain")."""
        if tok.i in self.index:
            return [self.index[tok.i]] + [self.index[c.i] for c in tok.conjuncts
                                          if c.i in self.index]
        if fr.is_group(tok):
            found = []
            for a in self.actors:
                path = fr.path_up(self.sent.doc[a.root], tok, self.index, a, blockers)
                if path and path[-1].dep_ in ("compound", "poss", "amod", "nmod", "prep"):
                    found.append(a)
            return found
        return []

    def type_from_context(self, default: str = "general_cooperation") -> str:
        if self.lemmas & {"extradition", "extradite", "extradited"}:
            return "legal_assistance"
        if self.operation_words:
            return "joint_operation"
        return default

    def _group_modifier(self, actors) -> bool:
        """True when the side is one actor standing only as the modifier of a group noun."""
        if len(actors) != 1 or actors[0].root < 0:
            return False
        tok = self.sent.doc[actors[0].root]
        return tok.dep_ in ("nmod", "compound", "amod") and \
            fr.is_group(tok.head)

    def add(self, sources, targets, rtype, directed, confidence, trigger) -> None:
        # "Canadian Hacker Who ... Aided Russian FSB Officers": a country that is someone's
        # nationality does not act, whichever reading brought it here
        sources = [a for a in sources if a.resolved or a.root < 0 or not self._nationality(a)]
        targets = [a for a in targets if a.resolved or a.root < 0 or not self._nationality(a)]
        sources_actors, targets_actors = sources, targets
        sources = list(dict.fromkeys(e for a in sources for e in a.entity_ids))
        targets = list(dict.fromkeys(e for a in targets for e in a.entity_ids))
        if len(sources) > MAX_SIDE or len(sources) * len(targets) > MAX_CROSS:
            # "The FBI Charlotte, FBI Indianapolis ... Field Offices conducted the operation
            # with ... A, B, C": offices of one agency act as that agency
            sources = self._one_parent(sources)
        if len(targets) > MAX_SIDE or len(sources) * len(targets) > MAX_CROSS:
            targets = self._one_parent(targets)
        if len(sources) > 1 and len(targets) > 1 and len(sources) * len(targets) > MAX_CROSS:
            # a list on both sides ("A, B, C and D worked with E, F and G"): the sentence
            # states no one pair; a many-to-many cross product is mostly noise
            return
        if (len(sources) > MAX_SIDE and self._group_modifier(targets_actors)) or (
                len(targets) > MAX_SIDE and self._group_modifier(sources_actors)):
            # "the following U.S. and international agencies assisted ...: A; B; C": the
            # list names members of the group "U.S." qualifies, not its partners
            return
        if len(sources) * len(targets) > 2 and confidence > LIST:
            confidence = LIST
        for s in dict.fromkeys(sources):
            for t in dict.fromkeys(targets):
                if s != t:
                    self.out.append(Candidate(s, t, rtype, directed, confidence, trigger))

    def _one_parent(self, ids: list[str]) -> list[str]:
        """Two or more units that all belong to one parent named in the document, as that
        parent; a single agency stays itself."""
        if len(ids) < 2:
            return ids
        parents = {self.ctx.entities[e].parent_id for e in ids}
        if len(parents) == 1:
            parent = parents.pop()
            if parent and parent in self.ctx.entities:
                return [parent]
        return ids

    def add_among(self, group, rtype, confidence, trigger) -> None:
        """Pairs among co-agents ("X and Y conducted ..."); the bodies standing for "our
        international partners" are paired with the others, not among themselves."""
        owner: dict[str, fr.Actor] = {}
        for a in group:
            for e in a.entity_ids:
                owner.setdefault(e, a)
        ids = list(owner)
        bodies = [e for e in ids if e in self.ctx.international]
        if len(ids) > MAX_AMONG and len(bodies) == 1 and len(ids) <= MAX_STAR \
                and not fr.is_verb(trigger):
            # "an international investigation by HSI, FBI and the European Police
            # (EUROPOL)": the international body worked with each of the others
            for e in ids:
                if e != bodies[0]:
                    self.out.append(Candidate(bodies[0], e, rtype, False, LIST, trigger))
            return
        if len(ids) > MAX_AMONG:
            # a longer list pairs only across the border; a list of co-participants
            # ("authorities from Denmark, France, Germany ..."): the sentence relates each
            # to the coordinator or subject, read elsewhere, not each to every other one
            self.add_team(group, rtype, trigger)
            return
        if len(ids) > 2 and confidence > LIST:
            confidence = LIST
        for i, s in enumerate(ids):
            for t in ids[i + 1:]:
                if owner[s] is owner[t] and owner[s].kinds == ("partners",):
                    continue
                self.out.append(Candidate(s, t, rtype, False, confidence, trigger))

    def add_team(self, group, rtype, trigger) -> None:
        """Each home agency of a list of co-agents with each body abroad in it ("The FBI's
        Los Angeles Field Office; the Croatia Ministry of the Interior; ... and the
        Australian Federal Police conducted the investigation"); the bodies abroad among
        themselves, and the home agencies among themselves, the list does not pair."""
        ids = list(dict.fromkeys(e for a in group for e in a.entity_ids))
        home, abroad = self._sides(self._without_units(ids))
        if home and abroad and len(home) * len(abroad) <= MAX_MIXED:
            for s in home:
                for t in abroad:
                    self.out.append(Candidate(s, t, rtype, False, LIST, trigger))

    def _without_units(self, ids: list[str]) -> list[str]:
        """The list without the units of bodies it also names ("U.S. Border Patrol and the
        Border Patrol Air and Marine Unit", "DEA Miami" and "DEA Miami Field Office")."""
        return [e for e in ids if self.ctx.entities[e].parent_id not in ids]

    def _sides(self, ids: list[str]) -> tuple[list[str], list[str]]:
        """A co-agent list split into the agencies of the publisher's country and the
        agencies and international bodies abroad, leaving out agencies of unknown country;
        ([], []) when any member is not an agency (a country, a company) or is a unit of a
        listed body."""
        home, abroad = [], []
        for e in ids:
            ent = self.ctx.entities[e]
            if ent.kind != "agency" or ent.parent_id in ids:
                return [], []
            if ent.country == self.ctx.home_code and self.ctx.home_code:
                home.append(e)
            elif e in self.ctx.international or ent.country:
                abroad.append(e)
            # an agency of unknown country ("Grand Forks Narcotics Task Force") sits out
        home = list(dict.fromkeys(pairs._pair_actor(e, self.ctx.entities) for e in home))
        return home, abroad

    def _conf(self, actors, base: float) -> float:
        return CROSS if any(a.resolved for a in actors) else base

    def lead_partners(self, helpers, limit: int = 1) -> list[fr.Actor]:
        """The agencies that led the document's investigation (the first ``limit``), as
        the partners of helpers the sentence names without saying whom they helped."""
        helper_ids = {e for a in helpers for e in a.entity_ids}
        lead = [e for e in self.ctx.lead if e not in helper_ids]
        return [fr.Actor((e,), -1, frozenset(), resolved=True) for e in lead[:limit]]

    def _foreign(self, actor) -> bool:
        """True when ``actor`` is not of the document's home country."""
        return all(self.ctx.entities[e].country != self.ctx.home_code for e in actor.entity_ids)

    def extradition_partners(self, helpers) -> list[fr.Actor]:
        helper_ids = {e for a in helpers for e in a.entity_ids}
        sources = [e for e in self.ctx.extradition_sources if e not in helper_ids]
        if len(sources) != 1:
            return []
        return [fr.Actor((sources[0],), -1, frozenset(), resolved=True)]

    def home_actor(self, exclude) -> list[fr.Actor]:
        home = self.ctx.home
        if home is None or any(home in a.entity_ids for a in exclude):
            return []
        return [fr.Actor((home,), -1, frozenset(), resolved=True)]

    def to_country(self, actors) -> list[fr.Actor]:
        """Courts and districts receiving an extradited person stand for their country."""
        out = []
        for a in actors:
            ent = self.ctx.entities[a.entity_ids[0]]
            name = ent.name.lower()
            if ent.kind != "country" and ("district" in name or "court" in name) \
                    and ent.country in (self.ctx.home_code, None) and self.ctx.home:
                out.append(fr.Actor((self.ctx.home,), a.root, a.tokens, resolved=a.resolved))
            else:
                out.append(a)
        return out

    # predicates ------------------------------------------------------------
    def read_give(self, verb) -> None:
        rtype = lx.GIVE_VERBS[fr.lemma(verb)]
        roles = self.roles(verb)
        passive = fr.is_passive(verb)
        givers = roles.get(fr.BY, []) + ([] if passive else roles.get(fr.SUBJ, []))
        receivers = roles.get(fr.TO, []) + (roles.get(fr.PASS_SUBJ, []) if passive
                                            else roles.get(fr.OBJ, []))
        if givers and not receivers and rtype == "training" and verb.dep_ in ("amod", "acl"):
            # "ICHIP-mentored Croatian police officers"; else the sentence's other countries
            blockers = self.blockers - {verb.i}
            receivers = [a for a in self._actors_at(verb.head, blockers) if a not in givers]
            if receivers:
                self.add(givers, receivers, rtype, True, PREPOSITION, verb)
                return
            receivers = self._sentence_countries(givers, outside=self.blockers)
            self.add(givers, receivers, rtype, True, CROSS, verb)
            return
        self.add(givers, receivers, rtype, True, self._conf(givers + receivers, DIRECT), verb)

    def _nationality(self, actor) -> bool:
        """A country standing as someone's nationality ("Russian national Alexander
        Vinnik", "a citizen and resident of Russia"), not as a state acting in the sentence."""
        tok = self.sent.doc[actor.root]
        head = tok.head
        if tok.dep_ == "pobj" and head.lower_ == "of":
            return head.head.lemma_.lower() in lx.NATIONALITY_NOUNS
        return tok.dep_ in ("amod", "compound", "nmod") and (
            head.ent_type_ == "PERSON" or head.lemma_.lower() in lx.NATIONALITY_NOUNS)

    def _sentence_countries(self, exclude, outside=()) -> list[fr.Actor]:
        """Countries of the sentence other than ``exclude``'s, and not inside the phrase
        of another trigger (``outside``)."""
        excluded = {e for a in exclude for e in a.entity_ids}
        codes = {self.ctx.entities[e].country for e in excluded}
        doc = self.sent.doc
        return [a for a in self.actors if not a.resolved and a.kinds == ("country",)
                and a.entity_ids[0] not in excluded
                and self.ctx.entities[a.entity_ids[0]].country not in codes
                and not any(t.i in outside for t in doc[a.root].ancestors)]

    def read_hand_over(self, verb) -> None:
        roles = self.roles(verb)
        passive = fr.is_passive(verb)
        givers = roles.get(fr.FROM, []) + roles.get(fr.BY, [])
        if not givers and not passive:
            givers = roles.get(fr.SUBJ, [])
        receivers = self.to_country(roles.get(fr.TO, []))
        givers = [a for a in givers if a.kinds != ("organization",)]
        conf = DIRECT
        if givers and not receivers:
            receivers = self.home_actor(givers)
            conf = PREPOSITION
        elif receivers and not givers:
            # "arrested by authorities in Kosovo and later extradited to the United States"
            givers = [a for a in self._sentence_countries(receivers, outside=self.blockers)
                      if not self._nationality(a)]
            if len({a.entity_ids for a in givers}) > 1:
                # "fled Romania ..., was apprehended in the United Kingdom and extradited
                # to the United States": the country where the arrest was made hands over
                givers = [a for a in givers if _arrested_in(self.sent.doc[a.root])] or givers
            givers = givers if len({a.entity_ids for a in givers}) == 1 else \
                self.extradition_partners(receivers)
            if not givers and passive and any(
                    c.dep_ == "nsubjpass" and c.lower_ in ("he", "she", "they")
                    for c in verb.children) and self.sent.start > 0:
                # "Nikolov was arrested at his residence in Varna, Bulgaria ... He was
                # extradited to the United States": the country of the arrest just told
                previous = self.sent.doc[self.sent.start - 1].sent.start
                places = self.ctx.arrest_places.get(previous, ())
                if len(places) == 1:
                    givers = [fr.Actor(places, -1, frozenset(), resolved=True)]
            conf = CROSS
        if fr.lemma(verb) in ("transfer", "transport") and not (
                roles.get(fr.FROM) and receivers) and not (
                receivers and givers and all(a.kinds == ("country",) for a in givers + receivers)):
            return                       # money and assets are transferred too, not by states
        if fr.lemma(verb) == "transport" and not any(
                c.dep_ == "nsubjpass" and (c.ent_type_ == "PERSON" or c.lower_ in PERSON_WORDS)
                for c in verb.children):
            return                       # drugs are transported too; a person handed over
        self.add(givers, receivers, "legal_assistance", True,
                 self._conf(givers, conf), verb)

    def read_share(self, verb) -> None:
        roles = self.roles(verb)
        sharers = roles.get(fr.SUBJ, []) + roles.get(fr.BY, [])
        partners = roles.get(fr.WITH, []) + roles.get(fr.TO, [])
        rtype = lx.SHARE_VERBS[fr.lemma(verb)]
        self.add(sharers, partners, rtype, False, self._conf(sharers + partners, DIRECT), verb)
        self.add_among(sharers + roles.get(fr.BETWEEN, []), rtype, LIST, verb)

    def read_sign(self, verb) -> None:
        if self.lemmas & lx.SETTLEMENT_WORDS:
            return
        roles = self.roles(verb)
        if not any(c.lemma_.lower() in lx.NOUN_TYPES and lx.NOUN_TYPES[c.lemma_.lower()]
                   == "agreement" for c in verb.children) and not roles.get(fr.WITH):
            return
        signers = roles.get(fr.SUBJ, []) + roles.get(fr.BY, [])
        self.add(signers, roles.get(fr.WITH, []), "agreement", False, DIRECT, verb)
        self.add_among(signers + roles.get(fr.BETWEEN, []), "agreement", DIRECT, verb)

    def read_visit(self, verb) -> None:
        word = fr.lemma(verb)
        roles = self.roles(verb)
        passive = fr.is_passive(verb)
        if word == "meet":
            people = roles.get(fr.SUBJ, [])
            self.add(people, roles.get(fr.WITH, []) + roles.get(fr.OBJ, []),
                     "visit_exchange", False, DIRECT, verb)
            return
        if verb.dep_ in ("acl", "amod") or (passive and not roles.get(fr.BY)):
            return                       # "IC4, hosted by the FBI": a unit's home, not a visit
        doer = roles.get(fr.BY, []) if passive else roles.get(fr.SUBJ, [])
        other = roles.get(fr.PASS_SUBJ, []) if passive else roles.get(fr.OBJ, [])
        if word == "host" and any(c.dep_ in ("dobj", "nsubjpass")
                                  and c.lemma_.lower() in lx.HOSTED_OPERATION_NOUNS
                                  for c in verb.children):
            # "Europol hosted a command post staffed with representatives from the FBI"
            self.add(doer, other, "joint_operation", False, DIRECT, verb)
            return
        if lx.VISIT_VERBS[word] == "visitor":
            self.add(doer, other, "visit_exchange", True, DIRECT, verb)
        else:
            self.add(other, doer, "visit_exchange", True, DIRECT, verb)

    def read_help(self, verb) -> None:
        word = fr.lemma(verb)
        roles = self.roles(verb)
        rtype = lx.HELP_VERBS[word]
        if rtype == "general_cooperation":
            rtype = self.type_from_context()
        elif word == "join" and not self.operation_words:
            rtype = "general_cooperation"  # "joined the Embassy in recognizing the anniversary"
        helpers = roles.get(fr.SUBJ, []) + roles.get(fr.BY, [])
        partners = roles.get(fr.WITH, [])
        if word not in ("work", "engage", "contribute"):
            partners = partners + roles.get(fr.OBJ, []) + roles.get(fr.PASS_SUBJ, [])
        if word in ("thank",):
            return self.read_thank(verb)
        if helpers and not partners and verb.dep_ in ("amod", "acl") and verb.i > 0 \
                and verb.nbor(-1).text == "-":
            # "the ICITAP-supported Border Police and TIP Unit": the noun it modifies
            partners = [a for a in self._actors_at(verb.head, self.blockers - {verb.i})
                        if a not in helpers]
        if helpers and partners:
            self.add(helpers, partners, rtype, False, self._conf(helpers + partners, DIRECT),
                     verb)
        if word in ("cooperate", "collaborate", "partner", "coordinate", "team", "work",
                    "liaise") and len(helpers) > 1 and (
                word != "work" or any(c.lower_ == "together" for c in verb.children)):
            self.add_among(helpers, rtype, DIRECT, verb)
        if helpers and not partners and word in ("assist", "support", "help", "aid",
                                                  "contribute") \
                and not any(c.dep_ in ("dobj", "ccomp", "xcomp", "dative") for c in verb.children) \
                and all(a.kinds != ("organization",) for a in helpers):
            self._fallback_partner(helpers, rtype, verb)

    def _fallback_partner(self, helpers, rtype, trigger) -> None:
        extradition = self.extradition_partners(helpers) if rtype == "legal_assistance" else []
        if extradition:
            self.add(extradition, helpers, "legal_assistance", True, CROSS, trigger)
            return
        if rtype == "legal_assistance":
            abroad = self._sentence_countries(helpers)
            if abroad:
                self.add(abroad, helpers, rtype, True, CROSS, trigger)
                return
            rtype = "joint_operation" if self.lemmas & lx.OPERATION_CONTEXT \
                else "general_cooperation"
        # foreign help in a case two agencies led ("led by the IRS-CI Cyber Crimes Unit and
        # the FBI") is help to both; a domestic helper is paired with the first lead only
        foreign = [a for a in helpers if self._foreign(a)]
        domestic = [a for a in helpers if not self._foreign(a)]
        for lead in self.lead_partners(helpers, MAX_LEAD):
            self.add(foreign, [lead], rtype, False, CROSS, trigger)   # one pair list per lead
        self.add(domestic, self.lead_partners(helpers), rtype, False, CROSS, trigger)

    def read_thank(self, verb) -> None:
        roles = self.roles(verb)
        thankers = roles.get(fr.SUBJ, [])
        for_tokens = {t.i for c in verb.children if c.dep_ == "prep" and c.lower_ == "for"
                      for t in c.subtree}
        # "appreciates the cooperation provided by X": X hangs on the object's participle
        anchors = [verb] + [c for o in verb.children if o.dep_ == "dobj" for c in o.children
                            if c.dep_ in ("acl", "relcl") and fr.lemma(c) in lx.LIGHT_VERBS]
        # "He also acknowledged the assistance of OIA, Europol, ...": the helpers hang on
        # the help noun, which blocks paths as a trigger of its own
        anchors += [o for o in verb.children
                    if o.dep_ == "dobj" and o.lemma_.lower() in lx.HELP_NOUNS]
        # "praised the investigative work of the FBI's Pittsburgh Field Office and their law
        # enforcement partners from Portugal, Spain, ...": the partners praised too
        anchors += [t for o in verb.children if o.dep_ == "dobj" for t in o.subtree
                    if t.i in self.blockers and _partners_from(t) is not None
                    and t.i not in for_tokens]
        helpers = [a for a in self.actors if a.root not in for_tokens and a not in thankers
                   and any(self._under(a, anchor) for anchor in anchors)]
        rtype = self.type_from_context()
        office = self._attorneys_office()
        speaker = self._speaker(verb) if not thankers else None
        if speaker is not None:
            # "“... I thank the Kingdom of Spain and the United Kingdom for ...”" in the
            # words of "Brian M. Boynton, head of the Justice Department’s Civil Division"
            thankers = [fr.Actor((speaker,), -1, frozenset(), resolved=True)]
            # only the partners abroad: a speaker's own units and teams ("I commend ...
            # DEA’s Miami ... Task Force, Cyber Support Section, and ...") are no partners
            helpers = [a for a in helpers if speaker not in a.entity_ids and all(
                pairs._is_foreign(self.ctx.entities[e], self.ctx.home_code,
                                  self.ctx.international) for e in a.entity_ids)]
        if not thankers and office and any(
                c.dep_ == "nsubj" and _us_attorney(c) for c in verb.children):
            # "U.S. Attorney Durham thanked ...", "Mr. Clayton praised ... He also thanked
            # the French ... authorities": the official speaks for the office
            thankers = [fr.Actor((office,), -1, frozenset(), resolved=True)]
            helpers = [a for a in helpers if office not in a.entity_ids]
        if thankers:
            self.add(thankers, helpers, rtype, False, self._conf(thankers, PREPOSITION), verb)
        elif helpers:
            self.add(helpers, self.lead_partners(helpers), rtype, False, CROSS, verb)

    def _speaker(self, verb) -> str | None:
        """The agency of the one who says "I" or "we" in a quote: the first agency its
        attribution ("..., said Principal Deputy Attorney General Brian M. Boynton, head of
        the Justice Department’s Civil Division.") names after "said", in the same
        paragraph; the U.S. Attorney's Office when the attribution names a U.S. Attorney
        and no agency; None when the clause's subject is no first person."""
        clause = verb.head if verb.dep_ == "xcomp" and verb.head.i != verb.i else verb
        if not any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in clause.children):
            return None
        doc = self.sent.doc
        text = doc.text
        start = text.rfind("\n\n", 0, self.sent.start_char) + 1
        end = text.find("\n\n", self.sent.end_char)
        end = len(text) if end < 0 else end
        said = _SAID.search(text, start, end)
        if said is None:
            return None
        tok = doc.char_span(said.start(), said.end(), alignment_mode="expand")
        if tok is None:
            return None
        attribution = tok[0].sent
        named = self._agencies_named(said.end(), attribution.end_char)
        if named:
            return _acting_entity(named[0], self.ctx.entities, self.ctx.home_code)
        if "attorney" in text[said.end():attribution.end_char].lower():
            return self._attorneys_office()
        return None

    def _attorneys_office(self) -> str | None:
        """The U.S. Attorney's Office a release speaks for: the owner when it is one, else
        the only one the release names."""
        owner = self.ctx.owner
        if owner and "attorney" in self.ctx.entities[owner].name.lower():
            return owner
        offices = {e for _, e in self.ctx.order
                   if "attorney's office" in self.ctx.entities[e].name.lower().replace("’", "'")
                   and self.ctx.entities[e].country == self.ctx.home_code}
        return offices.pop() if len(offices) == 1 else None

    def read_involve(self, verb) -> None:
        """The actors a case involved, or its listed partners, with its lead agencies."""
        lead = self.lead_partners([], len(self.ctx.lead))
        roster = _partner_roster(verb)
        if not lead and not roster:
            return
        # "involved numerous foreign agencies, including A, B ... as well as agencies from
        # C, D and E": the list after "including" is read on the words, where the parser
        # loses its tail
        including = next((t for t in verb.subtree if t.lower_ == "including"), None)
        listed = _named_after(self.sent, including, self.index) if including is not None else []
        if roster:                  # a semicolon roster the parser breaks apart
            listed = _named_after(self.sent, verb, self.index)
        named = [a for a in self.actors if not a.resolved and a.root > verb.i
                 and a.kinds != ("organization",) and self.ctx.home not in a.entity_ids
                 and not self._nationality(a) and not self._modifies_actor(a)
                 and (self._under(a, verb) or a in listed)]
        if roster:
            # "Principal partners in Operation PowerOFF include EUROPOL; the United States
            # Attorney's Office for the District of Alaska; ... FBI's Anchorage and Los
            # Angeles field offices; ... Germany's Bundeskriminalamt": the home members of
            # the roster worked with each member abroad
            lead = lead + [a for a in named if not self._foreign(a) and a not in lead]
            named = [a for a in named if self._foreign(a)]
        lead_ids = {e for a in lead for e in a.entity_ids}
        partners = [a for a in named if not set(a.entity_ids) & lead_ids]
        self.add_each(lead, partners, self.type_from_context("joint_operation"), verb)

    def add_each(self, leads, partners, rtype, trigger) -> None:
        """Each lead worked with every partner named, one lead at a time: the list names
        the case's partners, not a many-to-many statement ``add`` would refuse."""
        for lead in leads:
            self.add([lead], partners, rtype, False, CROSS, trigger)

    def home_leads(self) -> list[fr.Actor]:
        """The home agencies that led the case."""
        return [a for a in self.lead_partners([], len(self.ctx.lead)) if not self._foreign(a)]

    def _countries(self, actors) -> list[fr.Actor]:
        return [a for a in actors
                if all(self.ctx.entities[e].kind == "country" for e in a.entity_ids)]

    def _foreign_named(self, actors) -> list[fr.Actor]:
        """The actors that are not of the home country (a body of unknown country, often a
        local police force, included), not the home country itself, not a nationality."""
        return [a for a in actors if self._foreign(a) and self.ctx.home not in a.entity_ids
                and a.kinds != ("organization",) and not self._nationality(a)]

    def read_participate(self, verb) -> None:
        """"Law enforcement authorities from the following countries participated in the
        investigation: Australia, Austria, ...": the countries or bodies that took part
        worked with the agencies that led the case."""
        subjects = self.roles(verb).get(fr.SUBJ, [])
        colon = next((t for t in self.sent[verb.i - self.sent.start:] if t.text == ":"), None)
        if not subjects and colon is not None:
            subjects = _named_after(self.sent, colon, self.index)
        self.add_each(self.home_leads(), self._foreign_named(subjects), "joint_operation", verb)

    def read_partners_from(self, noun) -> None:
        """"praised the investigative work of the FBI's Pittsburgh Field Office and their
        law enforcement partners from Portugal, Spain, the United Kingdom ...": the
        partners from those countries worked with the agencies that led the case."""
        prep = _partners_from(noun)
        countries = self._countries(_named_after(self.sent, prep, self.index))
        # "published by the FBI, the National Security Agency, ... and partner agencies in
        # Australia, Canada, New Zealand and the United Kingdom": the home agencies the
        # partners are listed with, else the agencies that led the case
        listed = [a for a in self._conjuncts_of(noun) if not self._foreign(a)]
        self.add_each(listed or self.home_leads(), self._foreign_named(countries),
                      "joint_operation", noun)

    def _conjuncts_of(self, noun) -> list[fr.Actor]:
        """The actors listed right before ``noun`` in one list, read on the words (the
        parser hangs such lists anywhere): "the FBI, the National Security Agency, U.S.
        Cyber Command’s Cyber National Mission Force, and partner agencies"."""
        out: list[fr.Actor] = []
        start = noun.i
        while start > self.sent.start and self.sent.doc[start - 1].dep_ in ("compound",
                                                                               "amod"):
            start -= 1                     # "partner", "law enforcement"
        for tok in reversed(self.sent.doc[self.sent.start:start]):
            actor = self.index.get(tok.i)
            if actor is None and tok.lower_ not in (",", "and", "the", "’s", "'s"):
                break
            if actor is not None and actor not in out and not self._modifies_actor(actor):
                out.append(actor)
        return out[::-1]

    def read_coalition(self, noun) -> None:
        """"These actions are the latest step in an ongoing multinational effort by the
        United States, France, Germany, the Netherlands, Denmark, the United Kingdom, and
        Canada": a joint effort of countries that include the home country. The agencies
        that led the case worked with each other country of the list."""
        members = {t.i for phrase in _member_phrases(noun) for t in phrase.subtree}
        countries = self._countries(a for a in self.actors if a.root in members)
        ids = {e for a in countries for e in a.entity_ids}
        if len(ids) < 3 or self.ctx.home not in ids:
            if fr.lemma(noun) in lx.NOUN_TYPES:
                self.read_noun(noun)       # "an international investigation by HSI, FBI ..."
            return
        leads = self.home_leads()
        earlier = self._actions_of_previous_subject()
        if earlier is not None and earlier not in {e for a in leads for e in a.entity_ids}:
            leads = leads + [fr.Actor((earlier,), -1, frozenset(), resolved=True)]
        self.add_each(leads, self._foreign_named(countries), "joint_operation", noun)

    def _actions_of_previous_subject(self) -> str | None:
        """"The Justice Department filed today a civil forfeiture complaint ... These actions
        are the latest step in ...": the home agency that is the subject of the sentence
        before, when this one's subject is "these actions" or "this action"."""
        root = self.sent.root
        if not any(c.dep_ == "nsubj" and c.lemma_.lower() == "action"
                   and any(d.lower_ in ("this", "these") for d in c.children)
                   for c in root.children) or self.sent.start == 0:
            return None
        before = self.sent.doc[self.sent.start - 1].sent
        subject = next((c for c in before.root.children if c.dep_ == "nsubj"), None)
        if subject is None:
            return None
        named = [e for e in self._agencies_named(
            subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge))
            if self.ctx.entities[e].country == self.ctx.home_code]
        return named[-1] if named else None

    def _agencies_named(self, start: int, end: int) -> list[str]:
        """The agencies the document names between two character offsets, in order."""
        return [e for at, e in self.ctx.order
                if start <= at < end and self.ctx.entities[e].kind == "agency"]

    def read_gratitude(self, noun) -> None:
        """"Abbate expressed the Bureau's gratitude to our international partners ...,
        specifically mentioning A, B and C": the agency thanks those named after it."""
        verb = noun.head
        own = self.roles(noun)
        thankers = own.get(fr.OWNER, []) or self.roles(verb).get(fr.SUBJ, [])
        thankers = [a for a in thankers if any(
            self.ctx.entities[e].kind in ("agency", "country") for e in a.entity_ids)]
        if not thankers:
            return
        taken = {e for a in thankers for e in a.entity_ids}
        helpers = [a for a in self.actors if not a.resolved and a.root > noun.i
                   and not set(a.entity_ids) & taken
                   and not self._nationality(a) and a.kinds != ("organization",)
                   and not self._modifies_actor(a)]
        self.add(thankers, helpers, self.type_from_context(), False,
                 self._conf(thankers, PREPOSITION), noun)

    def _modifies_actor(self, actor) -> bool:
        """True for "the United Kingdom" in "the United Kingdom's MI5"."""
        tok = self.sent.doc[actor.root]
        return tok.dep_ in ("poss", "compound", "amod", "nmod") and tok.head.i in self.index \
            and self.index[tok.head.i] is not actor

    def _under(self, actor, verb) -> bool:
        return fr.path_up(self.sent.doc[actor.root], verb, self.index, actor,
                          self.blockers) is not None

    def read_joint(self, verb) -> None:
        roles = self.roles(verb)
        agents = roles.get(fr.BY, []) if fr.is_passive(verb) else roles.get(fr.SUBJ, [])
        if fr.is_passive(verb):
            agents = agents + [a for a in self._semicolon_agents(verb) if a not in agents]
        partners = roles.get(fr.WITH, [])
        word = fr.lemma(verb)
        if word in ("conduct", "lead", "launch", "carry", "execute") and not any(
                c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in lx.OPERATION_CONTEXT
                | {"operation", "action", "investigation", "sweep", "raid", "takedown"}
                for c in verb.children):
            return
        self.add(agents, partners, "joint_operation", False, PREPOSITION, verb)
        self.add_among(agents, "joint_operation", DIRECT, verb)
        if agents and not partners and fr.is_passive(verb) \
                and all(self._foreign(a) for a in agents) and any(
                    c.dep_ == "nsubjpass" and c.lemma_.lower() in ("arrest", "search", "raid")
                    for c in verb.children):
            # "Arrests overseas were executed in Poland by ... CBŚP ...; in Germany by LKA
            # Sachsen ...": made abroad for the case the release's agencies led
            bodies = [a for a in agents if a.kinds != ("country",)]   # not "in Germany"
            for lead in self.lead_partners(agents, MAX_LEAD):
                self.add(bodies, [lead], "joint_operation", False, CROSS, verb)

    def _semicolon_agents(self, verb) -> list[fr.Actor]:
        """The actors of a by-phrase written as a semicolon list ("investigated by HSI; DEA;
        USPIS; ...; Royal Canadian Mounted Police; ..."), which the parser breaks apart."""
        by = next((c for c in verb.children if c.dep_ == "agent"), None)
        if by is None:
            return []
        named = _named_after(self.sent, by, self.index)
        if _semicolons_after(by) or len(named) >= 4 and self._scrambled(named):
            return named
        return []

    def _scrambled(self, named) -> bool:
        """A long comma list the parser bent into one name: "by DEA Miami Field Office and
        Paris Country Office, FBI Miami's Cyber Task Force, ..." hangs the DEA office on
        the FBI's task force as a modifier."""
        doc = self.sent.doc
        for actor in named:
            root = doc[actor.root]
            owner = self.index.get(root.head.i)
            if root.dep_ in ("nmod", "compound") and owner is not None and owner is not actor \
                    and owner in named and root.head.i > max(actor.tokens, default=root.i):
                return True
        return False

    def read_audience(self, noun) -> None:
        """The people a training event was given to, and where they come from: "The ICHIP
        presented ... to approximately 25 Vietnamese customs investigators", "held ... a
        series for twenty investigators of the Royal Malaysia Police", "for an audience of
        19 investigators from Indonesia, Malaysia, ...". The trainer is the subject of the
        clause; the trainees are the countries and bodies that qualify the people."""
        people = noun
        if fr.lemma(noun) == "audience":
            people = next((g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
                           for g in c.children if g.dep_ == "pobj"), None)
            if people is None or fr.lemma(people) not in lx.AUDIENCE_NOUNS:
                return
        own = self.roles(people)
        trainees = [a for a in own.get(fr.OWNER, []) + own.get(fr.FROM, []) + own.get(fr.OF, [])
                    if not a.resolved]
        verb = next((t for t in noun.ancestors if fr.is_verb(t)), None)
        if not trainees or verb is None:
            return
        trainers = [a for a in self.roles(verb).get(fr.SUBJ, []) if a not in trainees]
        self.add(trainers, trainees, "training", True, PREPOSITION, noun)
        # "... to an audience of 32 Malaysian investigators at a United Nations Office on
        # Drugs and Crime (UNODC) digital evidence workshop": who holds the event trains the
        # audience too, with the presenter
        event = next((g for p in (*verb.children, *noun.children)
                      if p.dep_ == "prep" and p.lower_ == "at"
                      for g in p.children if g.dep_ == "pobj"
                      and fr.lemma(g) in lx.TRAINING_EVENT_WORDS), None)
        if event is None:
            return
        hosts = [a for a in self.actors if not a.resolved and a not in trainees
                 and a not in trainers and event.left_edge.i <= a.root < event.i]
        self.add(hosts, trainees, "training", True, PREPOSITION, event)
        self.add(hosts, trainers, "training", False, PREPOSITION, event)

    def read_help_noun(self, noun) -> None:
        if fr.lemma(noun) == "involvement" and not any(
                p.dep_ == "prep" and p.lower_ == "in" and any(
                    o.lemma_.lower() in lx.CASE_NOUNS | {"effort", "takedown", "arrest"}
                    for o in p.children) for p in noun.children):
            return      # "obscured the PRC government's involvement" in the hacking: no help
        own = self.roles(noun)
        helpers = own.get(fr.OWNER, []) + own.get(fr.OF, []) + own.get(fr.FROM, []) \
            + own.get(fr.BY, [])
        partners = own.get(fr.WITH, []) + own.get(fr.TO, [])
        word = fr.lemma(noun)
        rtype = self.type_from_context()
        if word == "support" and (self.lemmas & {"financial", "funding", "fund", "grant"}):
            rtype = "funding"
        verb, prep = _governor(noun)
        main: list[fr.Actor] = []
        if verb is not None:
            outer = self.roles(verb, noun)
            vword = fr.lemma(verb)
            if prep is None and vword in lx.RECEIVE_VERBS:
                partners = partners + outer.get(fr.SUBJ, [])
                helpers = helpers + outer.get(fr.FROM, [])
            elif prep is None and vword in lx.LIGHT_VERBS and (
                    noun.dep_ == "dobj" or noun.dep_ == "nsubjpass" and fr.is_passive(verb)):
                # "X provided assistance", "Assistance was provided by partners in X, Y"
                helpers = helpers + outer.get(fr.SUBJ, []) + outer.get(fr.BY, [])
                partners = partners + outer.get(fr.TO, []) + outer.get(fr.OBJ, []) \
                    + outer.get(fr.WITH, [])
            elif prep == "from" and vword in lx.RECEIVE_VERBS:
                # "benefited from cooperation by X" (the parser hangs "by X" on the verb)
                main = outer.get(fr.SUBJ, [])
                helpers = helpers + [a for a in outer.get(fr.BY, []) if a not in helpers]
                if not main and _subject_is_case(verb):
                    # "This investigation also benefited from cooperation by X": the case
                    # stands for the agency that led it
                    main = self.lead_partners(helpers)
            elif prep is not None and prep not in ("for",):
                main = outer.get(fr.SUBJ, []) + outer.get(fr.BY, [])
                if fr.is_passive(verb) and not main:
                    main = outer.get(fr.PASS_SUBJ, [])
                if not main and _subject_is_case(verb):
                    # "This working group operated in partnership with X": the case, or
                    # the group that ran it, stands for the agency that led it
                    main = self.lead_partners(helpers + partners)
        if verb is None and noun.dep_ == "pobj" and noun.head.lower_ in ("with", "from") \
                and noun.head.head.pos_ in ("NOUN", "PROPN"):
            # "Croatian police officers, with assistance from Europol, ..."
            main = [a for a in self._actors_at(noun.head.head, self.blockers - {noun.i})
                    if a not in helpers]
        others = partners + main
        if helpers and others:
            conf = PREPOSITION if main and not partners else DIRECT
            self.add(helpers, others, rtype, False, self._conf(helpers + others, conf), noun)
        elif helpers and verb is not None and prep is None and (
                noun.dep_ == "dobj" or noun.dep_ == "nsubjpass" and fr.is_passive(verb)):
            self._fallback_partner(helpers, rtype, noun)
        elif len(own.get(fr.OWNER, [])) > 1 and not others and word in (
                "cooperation", "collaboration", "partnership", "coordination"):
            # "U.S.–Kenya cooperation", "the FBI and Europol's partnership"
            self.add_among(own[fr.OWNER], rtype, DIRECT, noun)
        elif partners and main:
            # "X works in collaboration with Y", "X, in coordination with Y, arrested ..."
            self.add(main, partners, rtype, False, self._conf(main + partners, PREPOSITION),
                     noun)

    def read_noun(self, noun) -> None:
        word = fr.lemma(noun)
        rtype = lx.NOUN_TYPES[word]
        own = self.roles(noun)
        verb, prep = _governor(noun)
        outer = self.roles(verb, noun) if verb is not None else {}
        vword = fr.lemma(verb) if verb is not None else ""
        receiving = vword in lx.RECEIVE_VERBS or vword in ("coordinate", "facilitate", "secure")
        base = noun
        while base.dep_ == "conj" and base.head.i != base.i:
            base = base.head               # "delivered an Advanced Surveillance and ... Training"
        direct_object = verb is not None and prep is None and base.dep_ in (
            "dobj", "nsubjpass", "appos")
        if RELATION_TYPES[rtype]:
            givers = own.get(fr.OWNER, []) + own.get(fr.FROM, []) + own.get(fr.BY, [])
            receivers = own.get(fr.TO, [])
            if rtype in ("training", "funding", "technology_transfer"):
                receivers = receivers + own.get(fr.OF, [])
            if direct_object and verb is not None:
                if receiving:
                    # "secured the extradition of X to the United States from Mexico": the
                    # destination named receives; else the one securing or receiving it
                    to = outer.get(fr.TO, []) if rtype == "legal_assistance" else []
                    receivers = receivers + to if receivers or to else outer.get(fr.SUBJ, [])
                    givers = givers + outer.get(fr.FROM, [])
                elif vword in lx.LIGHT_VERBS or vword in lx.GIVE_VERBS:
                    passive = fr.is_passive(verb)
                    givers = givers + outer.get(fr.BY, []) + (
                        [] if passive else outer.get(fr.SUBJ, []))
                    receivers = receivers + outer.get(fr.TO, []) + outer.get(fr.OBJ, [])
                    if not receivers and _to_group(verb):
                        # "delivered a training to 15 officers from Jordan's PSD"
                        receivers = outer.get(fr.FROM, [])
            if rtype == "legal_assistance":
                receivers = self.to_country(receivers)
                conf = DIRECT
                if givers and not receivers:
                    receivers = self.home_actor(givers)
                    conf = PREPOSITION
                elif receivers and not givers:
                    givers = self.extradition_partners(receivers)
                    if not givers:
                        # "worked with Mexican authorities to secure the arrest and
                        # extradition of X to the United States"
                        abroad = [a for a in self._sentence_countries(receivers)
                                  if not self._nationality(a)]
                        givers = abroad if len({a.entity_ids for a in abroad}) == 1 else []
                    conf = CROSS
                self.add(givers, receivers, rtype, True, conf, noun)
                return
            if rtype == "visit_exchange" and word not in ("visit", "delegation", "trip"):
                return
            if rtype == "technology_transfer" and not direct_object:
                return
            if givers and not receivers and direct_object and vword in lx.LIGHT_VERBS \
                    and rtype in ("technology_transfer", "training"):
                # "ICITAP advisors led the installation of ... in Kenya": the country where
                # the giver delivers, when the sentence names it and no other trigger holds it
                receivers = self._sentence_countries(givers, outside=self.blockers - {noun.i})
                self.add(givers, receivers, rtype, True, CROSS, noun)
                return
            self.add(givers, receivers, rtype, True, self._conf(givers + receivers, DIRECT),
                     noun)
            return
        # undirected: agreement, intelligence_sharing, joint_operation
        parties = own.get(fr.OWNER, []) + own.get(fr.BY, [])
        partners = own.get(fr.WITH, [])
        between = own.get(fr.BETWEEN, [])
        if rtype == "agreement" and (self.lemmas & lx.SETTLEMENT_WORDS or any(
                c.lemma_.lower() in lx.SETTLEMENT_WORDS for c in noun.subtree)):
            return                         # plea, settlement, deferred prosecution agreements
        if rtype == "intelligence_sharing" and not (vword in lx.SHARE_VERBS or vword in (
                "provide", "pass", "give", "exchange", "share", "send")):
            return
        if rtype == "joint_operation" and not (fr.has_joint_modifier(noun) or partners
                                               or between):
            by = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"),
                      None)
            if word in ("investigation", "operation") and by is not None:
                # "returned after an extensive investigation by the FBI, HSI, U.S. Border
                # Patrol ..., the Royal Canadian Mounted Police (RCMP), and ...": a team of
                # agencies at home and abroad, as in "investigated by"; read on the words,
                # as the parser hangs such lists anywhere
                self.add_team(_named_after(self.sent, by, self.index), rtype, noun)
            return
        if verb is not None and (direct_object or prep in ("in", "into")):
            passive = fr.is_passive(verb)
            parties = parties + outer.get(fr.BY, []) + ([] if passive else outer.get(fr.SUBJ, []))
            partners = partners + outer.get(fr.WITH, []) + outer.get(fr.TO, [])
        self.add(parties, partners, rtype, False, self._conf(parties + partners, DIRECT), noun)
        self.add_among(between, rtype, DIRECT, noun)
        if rtype != "intelligence_sharing" and (between or fr.has_joint_modifier(noun)):
            self.add_among(parties, rtype, LIST, noun)

    def read_headline(self) -> None:
        """Headlines the parser garbles: "ICITAP and INTERPOL Lead ... Workshop",
        "ICITAP Advisors Train Burkinabe National Police", "Extradited From United Kingdom"."""
        sent, doc = self.sent, self.sent.doc
        if len(self.actors) < 2:
            return
        words = [t for t in sent if t.is_alpha]
        if len(words) < 4 or sum(t.is_title or t.is_upper for t in words) < 0.6 * len(words):
            return
        named = sorted((a for a in self.actors if not a.resolved and a.tokens),
                       key=lambda a: min(a.tokens))
        for n, a in enumerate(named):
            end = max(a.tokens) + 1
            if n and 0 < min(a.tokens) - max(named[n - 1].tokens) <= 3 and all(
                    t.is_title or t.text == "-" for t in
                    doc[max(named[n - 1].tokens) + 1:min(a.tokens)]):
                continue                   # "ICITAP Counter-IED Advisors": a modifier
            for b in named[n + 1:]:
                gap = doc[end:min(b.tokens)]
                if len(gap) > 6 or any(t.is_space or t.text in (":", "|", ".") for t in gap):
                    break
                self._headline_pair(a, b, gap)
            self._headline_from(a)

    def _headline_pair(self, a, b, gap) -> None:
        if len(gap) == 1 and gap[0].lower_ == "and":
            after = b.tokens and max(b.tokens) + 1
            if after < self.sent.end:
                word = self.sent.doc[after]
                verb = fr.lemma(word)
                if word.is_title and verb in _HEADLINE_VERBS:
                    rtype = {"sign": "agreement", "share": "intelligence_sharing",
                             "exchange": "intelligence_sharing"}.get(verb)
                    if rtype is None:
                        rtype = "joint_operation" if verb in lx.JOINT_VERBS - {
                            "lead", "conduct"} else self.type_from_context()
                    self.add([a], [b], rtype, False, PREPOSITION, word)
            return
        verbs = [t for t in gap if t.is_title and fr.lemma(t) in _HEADLINE_VERBS]
        if len(verbs) != 1:
            return
        verb = verbs[0]
        tail = gap[verb.i - gap.start + 1:]
        if any(t.lower_ not in ("the", "with", "to", "from") for t in tail):
            return
        word = fr.lemma(verb)
        if word in lx.GIVE_VERBS:
            self.add([a], [b], lx.GIVE_VERBS[word], True, PREPOSITION, verb)
        elif word in lx.HELP_VERBS or word in lx.SHARE_VERBS or word in lx.SIGN_VERBS:
            rtype = ("agreement" if word in lx.SIGN_VERBS else lx.SHARE_VERBS.get(word)
                     or self.type_from_context())
            self.add([a], [b], rtype, False, PREPOSITION, verb)

    def _headline_from(self, b) -> None:
        """"... Extradited From United Kingdom": handed over to the publisher's country."""
        doc = self.sent.doc
        first = min(b.tokens)
        if first < 2 or doc[first - 1].lower_ != "from":
            return
        verb = doc[first - 2]
        if verb.is_title and fr.lemma(verb) in lx.HAND_OVER_VERBS \
                and self.ctx.entities[b.entity_ids[0]].kind == "country":
            self.add([b], self.home_actor([b]), "legal_assistance", True, PREPOSITION, verb)


_HEADLINE_VERBS = ({"lead", "host", "hold", "conduct", "sign", "launch", "co-host", "organize",
                    "arrest", "dismantle", "seize", "disrupt"}
                   | set(lx.GIVE_VERBS) | lx.HAND_OVER_VERBS | set(lx.HELP_VERBS)
                   | set(lx.SHARE_VERBS)) - {"work", "thank", "engage", "contribute"}


def _arrest_place(tok) -> bool:
    """True when ``tok`` names where someone was arrested, detained or found: "arrested in
    Poland", "arrested at his residence in Varna, Bulgaria"."""
    while tok.dep_ in ("appos", "conj", "compound") and tok.head.i != tok.i:
        tok = tok.head
    for _ in range(2):
        prep = tok.head
        if tok.dep_ != "pobj" or prep.lower_ not in ("in", "at"):
            return False
        if fr.lemma(prep.head) in lx.ARREST_VERBS:
            return True
        tok = prep.head                  # "at his residence in Varna"
    return False


def _arrested_in(tok) -> bool:
    """True when ``tok`` names where someone was arrested: "apprehended in the UK"."""
    prep = tok.head
    return tok.dep_ == "pobj" and prep.lower_ == "in" and fr.lemma(prep.head) in lx.ARREST_VERBS


def _reports_partners(verb) -> bool:
    """"The operation ... involved the cooperative efforts of agencies in A, B", "Other
    agencies partnering in this effort include: A, B": a case or a group of partners
    that involves or includes the actors named."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects and verb.dep_ == "conj":
        subjects = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    if _partner_roster(verb):
        return True
    for subj in subjects:
        word = subj.lemma_.lower()
        if word in lx.CASE_NOUNS:
            return True
        if word in ("agency", "organization", "partner", "authority") and any(
                c.dep_ in ("acl", "relcl") and fr.lemma(c) in lx.PARTNERING_VERBS
                for c in subj.children):
            return True
        if word in ("nation", "country") and any(
                c.dep_ in ("acl", "relcl") and fr.lemma(c) in lx.MEMBER_NATION_VERBS
                for c in subj.children):
            return True                    # "The nations comprising the coalition include"
    return False


_ROSTER_ADJECTIVES = frozenset({"principal", "key", "main", "primary", "core"})


def _partner_roster(verb) -> bool:
    """"Principal partners in Operation PowerOFF include A; B; C", "Participants in the
    operation include ...": the verb lists the members of an operation, home and abroad."""
    return fr.lemma(verb) == "include" and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in ("partner", "participant")
        and any(d.dep_ == "amod" and d.lower_ in _ROSTER_ADJECTIVES
                or d.dep_ == "prep" and d.lower_ == "in" for d in c.children)
        for c in verb.children)


def _in_the_case(verb) -> bool:
    """True when ``verb`` takes part "in the/this investigation" (or operation, effort)."""
    return any(c.dep_ == "prep" and c.lower_ == "in" and any(
        o.dep_ == "pobj" and o.lemma_.lower() in lx.CASE_NOUNS | {"effort"}
        and any(d.lower_ in ("the", "this") for d in o.children) for o in c.children)
        for c in verb.children)


def _partners_from(noun):
    """The "from"/"in" phrase of "partners from Portugal, Spain ...", None without one."""
    return next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("from", "in")
                 and any(o.dep_ == "pobj" and o.pos_ == "PROPN" for o in c.children)), None)


def _is_coalition(noun) -> bool:
    """"a multinational effort by A, B and C", "a coalition of authorities from A, B":
    a joint effort whose members the noun's by/of/among phrase lists."""
    word = noun.lemma_.lower()
    if word not in lx.COALITION_NOUNS:
        return False
    if word != "coalition" and not any(c.dep_ == "amod" and c.lower_ in lx.COALITION_ADJECTIVES
                                       for c in noun.children):
        return False
    return bool(_member_phrases(noun))


def _member_phrases(noun) -> list:
    """The by/of/among phrases of a joint-effort noun, which list its members."""
    return [c for c in noun.children if c.dep_ in ("prep", "acl") and c.lower_ in
            ("by", "of", "among", "between", "involving", "from", "across")]


def _subject_is_case(verb) -> bool:
    """True when the subject of ``verb`` is "this/the investigation" (or the case, the
    operation, "these efforts", the working group or task force that ran it)."""
    return any(c.dep_ == "nsubj"
               and c.lemma_.lower() in lx.CASE_NOUNS | {"group", "force", "effort"}
               and any(d.lower_ in ("this", "the", "these") for d in c.children)
               for c in verb.children)


def _to_group(verb) -> bool:
    """True when ``verb`` has "to <people>" ("to 15 officers"), who come from somewhere."""
    return any(c.dep_ == "prep" and c.lower_ == "to" and any(
        o.dep_ == "pobj" and fr.is_group(o) for o in c.children)
        for c in verb.children)


def _governor(noun):
    """The verb a trigger noun hangs from, and the preposition between (None when the
    noun is the verb's subject or object)."""
    for child in noun.children:
        if child.dep_ == "relcl" and fr.lemma(child) in lx.LIGHT_VERBS:
            return child, None             # "the training that the FBI provided to ..."
    head = noun.head
    if noun.dep_ in ("dobj", "nsubjpass", "nsubj", "attr", "oprd") and fr.is_verb(head):
        return head, None
    if noun.dep_ == "appos" and head.dep_ in ("dobj", "nsubjpass") and fr.is_verb(head.head):
        return head.head, None             # "delivered the GSIPN its first instruction"
    if noun.dep_ == "pobj" and head.pos_ == "ADP":
        up = head.head
        while up.dep_ in ("prep", "conj", "cc") and up.head.i != up.i and not fr.is_verb(up) \
                and up.pos_ == "ADP":
            up = up.head
        if fr.is_verb(up):
            return up, head.lower_
        if head.lower_ in ("with", "in") and up.dep_ == "dobj" and fr.is_verb(up.head):
            # "X carries out this mission with the support of Y", "X implements these
            # efforts in coordination with Y"
            return up.head, head.lower_
    if noun.dep_ == "conj":
        return _governor(head)
    return None, None


# -- filters and bookkeeping --------------------------------------------------
def _acceptable(cand: Candidate, entities: Mapping[str, Entity]) -> bool:
    if cand.source == cand.target:
        return False
    s, t = entities.get(cand.source), entities.get(cand.target)
    if s is None or t is None or s.kind not in ACTOR_KINDS or t.kind not in ACTOR_KINDS:
        return False
    if _is_ancestor(s, t, entities) or _is_ancestor(t, s, entities):
        return False
    if s.parent_id and s.parent_id == t.parent_id and s.kind == t.kind == "agency" \
            and s.country and s.country == t.country:
        return False                    # two field offices of one agency
    if (s.kind == "country") != (t.kind == "country") and s.country and s.country == t.country:
        return False                    # an agency and its own country
    names_s = {n.lower().replace("’", "'") for n in [s.name, *s.aliases]}
    names_t = {n.lower().replace("’", "'") for n in [t.name, *t.aliases]}
    if names_s & names_t or any(_contains(a, b) or _contains(b, a)
                                for a in names_s for b in names_t):
        return False                    # "FBI" and "FBI's Atlanta Field Office"
    return True


def _oriented(cand: Candidate, ctx: DocContext) -> Candidate:
    """A type the contract directs, read from a frame that gives no direction ("OIA worked
    with the Swiss Federal Office of Justice to secure the extradition"): the side abroad
    hands over to the publisher's side. With no such contrast the tie stays undirected
    as general cooperation (visits may stay undirected: host and visitor where known)."""
    if cand.directed or not RELATION_TYPES[cand.type] or cand.type == "visit_exchange":
        return cand
    home = ctx.home_code

    def abroad(eid: str) -> bool | None:
        ent = ctx.entities[eid]
        if home is None or (not ent.country and eid not in ctx.international):
            return None
        return ent.country != home

    s, t = abroad(cand.source), abroad(cand.target)
    if s is True and t is False:
        return dataclasses.replace(cand, directed=True)
    if s is False and t is True:
        return dataclasses.replace(cand, source=cand.target, target=cand.source, directed=True)
    return dataclasses.replace(cand, type="general_cooperation")


def _between_states(cands: Sequence[Candidate], ctx: DocContext) -> list[Candidate]:
    """The state-to-state tie under an extradition an agency received: "OIA secured the
    extradition from Georgia of Albashiti" is also Georgia handing him over to the United
    States, when the release names the United States (the publisher's country)."""
    if ctx.home is None:
        return []
    out = []
    for cand in cands:
        if cand.type != "legal_assistance" or not cand.directed:
            continue
        giver, taker = ctx.entities[cand.source], ctx.entities[cand.target]
        if taker.kind != "agency" or taker.country != ctx.home_code:
            continue
        state = cand.source if giver.kind == "country" else next(
            (eid for eid, e in ctx.entities.items()
             if e.kind == "country" and e.country and e.country == giver.country), None)
        if state is None or state == ctx.home or ctx.entities[state].country == ctx.home_code:
            continue
        out.append(dataclasses.replace(cand, source=state, target=ctx.home,
                                       confidence=round(cand.confidence * 0.9, 3)))
    return out


def _is_ancestor(unit: Entity, other: Entity, entities: Mapping[str, Entity]) -> bool:
    parent = unit.parent_id
    for _ in range(5):
        if not parent:
            return False
        if parent in (other.entity_id, other.kb_id):
            return True
        nxt = entities.get(parent)
        parent = nxt.parent_id if nxt is not None else None
    return False


def _contains(outer: str, inner: str) -> bool:
    return len(inner) > 2 and (outer.startswith(inner + " ") or outer.endswith(" " + inner)
                               or f" {inner} " in outer or outer.startswith(inner + "'"))


def _dedupe_key(cand: Candidate, sent_start: int) -> tuple:
    if cand.directed:
        return (sent_start, cand.source, cand.target, cand.type)
    return (sent_start, *sorted((cand.source, cand.target)), cand.type)


def _event_date(sent, date_mentions: Sequence[DateMention]) -> date | None:
    inside = [d for d in date_mentions
              if d.start_char >= sent.start_char and d.end_char <= sent.end_char]
    if not inside:
        return None
    rank = {"day": 0, "month": 1, "year": 2}
    return min(inside, key=lambda d: (rank.get(d.granularity, 3), d.start_char)).value
