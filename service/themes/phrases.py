"""Candidate phrases for theme labels: noun chunks and verb-object phrases from spaCy's parse.

A candidate is what a person would write as a subject: a noun chunk without its determiner,
possessive or number ("the new expense system" -> "new expense system", "my exec" -> "exec"),
or a gerund with its object ("planning the holiday party"). A candidate never starts or ends
with a function word, holds no number, weekday or redaction placeholder, has at most
:data:`MAX_WORDS` words, and its head is a content word that is not on the lexicon's stop list
("lot", "thing", "week" name no subject).

Candidates are grouped by the lemmas of their content words, so "double bookings" and "double
booking" are one phrase; a phrase reads as it was most often written, lower case unless written
as a name or an acronym ("ERP", "ChatGPT").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.nlp.pipeline import PLACEHOLDERS, keep_only

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from service.themes.labels import Lexicon

#: The components a phrase pipeline keeps: tagger and parser (noun chunks need both).
PHRASE_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler")
PHRASE_EXCLUDE = keep_only(PHRASE_COMPONENTS)
MAX_WORDS = 4  # words in one candidate phrase
ARTICLES = frozenset({"the", "a", "an"})  # kept inside a verb phrase ("planning the party")
_EDGE_POS = frozenset({"DET", "PRON", "NUM", "PUNCT", "CCONJ", "SCONJ", "ADP", "PART", "SYM", "X"})
_EDGE_POS |= {"AUX", "INTJ", "SPACE"}
_CONTENT_HEAD = frozenset({"NOUN", "PROPN"})
_PLACEHOLDER = re.compile(r"\[(?:" + "|".join(PLACEHOLDERS) + r")\]")
_KEEP_CASE = re.compile(r"[A-Z].*[A-Z]|^[A-Z]{2,}")  # "ERP", "ChatGPT", "PDFs"
_WORD_CHARS = re.compile(r"^[^\W\d_][\w'\u2019&.-]*$")
#: Heads too vague to name a subject on their own ("days", "people", "stuff").
VAGUE_HEADS = frozenset(
    {
        *("day", "days", "year", "years", "month", "months", "hour", "hours", "minute", "minutes"),
        *("morning", "today", "tomorrow", "yesterday", "tonight", "weekend", "moment", "while"),
        *("people", "person", "everyone", "someone", "stuff", "kind", "sort", "part", "piece"),
        *("point", "fact", "reason", "one", "ones", "other", "others", "side", "end", "start"),
        *("question", "answer", "idea", "case", "number", "example", "thing", "things", "lol"),
    }
)
MONTHS = frozenset(
    {
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december"),
    }
)
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})


@dataclass(frozen=True)
class Phrase:
    """One candidate phrase of a theme.

    Attributes:
        key: The lemmas of its words, lower case (how repeats are recognised).
        text: How it was most often written.
        support: How many of the theme's texts contain it.
    """

    key: tuple[str, ...]
    text: str
    support: int


def prepare(text: str) -> str:
    """``text`` with redaction placeholders read as "someone" (a pronoun, never a phrase)."""
    return _PLACEHOLDER.sub("someone", text)


def theme_phrases(docs: Iterable[Doc], lexicon: Lexicon) -> list[Phrase]:
    """The candidate phrases of a theme's parsed texts, most supported first."""
    support: Counter[tuple[str, ...]] = Counter()
    written: dict[tuple[str, ...], Counter[str]] = {}
    for doc in docs:
        seen: set[tuple[str, ...]] = set()
        for tokens in candidate_spans(doc, lexicon):
            key = tuple(lexicon.lemma(_plain(t.lower_)) for t in tokens if t.pos_ != "DET")
            written.setdefault(key, Counter())[_surface(tokens)] += 1
            seen.add(key)
        support.update(seen)
    return [
        Phrase(key, written[key].most_common(1)[0][0], count)
        for key, count in support.most_common()
    ]


def candidate_spans(doc: Doc, lexicon: Lexicon) -> list[list[Token]]:
    """The noun chunks and gerund-object phrases of ``doc`` that may name a subject."""
    found: list[list[Token]] = []
    for chunk in doc.noun_chunks:
        tokens = _trim(list(chunk), lexicon)
        if tokens:
            found.append(tokens)
    for token in doc:
        if token.tag_ != "VBG" or token.pos_ != "VERB" or _is_stop(token, lexicon):
            continue
        objects = [child for child in token.children if child.dep_ == "dobj"]
        if not objects:
            continue
        thing = _trim(list(_chunk_of(objects[0])), lexicon, keep_the=True)
        if thing and 1 + len(thing) <= MAX_WORDS and thing[0].i > token.i:
            found.append([token, *thing])
    return found


def _chunk_of(token: Token) -> Span | list[Token]:
    """The noun chunk whose root is ``token``, or the token alone."""
    for chunk in token.doc.noun_chunks:
        if chunk.root == token:
            return chunk
    return [token]


def _trim(tokens: list[Token], lexicon: Lexicon, *, keep_the: bool = False) -> list[Token]:
    """Function words off both ends; ``[]`` unless a content noun heads what is left.

    A number, symbol or weekday inside the chunk cuts it there: "his first 30-day schedule"
    becomes "schedule", never the non-phrase "first schedule".
    """
    for i in range(len(tokens) - 1, -1, -1):
        if _breaks(tokens[i], lexicon):
            while i + 2 < len(tokens) and tokens[i + 1].text == "-":
                i += 2  # the rest of a hyphenated word: "30-day"
            tokens = tokens[i + 1 :]
            break
    words = [t for t in tokens if t.text != "-"]
    if len(words) > MAX_WORDS:
        tokens = tokens[tokens.index(words[-MAX_WORDS]) :]
    tokens = _strip(tokens, lexicon, keep_the=keep_the)
    tokens = _strip(tokens, lexicon, keep_the=keep_the)
    if not tokens or tokens[-1].pos_ not in _CONTENT_HEAD or _is_stop(tokens[-1], lexicon):
        return []
    if len(tokens) == 1 and tokens[0].lower_ in VAGUE_HEADS | MONTHS:
        return []
    lowered = [t.lower_ for t in tokens if t.text != "-"]
    if len(set(lowered)) < len(lowered):  # "ERP ERP ERP" (a list run together)
        return []
    if keep_the and tokens[0].lower_ in ARTICLES and len(tokens) == 1:
        return []
    return tokens


def _strip(tokens: list[Token], lexicon: Lexicon, *, keep_the: bool) -> list[Token]:
    start, end = 0, len(tokens)
    while (
        start < end
        and _weak(tokens[start], lexicon)
        and not (keep_the and tokens[start].lower_ == "the")
    ):
        start += 1
    while end > start and _weak(tokens[end - 1], lexicon):
        end -= 1
    return tokens[start:end]


def _breaks(token: Token, lexicon: Lexicon) -> bool:
    """A token no phrase may hold: a number, a symbol, a weekday."""
    if token.text == "-":
        return False
    if token.pos_ == "NUM" or any(ch.isdigit() for ch in token.text):
        return True
    if _plain(token.lower_).endswith("n't"):  # "DIDN'T" written as one word
        return True
    return not _WORD_CHARS.match(token.text) or token.lower_ in WEEKDAYS


def _weak(token: Token, lexicon: Lexicon) -> bool:
    return token.pos_ in _EDGE_POS or _is_stop(token, lexicon)


def _is_stop(token: Token, lexicon: Lexicon) -> bool:
    word = _plain(token.lower_)
    return token.is_stop or lexicon.is_stop(word, lexicon.lemma(word))


def _plain(word: str) -> str:
    return word.replace("\u2019", "'")


def _surface(tokens: Sequence[Token]) -> str:
    """The phrase as written, lower case but for names and acronyms."""
    words = []
    for token in tokens:
        text = _plain(token.text)
        name = token.pos_ == "PROPN" and text[:1].isupper() and not token.is_sent_start
        keep = name or _KEEP_CASE.search(text)
        words.append(text if keep else text.lower())
    return re.sub(r"\s+-\s+|\s*-\s*", "-", " ".join(words))
