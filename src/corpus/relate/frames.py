"""Reading who does what to whom off a spaCy dependency parse.

An *actor* is a named entity (or a resolved anaphor) standing in a sentence; an
*anchor* is the token whose arguments we read (a verb, or a noun such as
"extradition"). ``role_of`` walks the parse from the actor up to the anchor and
names the slot it fills: subject, object, "by" agent, "to", "from", "with" ...
"""
from __future__ import annotations

from dataclasses import dataclass, field

from corpus.relate import lexicon as lx

# slots an actor can fill relative to an anchor
SUBJ, PASS_SUBJ, BY, OBJ, TO, FROM, WITH, BETWEEN, OWNER, OF = (
    "subj", "pass_subj", "by", "obj", "to", "from", "with", "between", "owner", "of")

_VERB_PREPS = {"to": TO, "into": TO, "for": TO, "toward": TO, "towards": TO,
               "from": FROM, "with": WITH, "alongside": WITH, "by": BY,
               "between": BETWEEN, "among": BETWEEN, "amongst": BETWEEN}
_NOUN_PREPS = {"of": OF, "including": OF, "from": FROM, "by": BY, "to": TO, "for": TO,
               "with": WITH, "between": BETWEEN, "among": BETWEEN, "amongst": BETWEEN,
               "alongside": WITH}
_MAX_PATH = 9
_MODIFIER_DEPS = ("compound", "amod", "nmod", "poss", "npadvmod")


@dataclass(slots=True)
class Actor:
    """An entity standing at some tokens of a sentence."""

    entity_ids: tuple[str, ...]
    root: int                      # token index of the phrase's head
    tokens: frozenset[int]         # token indices the mention covers
    resolved: bool = False         # True when it came from an anaphor, not a name
    kinds: tuple[str, ...] = field(default=())


def lemma(tok) -> str:
    """A lower-cased lemma that also works on title-cased headline words."""
    lem = tok.lemma_.lower()
    if not tok.is_title:
        return lem
    low = tok.lower_
    if lem == low and low.endswith(("ed", "s")):
        # headline words ("Extradited", "Trains") are often left unlemmatised
        for cut in (("ied", "y"), ("ed", ""), ("ed", "e"), ("s", "")):
            if low.endswith(cut[0]):
                stem = low[: -len(cut[0])] + cut[1]
                if stem in _KNOWN_VERBS:
                    return stem
    return lem


_KNOWN_VERBS = (set(lx.GIVE_VERBS) | lx.HAND_OVER_VERBS | lx.LIGHT_VERBS | set(lx.HELP_VERBS)
                | lx.JOINT_VERBS | set(lx.VISIT_VERBS) | lx.SIGN_VERBS | lx.RECEIVE_VERBS)


def is_group(tok) -> bool:
    """A noun heading a group that stands for its agency or country ("officers",
    "authorities", "the FBI's Legal Attaché Offices": proper nouns keep their plural)."""
    word = tok.lemma_.lower()
    if word in lx.GROUP_NOUNS:
        return True
    if tok.pos_ == "PROPN" and word.endswith("s"):
        return word[:-1] in lx.GROUP_NOUNS or (word.endswith("ies") and word[:-3] + "y"
                                               in lx.GROUP_NOUNS)
    return False


def is_verb(tok) -> bool:
    if tok.lower_ in ("thanks", "thank") and tok.dep_ == "ROOT":
        return True                        # "The FBI thanks ...", tagged as a plural noun
    return tok.pos_ in ("VERB", "AUX") or (tok.pos_ != "NOUN" and tok.tag_.startswith("VB"))


def path_up(tok, anchor, actor_tokens: dict[int, Actor], own: Actor, blockers: set[int]):
    """Tokens from ``tok`` up to the child of ``anchor``, or None when ``anchor`` is not
    above it, or the way passes another clause, another actor, or another trigger."""
    path = [tok]
    t = tok
    prev = tok
    steps = 0                              # a list's conjuncts hang on each other: one step
    while t.i != anchor.i:
        if t.head.i == t.i or steps > _MAX_PATH:
            return None
        steps += t.dep_ != "conj"
        prev, t = t, t.head
        if t.i == anchor.i:
            break
        if t.i in own.tokens:
            path.append(t)
            continue
        other = actor_tokens.get(t.i)
        if other is not None and prev.dep_ not in ("conj", "appos"):
            return None                    # a modifier of another actor: "Spain's police"
        if other is not None and other is not own and other.root >= 0 and other.root != t.i \
                and not any(a.i == t.i for a in t.doc[other.root].ancestors):
            # listed after a name the parser split ("the Bureau of ... Affairs (INL) and
            # the U.S. Embassy"): go on from where that name hangs in the sentence
            path.append(t)
            t = t.doc[other.root]
            if t.i == anchor.i:
                break
        if other is None and is_verb(t) and t.dep_ not in ("amod", "compound") \
                and not (t.lower_ == "including" and t.dep_ == "prep"):
            return None                    # another clause ("including" opens a list)
        if prev.dep_ in _MODIFIER_DEPS and other is None and not is_group(t):
            return None                    # "U.S. objectives", "the U.S. court": not an actor
        if t.ent_type_ == "PERSON" and other is None:
            return None                    # "Judge X of the District Court"
        if t.i in blockers:
            return None                    # another trigger reads this argument
        if t.dep_ in ("relcl", "advcl", "ccomp", "parataxis"):
            return None
        path.append(t)
    return path


def role_of(actor: Actor, anchor, actor_tokens, blockers) -> str | None:
    """The slot ``actor`` fills relative to ``anchor`` (None when it fills none)."""
    doc = anchor.doc
    path = path_up(doc[actor.root], anchor, actor_tokens, actor, blockers)
    if path is None:
        return None
    child = path[-1]
    dep = child.dep_
    noun_anchor = not is_verb(anchor)
    if dep == "conj" or dep == "punct":
        return None
    if noun_anchor:
        if dep in ("poss", "compound", "nmod", "amod", "npadvmod"):
            return OWNER
        if dep == "prep":
            return _NOUN_PREPS.get(child.lower_)
        return None
    if dep in ("nsubj", "csubj", "expl"):
        return SUBJ
    if dep in ("nsubjpass", "csubjpass"):
        return PASS_SUBJ
    if dep == "agent":
        return BY
    if dep in ("dobj", "dative", "attr", "oprd", "iobj", "nsubjpass") and len(path) > 2 \
            and path[-2].dep_ == "prep" and path[-2].lower_ in ("to", "from", "into"):
        return TO if path[-2].lower_ != "from" else FROM   # "extradite the suspect to X"
    if dep in ("dobj", "dative", "attr", "oprd", "iobj"):
        return OBJ
    if dep == "prep":
        word = child.lower_
        if word == "together" or (word in ("in", "along") and _next_is(child, "with")):
            return WITH
        return _VERB_PREPS.get(word)
    if dep == "advmod" and child.lower_ == "together":
        return WITH
    if dep in ("npadvmod", "compound", "nmod") and anchor.tag_ in ("VBN", "VBG", "JJ") \
            and child.i < anchor.i:
        return BY                          # "ICITAP-trained", "FBI-led" (not a list after it)
    return None


def _next_is(tok, word: str) -> bool:
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return nxt is not None and nxt.lower_ == word


def is_passive(verb) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass", "agent") for c in verb.children) or (
        verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod"))


def has_joint_modifier(tok) -> bool:
    return any(c.lower_ in lx.JOINT_MODIFIERS for c in tok.children) or any(
        w.lower_ in lx.JOINT_MODIFIERS for w in tok.doc[max(tok.sent.start, tok.i - 3): tok.i])
