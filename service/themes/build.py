"""The one factory of the production theme model, for the analysis job and the evaluation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.config import Settings
from service.themes.clustering import NoReduction, WardClusterer
from service.themes.model import BERTopicThemeModel, configure_numba_cache
from service.themes.representation import BERTopicRepresentation

if TYPE_CHECKING:
    from spacy.language import Language

    from service.modelstore import ModelStore

MIN_THEME_SIZE = 3  # smaller clusters are dissolved into the others
PER_SQRT = 1.5  # fine themes: K = 1.5 x sqrt(units) (evaluation/reports/coding.md)
DUPLICATE_SIMILARITY = 0.85  # fine themes whose centroids are this alike are merged
TREE_SAMPLE_SIZE = 6000  # Ward's tree is built on at most this many units
REFINE_ITERATIONS = 20  # Lloyd's iterations from Ward's centroids (evaluation/reports/coding.md)


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

    Today's choices (measured in ``evaluation/reports/coding.md``): the fine themes of one
    scope are Ward's clusters of the normalised embeddings, K = 1.5 x sqrt(units) (no fixed
    cap but units / (2 x the minimum group); the same for every seed), refined by up to 20 of
    Lloyd's k-means iterations started from Ward's centroids, near-duplicates
    (centroids at least 0.85 alike) merged; c-TF-IDF over the spaCy lemmas of
    ``models.theme_lexicon``; the representation is seeded by
    ``settings.theme_seed``. Also keeps numba's cache under ``settings.data_dir`` before
    BERTopic is first imported.

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
        reducer=NoReduction(),
        clusterer=WardClusterer(
            n_clusters=n_themes,
            per_sqrt=PER_SQRT,
            # A small community gets themes of two minimum groups on average (K <= n / 10 by
            # default): finer themes would each be under the minimum group, shown as nothing.
            min_cluster_size=max(MIN_THEME_SIZE, 2 * settings.min_group_size),
            sample_size=TREE_SAMPLE_SIZE,
            refine_iterations=REFINE_ITERATIONS,
            random_state=seed,
        ),
        representation=build_representation(
            settings, models, representation, ngram_range=ngram_range, pos_nlp=pos_nlp
        ),
        min_theme_size=MIN_THEME_SIZE,
        duplicate_similarity=None if n_themes is not None else DUPLICATE_SIMILARITY,
        random_state=seed,
    )


def build_representation(
    settings: Settings,
    models: ModelStore,
    representation: str = "ctfidf",
    *,
    ngram_range: tuple[int, int] = (1, 2),
    pos_nlp: Language | None = None,
) -> BERTopicRepresentation:
    """The production representation (keywords and phrase labels), also for parent themes."""
    return BERTopicRepresentation(
        representation,
        lexicon=models.theme_lexicon,
        embedder=models.embedder,
        pos_nlp=pos_nlp,
        phrase_nlp=models.phrase_parser,
        ngram_range=ngram_range,
        random_state=settings.theme_seed,
    )
