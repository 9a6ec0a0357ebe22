"""Reduction and clustering parts of the theme model, and the label arithmetic around them.

- :class:`AdaptivePCA` -- the default reducer: PCA to 64 dimensions, fewer on small input.
- :class:`AutoKClusterer` -- the default clusterer: k-means with K chosen by the cosine
  silhouette (see :mod:`service.themes.model` for why these were chosen).
- :class:`WardClusterer` -- the fine level of the production model: Ward's agglomerative
  clustering cut at K = ``per_sqrt`` x sqrt(n), deterministic (no seed moves it).
- :func:`dissolve_small`, :func:`merge_near_duplicates`, :func:`reduce_outliers`,
  :func:`centroids_of` -- what the model does with any clusterer's labels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from sklearn.metrics.pairwise import cosine_distances
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from service.themes.schemas import UNASSIGNED

K_GRID = (2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 35, 40, 50, 60, 80, 100)


class AdaptivePCA(TransformerMixin, BaseEstimator):
    """PCA that lowers ``n_components`` to what a small input allows."""

    def __init__(self, n_components: int = 64, *, random_state: int | None = 42) -> None:
        """Store the settings."""
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: Any = None) -> AdaptivePCA:  # noqa: N803 - sklearn's name
        """Fit the PCA on ``X``."""
        n_components = max(1, min(self.n_components, X.shape[0] - 1, X.shape[1]))
        self.pca_ = PCA(n_components=n_components, random_state=self.random_state).fit(X)
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        """Project ``X``."""
        check_is_fitted(self, "pca_")
        return self.pca_.transform(X)


class NoReduction(TransformerMixin, BaseEstimator):
    """The reducer that keeps the vectors as they are (Ward's tree reads all dimensions)."""

    def fit(self, X: np.ndarray, y: Any = None) -> NoReduction:  # noqa: N803
        """Nothing to learn."""
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        """``X`` itself."""
        check_is_fitted(self, "n_features_in_")
        return X


class AutoKClusterer(ClusterMixin, BaseEstimator):
    """k-means whose K, unless given, maximises the cosine silhouette over a grid of K.

    Attributes:
        labels_: The cluster of each row.
        n_clusters_: The K used.
        scores_: Silhouette per K tried (empty when K was given).
    """

    def __init__(
        self,
        *,
        n_clusters: int | None = None,
        min_clusters: int = 3,
        max_clusters: int = 40,
        min_cluster_size: int = 3,
        sample_size: int = 3000,
        random_state: int | None = 42,
    ) -> None:
        """Store the settings."""
        self.n_clusters = n_clusters
        self.min_clusters = min_clusters
        self.max_clusters = max_clusters
        self.min_cluster_size = min_cluster_size
        self.sample_size = sample_size
        self.random_state = random_state

    def candidates(self, n_samples: int) -> list[int]:
        """The K to try: at most ``max_clusters``, ``n / min_cluster_size`` and ``ceil(sqrt(n))``.

        At least ``min_clusters`` (3: on 30-150 units the silhouette often prefers 2 themes,
        which tells a facilitator little; requiring 3 raised NMI in 11 of 16 small-data
        settings measured), unless the input is too small for it. Every K in range when that
        is at most 15, else the values of :data:`K_GRID`.
        """
        high = min(
            self.max_clusters,
            n_samples // max(1, self.min_cluster_size),
            int(np.ceil(np.sqrt(n_samples))),
        )
        low = max(2, min(self.min_clusters, high))
        if high <= 15:
            return list(range(low, high + 1))
        return [k for k in K_GRID if low <= k <= high]

    def fit(self, X: np.ndarray, y: Any = None) -> AutoKClusterer:  # noqa: N803
        """Choose K (unless given) and fit k-means on all rows."""
        n = X.shape[0]
        self.scores_: dict[int, float] = {}
        k = min(self.n_clusters, n) if self.n_clusters is not None else self._choose_k(X)
        if k <= 1:
            self.labels_ = np.zeros(n, dtype=np.int64)
            self.n_clusters_ = 1 if n else 0
            return self
        model = KMeans(k, n_init=_n_init(n), random_state=self.random_state).fit(X)
        self.labels_ = model.labels_.astype(np.int64)
        self.n_clusters_ = k
        return self

    def _choose_k(self, X: np.ndarray) -> int:  # noqa: N803
        n = X.shape[0]
        candidates = self.candidates(n)
        if not candidates:
            return 1
        sample = X
        if n > self.sample_size:
            rng = np.random.default_rng(self.random_state)
            sample = X[np.sort(rng.choice(n, self.sample_size, replace=False))]
        distances = cosine_distances(sample.astype(np.float32))  # float32 halves the memory
        for k in candidates:
            model = KMeans(k, n_init=_n_init(len(sample)), random_state=self.random_state)
            labels = model.fit_predict(sample)
            if 1 < len(np.unique(labels)) < len(sample):
                self.scores_[k] = float(silhouette_score(distances, labels, metric="precomputed"))
        if not self.scores_:
            return 1
        return max(self.scores_, key=lambda k: (self.scores_[k], -k))


class WardClusterer(ClusterMixin, BaseEstimator):
    """Ward's agglomerative clustering with K from the input's size, for the fine level.

    K is ``round(per_sqrt * sqrt(n))`` (at least ``min_clusters``, at most ``n //
    min_cluster_size``), unless ``n_clusters`` is given. Measured in ``evaluation/reports/
    coding.md``: on Banking77 (3,000 queries, 77 intents) 1.5 x sqrt(n) gives 82 clusters and
    NMI 0.81, above BERTopic's defaults; the silhouette over K rose with K on every set tried
    and so cannot choose it. Ward's tree has no random start, so the same data gives the same
    themes for every seed. Above ``sample_size`` rows the tree is built on a seeded sample and
    the other rows join the nearest cluster centroid (the tree's memory grows with n squared).
    With ``refine_iterations``, k-means then runs over every row from the tree's centroids:
    Ward merges greedily and never moves a row again, Lloyd's iterations move the borders (on
    Banking77, NMI 0.777 -> 0.783 and micro-F1 0.593 -> 0.616; evaluation/reports/coding.md).

    Attributes:
        labels_: The cluster of each row.
        n_clusters_: The K used.
    """

    def __init__(
        self,
        *,
        n_clusters: int | None = None,
        per_sqrt: float = 1.5,
        min_clusters: int = 2,
        min_cluster_size: int = 3,
        sample_size: int = 6000,
        refine_iterations: int = 0,
        random_state: int | None = 42,
    ) -> None:
        """Store the settings."""
        self.n_clusters = n_clusters
        self.refine_iterations = refine_iterations
        self.per_sqrt = per_sqrt
        self.min_clusters = min_clusters
        self.min_cluster_size = min_cluster_size
        self.sample_size = sample_size
        self.random_state = random_state

    def k_for(self, n_samples: int) -> int:
        """The K used on ``n_samples`` rows."""
        if self.n_clusters is not None:
            return max(1, min(self.n_clusters, n_samples))
        k = max(self.min_clusters, round(self.per_sqrt * np.sqrt(n_samples)))
        return max(1, min(k, n_samples // max(1, self.min_cluster_size)))

    def fit(self, X: np.ndarray, y: Any = None) -> WardClusterer:  # noqa: N803
        """Cut Ward's tree at K clusters."""
        from sklearn.cluster import AgglomerativeClustering

        n = X.shape[0]
        k = self.k_for(n)
        self.n_clusters_ = k if n else 0
        if k <= 1:
            self.labels_ = np.zeros(n, dtype=np.int64)
            return self
        rows = np.arange(n)
        if n > self.sample_size:
            rng = np.random.default_rng(self.random_state)
            rows = np.sort(rng.choice(n, self.sample_size, replace=False))
        found = AgglomerativeClustering(n_clusters=k, linkage="ward").fit(X[rows]).labels_
        centers = np.stack([X[rows[found == c]].mean(axis=0) for c in range(k)])
        if self.refine_iterations:
            # Lloyd's iterations from Ward's centroids: the tree's cut fixes K and the start,
            # k-means moves the borders it drew greedily (no random start: the same themes for
            # every seed).
            refined = KMeans(k, init=centers, n_init=1, max_iter=self.refine_iterations).fit(X)
            self.labels_ = refined.labels_.astype(np.int64)
            return self
        if rows.size == n:
            self.labels_ = found.astype(np.int64)
            return self
        # Nearest centre by squared distance, without an (n, k, dim) array.
        distances = (centers**2).sum(axis=1)[None, :] - 2.0 * (X @ centers.T)
        self.labels_ = distances.argmin(axis=1).astype(np.int64)
        return self


def merge_near_duplicates(
    labels: np.ndarray, embeddings: np.ndarray, *, threshold: float
) -> np.ndarray:
    """Merge clusters whose centroids are at least ``threshold`` similar; renumber 0..k-1.

    Merges are made most similar pair first (average linkage over the centroids), so a chain
    of near-duplicates becomes one cluster only where each step is that close.
    """
    n_clusters = int(labels.max()) + 1 if labels.size else 0
    if n_clusters < 2:
        return labels
    from sklearn.cluster import AgglomerativeClustering

    centroids = centroids_of(labels, embeddings, n_clusters)
    groups = (
        AgglomerativeClustering(
            n_clusters=None,
            distance_threshold=1.0 - threshold,
            metric="cosine",
            linkage="average",
        )
        .fit(centroids)
        .labels_
    )
    if len(set(groups.tolist())) == n_clusters:
        return labels
    _, renumbered = np.unique(groups, return_inverse=True)  # new ids in order of first group id
    return np.where(labels >= 0, renumbered[np.maximum(labels, 0)], UNASSIGNED).astype(np.int64)


def _n_init(n_samples: int) -> int:
    """k-means restarts: many where they are cheap, one from a thousand units up."""
    return 10 if n_samples <= 500 else 3 if n_samples <= 1000 else 1


def centroids_of(labels: np.ndarray, embeddings: np.ndarray, n_clusters: int) -> np.ndarray:
    """Normalised mean of the normalised embeddings of each cluster ``0..n_clusters-1``."""
    from scipy.sparse import csr_matrix

    assigned = np.flatnonzero(labels >= 0)
    membership = csr_matrix(
        (np.ones(assigned.size), (labels[assigned], assigned)),
        shape=(n_clusters, labels.size),
    )
    return normalize(np.asarray(membership @ embeddings, dtype=np.float64)).astype(np.float32)


def reduce_outliers(
    labels: np.ndarray, embeddings: np.ndarray, *, min_similarity: float, max_unassigned: float
) -> np.ndarray:
    """Assign unassigned units to the most similar cluster centroid.

    Units at least ``min_similarity`` (cosine) from a centroid join it; then, most similar
    first, more join until fewer than ``max_unassigned`` of all units stay unassigned.
    """
    labels = labels.copy()
    outliers = np.flatnonzero(labels == UNASSIGNED)
    n_clusters = int(labels.max()) + 1 if labels.size else 0
    if outliers.size == 0 or n_clusters == 0:
        return labels
    sims = embeddings[outliers] @ centroids_of(labels, embeddings, n_clusters).T
    best, best_sim = sims.argmax(axis=1), sims.max(axis=1)
    join = best_sim >= min_similarity
    allowed = max(0, int(np.ceil(max_unassigned * labels.size)) - 1)
    excess = int((~join).sum()) - allowed
    if excess > 0:
        rest = np.flatnonzero(~join)
        join[rest[np.argsort(-best_sim[rest], kind="stable")[:excess]]] = True
    labels[outliers[join]] = best[join]
    return labels


def dissolve_small(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Mark clusters under ``min_size`` members unassigned and renumber the rest 0..k-1."""
    ids, counts = np.unique(labels[labels >= 0], return_counts=True)
    keep = ids[counts >= min_size]
    mapping = {int(old): new for new, old in enumerate(keep)}
    return np.array([mapping.get(int(label), UNASSIGNED) for label in labels], dtype=np.int64)
