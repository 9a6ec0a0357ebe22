"""Sentence-level units: what the theme model clusters.

An answer can carry several themes ("The calendar is a mess. The workshop was great."), so each
answer is split into sentences with spaCy. Lines and bullet points are split first, because survey
answers often list points without any punctuation. Fragments shorter than ``min_words`` words
("Thanks!", "Yes.") are merged into a neighbouring unit. Non-answers are recognised and kept out.

Content words
-------------
A sentence with no content word ("Again.", "Me too.", "3am.", "I'd rather it wasn't.", "7") is
never a unit of its own, whatever its length: it is merged into a neighbour like a fragment, and an
answer none of whose sentences has a content word gives no unit (a non-answer). A content word is
an alphabetic token (or a redaction placeholder such as ``[PERSON]``) that is not a function word:
spaCy's English stop words less the lexical words among them (:data:`LEXICAL_STOP_WORDS`: "keep",
"done", "alone", "full", ...), so "I can't keep doing this." and "I'm done." keep their own unit.
The check reads lexical attributes only, so the sentence splitter needs no tagger.

Non-answers
-----------
A text is a non-answer when, after normalisation, it is empty, has no letter or digit at all
("-", "...", "???"), or *is* one of :data:`NON_ANSWER_PHRASES`, possibly followed by filler from
:data:`FILLER_SUFFIXES` ("Nothing this week, thanks!"). Normalisation lower-cases, turns curly
quotes straight, replaces punctuation with spaces (so "n/a", "N.A." and "na" coincide) and
collapses whitespace. The whole text must match: "None of the sessions started on time" and
"All good except the calendar" are real answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

#: Whole-answer phrases (normalised) that say nothing to theme.
NON_ANSWER_PHRASES = frozenset(
    {
        # not applicable / empty markers
        "n a",
        "na",
        "n a n a",
        "nan",
        "nil",
        "null",
        "none",
        "x",
        "xx",
        "tbd",
        "tba",
        "not applicable",
        "does not apply",
        "doesn't apply",
        "doesnt apply",
        # nothing
        "nothing",
        "nothing new",
        "nothing else",
        "nothing much",
        "nothing really",
        "nothing specific",
        "nothing in particular",
        "nothing to add",
        "nothing more to add",
        "nothing further",
        "nothing to report",
        "nothing to share",
        "nothing to say",
        "nothing comes to mind",
        "nothing i can think of",
        "can't think of anything",
        "cant think of anything",
        "none that i can think of",
        "no",
        "nope",
        "nah",
        "not really",
        "not at all",
        "not that i know of",
        "not that i can think of",
        # no comment
        "no comment",
        "no comments",
        "no further comments",
        "no additional comments",
        "no feedback",
        "no answer",
        "no response",
        "pass",
        "skip",
        # all fine
        "all good",
        "all fine",
        "all ok",
        "all okay",
        "all well",
        "fine",
        "good",
        "ok",
        "okay",
        "nothing wrong",
        "no issues",
        "no problems",
        "no concerns",
        "no complaints",
        # unsure / see elsewhere
        "idk",
        "i don't know",
        "i dont know",
        "don't know",
        "dont know",
        "not sure",
        "unsure",
        "no idea",
        "same",
        "same as before",
        "same as last week",
        "same as above",
        "see above",
        "as above",
        "as before",
    }
)

#: Filler that may follow a non-answer phrase without changing what it says.
FILLER_SUFFIXES = (
    "this week",
    "last week",
    "this time",
    "at this time",
    "at the moment",
    "for now",
    "right now",
    "so far",
    "yet",
    "today",
    "really",
    "at all",
    "thanks",
    "thank you",
    "thx",
    "sorry",
    "else",
    "to add",
    "from me",
    "for me",
)

#: spaCy stop words that are nouns, verbs or adjectives and so carry content on their own.
LEXICAL_STOP_WORDS = frozenset(
    "alone amount back became become becomes becoming bottom call doing done due empty enough "
    "everyone everybody first front full get give go keep last least made make move name next "
    "nobody others part put say see someone "
    "seem seemed seeming seems serious show side take third top used using well whole".split()
)
_PLACEHOLDER = re.compile(r"^\[[A-Z_]+\]$")
_TIME_OF_DAY = re.compile(r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b", re.IGNORECASE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_NOT_WORD = re.compile(r"[^\w\s']+")
_SPACES = re.compile(r"\s+")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_BULLET = re.compile(
    r"^\s*(?:[-*\u2022\u2023\u25e6\u2043\u2013\u2014>]+|\(?\d{1,2}[.)]|[a-z][.)])\s+"
)
_LINE_BREAK = re.compile(r"\s*(?:\r\n|\r|\n|\u2028|\u2029)+\s*")


def normalise(text: str) -> str:
    """Lower-case, straighten quotes, punctuation to spaces, collapse whitespace."""
    lowered = text.translate(_APOSTROPHES).lower()
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", lowered)).strip(" '")


def _is_filler_variant(phrase: str) -> bool:
    """Whether ``phrase``, or ``phrase`` less some filler suffixes, is a non-answer phrase."""
    if phrase in NON_ANSWER_PHRASES:
        return True
    return any(
        _is_filler_variant(phrase[: -len(suffix) - 1])
        for suffix in FILLER_SUFFIXES
        if phrase.endswith(" " + suffix)
    )


def is_non_answer(text: str | None) -> bool:
    """Whether ``text`` says nothing to theme ("n/a", "-", "nothing this week", "all good").

    See the module docstring for the exact rule; only whole answers match.
    """
    if text is None or not _LETTER_OR_DIGIT.search(text):
        return True
    return _is_filler_variant(normalise(text))


def _segments(text: str) -> list[str]:
    """Split on line breaks and strip bullet markers; drop empty lines."""
    parts = (_BULLET.sub("", line).strip() for line in _LINE_BREAK.split(text))
    return [part for part in parts if part]


def _word_count(sentence) -> int:  # noqa: ANN001 - a spaCy Span
    return sum(1 for token in sentence if token.is_alpha or token.like_num)


@cache
def _function_words() -> frozenset[str]:
    """spaCy's English stop words less the lexical ones (imported on first use, not at import)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) - LEXICAL_STOP_WORDS


def _has_content_word(sentence) -> bool:  # noqa: ANN001 - a spaCy Span
    """Whether the sentence holds a word that is not a function word (see the module docstring)."""
    if _TIME_OF_DAY.search(sentence.text):  # "Up at 3am again."
        return True
    function_words = _function_words()
    return any(
        _PLACEHOLDER.match(token.text)
        or (token.is_alpha and len(token.text) > 1 and token.lower_ not in function_words)
        for token in sentence
    )


def _merge_short(sentences: list[tuple[str, int, str]], min_words: int) -> list[str]:
    """Attach fragments of fewer than ``min_words`` words to the previous unit (or the next).

    A sentence without a content word comes with a word count of 0, so it is always a fragment;
    an answer with no content word at all gives no unit.

    Each sentence comes with the separator that preceded it in the answer ("" when the sentence
    splitter cut inside a word or a placeholder such as ``[PERSON]``), so merging never invents
    a space the member did not write.
    """
    units: list[str] = []
    pending = ""
    for text, words, sep in sentences:
        if words >= min_words:
            units.append(f"{pending}{sep}{text}" if pending else text)
            pending = ""
        elif units:
            units[-1] = f"{units[-1]}{sep}{text}"
        else:
            pending = f"{pending}{sep}{text}" if pending else text
    if pending and any(words for _, words, _ in sentences):
        units.append(pending)
    return units


def split_units(
    texts: Sequence[str], nlp: Language, *, min_words: int = 3, batch_size: int = 256
) -> list[list[str]]:
    """Split each answer into sentence-level units.

    Args:
        texts: Answers, already redacted.
        nlp: A pipeline that sets sentence boundaries, normally
            :func:`service.nlp.pipeline.load_sentence_splitter`.
        min_words: Sentences with fewer words are merged into a neighbour (a whole answer that
            short stays one unit).
        batch_size: ``nlp.pipe`` batch size.

    Returns:
        One list per input text, in order; empty for non-answers and for answers without a
        content word ("7", "Me too."). Sentences that are themselves non-answers ("Nothing
        else.") are dropped; sentences without a content word are merged into a neighbour.
    """
    owners: list[int] = []
    segments: list[str] = []
    for index, text in enumerate(texts):
        if is_non_answer(text):
            continue
        for segment in _segments(text):
            owners.append(index)
            segments.append(segment)
    sentences: list[list[tuple[str, int, str]]] = [[] for _ in texts]
    for owner, doc in zip(owners, nlp.pipe(segments, batch_size=batch_size), strict=True):
        sep = " "
        for sentence in doc.sents:
            text = sentence.text.strip()
            if text and not is_non_answer(text):
                words = _word_count(sentence) if _has_content_word(sentence) else 0
                sentences[owner].append((text, words, sep))
                sep = " " if sentence.text_with_ws[-1:].isspace() else ""
            else:
                sep = " "
    return [_merge_short(found, min_words) for found in sentences]
