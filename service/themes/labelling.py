"""Labels a person would write: the theme's best noun or verb phrases, scored against its centroid.

KeyBERT-inspired, on phrases rather than words. For each theme, spaCy parses its most central
texts (at most :data:`SAMPLE`) and yields candidate phrases (:mod:`service.themes.phrases`); each
phrase is embedded by the theme embedder and scored by

    cos(phrase, own centroid) + CONTRAST * (cos(phrase, own) - max cos(phrase, other centroid))
    + FREQUENCY * sqrt(share of the theme's parsed texts that contain it)

so a label names what this theme says and the others do not, and a phrase one answer used once
does not outrank what many wrote. The label is the best phrase joined by "and" to a second one
picked by maximal marginal relevance (MMR: score against similarity to the first), when that
second phrase adds something (its score at least :data:`SECOND_SHARE` of the first's) and the
label stays within :data:`MAX_LABEL_WORDS` words; a phrase of two or more words may stand alone.

Labels passed together are unique: themes choose in order of size, and a theme whose best label
another already holds takes its next option (another pairing of its phrases). A theme with no
candidate phrase (short fragments: "Not great.", "Trying not to spiral") falls back to its
keywords (:func:`service.themes.labels.make_label`), and never to a lone function word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from service.themes.labels import make_label
from service.themes.phrases import Phrase, prepare, theme_phrases

if TYPE_CHECKING:
    from spacy.language import Language

    from service.nlp.embeddings import Embedder
    from service.themes.labels import Lexicon

SAMPLE = 200  # most central texts parsed per theme
MIN_SUPPORT = 0.03  # a phrase is written in at least this share of the parsed texts (and twice)
# A label is shown to every role, viewers included: a phrase of several words that only one
# text holds is that text's words, so it never becomes a label (see ``_phrases``).
CONTRAST = 0.5  # weight of "this theme rather than the others"
FREQUENCY = 0.15  # weight of how widely the phrase is written
MMR_LAMBDA = 0.6  # second phrase: its score against its similarity to the first
SECOND_SHARE = 0.6  # the second phrase joins when its score is at least this share of the first's
MAX_LABEL_WORDS = 6
OPTIONS = 4  # phrases that may lead a label, when the best labels are taken
FALLBACK = "Other answers"


@dataclass(frozen=True)
class _Scored:
    phrase: Phrase
    score: float
    vector: np.ndarray

    @property
    def words(self) -> int:
        return len(self.phrase.text.split())


class PhraseLabeller:
    """Labels for the clusters of one run, from noun and verb phrases (see the module)."""

    def __init__(self, nlp: Language, embedder: Embedder, lexicon: Lexicon) -> None:
        """Keep the parsing pipeline, the embedder and the lexicon (lemmas, stop words)."""
        self.nlp = nlp
        self.embedder = embedder
        self.lexicon = lexicon

    def labels(
        self,
        texts: Sequence[str],
        vectors: np.ndarray,
        assignments: np.ndarray,
        keywords: Sequence[Sequence[str]],
    ) -> list[str]:
        """One label per cluster ``0..len(keywords)-1``, all different.

        Args:
            texts: The units' texts (redacted).
            vectors: Their embeddings, row-aligned.
            assignments: Each unit's cluster (``-1``: none).
            keywords: Each cluster's keywords, best first (the fallback when no phrase serves).
        """
        count = len(keywords)
        members = [np.flatnonzero(assignments == index) for index in range(count)]
        centroids = _unit_rows(
            np.array([vectors[rows].mean(axis=0) if len(rows) else vectors[0] for rows in members])
        )
        known = written_twice(texts)
        phrases = [
            [
                p
                for p in self._phrases(texts, vectors, rows, centroids[i])
                if all(word in known for word in _words(p.text))
            ]
            for i, rows in enumerate(members)
        ]
        scored = self._score(phrases, centroids)
        options = [
            _options(ranked) or self._from_keywords(words, [texts[i] for i in rows[:2000]], known)
            for ranked, words, rows in zip(scored, keywords, members, strict=True)
        ]
        order = sorted(range(count), key=lambda i: -len(members[i]))
        return unique_labels(options, order)

    def _from_keywords(
        self, words: Sequence[str], texts: Sequence[str], known: frozenset[str]
    ) -> list[str]:
        """The keyword label of a theme with no phrase to offer, from keywords whose words the
        scope wrote twice (a keyword of several words: the theme's texts wrote it twice);
        :data:`FALLBACK` when none is left."""
        lowered = [text.lower() for text in dict.fromkeys(texts)]
        kept = [
            w
            for w in words
            if _words(w)
            and all(word in known for word in _words(w))
            and (len(_words(w)) == 1 or sum(w.lower() in text for text in lowered) >= 2)
        ]
        return [make_label(kept, texts, self.lexicon)] if kept else [FALLBACK]

    def _phrases(
        self, texts: Sequence[str], vectors: np.ndarray, rows: np.ndarray, centroid: np.ndarray
    ) -> list[Phrase]:
        """The theme's supported candidate phrases, from its most central texts."""
        if not len(rows):
            return []
        closeness = _unit_rows(vectors[rows]) @ centroid
        central = rows[np.argsort(-closeness, kind="stable")[:SAMPLE]]
        sample = list(dict.fromkeys(prepare(texts[i]) for i in central))
        docs = self.nlp.pipe(sample, batch_size=256)
        floor = max(2, int(np.ceil(MIN_SUPPORT * len(sample))))
        found = theme_phrases(docs, self.lexicon)
        supported = [p for p in found if p.support >= floor]
        if len(supported) >= 2:
            return supported[:100]
        # A theme of one-off answers: the centroid decides among single words, never among
        # phrases of several words one text holds, which viewers would read as its quote.
        return [p for p in found if p.support >= 2 or len(p.key) == 1][:100]

    def _score(self, phrases: list[list[Phrase]], centroids: np.ndarray) -> list[list[_Scored]]:
        """Each theme's phrases with their scores, best first."""
        distinct = sorted({p.text for found in phrases for p in found})
        if not distinct:
            return [[] for _ in phrases]
        embedded = _unit_rows(np.asarray(self.embedder.embed(distinct), dtype=np.float64))
        row = {text: i for i, text in enumerate(distinct)}
        similarity = embedded @ centroids.T  # phrase x theme
        ranked = []
        for theme, found in enumerate(phrases):
            total = max(p.support for p in found) if found else 1
            scored = []
            for phrase in found:
                sims = similarity[row[phrase.text]]
                own = float(sims[theme])
                other = float(np.delete(sims, theme).max()) if len(sims) > 1 else 0.0
                frequency = float(np.sqrt(phrase.support / total))
                score = own + CONTRAST * (own - other) + FREQUENCY * frequency
                scored.append(_Scored(phrase, score, embedded[row[phrase.text]]))
            ranked.append(sorted(scored, key=lambda s: (-s.score, s.phrase.text)))
        return ranked


_WORD = re.compile(r"[^\W\d_]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def written_twice(texts: Sequence[str]) -> frozenset[str]:
    """Words two or more of the scope's texts hold: a misspelling ("wrokload", "eitehr") is
    rarely written twice, so a phrase with a word outside this set never becomes a label."""
    counts: Counter[str] = Counter()
    for text in dict.fromkeys(texts):
        counts.update(set(_words(text)))
    return frozenset(word for word, n in counts.items() if n >= 2)


def _options(ranked: list[_Scored]) -> list[str]:
    """Labels a theme may take, best first: its leading phrases each with an MMR partner."""
    options: list[str] = []
    for lead in ranked[:OPTIONS]:
        partner = _partner(lead, ranked)
        if partner is not None and partner.score >= SECOND_SHARE * lead.score:
            options.append(f"{lead.phrase.text} and {partner.phrase.text}")
        if lead.words >= 2:
            options.append(lead.phrase.text)
        elif partner is not None:
            options.append(f"{lead.phrase.text} and {partner.phrase.text}")
    for lead in ranked[:OPTIONS]:
        options.append(lead.phrase.text)  # a lone noun beats a duplicate
    return [_capitalise(label) for label in dict.fromkeys(options)]


def _partner(lead: _Scored, ranked: list[_Scored]) -> _Scored | None:
    """The phrase that best adds to ``lead``: MMR, no shared word, within the word limit."""
    best, best_value = None, -np.inf
    lead_words = _stems(lead)
    for other in ranked:
        if other is lead or _stems(other) & lead_words:
            continue
        if lead.words + other.words + 1 > MAX_LABEL_WORDS:
            continue
        value = MMR_LAMBDA * other.score - (1 - MMR_LAMBDA) * float(lead.vector @ other.vector)
        if value > best_value:
            best, best_value = other, value
    return best


def _stems(scored: _Scored) -> set[str]:
    """A phrase's lemmas and written words without a plural ``s``: the lexicon keeps an
    abbreviation's plural ("EAs") apart from its singular, and "EA and EAs" says one thing."""
    words = set(scored.phrase.key) | set(_words(scored.phrase.text))
    return {w[:-1] if len(w) > 2 and w.endswith("s") and not w.endswith("ss") else w for w in words}


def unique_labels(options: Sequence[Sequence[str]], order: Sequence[int]) -> list[str]:
    """One label per theme from its ``options`` (best first), no two the same.

    Themes choose in ``order`` (largest first); a theme whose options are all taken keeps its
    first with a number: "Expense system (2)".
    """
    taken: set[str] = set()
    chosen: dict[int, str] = {}
    for theme in order:
        choices = list(options[theme]) or [FALLBACK]
        label = next((c for c in choices if _norm(c) not in taken), None)
        suffix = 2
        while label is None or _norm(label) in taken:
            label = f"{choices[0]} ({suffix})"
            suffix += 1
        taken.add(_norm(label))
        chosen[theme] = label
    return [chosen[theme] for theme in range(len(options))]


def _norm(label: str) -> str:
    return " ".join(label.lower().split()).strip(" .,;:-")


def _capitalise(label: str) -> str:
    return label[:1].upper() + label[1:]


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)
