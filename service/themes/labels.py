"""Words and labels: the lemmatizing tokenizer of the theme vectorizer and human-readable labels.

Lemmas come from spaCy's rule lemmatizer tables (``lemma_index``, ``lemma_exc``, ``lemma_rules``
of the installed pipeline) and stop words from the pipeline's language defaults. Each distinct
word is lemmatized once, without context: a word that is a base form of any part of speech stays
as it is ("meeting", "booking"), an exception maps to its lemma ("was" -> "be"), and otherwise
the first rule that yields a known base form applies ("bookings" -> "booking", "struggled" ->
"struggle"); a plural noun becomes singular first ("costs" -> "cost", "mentees" -> "mentee"),
except words in -ics ("physics"). spaCy's tagger, which lemmatizing in context needs, runs at
400-450 answers/s here against 35,000-43,000 for this lexicon (``evaluation/reports/speed.md``):
at 10,000 units it alone would take longer than the whole theme fit.

A label joins the theme's two best key phrases in the form people wrote them, for example
"Calendar conflicts and double bookings" (see :func:`key_phrases` for the rules).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

if TYPE_CHECKING:
    from spacy.language import Language

_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")  # redaction placeholders such as [PERSON]
_WORD = re.compile(r"(?u)\b[^\W\d_][\w'\u2019-]*[^\W_]|\b[^\W\d_]\b")
_POS_ORDER = ("noun", "verb", "adj", "adv")
BIGRAM_WINDOW = 10  # two-word keywords this high in the ranking lead the label ...
BIGRAM_SUPPORT = 0.05  # ... if written in at least this share of the theme's units (and twice)
_NOT_PLURAL = ("ss", "us", "is", "ics", "'s")
_CLITIC = re.compile(r"(?:'s|'m|'ll|'re|'ve|'d|')$")
#: Words too vague to name a theme, on top of spaCy's stop words.
EXTRA_STOP_WORDS = frozenset(
    {
        "also",
        "get",
        "got",
        "thing",
        "things",
        "lot",
        "lots",
        "bit",
        "really",
        "week",
        "weeks",
        "time",
        "way",
        "make",
        "like",
        "just",
        "thank",
        "thanks",
        "good",
        "great",
        "need",
        "want",
        "think",
        "feel",
        "know",
        "go",
        "going",
        "use",
        "able",
        "sure",
        "yes",
        "maybe",
        "etc",
        # days and vague comparatives name no subject ("Friday and sunday", "Better and worse")
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "better",
        "worse",
        "say",
        "saying",
        "matter",
        "actually",
    }
)


class Lexicon:
    """Context-free lemmas and stop words read from a spaCy pipeline's lemmatizer tables."""

    def __init__(self, *, index: dict, exceptions: dict, rules: dict, stop_words: Iterable[str]):
        """Store the tables; use :meth:`from_spacy` to build one from a pipeline."""
        self.index = index
        self.exceptions = exceptions
        self.rules = rules
        self.stop_words = frozenset(stop_words)
        self._cache: dict[str, str] = {}

    @classmethod
    def from_spacy(
        cls, nlp: Language | None, *, extra_stop_words: Iterable[str] = EXTRA_STOP_WORDS
    ):
        """Read the tables of ``nlp``'s rule lemmatizer; without one, lemmas are the words."""
        tables: dict[str, dict] = {"lemma_index": {}, "lemma_exc": {}, "lemma_rules": {}}
        stop_words: set[str] = set(extra_stop_words)
        if nlp is not None:
            stop_words |= {word.lower() for word in nlp.Defaults.stop_words}
            if "lemmatizer" in nlp.component_names:
                lookups = nlp.get_pipe("lemmatizer").lookups
                for name in tables:
                    if lookups.has_table(name):
                        table = lookups.get_table(name)
                        tables[name] = {pos: table.get(pos, {}) for pos in _POS_ORDER}
        return cls(
            index={pos: set(words) for pos, words in tables["lemma_index"].items()},
            exceptions=tables["lemma_exc"],
            rules=tables["lemma_rules"],
            stop_words=stop_words,
        )

    def lemma(self, word: str) -> str:
        """The lemma of a lower-case ``word`` (cached)."""
        found = self._cache.get(word)
        if found is None:
            found = self._cache[word] = self._lemmatize(word)
        return found

    def _lemmatize(self, word: str) -> str:
        word = word.replace("\u2019", "'")
        plural = word.endswith("s") and not word.endswith(_NOT_PLURAL) and len(word) > 3
        if plural:  # "costs", "receipts": WordNet lists some plurals as base forms too
            form = self._by_rules(word, "noun")
            if form:
                return form
        if any(word in self.index.get(pos, ()) for pos in _POS_ORDER):
            return word
        for pos in _POS_ORDER:
            forms = self.exceptions.get(pos, {}).get(word)
            if forms:
                return forms[0]
        for pos in _POS_ORDER:
            form = self._by_rules(word, pos)
            if form:
                return form
        return word[:-1] if plural else word  # an unknown plural ("mentees"), spaCy's OOV rule

    def _by_rules(self, word: str, pos: str) -> str | None:
        index = self.index.get(pos, ())
        for old, new in self.rules.get(pos, ()):
            if word.endswith(old) and len(word) > len(old):
                form = word[: len(word) - len(old)] + new
                if form in index:
                    return form
        return None

    def is_adjective(self, lemma: str) -> bool:
        """Listed as an adjective or adverb ("new", "low", "remote"), whatever else it is."""
        return lemma in self.index.get("adj", ()) or lemma in self.index.get("adv", ())

    def is_stop(self, word: str, lemma: str) -> bool:
        """Stop words (by surface or lemma) and one-letter words."""
        return len(lemma) < 2 or word in self.stop_words or lemma in self.stop_words

    def tokens(self, text: str) -> list[tuple[str, str, bool]]:
        """``(surface, lemma, is_stop)`` for each word of ``text``, lower-cased.

        Clitics come off before lemmatizing ("exec's" -> "exec", "she's" -> "she", a stop
        word), and negated auxiliaries ("didn't", "can't", "shouldn't") are stop words: without
        this, labels read "She's and nobody's".
        """
        words = _WORD.findall(_PLACEHOLDER.sub(" ", text).lower().replace("\u2019", "'"))
        found = []
        for word in words:
            if word.endswith("n't"):
                found.append((word, word, True))
                continue
            base = _CLITIC.sub("", word)
            lemma = self.lemma(base)
            found.append((word, lemma, self.is_stop(base, lemma)))
        return found


#: Appended to every unit before BERTopic joins a theme's units into one document, so that
#: no n-gram spans two units.
UNIT_BOUNDARY = "\u2029"


class LemmaAnalyzer:
    """The ``analyzer`` of the theme vectorizer.

    Lemmas without stop words, and two-word phrases of adjacent content words within one unit
    ("double booking", not "booking room" across "booking of the room").
    """

    def __init__(self, lexicon: Lexicon, *, ngram_range: tuple[int, int] = (1, 2)) -> None:
        """Keep the lexicon and the n-gram range (1 or 2 words)."""
        self.lexicon = lexicon
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        """Unigrams and bigrams of ``text``'s content words."""
        low, high = self.ngram_range
        grams: list[str] = []
        for unit in text.split(UNIT_BOUNDARY):
            tokens = self.lexicon.tokens(unit)
            for i, (_, lemma, stop) in enumerate(tokens):
                if stop:
                    continue
                if low <= 1:
                    grams.append(lemma)
                if high >= 2 and i + 1 < len(tokens):
                    _, following, following_stop = tokens[i + 1]
                    if not following_stop and following != lemma:
                        grams.append(f"{lemma} {following}")
        return grams


def lemma_vectorizer(lexicon: Lexicon, *, ngram_range: tuple[int, int] = (1, 2)) -> CountVectorizer:
    """The CountVectorizer for c-TF-IDF: spaCy lemmas, stop words removed, uni- and bigrams."""
    return CountVectorizer(
        analyzer=LemmaAnalyzer(lexicon, ngram_range=ngram_range),
        token_pattern=None,
        lowercase=False,
    )


def _surface_forms(texts: Iterable[str], lexicon: Lexicon, phrases: set[str]) -> dict[str, Counter]:
    """For each lemma phrase, how the theme's texts wrote it (contiguous words only)."""
    found: dict[str, Counter] = {phrase: Counter() for phrase in phrases}
    for text in texts:
        tokens = lexicon.tokens(text)
        for i, (word, lemma, stop) in enumerate(tokens):
            if stop:
                continue
            if lemma in found:
                found[lemma][word] += 1
            if i + 1 < len(tokens) and not tokens[i + 1][2]:
                pair = f"{lemma} {tokens[i + 1][1]}"
                if pair in found:
                    found[pair][f"{word} {tokens[i + 1][0]}"] += 1
    return found


def key_phrases(
    keywords: Sequence[str], texts: Sequence[str], lexicon: Lexicon, *, n: int = 2
) -> list[str]:
    """Up to ``n`` phrases for a label, in the surface form most often written.

    Two-word keywords among the top ten that occur in at least 5% of the texts (and twice) come
    first, lone adjectives ("new", "low") last; a phrase must occur in ``texts`` (its words
    adjacent) and must not share a word with a phrase already chosen.
    """
    ranked = list(dict.fromkeys(k for k in keywords if k.strip()))
    bigrams = [k for k in ranked[:BIGRAM_WINDOW] if " " in k]
    weak = [k for k in ranked if " " not in k and lexicon.is_adjective(k)]
    ordered = bigrams + [k for k in ranked if k not in bigrams and k not in weak] + weak
    surfaces = _surface_forms(texts, lexicon, set(ordered))
    chosen: list[str] = []
    used: set[str] = set()
    support = max(2, int(np.ceil(BIGRAM_SUPPORT * len(texts)))) if len(texts) >= 4 else 1
    for phrase in ordered:
        words = set(phrase.split())
        needed = support if " " in phrase else min(support, 2)
        if words & used or sum(surfaces[phrase].values()) < needed:
            continue
        chosen.append(surfaces[phrase].most_common(1)[0][0])
        used |= words
        if len(chosen) == n:
            break
    return chosen


def make_label(keywords: Sequence[str], texts: Sequence[str], lexicon: Lexicon) -> str:
    """A readable label such as "Calendar conflicts and double bookings"."""
    phrases = key_phrases(keywords, texts, lexicon) or [k for k in keywords[:2] if k] or ["misc"]
    label = " and ".join(phrases)
    return label[:1].upper() + label[1:]


def distinct_labels(labels: Sequence[str], keywords: Sequence[Sequence[str]]) -> list[str]:
    """Make repeated labels unique by adding the first keyword not already in the label."""
    counts = Counter(labels)
    result = []
    for label, words in zip(labels, keywords, strict=True):
        if counts[label] > 1:
            extra = next((w for w in words if w.lower() not in label.lower()), None)
            label = f"{label} ({extra})" if extra else label
        result.append(label)
    return result
