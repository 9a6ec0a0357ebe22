"""Turning theme labels and key phrases into text that reads well inside a question.

Pure string rules, no language model: placeholders and markup are removed (:func:`sanitize`),
a generated label is checked for being a noun phrase (:func:`noun_topic`), a phrase gets "the"
when its head is a singular count noun (:func:`inline`) and loses its sentence-initial capital
unless it is a name or an acronym (:func:`mid_sentence`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

PLACEHOLDER = re.compile(r"\[[A-Z_ ]+\]|\{[^}]*\}|[{}<>]|\[|\]")
SPACES = re.compile(r"\s+")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
#: Names that keep their capital letter mid-sentence.
PROPER = frozenset(
    "Copilot ChatGPT Outlook Teams Excel Slack Zoom Workday Concur SAP Oracle Salesforce Google "
    "Microsoft Gemini Claude Notion Asana Trello Jira Monday Friday Monday's Friday's".split()
)

#: Words that read well without an article ("about workload"); other singular heads get "the".
MASS_NOUNS = frozenset(
    "growth management security wellbeing well-being workload travel feedback communication "
    "training onboarding recognition burnout stress planning scheduling development leadership "
    "admin administration work time health balance support technology software progression pay "
    "compensation morale culture change uncertainty anxiety confidence networking procurement "
    "compliance data information knowledge research advice help visibility trust learning "
    "mentoring coaching hiring recruitment budgeting finance diversity inclusion flexibility "
    "childcare parking catering hospitality security safety privacy career email e-mail "
    "prioritisation prioritization delegation productivity automation ai overtime".split()
)
DETERMINERS = frozenset("the a an our my your their this that these those".split())
_CONNECTORS = frozenset("and or of from with by for to in on at about the a an".split())


def sanitize(text: str) -> str:
    """Text with placeholders, brackets and braces removed, and the words they left dangling.

    "Feedback from [PERSON]" becomes "Feedback"; "{theme} and {label}" becomes "".
    """
    cleaned = SPACES.sub(" ", PLACEHOLDER.sub(" ", _TAG.sub(" ", text))).strip(" ,;:-")
    words = re.sub(r"\s+([,;:])", r"\1", cleaned).split()
    while words and words[-1].lower().strip(",;:") in _CONNECTORS:
        words.pop()
    while words and words[0].lower() in _CONNECTORS - {"the", "a", "an"}:
        words.pop(0)
    return " ".join(words).strip(" ,;:-")


def mid_sentence(text: str) -> str:
    """``text`` as it reads inside a sentence: a capital kept only on names and acronyms."""
    text = sanitize(text)
    if not text:
        return text
    first, _, rest = text.partition(" ")
    keep = first in PROPER or not first[1:].islower() or len(first) == 1
    return text if keep else first[0].lower() + first[1:] + (" " + rest if rest else "")


_JUNK = frozenset(
    "i me my we you it they she he not very really just still also much more well so too "
    "honestly actually ok okay she's he's it's that's there's what's who's let's".split()
)
_LY_NOUNS = frozenset("supply family assembly reply anomaly monopoly july italy rally".split())
_ED_NOUNS = frozenset("need speed seed breed feed shed greed hundred".split())
_IRREGULAR_PAST = frozenset(
    "slept felt left kept went got made said told thought took came saw knew found gave lost "
    "met paid sent spent stood heard held brought bought caught taught fought meant ran sat "
    "wrote broke spoke chose began drove ate fell forgot taken given written done gone seen "
    "known broken chosen spoken forgotten eaten driven fallen begun been".split()
)


def _junk(word: str) -> bool:
    low = word.lower().replace("\u2019", "'")
    contraction = "'" in low and not low.endswith("'s")
    adverb = low.endswith("ly") and low not in _LY_NOUNS
    return low in _JUNK or contraction or adverb


def _verb(word: str) -> bool:
    low = word.lower()
    past = low.endswith("ed") and len(low) > 4 and "-" not in low and low not in _ED_NOUNS
    return past or low in _IRREGULAR_PAST


def noun_topic(label: str) -> tuple[str, bool]:
    """A theme label as a noun phrase: ``(topic, True)``, or ``(label, False)`` when it is none.

    Generated labels join two key phrases, and a key phrase can be a fragment of a sentence
    ("Workload i'm", "Slept properly", "I'd love"). Each part loses trailing pronouns,
    contractions and adverbs, and leading adverbs; a part that starts with a pronoun or a
    contraction is a clause and is dropped, and so is a part that ends in a past-tense verb (or
    starts with an irregular one). "Coffee machine and workload i'm" becomes "Coffee machine and
    workload"; "Can't and tired" is no noun phrase at all.
    """
    kept = []
    for part in sanitize(label).split(" and "):
        words = part.split()
        while words and _junk(words[-1]):
            words.pop()
        clause = False
        while words and _junk(words[0]):
            clause = clause or not words.pop(0).lower().endswith("ly")  # "I'd love": a clause
        if words and not clause and not (_verb(words[-1]) or words[0].lower() in _IRREGULAR_PAST):
            kept.append(" ".join(words))
    if not kept:
        return sanitize(label), False
    topic = " and ".join(kept)
    return topic[0].upper() + topic[1:], True


def inline(phrase: str) -> str:
    """A noun phrase as it reads after "about": with "the" before a singular count noun.

    Plural heads, mass nouns (:data:`MASS_NOUNS`), -ing forms, names and acronyms stay bare
    ("about double bookings", "about workload", "about Copilot"); "expense system" becomes
    "the expense system". The head is the last word of the first conjunct.
    """
    words = phrase.split()
    if not words or words[0].lower() in DETERMINERS:
        return phrase
    head = phrase.split(" and ")[0].split()[-1]
    bare = (
        head.lower() in MASS_NOUNS
        or head.endswith("ing")
        or head[:1].isupper()
        or (head.endswith("s") and not head.endswith(("ss", "us", "is")))
    )
    return phrase if bare else f"the {phrase}"


def pick_phrase(topic: str, key_phrases: Sequence[str]) -> str:
    """The key phrase to ground how-to questions in: a multi-word phrase, else the topic."""
    for phrase in key_phrases:
        phrase = mid_sentence(phrase)
        if " " in phrase and phrase.lower() != topic.lower():
            return phrase
    return topic


def title(label: str) -> str:
    """A suggestion's title: the label without markup, capitalised."""
    text = sanitize(label) or "Untitled topic"
    return text[0].upper() + text[1:]


def theme_title(label: str) -> str:
    """The title a theme's suggestion takes from the theme's name (or label)."""
    return title(noun_topic(label)[0])
