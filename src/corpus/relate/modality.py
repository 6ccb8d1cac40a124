"""Whether a stated cooperation happened: asserted, planned, proposed, refused, denied
or negated; and whether the sentence criticises it."""
from __future__ import annotations

from corpus.relate import lexicon as lx



def _clause_head(tok):
    """The word whose modality ``tok`` shares: a noun's verb, an infinitive's governor."""
    head = tok.head
    if head.i == tok.i:
        return None
    if tok.pos_ in ("NOUN", "PROPN"):
        if tok.dep_ in ("dobj", "nsubjpass", "nsubj", "attr"):
            return head
        if tok.dep_ == "pobj" and head.lower_ in ("with", "in", "through", "under") \
                and head.head.i != head.i:
            return head.head
        return None
    if tok.dep_ == "xcomp" or (tok.dep_ == "conj" and not any(
            c.dep_.startswith("nsubj") for c in tok.children)):
        return head
    return None


def modality_of(trigger) -> str:
    """The modality of the clause a trigger word stands in."""
    if trigger.lower_ in ("thank", "thanks"):
        # "we want to thank X for their assistance" thanks for what happened
        return "negated" if any(c.dep_ == "neg" for c in trigger.children) else "asserted"
    if trigger.pos_ in ("NOUN", "PROPN"):
        for child in trigger.children:
            word = child.lower_
            if child.dep_ in ("amod", "compound") and word in lx.PLANNED_MODIFIERS:
                return "proposed" if word in ("proposed", "draft", "possible",
                                              "potential") else "planned"
            if child.dep_ == "det" and word == "no":
                return "negated"
    tok = trigger
    for _ in range(5):
        mood = _own_modality(tok)
        if mood:
            return mood
        up = _clause_head(tok)
        if up is None:
            break
        tok = up
    return "asserted"


def _own_modality(tok) -> str | None:
    word = tok.lemma_.lower()
    children = list(tok.children)
    auxes = {c.lower_ for c in children if c.dep_ in ("aux", "auxpass")}
    should = bool(auxes & {"should", "must", "ought"})
    if word in lx.DENIED_HEADS:
        return "denied"
    if word in lx.REFUSED_HEADS and not should and tok.pos_ in ("VERB", "AUX"):
        return "refused"
    if any(c.dep_ == "neg" for c in children):
        return "negated"
    if auxes & {"will", "shall", "'ll"} or (
            "to" in auxes and "be" in auxes and tok.tag_ == "VBN"
            and tok.head.pos_ not in ("VERB", "AUX")):
        return "planned"
    if tok.pos_ in ("VERB", "AUX") and word in lx.PLANNED_HEADS and any(
            c.dep_ == "xcomp" for c in children):
        return "planned"
    if tok.pos_ in ("VERB", "AUX") and word in lx.PROPOSED_HEADS and word != "request":
        return "proposed"
    if auxes & {"would", "could", "may", "might"} and tok.pos_ in ("VERB", "AUX"):
        return "proposed"
    return None


def is_critical(sentence: str) -> bool:
    """The sentence criticises what it reports (NGO reports, watchdogs)."""
    return bool(lx.CRITICAL_RE.search(sentence))
