"""The default representation: BERTopic's c-TF-IDF (and optionally one of its models) on lemmas.

A :class:`~service.themes.parts.Representation`: a CountVectorizer over spaCy lemmas without
stop words, uni- and bigrams (:mod:`service.themes.labels`); **c-TF-IDF** with
``reduce_frequent_words``; then one of BERTopic's ``KeyBERTInspired``,
``MaximalMarginalRelevance``, ``PartOfSpeech`` or plain c-TF-IDF (the default, which the
evaluation measured best, ``evaluation/reports/themes.md``); labels from noun and verb phrases
scored against each theme's centroid (:class:`service.themes.labelling.PhraseLabeller`) when a
parser and an embedder are given, else from key phrases (:func:`service.themes.labels.make_label`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator

from service.themes.labelling import PhraseLabeller
from service.themes.labels import (
    UNIT_BOUNDARY,
    Lexicon,
    distinct_labels,
    lemma_vectorizer,
    make_label,
)
from service.themes.parts import ThemeWords

if TYPE_CHECKING:
    from spacy.language import Language

    from service.nlp.embeddings import Embedder

REPRESENTATIONS = ("ctfidf", "keybert", "mmr", "pos")
EMBEDS_WORDS = ("keybert", "mmr")  # the representations that need an embedder


def _bertopic_backend(embedder: Embedder) -> Any:
    """Our :class:`Embedder` as a BERTopic backend (for representations that embed words)."""
    from bertopic.backend import BaseEmbedder

    class Backend(BaseEmbedder):
        def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
            return embedder.embed(list(documents))

    return Backend()


class BERTopicRepresentation(BaseEstimator):
    """Keywords by BERTopic's c-TF-IDF over lemmas, labels by key phrases.

    BERTopic numbers the clusters by size, largest first, so :meth:`represent` may renumber
    them. After it, the fitted BERTopic object is ``topic_model_`` (``None`` when no unit has
    a content word).
    """

    def __init__(
        self,
        name: str = "ctfidf",
        *,
        lexicon: Lexicon | None = None,
        embedder: Embedder | None = None,
        pos_nlp: Language | None = None,
        phrase_nlp: Language | None = None,
        ngram_range: tuple[int, int] = (1, 2),
        top_n_words: int = 10,
        random_state: int | None = 42,
    ) -> None:
        """Store the settings; nothing is loaded here.

        Args:
            name: One of :data:`REPRESENTATIONS`.
            lexicon: Lemmas and stop words (:meth:`Lexicon.from_spacy` on
                :func:`service.nlp.pipeline.load_lexicon`); ``None`` keeps words as written.
            embedder: Needed by the ``keybert`` and ``mmr`` representations (embeds words) and
                by phrase labels (embeds phrases).
            pos_nlp: A tagging spaCy pipeline, needed by the ``pos`` representation.
            phrase_nlp: A tagging and parsing spaCy pipeline: with it and ``embedder``, labels
                are noun and verb phrases (:class:`~service.themes.labelling.PhraseLabeller`);
                without, the two best key phrases (:func:`~service.themes.labels.make_label`).
            ngram_range: Word n-grams of the vectorizer.
            top_n_words: Keywords per theme.
            random_state: Seed of the representation's sampling (``keybert``).
        """
        self.name = name
        self.lexicon = lexicon
        self.embedder = embedder
        self.pos_nlp = pos_nlp
        self.phrase_nlp = phrase_nlp
        self.ngram_range = ngram_range
        self.top_n_words = top_n_words
        self.random_state = random_state

    def represent(
        self, texts: Sequence[str], vectors: np.ndarray, assignments: np.ndarray
    ) -> ThemeWords:
        """Keywords and labels of each cluster (:class:`~service.themes.parts.Representation`)."""
        texts = list(texts)
        lexicon = self.lexicon or Lexicon.from_spacy(None)
        analyzer = lemma_vectorizer(lexicon, ngram_range=self.ngram_range).build_analyzer()
        self.topic_model_ = None
        if any(analyzer(text) for text in texts):  # c-TF-IDF needs at least one content word
            marked = [text + UNIT_BOUNDARY for text in texts]
            self.topic_model_ = self._topic_model(lexicon).fit(
                marked, embeddings=vectors, y=assignments
            )
            assignments = np.asarray(self.topic_model_.topics_, dtype=np.int64)
        keywords = []
        for index in range(int(assignments.max()) + 1):
            topic = self.topic_model_.get_topic(index) if self.topic_model_ else None
            keywords.append(tuple(w for w, _ in topic or [] if w))
        if self.phrase_nlp is not None and self.embedder is not None:
            labeller = PhraseLabeller(self.phrase_nlp, self.embedder, lexicon)
            labels = labeller.labels(texts, vectors, assignments, keywords)
        else:
            labels = []
            for index, words in enumerate(keywords):
                members = np.flatnonzero(assignments == index)
                labels.append(make_label(words, [texts[i] for i in members[:2000]], lexicon))
            labels = distinct_labels(labels, keywords)
        return ThemeWords(assignments, tuple(keywords), tuple(labels))

    def _topic_model(self, lexicon: Lexicon) -> Any:
        from bertopic import BERTopic
        from bertopic.cluster import BaseCluster
        from bertopic.dimensionality import BaseDimensionalityReduction
        from bertopic.vectorizers import ClassTfidfTransformer

        return BERTopic(
            embedding_model=(
                _bertopic_backend(self.embedder)
                if self.embedder is not None and self.name in EMBEDS_WORDS
                else None
            ),
            umap_model=BaseDimensionalityReduction(),
            hdbscan_model=BaseCluster(),
            vectorizer_model=lemma_vectorizer(lexicon, ngram_range=self.ngram_range),
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            representation_model=self._representation_model(),
            top_n_words=self.top_n_words,
            calculate_probabilities=False,
            # No language: BERTopic's English preprocessing strips every character but ASCII
            # letters, digits and spaces (UNIT_BOUNDARY among them) before our vectorizer
            # sees the text. It skipped it only when given an embedding model, so the
            # keywords depended on whether an embedder was passed.
            language=None,
            verbose=False,
        )

    def _representation_model(self) -> Any:
        from bertopic.representation import (
            KeyBERTInspired,
            MaximalMarginalRelevance,
            PartOfSpeech,
        )

        name = self.name
        if name not in REPRESENTATIONS:
            raise ValueError(f"representation must be one of {REPRESENTATIONS}, not {name!r}")
        if name in EMBEDS_WORDS and self.embedder is None:
            raise ValueError(f"the {name!r} representation needs an embedder")
        if name == "pos" and self.pos_nlp is None:
            raise ValueError("the 'pos' representation needs a tagging spaCy pipeline (pos_nlp)")
        if name == "keybert":
            return KeyBERTInspired(top_n_words=self.top_n_words, random_state=self.random_state)
        if name == "mmr":
            return MaximalMarginalRelevance(diversity=0.3, top_n_words=self.top_n_words)
        if name == "pos":
            return PartOfSpeech(self.pos_nlp, top_n_words=self.top_n_words)
        return None
