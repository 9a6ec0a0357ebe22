"""The theme model's parts can be swapped: hand-made ones are used, and the rules still hold."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.cluster import KMeans

from service.config import Settings
from service.modelstore import ModelStore
from service.themes.build import build_theme_model
from service.themes.model import BERTopicThemeModel
from service.themes.parts import ThemeWords
from tests.themes.workplace import SENTENCES


class RecordingKMeans:
    """scikit-learn's KMeans with a fixed K, wrapped to the Clusterer Protocol; keeps its input."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.seen: list[np.ndarray] = []
        self.labels: np.ndarray | None = None

    def fit_predict(self, vectors: np.ndarray, /) -> np.ndarray:
        self.seen.append(vectors)
        self.labels = KMeans(self.k, n_init=10, random_state=0).fit_predict(vectors)
        return self.labels


class Unreduced:
    """A reducer that keeps every dimension and counts its calls."""

    def __init__(self) -> None:
        self.fitted = 0

    def fit(self, vectors: np.ndarray, /) -> Unreduced:
        self.fitted += 1
        return self

    def transform(self, vectors: np.ndarray, /) -> np.ndarray:
        return vectors


class ClusterNames:
    """Names each cluster by its number, keeping the clusterer's numbering (not by size)."""

    name = "cluster-names"

    def represent(
        self, texts: Sequence[str], vectors: np.ndarray, assignments: np.ndarray
    ) -> ThemeWords:
        clusters = range(int(assignments.max()) + 1)
        return ThemeWords(
            assignments,
            tuple((f"word{c}",) for c in clusters),
            tuple(f"Cluster {c}" for c in clusters),
        )


def test_a_hand_made_clusterer_is_used(
    theme_settings: Settings, models: ModelStore, workplace_embeddings: np.ndarray
) -> None:
    clusterer = RecordingKMeans(7)
    model = build_theme_model(theme_settings, models).set_params(clusterer=clusterer)
    result = model.fit(SENTENCES, workplace_embeddings)
    assert model.clusterer_ is clusterer and len(clusterer.seen) == 1
    assert clusterer.seen[0].shape == (60, 384)  # NoReduction: the vectors as they are
    assert clusterer.labels is not None
    kept = {c for c, n in Counter(clusterer.labels.tolist()).items() if n >= 3}
    assert len(result.themes) == len(kept) != 4  # the default clusterer finds 4
    assert result.params["k"] == len(set(clusterer.labels.tolist()))
    assert result.params["k_given"] is False and result.params["silhouette"] == {}
    # Each kept k-means cluster is exactly one theme.
    pairs = {
        (int(c), int(t))
        for c, t in zip(clusterer.labels, result.assignments, strict=True)
        if c in kept
    }
    assert len(pairs) == len(kept) == len({t for _, t in pairs})


def test_a_scikit_learn_clusterer_fits_as_it_is(
    theme_settings: Settings, models: ModelStore, workplace_embeddings: np.ndarray
) -> None:
    model = build_theme_model(theme_settings, models).set_params(
        clusterer=KMeans(4, n_init=10, random_state=0)
    )
    result = model.fit(SENTENCES, workplace_embeddings)
    assert model.clusterer_.labels_.shape == (60,)
    assert result.params["k"] == 4 and result.params["k_given"] is True


def test_a_hand_made_reducer_is_used(workplace_embeddings: np.ndarray) -> None:
    reducer, clusterer = Unreduced(), RecordingKMeans(4)
    model = BERTopicThemeModel(reducer=reducer, clusterer=clusterer, random_state=0)
    model.fit(SENTENCES, workplace_embeddings)
    assert reducer.fitted == 1
    assert clusterer.seen[0].shape == (60, 384)  # not reduced


class Given:
    """A clusterer that returns the labels it was given."""

    def __init__(self, labels: np.ndarray) -> None:
        self.labels = labels

    def fit_predict(self, vectors: np.ndarray, /) -> np.ndarray:
        return self.labels


def test_a_hand_made_representation_is_numbered_by_size(workplace_embeddings: np.ndarray) -> None:
    # Clusters 0..3 of 5, 10, 20 and 25 units: the smallest first, as no theme may be numbered.
    labels = np.repeat(np.arange(4), [5, 10, 20, 25])
    model = BERTopicThemeModel(clusterer=Given(labels), representation=ClusterNames())
    result = model.fit(SENTENCES, workplace_embeddings)
    assert [theme.size for theme in result.themes] == [25, 20, 10, 5]
    assert [theme.label for theme in result.themes] == [f"Cluster {c}" for c in (3, 2, 1, 0)]
    assert [theme.keywords for theme in result.themes] == [(f"word{c}",) for c in (3, 2, 1, 0)]
    assert np.array_equal(result.assignments, 3 - labels)
    assert result.params["representation"] == "cluster-names"
