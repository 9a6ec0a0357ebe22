"""The one factory of the production theme model, for the analysis job and the evaluation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.config import Settings
from service.themes.clustering import AdaptivePCA, AutoKClusterer
from service.themes.model import BERTopicThemeModel, configure_numba_cache
from service.themes.representation import EMBEDS_WORDS, BERTopicRepresentation

if TYPE_CHECKING:
    from spacy.language import Language

    from service.modelstore import ModelStore

MIN_THEME_SIZE = 3  # smaller clusters are dissolved into the others
MAX_THEMES = 40  # the largest K tried
N_COMPONENTS = 64  # PCA dimensions before clustering
K_SAMPLE_SIZE = 3000  # units on which K is chosen


def build_theme_model(
    settings: Settings,
    models: ModelStore,
    *,
    n_themes: int | None = None,
    representation: str = "ctfidf",
    ngram_range: tuple[int, int] = (1, 2),
    pos_nlp: Language | None = None,
) -> BERTopicThemeModel:
    """The production theme model, its parts built from ``settings`` and ``models``.

    Today's choices (measured in ``evaluation/reports/themes.md``): PCA to 64 dimensions,
    k-means with K chosen by the silhouette, c-TF-IDF over the spaCy lemmas of
    ``models.theme_lexicon``; seeded by ``settings.theme_seed`` (same data, same themes). Also
    keeps numba's cache under ``settings.data_dir`` before BERTopic is first imported.

    The keywords are the evaluation's knobs; the analysis job leaves them at their defaults.

    Args:
        settings: The service's settings.
        models: The model store; the embedder is asked for only by the representations
            that embed words (``keybert``, ``mmr``).
        n_themes: Fix K; ``None`` chooses it.
        representation: One of :data:`service.themes.representation.REPRESENTATIONS`.
        ngram_range: Word n-grams of the c-TF-IDF vectorizer.
        pos_nlp: A tagging spaCy pipeline, needed by the ``pos`` representation.
    """
    configure_numba_cache(settings.data_dir)
    seed = settings.theme_seed
    return BERTopicThemeModel(
        reducer=AdaptivePCA(N_COMPONENTS, random_state=seed),
        clusterer=AutoKClusterer(
            n_clusters=n_themes,
            max_clusters=MAX_THEMES,
            min_cluster_size=MIN_THEME_SIZE,
            sample_size=K_SAMPLE_SIZE,
            random_state=seed,
        ),
        representation=BERTopicRepresentation(
            representation,
            lexicon=models.theme_lexicon,
            embedder=models.embedder if representation in EMBEDS_WORDS else None,
            pos_nlp=pos_nlp,
            ngram_range=ngram_range,
            random_state=seed,
        ),
        min_theme_size=MIN_THEME_SIZE,
        random_state=seed,
    )
