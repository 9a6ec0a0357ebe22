"""Theme discovery: BERTopic assembled explicitly from its parts, each chosen by measurement.

:class:`BERTopicThemeModel` takes a reducer, a clusterer and a representation, typed by the
Protocols of :mod:`service.themes.parts`; :func:`service.themes.build.build_theme_model` builds
the production choices from the settings. A fit runs, in order:

1. **Reduction** -- by default PCA to 64 dimensions
   (:class:`~service.themes.clustering.AdaptivePCA`). UMAP alone takes longer than the whole
   pipeline here (7-13 s at 10k units on 2 cores, plus ~35 s of numba compilation in a fresh
   process) and did not win on every corpus.
2. **Clustering** -- by default :class:`~service.themes.clustering.AutoKClusterer`: k-means with
   K chosen by the cosine silhouette over a grid of K (at least 3; at most ``max_clusters``,
   ``n / min_cluster_size`` and ``ceil(sqrt(n))``), on a sample of at most 3,000 units. The same
   estimator is the small-data path: below the sample size every unit is used and every K in
   range is tried, with up to ten k-means restarts; it finds themes in 30-150 units where
   HDBSCAN finds none.
3. **Near-duplicates** -- clusters whose centroids are at least ``duplicate_similarity``
   alike are merged (the production model sets it).
4. **Outlier reduction** -- clusters under ``min_theme_size`` units are dissolved; their units
   join the most similar theme (cosine to its centroid) when at least ``outlier_similarity``,
   and more are assigned, most similar first, until under ``max_unassigned`` stay unassigned.
5. **Representation** -- by default
   :class:`~service.themes.representation.BERTopicRepresentation`: c-TF-IDF over spaCy lemmas,
   keywords and labels from key phrases.

Inputs of under ``2 * min_theme_size`` units are one theme. Everything is deterministic for a
given ``random_state``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from service.themes.clustering import (
    AdaptivePCA,
    AutoKClusterer,
    centroids_of,
    dissolve_small,
    merge_near_duplicates,
    reduce_outliers,
)
from service.themes.parts import Clusterer, Reducer, Representation, ThemeWords
from service.themes.representation import BERTopicRepresentation
from service.themes.schemas import UNASSIGNED, Theme, ThemeResult

if TYPE_CHECKING:
    from service.nlp.embeddings import Embedder
    from service.themes.labels import Lexicon


def configure_numba_cache(data_dir: Path) -> Path:
    """Keep numba's compiled functions under ``data_dir`` (call before importing BERTopic).

    BERTopic imports UMAP and HDBSCAN, whose numba functions otherwise recompile in every
    fresh process (about 11 s of the 16 s import measured in shared/MEASUREMENTS.md).
    """
    cache = Path(data_dir) / "numba-cache"
    cache.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("NUMBA_CACHE_DIR", str(cache))
    return Path(os.environ["NUMBA_CACHE_DIR"])


class ThemeModel(Protocol):
    """Finds themes in units given their texts and embeddings."""

    def fit(self, texts: Sequence[str], embeddings: np.ndarray) -> ThemeResult:
        """Fit on ``texts`` (already redacted) and their row-aligned embeddings."""
        ...

    def transform(self, embeddings: np.ndarray) -> np.ndarray:
        """Assign new units to the fitted themes (``-1`` when none is close enough)."""
        ...


class BERTopicThemeModel(BaseEstimator):
    """The production :class:`ThemeModel` (see the module docstring for the parts).

    ``fit`` returns the :class:`ThemeResult` (the :class:`ThemeModel` contract) and keeps it
    as ``result_``; the parts it fitted are ``reducer_``, ``clusterer_`` and
    ``representation_`` (the ones given, fitted in place, or the defaults it built).
    """

    def __init__(
        self,
        *,
        reducer: Reducer | None = None,
        clusterer: Clusterer | None = None,
        representation: Representation | None = None,
        lexicon: Lexicon | None = None,
        embedder: Embedder | None = None,
        min_theme_size: int = 3,
        outlier_similarity: float = 0.3,
        max_unassigned: float = 0.15,
        duplicate_similarity: float | None = None,
        n_threads: int | None = 1,
        random_state: int = 42,
    ) -> None:
        """Store the settings and parts; nothing is loaded or fitted here.

        Args:
            reducer: ``None``: :class:`AdaptivePCA` to 64 dimensions.
            clusterer: ``None``: :class:`AutoKClusterer` (K chosen, at least
                ``min_theme_size`` units a cluster).
            representation: ``None``: :class:`BERTopicRepresentation` (c-TF-IDF) over
                ``lexicon`` and ``embedder``.
            lexicon: Lemmas and stop words of the default representation (unused when one
                is given); ``None`` keeps words as written.
            embedder: The default representation's embedder (unused when one is given).
            min_theme_size: Smaller clusters are dissolved into the others.
            outlier_similarity: Cosine to a centroid above which a dissolved unit joins it.
            max_unassigned: Upper bound on the share of units left without a theme.
            duplicate_similarity: Clusters whose centroids are at least this similar are
                merged before anything is labelled or ranked (``None``: never).
            n_threads: BLAS/OpenMP threads during ``fit`` (``None``: the libraries' default).
                One is the default: with other work on the machine, k-means' OpenMP threads
                spin-wait and a fit measured 12x slower with two threads than with one.
            random_state: Seed of the default parts, recorded in the run's ``params``.
        """
        self.reducer = reducer
        self.clusterer = clusterer
        self.representation = representation
        self.lexicon = lexicon
        self.embedder = embedder
        self.min_theme_size = min_theme_size
        self.outlier_similarity = outlier_similarity
        self.max_unassigned = max_unassigned
        self.duplicate_similarity = duplicate_similarity
        self.n_threads = n_threads
        self.random_state = random_state

    def fit(self, texts: Sequence[str], embeddings: np.ndarray) -> ThemeResult:
        """Find themes in ``texts``; ``embeddings`` are their row-aligned vectors."""
        with threadpool_limits(limits=self.n_threads):
            return self._fit(texts, embeddings)

    def _fit(self, texts: Sequence[str], embeddings: np.ndarray) -> ThemeResult:
        texts = list(texts)
        array = np.asarray(embeddings, dtype=np.float32)
        if array.ndim != 2 or array.shape[0] != len(texts):
            raise ValueError(f"{len(texts)} texts but embeddings of shape {array.shape}")
        self._build_parts()
        if not texts:
            self.result_ = ThemeResult(np.zeros(0, dtype=np.int64), (), {"k": 0, "path": "empty"})
            return self.result_
        vectors = normalize(array)
        labels, params = self._cluster(vectors)
        if labels.max() < 0:
            self.result_ = ThemeResult(labels, (), params)
            return self.result_
        words = _numbered_by_size(self.representation_.represent(texts, vectors, labels))
        self.result_ = ThemeResult(words.assignments, self._themes(vectors, words), params)
        return self.result_

    def transform(self, embeddings: np.ndarray) -> np.ndarray:
        """The nearest fitted theme of each row, or ``-1`` under ``outlier_similarity``."""
        check_is_fitted(self, "result_")
        if not self.result_.themes:
            return np.full(len(embeddings), UNASSIGNED, dtype=np.int64)
        sims = normalize(np.asarray(embeddings, dtype=np.float32)) @ self.result_.centroids.T
        best = sims.argmax(axis=1)
        return np.where(sims.max(axis=1) >= self.outlier_similarity, best, UNASSIGNED)

    def _build_parts(self) -> None:
        """The parts given, or today's defaults for those left ``None``."""
        seed = self.random_state
        self.reducer_: Reducer = (
            AdaptivePCA(random_state=seed) if self.reducer is None else self.reducer
        )
        self.clusterer_: Clusterer = (
            AutoKClusterer(min_cluster_size=self.min_theme_size, random_state=seed)
            if self.clusterer is None
            else self.clusterer
        )
        self.representation_: Representation = (
            BERTopicRepresentation(lexicon=self.lexicon, embedder=self.embedder, random_state=seed)
            if self.representation is None
            else self.representation
        )

    def _cluster(self, vectors: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
        n = vectors.shape[0]
        if n < 2 * self.min_theme_size:
            return np.zeros(n, dtype=np.int64), {"k": 1 if n else 0, "path": "tiny"}
        reduced = self.reducer_.fit(vectors).transform(vectors)
        found = np.asarray(self.clusterer_.fit_predict(reduced), dtype=np.int64)
        labels = dissolve_small(found, self.min_theme_size)
        if self.duplicate_similarity is not None:
            labels = merge_near_duplicates(labels, vectors, threshold=self.duplicate_similarity)
        dissolved = float(np.mean(labels == UNASSIGNED))
        labels = reduce_outliers(
            labels,
            vectors,
            min_similarity=self.outlier_similarity,
            max_unassigned=self.max_unassigned,
        )
        params = _clustering_record(self.clusterer_, found) | {
            "dissolved_share": round(dissolved, 4),
            "representation": self.representation_.name,
            "random_state": self.random_state,
        }
        return labels, params

    def _themes(self, vectors: np.ndarray, words: ThemeWords) -> tuple[Theme, ...]:
        assignments = words.assignments
        n_themes = len(words.keywords)
        centroids = centroids_of(assignments, vectors, n_themes)
        sizes = np.bincount(assignments[assignments >= 0], minlength=n_themes)
        return tuple(
            Theme(
                index=i,
                label=words.labels[i],
                keywords=words.keywords[i],
                size=int(sizes[i]),
                centroid=centroids[i],
            )
            for i in range(n_themes)
        )


def _clustering_record(clusterer: Clusterer, labels: np.ndarray) -> dict[str, Any]:
    """How K came about, as far as the clusterer reports it (:class:`AutoKClusterer` does).

    A clusterer without ``n_clusters_`` counts its clusters; one without ``sample_size`` used
    every unit.
    """
    n = labels.size
    found = int(np.unique(labels[labels >= 0]).size)
    scores = getattr(clusterer, "scores_", {})
    return {
        "path": "small" if n <= getattr(clusterer, "sample_size", n) else "sampled",
        "k": getattr(clusterer, "n_clusters_", found),
        "k_given": getattr(clusterer, "n_clusters", None) is not None,
        "silhouette": {str(k): round(v, 4) for k, v in scores.items()},
    }


def _numbered_by_size(words: ThemeWords) -> ThemeWords:
    """The same themes numbered by size, largest first (ties keep their order).

    BERTopic's c-TF-IDF already numbers them so; this holds the rule for any representation.
    """
    assignments = words.assignments
    sizes = np.bincount(assignments[assignments >= 0], minlength=len(words.keywords))
    order = np.argsort(-sizes, kind="stable")
    if np.array_equal(order, np.arange(order.size)):
        return words
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return ThemeWords(
        np.where(assignments >= 0, rank[np.maximum(assignments, 0)], UNASSIGNED),
        tuple(words.keywords[i] for i in order),
        tuple(words.labels[i] for i in order),
    )
