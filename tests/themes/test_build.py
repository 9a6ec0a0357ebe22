"""build_theme_model gives the themes the analysis job got before it existed (same seed)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from service.config import Settings
from service.modelstore import ModelStore
from service.nlp.embeddings import Embedder
from service.themes.build import build_theme_model
from service.themes.clustering import AdaptivePCA, AutoKClusterer, dissolve_small, reduce_outliers
from service.themes.labels import (
    UNIT_BOUNDARY,
    Lexicon,
    distinct_labels,
    lemma_vectorizer,
    make_label,
)
from service.themes.model import BERTopicThemeModel
from tests.themes.workplace import SENTENCES


def _previous_path(
    texts: list[str], embeddings: np.ndarray, *, lexicon: Lexicon, embedder: Embedder, seed: int
) -> tuple[list[int], list[tuple[str, ...]], list[str]]:
    """The job's theme fit before ``build_theme_model``, assembled by hand from the same pieces.

    PCA to 64, k-means with K by silhouette, dissolving and outlier reduction, then BERTopic
    over the lemma vectorizer with the job's embedder as its backend (as
    ``jobs/themes_stage.fit_themes`` built ``BERTopicThemeModel`` at commit 28d64b9).
    """
    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer

    class Backend(BaseEmbedder):
        def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
            return embedder.embed(list(documents))

    with threadpool_limits(limits=1):
        vectors = normalize(embeddings.astype(np.float32))
        reduced = AdaptivePCA(64, random_state=seed).fit_transform(vectors)
        found = AutoKClusterer(random_state=seed).fit(reduced).labels_
        labels = reduce_outliers(
            dissolve_small(found, 3), vectors, min_similarity=0.3, max_unassigned=0.15
        )
        topic_model = BERTopic(
            embedding_model=Backend(),
            umap_model=BaseDimensionalityReduction(),
            hdbscan_model=BaseCluster(),
            vectorizer_model=lemma_vectorizer(lexicon),
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            calculate_probabilities=False,
            verbose=False,
        ).fit([text + UNIT_BOUNDARY for text in texts], embeddings=vectors, y=labels)
    assignments = np.asarray(topic_model.topics_)
    keywords, names = [], []
    for index in range(int(assignments.max()) + 1):
        words = tuple(w for w, _ in topic_model.get_topic(index) if w)
        members = [texts[i] for i in np.flatnonzero(assignments == index)]
        keywords.append(words)
        names.append(make_label(words, members, lexicon))
    return assignments.tolist(), keywords, distinct_labels(names, keywords)


@pytest.mark.parametrize("seed", [0, 42])
def test_build_theme_model_gives_the_themes_of_the_previous_construction(
    theme_settings: Settings, models: ModelStore, workplace_embeddings: np.ndarray, seed: int
) -> None:
    assignments, keywords, labels = _previous_path(
        SENTENCES,
        workplace_embeddings,
        lexicon=models.theme_lexicon,
        embedder=models.embedder,
        seed=seed,
    )
    settings = theme_settings.model_copy(update={"theme_seed": seed})
    result = build_theme_model(settings, models).fit(SENTENCES, workplace_embeddings)
    assert len(set(assignments)) >= 3  # a real run, not a degenerate one
    assert result.assignments.tolist() == assignments
    assert [theme.keywords for theme in result.themes] == keywords
    assert [theme.label for theme in result.themes] == labels
    assert result.params["random_state"] == seed


def test_build_theme_model_matches_the_constructor_the_job_calls(
    theme_settings: Settings, models: ModelStore, workplace_embeddings: np.ndarray
) -> None:
    legacy = BERTopicThemeModel(
        lexicon=models.theme_lexicon, embedder=models.embedder, random_state=0
    ).fit(SENTENCES, workplace_embeddings)
    built = build_theme_model(theme_settings, models).fit(SENTENCES, workplace_embeddings)
    assert np.array_equal(built.assignments, legacy.assignments)
    assert [t.label for t in built.themes] == [t.label for t in legacy.themes]
    assert np.allclose(built.centroids, legacy.centroids)
    assert built.params == legacy.params


def test_keywords_do_not_depend_on_an_embedder_being_passed(
    lexicon: Lexicon, models: ModelStore, workplace_embeddings: np.ndarray
) -> None:
    # BERTopic strips non-ASCII characters (the unit boundary among them) unless it holds an
    # embedding model; the evaluation's model had none and got other keywords than the job's.
    without = BERTopicThemeModel(lexicon=lexicon, random_state=0)
    with_embedder = BERTopicThemeModel(lexicon=lexicon, embedder=models.embedder, random_state=0)
    first = without.fit(SENTENCES, workplace_embeddings)
    second = with_embedder.fit(SENTENCES, workplace_embeddings)
    assert [t.keywords for t in first.themes] == [t.keywords for t in second.themes]


def test_the_settings_seed_the_parts(theme_settings: Settings, models: ModelStore) -> None:
    settings = theme_settings.model_copy(update={"theme_seed": 7})
    params = build_theme_model(settings, models, n_themes=5).get_params()
    assert params["random_state"] == 7
    assert params["reducer__random_state"] == params["clusterer__random_state"] == 7
    assert params["clusterer__n_clusters"] == 5
    assert params["representation__lexicon"] is models.theme_lexicon
    assert params["representation__embedder"] is None  # c-TF-IDF embeds no words
    keybert = build_theme_model(settings, models, representation="keybert").get_params()
    assert keybert["representation__embedder"] is models.embedder
