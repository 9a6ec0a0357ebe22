"""Ward's fine themes, near-duplicate merging and parent themes over fine themes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import normalized_mutual_info_score
from sklearn.preprocessing import normalize

from service.themes.clustering import WardClusterer, centroids_of, merge_near_duplicates
from service.themes.hierarchy import group_fine_themes, parent_level
from service.themes.parts import ThemeWords
from service.themes.schemas import Theme, ThemeResult


def _blobs(
    k: int = 6, per: int = 20, dim: int = 16, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(k, dim)) * 4
    labels = np.repeat(np.arange(k), per)
    return centers[labels] + rng.normal(size=(k * per, dim)), labels


def test_ward_k_grows_with_the_square_root_of_the_size() -> None:
    ward = WardClusterer(per_sqrt=1.5, min_cluster_size=3)
    assert ward.k_for(100) == 15
    assert ward.k_for(3000) == 82  # Banking77's sample: 77 intents
    assert ward.k_for(10) == 3  # at most n // min_cluster_size
    assert WardClusterer(n_clusters=4).k_for(100) == 4


def test_ward_follows_scikit_learn_and_ignores_the_seed() -> None:
    points, labels = _blobs()
    first = WardClusterer(n_clusters=6, random_state=1)
    assert first.fit(points) is first
    second = WardClusterer(n_clusters=6, random_state=99).fit(points)
    assert first.labels_.tolist() == second.labels_.tolist()
    assert normalized_mutual_info_score(labels, first.labels_) > 0.95
    assert not hasattr(clone(first), "labels_")


def test_ward_on_a_sample_assigns_every_row() -> None:
    points, labels = _blobs(per=40)
    ward = WardClusterer(n_clusters=6, sample_size=100, random_state=3).fit(points)
    assert ward.labels_.shape == (240,)
    assert normalized_mutual_info_score(labels, ward.labels_) > 0.9


def test_refinement_moves_rows_to_their_nearest_centroid() -> None:
    # Ward's greedy merges leave some rows nearer another cluster's centre; after Lloyd's
    # iterations every row sits with its nearest centroid (the k-means fixed point).
    points, labels = _blobs(k=6, per=30, dim=8, seed=5)
    points = points + np.random.default_rng(1).normal(scale=3.0, size=points.shape)
    ward = WardClusterer(n_clusters=6).fit(points)
    refined = WardClusterer(n_clusters=6, refine_iterations=50).fit(points)

    def misplaced(found: np.ndarray) -> int:
        centers = np.stack([points[found == c].mean(axis=0) for c in range(6)])
        nearest = ((points[:, None, :] - centers[None]) ** 2).sum(axis=2).argmin(axis=1)
        return int((nearest != found).sum())

    assert misplaced(ward.labels_) > 0
    assert misplaced(refined.labels_) == 0
    again = WardClusterer(n_clusters=6, refine_iterations=50, random_state=7).fit(points)
    assert again.labels_.tolist() == refined.labels_.tolist()  # no random start


def test_refinement_assigns_every_row_above_the_sample_size() -> None:
    points, labels = _blobs(per=40)
    ward = WardClusterer(n_clusters=6, sample_size=100, refine_iterations=10).fit(points)
    assert ward.labels_.shape == (240,)
    assert normalized_mutual_info_score(labels, ward.labels_) > 0.9


def test_near_duplicate_clusters_are_merged_and_distinct_ones_kept() -> None:
    points, _ = _blobs(k=3, per=10)
    vectors = normalize(points)
    halves = np.repeat([0, 1, 2], 10)
    halves[5:10] = 3  # cluster 0 split in two: its halves' centroids are near-duplicates
    merged = merge_near_duplicates(halves, vectors, threshold=0.9)
    assert len(set(merged.tolist())) == 3
    assert len(set(merged[:10].tolist())) == 1
    assert merge_near_duplicates(halves, vectors, threshold=0.9999).tolist() == halves.tolist()


def test_merging_keeps_unassigned_units_unassigned() -> None:
    points, _ = _blobs(k=2, per=5)
    labels = np.array([0, 0, 0, 0, -1, 1, 1, 1, 1, 1])
    merged = merge_near_duplicates(labels, normalize(points), threshold=0.99)
    assert merged[4] == -1


class _Numbered:
    """A representation that names each cluster by its number (a fake for the logic)."""

    name = "numbered"

    def represent(self, texts, vectors, assignments) -> ThemeWords:  # noqa: ANN001
        n = int(assignments.max()) + 1
        return ThemeWords(
            assignments, tuple((f"w{i}",) for i in range(n)), tuple(f"p{i}" for i in range(n))
        )


def _fine(k: int, families: int) -> tuple[ThemeResult, np.ndarray]:
    """``k`` fine clusters, ``families`` groups of close ones."""
    rng = np.random.default_rng(0)
    family = rng.normal(size=(families, 32)) * 5
    centers = np.stack([family[i % families] + rng.normal(size=32) for i in range(k)])
    labels = np.repeat(np.arange(k), 6)
    vectors = normalize(centers[labels] + 0.3 * rng.normal(size=(k * 6, 32)))
    centroids = centroids_of(labels, vectors, k)
    themes = tuple(Theme(i, f"fine {i}", (), 6, centroids[i]) for i in range(k))
    return ThemeResult(labels, themes), vectors


def test_parents_gather_close_fine_themes() -> None:
    fine, vectors = _fine(12, 3)
    level = parent_level(["x"] * len(vectors), vectors, fine, _Numbered())
    assert len(level.parents) == 3
    for p in range(3):
        children = np.flatnonzero(level.parent_of == p)
        assert sorted(i % 3 for i in children) == [children[0] % 3] * 4
    assert sum(parent.size for parent in level.parents) == len(vectors)
    assert level.assignments.tolist() == level.parent_of[fine.assignments].tolist()


@pytest.mark.parametrize(("k", "families"), [(40, 40), (60, 20)])
def test_the_top_level_holds_at_most_twelve_themes(k: int, families: int) -> None:
    fine, _ = _fine(k, families)
    groups = group_fine_themes(fine.centroids, max_top=12)
    assert int(groups.max()) + 1 <= 12
    assert len(groups) == k  # the fine level keeps every theme


def test_few_fine_themes_get_no_parent() -> None:
    fine, vectors = _fine(2, 2)
    level = parent_level(["x"] * len(vectors), vectors, fine, _Numbered())
    assert level.parents == ()
    assert (level.parent_of == -1).all()
