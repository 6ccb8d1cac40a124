"""The words that state cooperation, and the role each argument plays.

Lemmas are lower-cased spaCy lemmas; title-cased headlines are looked up by their
lower-cased text too, because the small English model lemmatises them badly.
"""
from __future__ import annotations

import re

# -- verbs ------------------------------------------------------------------
# class "give": subject gives, object / "to" receives (directed)
GIVE_VERBS = {
    "train": "training", "retrain": "training", "mentor": "training", "instruct": "training",
    "teach": "training", "coach": "training", "educate": "training",
    "donate": "technology_transfer", "supply": "technology_transfer",
    "sell": "technology_transfer", "equip": "technology_transfer",
    "fund": "funding", "finance": "funding", "sponsor": "funding", "bankroll": "funding",
    "co-fund": "funding", "cofund": "funding",
}
# class "hand_over": a government hands a person or evidence over (legal_assistance)
HAND_OVER_VERBS = {"extradite", "surrender", "deport", "expel", "repatriate", "transfer",
                   "transport"}
# class "light": the object noun says what is given (provide training, deliver equipment)
LIGHT_VERBS = {"provide", "give", "offer", "deliver", "extend", "conduct", "hold", "organize",
               "organise", "lead", "facilitate", "render", "lend", "furnish", "coordinate",
               "arrange", "secure", "grant", "award", "host", "sign", "conclude", "ink",
               "renew", "execute", "share", "exchange", "pass", "deploy", "install"}
# verbs whose subject receives what the object noun names
RECEIVE_VERBS = {"receive", "get", "obtain", "accept", "benefit", "request", "seek", "attend",
                 "complete", "undergo", "participate", "take", "purchase", "buy", "acquire"}
# verbs of an arrest: the country where it happened hands the person over
ARREST_VERBS = {"arrest", "apprehend", "detain", "capture", "locate", "extradite"}
# a case that agencies lead, conduct, or that involves partners
CASE_NOUNS = {"investigation", "operation", "case", "probe"}
# "an ongoing multinational effort by the United States, France, Germany ...", "a coalition
# of law enforcement authorities from ...": a joint effort of the countries listed
COALITION_NOUNS = {"effort", "operation", "coalition", "initiative", "campaign", "partnership",
                   "collaboration", "investigation", "action"}
COALITION_ADJECTIVES = {"multinational", "multi-national", "international", "global", "joint",
                        "coordinated", "multilateral", "transnational", "cross-border"}
# "The nations comprising the coalition include A, B ...": the members of a joint effort
MEMBER_NATION_VERBS = {"comprise", "participate", "join", "form", "involve", "make"}
# "agencies partnering in this effort include ..."
PARTNERING_VERBS = {"partner", "participate", "assist", "support", "contribute", "collaborate",
                    "cooperate", "help"}
# "expressed the Bureau's gratitude to ...": thanks as a noun
GRATITUDE_NOUNS = {"gratitude", "appreciation", "thanks", "thank"}
EXPRESS_VERBS = {"express", "extend", "offer", "convey", "voice"}
# verbs that thank when their object is help: "The Department appreciates the cooperation"
THANK_VERBS = {"appreciate", "commend", "acknowledge", "recognize", "praise"}
# class "help": the subject helps the object / the "with" partner (undirected)
HELP_VERBS = {"assist": "general_cooperation", "support": "general_cooperation",
              "help": "general_cooperation", "aid": "general_cooperation",
              "cooperate": "general_cooperation", "collaborate": "general_cooperation",
              "partner": "general_cooperation", "coordinate": "general_cooperation",
              "team": "general_cooperation", "liaise": "general_cooperation",
              "join": "joint_operation", "thank": "general_cooperation",
              "work": "general_cooperation", "engage": "general_cooperation",
              "contribute": "general_cooperation"}
# verbs that only make a relation between co-agents ("X and Y arrested ...") or with a partner
JOINT_VERBS = {"investigate", "arrest", "dismantle", "seize", "disrupt", "raid", "apprehend",
               "conduct", "lead", "execute", "detain", "takedown", "shut", "launch", "carry",
               "bust", "capture", "infiltrate"}
# "Europol hosted a command post staffed with representatives from the FBI, the DEA ...":
# hosting the operation's own place is running it together, not a visit
HOSTED_OPERATION_NOUNS = {"post", "centre", "center", "room", "hub", "headquarters", "day",
                          "sprint"}
SHARE_VERBS = {"share": "intelligence_sharing", "exchange": "intelligence_sharing"}
SIGN_VERBS = {"sign", "conclude", "ink", "renew", "ratify"}
VISIT_VERBS = {"visit": "visitor", "tour": "visitor", "host": "host", "welcome": "host",
               "receive": "host", "meet": "meet"}

# -- nouns ------------------------------------------------------------------
NOUN_TYPES = {
    "training": "training", "course": "training", "workshop": "training",
    "seminar": "training", "mentorship": "training", "mentoring": "training",
    "instruction": "training", "curriculum": "training", "capacity-building": "training",
    "train-the-trainer": "training", "academy": "training", "exercise": "training",
    "extradition": "legal_assistance", "surrender": "legal_assistance",
    "deportation": "legal_assistance", "expulsion": "legal_assistance",
    "repatriation": "legal_assistance", "mlat": "legal_assistance", "mlats": "legal_assistance",
    "equipment": "technology_transfer", "donation": "technology_transfer",
    "technology": "technology_transfer", "software": "technology_transfer",
    "vehicle": "technology_transfer", "hardware": "technology_transfer",
    "funding": "funding", "fund": "funding", "grant": "funding", "financing": "funding",
    "sponsorship": "funding", "delivery": "technology_transfer",
    "installation": "technology_transfer", "deployment": "technology_transfer",
    "agreement": "agreement", "memorandum": "agreement", "mou": "agreement",
    "treaty": "agreement", "accord": "agreement", "protocol": "agreement",
    "arrangement": "agreement", "partnership": "agreement",
    "intelligence": "intelligence_sharing", "information": "intelligence_sharing",
    "data": "intelligence_sharing", "lead": "intelligence_sharing", "tip": "intelligence_sharing",
    "visit": "visit_exchange", "delegation": "visit_exchange", "meeting": "visit_exchange",
    "trip": "visit_exchange", "attaché": "visit_exchange", "attache": "visit_exchange",
    "operation": "joint_operation", "investigation": "joint_operation",
    "sweep": "joint_operation", "takedown": "joint_operation", "crackdown": "joint_operation",
    "action": "joint_operation", "raid": "joint_operation", "probe": "joint_operation",
}
# nouns that say one side helped: "with the assistance of X", "thanks to X's support"
HELP_NOUNS = {"assistance", "support", "help", "cooperation", "collaboration", "coordination",
              "partnership", "engagement", "contribution", "aid", "participation",
              "involvement", "backing"}
# the preposition-only markers of a partner: "alongside X", "together with X"
PARTNER_PREPS = {"alongside"}
# nouns heading a group that stands for its country or agency: "authorities in the UK"
GROUP_NOUNS = {"authority", "official", "officer", "agent", "police", "partner", "counterpart",
               "government", "personnel", "investigator", "prosecutor", "advisor", "adviser",
               "expert", "team", "unit", "force", "service", "agency", "enforcement",
               "colleague", "representative", "student", "participant", "trainee",
               "official", "staff", "member", "detective", "analyst", "judge", "ministry",
               "delegation", "administration", "mentor", "instructor", "trainer", "specialist",
               "attaché", "attache", "cell", "office", "department", "authorities", "police",
               "branch", "division", "section", "squad", "directorate"}
# anaphors resolved to the last agency whose name has this word
ANAPHOR_NOUNS = {"department", "agency", "bureau", "ministry", "office", "service", "police",
                 "government", "embassy", "division", "directorate", "commission", "unit"}
COUNTRY_ANAPHORS = {"country", "nation", "government"}
# "this project", "the program": the document's own agency's work
PROGRAM_ANAPHORS = {"project", "program", "programme", "initiative", "activity", "mission"}

# context words that make a helping relation a joint operation
OPERATION_CONTEXT = {"investigation", "investigate", "operation", "arrest", "takedown",
                     "seizure", "seize", "dismantle", "raid", "sweep", "probe", "case",
                     "apprehend", "apprehension", "search", "capture", "disruption",
                     "disrupt", "prosecution", "charge", "indictment"}
JOINT_MODIFIERS = {"joint", "coordinated", "combined", "multinational", "international",
                   "parallel", "collaborative", "cooperative", "bilateral", "multilateral",
                   "co-ordinated", "concerted"}

# agreements that settle a case rather than state cooperation
SETTLEMENT_WORDS = {"plea", "settlement", "settle", "prosecution", "non-prosecution",
                    "deferred", "consent", "allegation", "resolve", "restitution", "forfeit",
                    "forfeiture", "sentencing", "guilty", "defendant", "lease", "purchase",
                    "employment", "licensing", "license"}

# -- modality ---------------------------------------------------------------
PLANNED_HEADS = {"plan", "intend", "expect", "aim", "seek", "hope", "schedule", "prepare",
                 "want", "wish", "set", "pledge", "promise", "commit", "vow", "look"}
PROPOSED_HEADS = {"propose", "suggest", "recommend", "urge", "call", "consider", "discuss",
                  "negotiate", "explore", "invite", "ask", "request", "offer"}
REFUSED_HEADS = {"refuse", "decline", "reject", "fail", "cancel", "suspend", "halt", "end",
                 "withdraw", "terminate", "stop", "cease", "block", "bar"}
DENIED_HEADS = {"deny", "dispute"}
PLANNED_MODIFIERS = {"planned", "future", "upcoming", "forthcoming", "proposed", "potential",
                     "possible", "prospective", "pending", "draft"}
NEGATIONS = {"not", "never", "n't", "no", "without"}

CRITICAL_RE = re.compile(
    r"rais\w* (?:serious )?concerns?|human rights (?:abuses|violations|concerns)|"
    r"\bcondemn\w*|\bcritici[sz]\w*|should (?:suspend|halt|end|stop|cease)|"
    r"\btorture\b|\bcomplicit\w*|\bextrajudicial\b|\brepression\b|\bcrackdown on (?:dissent|"
    r"protest|journalist|activist)\w*|\bwhitewash\w*|\bimpunity\b",
    re.IGNORECASE)

# nouns a country adjective qualifies as someone's nationality: "Russian national X"
NATIONALITY_NOUNS = frozenset({"national", "citizen", "man", "woman", "resident", "defendant",
                               "fugitive", "hacker", "individual", "person"})

# the people a training event is given to ("presented ... to 25 Vietnamese customs
# investigators", "a series for twenty investigators of the Royal Malaysia Police") and the
# words that make a sentence about such an event
AUDIENCE_NOUNS = frozenset({"investigator", "officer", "official", "prosecutor", "judge",
                            "analyst", "participant", "personnel", "student", "cadet",
                            "trainee", "examiner", "audience"})
TRAINING_EVENT_WORDS = frozenset({"workshop", "training", "course", "seminar", "certification",
                                  "presentation", "present", "train", "session", "series",
                                  "class", "curriculum", "lecture", "mentor", "mentoring"})
