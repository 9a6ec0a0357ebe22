"""build_theme_model: the production construction (Ward's fine themes), the same for every seed."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score
from sklearn.preprocessing import normalize

from service.config import Settings
from service.modelstore import ModelStore
from service.themes.build import build_theme_model
from service.themes.clustering import (
    NoReduction,
    WardClusterer,
    dissolve_small,
    merge_near_duplicates,
    reduce_outliers,
)
from service.themes.labels import Lexicon
from service.themes.model import BERTopicThemeModel
from service.themes.representation import BERTopicRepresentation
from tests.themes.workplace import SENTENCES


@pytest.mark.parametrize("seed", [0, 42])
def test_build_theme_model_is_ward_with_k_from_size_and_merged_duplicates(
    theme_settings: Settings, models: ModelStore, workplace_embeddings: np.ndarray, seed: int
) -> None:
    settings = theme_settings.model_copy(update={"theme_seed": seed})
    result = build_theme_model(settings, models).fit(SENTENCES, workplace_embeddings)
    vectors = normalize(workplace_embeddings.astype(np.float32))
    least = 2 * settings.min_group_size  # a small community: K <= units / (2 x minimum group)
    found = WardClusterer(per_sqrt=1.5, min_cluster_size=least).fit(vectors).labels_
    expected = merge_near_duplicates(dissolve_small(found, 3), vectors, threshold=0.85)
    expected = reduce_outliers(expected, vectors, min_similarity=0.3, max_unassigned=0.15)
    assert len(result.themes) >= 3  # a real run, not a degenerate one
    assert result.params["k"] == min(round(1.5 * np.sqrt(len(SENTENCES))), len(SENTENCES) // least)
    # the same partition (the model numbers themes by size)
    assert normalized_mutual_info_score(expected, result.assignments) == pytest.approx(1.0)
    assert result.params["random_state"] == seed


def test_the_seed_does_not_move_the_themes(
    theme_settings: Settings, models: ModelStore, workplace_embeddings: np.ndarray
) -> None:
    # Regression (issue 18): k-means with K by silhouette chose 10 or 25 themes on Banking77
    # depending on the seed; Ward's tree has no random start.
    first = build_theme_model(theme_settings.model_copy(update={"theme_seed": 1}), models)
    second = build_theme_model(theme_settings.model_copy(update={"theme_seed": 7}), models)
    a = first.fit(SENTENCES, workplace_embeddings)
    b = second.fit(SENTENCES, workplace_embeddings)
    assert a.assignments.tolist() == b.assignments.tolist()
    assert [t.label for t in a.themes] == [t.label for t in b.themes]


def test_build_theme_model_matches_the_constructor_the_job_calls(
    theme_settings: Settings, models: ModelStore, workplace_embeddings: np.ndarray
) -> None:
    legacy = BERTopicThemeModel(
        reducer=NoReduction(),
        clusterer=WardClusterer(
            per_sqrt=1.5,
            min_cluster_size=2 * theme_settings.min_group_size,
            sample_size=6000,
            random_state=0,
        ),
        representation=BERTopicRepresentation(
            lexicon=models.theme_lexicon,
            embedder=models.embedder,
            phrase_nlp=models.phrase_parser,
            random_state=0,
        ),
        duplicate_similarity=0.85,
        random_state=0,
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
    assert params["clusterer__random_state"] == 7
    assert params["duplicate_similarity"] is None  # a fixed K is not merged below it
    assert build_theme_model(settings, models).get_params()["duplicate_similarity"] == 0.85
    assert params["clusterer__n_clusters"] == 5
    assert params["representation__lexicon"] is models.theme_lexicon
    assert params["representation__embedder"] is models.embedder  # embeds the label phrases
    assert params["representation__phrase_nlp"] is models.phrase_parser
    keybert = build_theme_model(settings, models, representation="keybert").get_params()
    assert keybert["representation__embedder"] is models.embedder
