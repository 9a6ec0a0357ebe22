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
