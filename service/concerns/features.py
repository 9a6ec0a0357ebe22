"""Cheap lexical features beside the sentence embedding (LIWC-like counts, no external lexicon).

Each feature is a rate per word (or a flag) so that a one-line check-in and a Reddit post are on
one scale. The lists are small and hand-written for workplace check-ins; ``evaluation/reports/
concerns.md`` measures whether they earn their place next to the embedding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

WORRY = frozenset(
    "worry worried worries worrying anxious anxiety nervous nervously scared scary afraid fear "
    "fears fearful frightened frightening terrified terrifying petrified dread dreading dreaded "
    "panic panicking panicked stress stressed stressful concerned concern concerns uneasy "
    "apprehensive unsettled overwhelmed overwhelming tense edge ominous insecure".split()
)
SEVERE = frozenset(
    "sleep slept sleeping sleepless insomnia awake nightmares nightmare burnout burnt burned "
    "exhausted exhaustion crying cry cried tears sobbing breaking breakdown meltdown shaking "
    "sick vomiting palpitations chest breathe depleted drowning hopeless numb collapse fainted "
    "medication signed zombie wreck paralysing paralyzing trapped".split()
)
JOB_THREAT = frozenset(
    "redundancy redundant redundancies layoff layoffs laid fired dismissal disciplinary reorg "
    "restructure restructuring consultation outsourcing offshoring cuts cut scope axed "
    "eliminated replaced contract notice".split()
)
FIRST_SINGULAR = frozenset("i me my mine myself i'm i've i'd i'll im ive".split())
OTHERS = frozenset(
    "she he her him his hers they them their colleague colleagues teammate team boss manager "
    "exec director".split()
)
NEGATION = frozenset("not no never nothing nobody none without n't cannot can't don't".split())
ANGER = frozenset(
    "annoyed annoying annoys irritating irritated furious angry hate hated ridiculous useless "
    "terrible awful rude frustrating frustrated maddening grumpy ugly broken jams jammed".split()
)
GRIPE_OBJECTS = frozenset(
    "coffee printer parking microwave fridge kitchen lift lifts aircon stapler toner vending "
    "projector wifi chairs blinds mug biscuits canteen badge badges scanner".split()
)
POSITIVE = frozenset(
    "great good happy glad love loved loving enjoy enjoyed thrilled proud excited grateful "
    "thanks brilliant calm confident smooth smoothly win lovely relieved useful fine".split()
)
SOLUTION = frozenset(
    "tip tips worked helped helps fix fixed solved try template shared share".split()
)
HEDGES = frozenset("bit slightly little somewhat probably kinda ish hopefully mostly".split())
INTENSIFIERS = frozenset(
    "really so very constantly constant always every literally totally".split()
)
FUTURE = frozenset("will going next tomorrow might if soon".split())
_NEGATED_WORRY = re.compile(
    r"\b(?:not|no|never|nothing|zero)\b(?:\W+\w+){0,3}?\W+(?:worr\w*|concern\w*|anxious|"
    r"keeps? me up|bother\w*|stress\w*)",
)

FEATURE_NAMES: tuple[str, ...] = (
    "worry",
    "severe",
    "job_threat",
    "first_singular",
    "others",
    "negation",
    "anger",
    "gripe_objects",
    "positive",
    "solution",
    "hedges",
    "intensifiers",
    "future",
    "negated_worry",
    "question",
    "exclamation",
    "log_words",
)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; ``n't`` contractions stay whole ("can't")."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def _rate(words: list[str], lexicon: frozenset[str]) -> float:
    return sum(word in lexicon for word in words) / max(len(words), 1)


def lexical_features(texts: Sequence[str]) -> np.ndarray:
    """One row of :data:`FEATURE_NAMES` per text (float64)."""
    rows = []
    for text in texts:
        words = tokens(text)
        lowered = text.lower()
        rows.append(
            [
                _rate(words, WORRY),
                _rate(words, SEVERE),
                _rate(words, JOB_THREAT),
                _rate(words, FIRST_SINGULAR),
                _rate(words, OTHERS),
                _rate(words, NEGATION) + lowered.count("n't") / max(len(words), 1),
                _rate(words, ANGER),
                _rate(words, GRIPE_OBJECTS),
                _rate(words, POSITIVE),
                _rate(words, SOLUTION),
                _rate(words, HEDGES),
                _rate(words, INTENSIFIERS),
                _rate(words, FUTURE),
                float(bool(_NEGATED_WORRY.search(lowered))),
                float("?" in text),
                float("!" in text),
                float(np.log1p(len(words))),
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))


# --- v2: worry as people write it ----------------------------------------------------------
# Each cue family is a list of regular expressions (lower-cased text, straight apostrophes).
# They were written from the 0-3 rubric's categories (sleep and rumination, anticipatory dread,
# waiting, job and income insecurity, overload, fear of mistakes and exposure, intensity) and
# from the project's own corpus, never from the blind check-in set's test split.

_CUES: dict[str, tuple[str, ...]] = {
    "sleep_loss": (
        r"\b(?:haven't|havent|hardly|barely|not|can't|cant|couldn't|didn't) (?:been )?"
        r"(?:slept|sleep|sleeping)",
        r"\b(?:lying|lay|lie|wide|was|am|i'm) awake\b",
        r"\b(?:[1-5] ?am|[1-5] o'clock)\b",
        r"\bmiddle of the night\b",
        r"\b(?:wake|woke|waking|wakes) (?:up )?(?:at|in the night|every|with|thinking|in a)",
        r"\bsleepless|insomnia|no sleep|lost sleep|losing sleep|broken sleep",
        r"\bkeeps? me (?:up|awake)|kept me (?:up|awake)|up at night",
        r"\bnightmares?\b",
    ),
    "rumination": (
        r"\bcan't (?:stop|switch off|turn off|shake|let (?:it )?go|get (?:it|this) out)",
        r"\b(?:replay|replaying|replayed|rehears\w*|going over|go over|goes over)\b",
        r"\bround (?:and round|in circles)|in circles\b",
        r"\bspiral\w*|overthink\w*|obsess\w*|ruminat\w*|fixat\w*",
        r"\ball i (?:can )?think about|on my mind|in my head|mind (?:is )?racing",
        r"\bkeep (?:thinking|checking|going back)|checking (?:my )?(?:e-?mails?|inbox|phone|"
        r"outlook|slack|teams) (?:at|on|before|after|from)",
        r"\bswitch off|head won't|brain won't",
    ),
    "what_if": (
        r"\bwhat if\b",
        r"\bwhat happens (?:if|when|to me)",
        r"\bin case\b",
        r"\bif (?:i|they|it|we|something|anything) (?:get|gets|got|miss|mess|messes|slip|"
        r"slips|go|goes|lose|loses|can't|don't|doesn't|didn't|hadn't)",
        r"\b(?:could|might|will) (?:be|get) (?:blamed|fired|let go|cut|replaced|next|axed)",
    ),
    "waiting": (
        r"\bwaiting (?:to hear|for (?:news|the (?:decision|outcome|result|verdict|call|"
        r"announcement|letter|email)|an answer|them to|hr|confirmation))",
        r"\bhaven't heard|have not heard|no news|no word|nobody(?:'s| has| will)? (?:said|told|"
        r"tell)|no one(?:'s| has)? (?:said|told)|not been told|haven't been told",
        r"\b(?:still )?(?:don't|do not|doesn't) know (?:if|whether|what|where|when|how long)",
        r"\bin limbo|up in the air|any day now|hanging over|no idea (?:if|whether|what)",
        r"\bnot sure (?:if|whether) (?:i|my|we|there)",
    ),
    "job_insecurity": (
        r"\bredundan\w*|lay-?offs?|laid off|let go|restructur\w*|reorg\w*|consultation\b",
        r"\bcontract (?:ends|is up|runs out|renewal|not renewed|finishes|expires)|"
        r"(?:renew|renewed|renewal)\b",
        r"\b(?:my|our) (?:job|role|position|hours|post|seat)\b",
        r"\bprobation|at risk|in scope|being replaced|replace (?:me|us)|headcount|"
        r"hours (?:cut|reduced)|pay cut|(?:cut|cutting) (?:my|our) hours",
        r"\bmortgage|rent\b|bills\b|afford|income|salary|pay ?check|savings|kids'? (?:school|"
        r"fees)|money\b",
        r"\bupdate (?:my|your) cv|start(?:ed)? looking|job hunt\w*",
    ),
    "overwhelmed": (
        r"\boverwhelm\w*|drowning|swamped|buried|underwater|snowed under|sinking|"
        r"treading water",
        r"\bcan't keep up|can't cope|not coping|struggling to (?:keep|cope|manage)|"
        r"falling behind|behind on|too much|at capacity|stretched (?:thin|too)|"
        r"one of me|two of me|spinning (?:too many )?plates|juggling",
        r"\bno time (?:to|for)|never (?:catch|get) (?:up|through)|end of my (?:rope|tether)|"
        r"breaking point|running on empty|burn(?:ing|t|ed)? ?out",
    ),
    "mistakes_exposure": (
        r"\bmistakes?|errors?\b|wrong (?:version|person|list|date|room|file|email|attachment)",
        r"\bblame\w*|on me\b|my fault|(?:get|got|be) (?:caught|found out|exposed|"
        r"called out|in trouble|pulled up)|(?:look|looking) (?:stupid|incompetent|bad|silly)",
        r"\b(?:drop|dropped|dropping) (?:the ball|something)|slip(?:s|ped)? through|"
        r"(?:miss|missed|missing) something|mess(?:ed)? (?:it |this |that )?up|screw(?:ed)? up",
        r"\bdisciplinary|formal (?:warning|review)|performance (?:plan|review|improvement)|"
        r"\bpip\b|hr (?:meeting|called)|(?:a|the) word with me|noticed",
    ),
    "dread": (
        r"\bdread\w*|brac(?:e|ing)|looming|hangs? over|ticking|countdown|counting down",
        r"\b(?:sunday|monday) (?:evenings?|nights?|mornings?|scaries|dread)",
        r"\b(?:feel|feeling|felt) sick|stomach|knot|heart (?:racing|pounding|sinks|sank|"
        r"drops|races)|(?:chest|throat) (?:tight|tightens)|shaking|shaky|jittery|on edge",
        r"\bcan't face|can't bear|scared|terrif\w*|petrif\w*|frighten\w*|afraid|panic\w*|"
        r"fear\w*|anxi\w*|nervous\w*|worr(?:y|ied|ies|ying)|stress(?:ed|ful)?\b",
    ),
    "intensity": (
        r"\bevery (?:night|day|morning|evening|week|time|single)|all the time|constantly|"
        r"non-?stop|24/7|always\b",
        r"\breally|so (?:much|worried|scared|anxious|stressed|tired)|properly|genuinely|"
        r"seriously|literally|absolutely|completely|totally|exhaust\w*|!{2,}",
    ),
    "mild": (
        r"\ba (?:bit|little|touch)|slightly|somewhat|mildly|keeping an eye|fingers crossed|"
        r"hope (?:it|we|they|i|that)|hopefully|should be (?:fine|ok|okay)|manageable|"
        r"under control|(?:we're|i'm|we are|i am) prepared|touch wood",
    ),
    "resolved": (
        r"\ball (?:sorted|good|fine|done)|went (?:fine|well|perfectly|smoothly|great|ok)|phew|"
        r"relieved|no worries|nothing (?:keeps|is keeping) me up|sleeping (?:fine|well)|"
        r"not (?:worried|stressed|anxious|nervous|concerned)|turned out (?:fine|ok)|"
        r"(?:nothing|not much) (?:to report|in particular)|can't complain|all under control",
    ),
    "literal_sleep": (
        r"\bslept (?:in|well|like)|lie-?in|red-?eye|jet ?lag|(?:baby|toddler|newborn|\dyo|"
        r"puppy|dog|neighbou?rs?|teething|the kids?)\b",
    ),
    "third_person": (r"\b(?:says|said|mentions|mentioned|reports|told me) (?:she|he|they)\b",),
}
_CUE_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    name: [re.compile(p) for p in patterns] for name, patterns in _CUES.items()
}
_SHOUTED = re.compile(r"\b[A-Z]{4,}\b")

FEATURE_NAMES_V2: tuple[str, ...] = (*FEATURE_NAMES, *(f"cue_{name}" for name in _CUES))
"""The v2 lexical columns: v1's 17, then one count per cue family (capped at 3)."""


def _cue_counts(text: str) -> list[float]:
    lowered = text.lower().replace("\u2019", "'")
    counts = []
    for name, patterns in _CUE_PATTERNS.items():
        hits = sum(len(pattern.findall(lowered)) for pattern in patterns)
        if name == "intensity":  # shouted words ("AGAIN", "EVERY NIGHT") count as intensity
            hits += len(_SHOUTED.findall(text))
        counts.append(float(min(hits, 3)))
    return counts


def lexical_features_v2(texts: Sequence[str]) -> np.ndarray:
    """One row of :data:`FEATURE_NAMES_V2` per text (float64)."""
    base = lexical_features(texts)
    cues = np.asarray([_cue_counts(text) for text in texts], dtype=np.float64)
    return np.hstack([base, cues.reshape(len(texts), len(_CUES))])
