"""The production theme model: small data, determinism, outliers, scikit-learn conventions."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import normalized_mutual_info_score

from service.config import Settings
from service.modelstore import ModelStore
from service.themes.build import build_theme_model
from service.themes.clustering import AutoKClusterer, dissolve_small, reduce_outliers
from service.themes.model import BERTopicThemeModel
from service.themes.schemas import ThemeResult
from tests.themes.workplace import LABELS, SENTENCES


def _purity(gold: list[int], assignments: np.ndarray) -> float:
    assigned = assignments >= 0
    gold_arr = np.asarray(gold)[assigned]
    total = sum(
        np.bincount(gold_arr[assignments[assigned] == t]).max()
        for t in np.unique(assignments[assigned])
    )
    return total / len(gold)


def test_small_data_finds_the_four_subjects(workplace_result: ThemeResult) -> None:
    assert len(workplace_result.themes) >= 3
    assert normalized_mutual_info_score(LABELS, workplace_result.assignments) >= 0.6
    assert _purity(LABELS, workplace_result.assignments) >= 0.8
    assert workplace_result.unassigned_share < 0.15


def test_themes_have_keywords_labels_centroids_and_sizes(workplace_result: ThemeResult) -> None:
    sizes = [theme.size for theme in workplace_result.themes]
    assert sizes == sorted(sizes, reverse=True)
    assert sum(sizes) == int((workplace_result.assignments >= 0).sum())
    labels = [theme.label for theme in workplace_result.themes]
    assert len(set(labels)) == len(labels)
    for theme in workplace_result.themes:
        assert theme.keywords and theme.label[0].isupper()
        assert np.linalg.norm(theme.centroid) == pytest.approx(1.0, abs=1e-4)
    expected = {"meeting": 0, "expense": 2, "remote": 3, "hire": 1}
    found = {
        word: theme
        for theme in workplace_result.themes
        for word in expected
        if word in theme.keywords[:6]
    }
    assert len(found) >= 3


def test_fit_is_deterministic_for_a_seed(lexicon, workplace_embeddings) -> None:
    first = BERTopicThemeModel(lexicon=lexicon, random_state=0).fit(SENTENCES, workplace_embeddings)
    again = BERTopicThemeModel(lexicon=lexicon, random_state=0).fit(SENTENCES, workplace_embeddings)
    assert np.array_equal(first.assignments, again.assignments)
    assert [t.label for t in first.themes] == [t.label for t in again.themes]
    assert np.allclose(first.centroids, again.centroids)


def test_k_given_is_used(
    theme_settings: Settings, models: ModelStore, workplace_embeddings
) -> None:
    model = build_theme_model(theme_settings, models, n_themes=4)
    result = model.fit(SENTENCES, workplace_embeddings)
    assert len(result.themes) == 4
    assert result.params["k_given"] is True


def test_transform_assigns_new_units_to_the_nearest_theme(lexicon, workplace_embeddings) -> None:
    model = BERTopicThemeModel(lexicon=lexicon, random_state=0)
    result = model.fit(SENTENCES, workplace_embeddings)
    assert np.array_equal(model.transform(workplace_embeddings[:5]), result.assignments[:5])
    with pytest.raises(NotFittedError):
        BERTopicThemeModel().transform(workplace_embeddings[:1])


def test_tiny_input_is_one_theme(lexicon, workplace_embeddings) -> None:
    result = BERTopicThemeModel(lexicon=lexicon).fit(SENTENCES[:4], workplace_embeddings[:4])
    assert len(result.themes) == 1
    assert result.assignments.tolist() == [0, 0, 0, 0]


def test_empty_input_gives_no_themes(lexicon) -> None:
    result = BERTopicThemeModel(lexicon=lexicon).fit([], np.zeros((0, 384), dtype=np.float32))
    assert result.themes == () and result.assignments.size == 0


def test_mismatched_embeddings_are_refused(lexicon, workplace_embeddings) -> None:
    with pytest.raises(ValueError, match="embeddings"):
        BERTopicThemeModel(lexicon=lexicon).fit(SENTENCES[:3], workplace_embeddings[:2])


def test_unknown_representation_is_refused(
    theme_settings: Settings, models: ModelStore, workplace_embeddings
) -> None:
    with pytest.raises(ValueError, match="representation"):
        build_theme_model(theme_settings, models, representation="llm").fit(
            SENTENCES, workplace_embeddings
        )


def _blobs(
    seed: int = 0, per: int = 40, k: int = 5, dim: int = 16
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(k, dim)) * 4
    labels = np.repeat(np.arange(k), per)
    return centers[labels] + rng.normal(size=(k * per, dim)), labels


def test_auto_k_clusterer_follows_scikit_learn_and_finds_k() -> None:
    points, labels = _blobs()
    estimator = AutoKClusterer(random_state=1)
    assert estimator.get_params()["random_state"] == 1
    assert estimator.fit(points) is estimator
    assert estimator.n_clusters_ == 5
    assert normalized_mutual_info_score(labels, estimator.labels_) > 0.95
    assert max(estimator.scores_, key=estimator.scores_.get) == 5
    assert not hasattr(clone(estimator), "labels_")


def test_auto_k_caps_k_by_sqrt_n_and_cluster_size() -> None:
    assert AutoKClusterer(min_cluster_size=3).candidates(30) == [3, 4, 5, 6]
    assert AutoKClusterer(min_cluster_size=3).candidates(8) == [2]
    assert max(AutoKClusterer().candidates(100_000)) == 40


def test_dissolve_small_marks_and_renumbers() -> None:
    labels = np.array([0, 0, 0, 1, 2, 2, 2, 2])
    assert dissolve_small(labels, 3).tolist() == [0, 0, 0, -1, 1, 1, 1, 1]


def test_reduce_outliers_respects_similarity_and_the_cap() -> None:
    vectors = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0.9, 0.1], [-1, 0], [-1, 0.1]], float)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = np.array([0, 0, 1, 1, -1, -1, -1])
    lenient = reduce_outliers(labels, vectors, min_similarity=0.5, max_unassigned=0.5)
    assert lenient.tolist() == [0, 0, 1, 1, 0, -1, -1]
    capped = reduce_outliers(labels, vectors, min_similarity=0.5, max_unassigned=0.15)
    assert np.mean(capped == -1) < 0.15


def test_units_without_content_words_still_get_a_theme(lexicon) -> None:
    texts = ["It is what it is.", "So it goes.", "And so on.", "It was.", "They did."]
    vectors = np.random.default_rng(0).normal(size=(5, 8)).astype(np.float32)
    result = BERTopicThemeModel(lexicon=lexicon).fit(texts, vectors)
    assert len(result.themes) == 1 and result.themes[0].keywords == ()
    assert result.themes[0].label == "Misc"


def test_one_unit_is_one_theme(lexicon, workplace_embeddings) -> None:
    result = BERTopicThemeModel(lexicon=lexicon).fit(SENTENCES[:1], workplace_embeddings[:1])
    assert result.assignments.tolist() == [0] and result.themes[0].size == 1
