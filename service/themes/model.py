"""Theme discovery: BERTopic assembled explicitly from its parts, each chosen by measurement.

The production :class:`BERTopicThemeModel` runs, in order:

1. **Reduction** -- PCA to 64 dimensions (:class:`AdaptivePCA`). UMAP alone takes longer than
   the whole pipeline here (7-13 s at 10k units on 2 cores, plus ~35 s of numba compilation in a
   fresh process) and did not win on every corpus.
2. **Clustering** -- :class:`AutoKClusterer`: k-means with K chosen by the cosine silhouette
   over a grid of K (at least 3; at most ``max_themes``, ``n / min_theme_size`` and
   ``ceil(sqrt(n))``), on a sample of at most 3,000 units. The same estimator is the small-data
   path: below the sample size every unit is used and every K in range is tried, with up to ten
   k-means restarts; it finds themes in 30-150 units where HDBSCAN finds none.
3. **Outlier reduction** -- clusters under ``min_theme_size`` units are dissolved; their units
   join the most similar theme (cosine to its centroid) when at least ``outlier_similarity``,
   and more are assigned, most similar first, until under ``max_unassigned`` stay unassigned.
4. **Vectorizer** -- CountVectorizer over spaCy lemmas without stop words, uni- and bigrams
   (:mod:`service.themes.labels`); **c-TF-IDF** with ``reduce_frequent_words``.
5. **Representation** -- one of BERTopic's ``KeyBERTInspired``, ``MaximalMarginalRelevance``,
   ``PartOfSpeech`` or plain c-TF-IDF; the default is what the evaluation measured best
   (``evaluation/reports/themes.md``).
6. **Labels** from key phrases (:func:`service.themes.labels.make_label`).

Everything is deterministic for a given ``random_state``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from sklearn.metrics.pairwise import cosine_distances
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from service.themes.labels import (
    UNIT_BOUNDARY,
    Lexicon,
    distinct_labels,
    lemma_vectorizer,
    make_label,
)
from service.themes.schemas import UNASSIGNED, Theme, ThemeResult

if TYPE_CHECKING:
    from spacy.language import Language

    from service.nlp.embeddings import Embedder

K_GRID = (2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 35, 40, 50, 60, 80, 100)
REPRESENTATIONS = ("ctfidf", "keybert", "mmr", "pos")


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


def _bertopic_backend(embedder: Embedder) -> Any:
    """Our :class:`Embedder` as a BERTopic backend (for representations that embed words)."""
    from bertopic.backend import BaseEmbedder

    class Backend(BaseEmbedder):
        def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
            return embedder.embed(list(documents))

    return Backend()


class BERTopicThemeModel(BaseEstimator):
    """The production :class:`ThemeModel` (see the module docstring for the parts).

    ``fit`` returns the :class:`ThemeResult` (the :class:`ThemeModel` contract) and keeps it
    as ``result_``; the fitted BERTopic object is ``topic_model_``.
    """

    def __init__(
        self,
        *,
        lexicon: Lexicon | None = None,
        embedder: Embedder | None = None,
        pos_nlp: Language | None = None,
        n_themes: int | None = None,
        max_themes: int = 40,
        min_theme_size: int = 3,
        n_components: int = 64,
        representation: str = "ctfidf",
        ngram_range: tuple[int, int] = (1, 2),
        top_n_words: int = 10,
        outlier_similarity: float = 0.3,
        max_unassigned: float = 0.15,
        sample_size: int = 3000,
        n_threads: int | None = 1,
        random_state: int = 42,
    ) -> None:
        """Store the settings; nothing is loaded or fitted here.

        Args:
            lexicon: Lemmas and stop words (:meth:`Lexicon.from_spacy` on
                :func:`service.nlp.pipeline.load_lexicon`); ``None`` keeps words as written.
            embedder: Needed by the ``keybert`` and ``mmr`` representations (embeds words).
            pos_nlp: A tagging spaCy pipeline, needed by the ``pos`` representation.
            n_themes: Fix K; ``None`` chooses it (:class:`AutoKClusterer`).
            max_themes: The largest K tried.
            min_theme_size: Smaller clusters are dissolved into the others.
            n_components: PCA dimensions before clustering.
            representation: One of :data:`REPRESENTATIONS`.
            ngram_range: Word n-grams of the vectorizer.
            top_n_words: Keywords per theme.
            outlier_similarity: Cosine to a centroid above which a dissolved unit joins it.
            max_unassigned: Upper bound on the share of units left without a theme.
            sample_size: Units on which K is chosen.
            n_threads: BLAS/OpenMP threads during ``fit`` (``None``: the libraries' default).
                One is the default: with other work on the machine, k-means' OpenMP threads
                spin-wait and a fit measured 12x slower with two threads than with one.
            random_state: Seed of PCA, k-means and the representation's sampling.
        """
        self.lexicon = lexicon
        self.embedder = embedder
        self.pos_nlp = pos_nlp
        self.n_themes = n_themes
        self.max_themes = max_themes
        self.min_theme_size = min_theme_size
        self.n_components = n_components
        self.representation = representation
        self.ngram_range = ngram_range
        self.top_n_words = top_n_words
        self.outlier_similarity = outlier_similarity
        self.max_unassigned = max_unassigned
        self.sample_size = sample_size
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
        self.topic_model_ = None
        if not texts:
            self.result_ = ThemeResult(np.zeros(0, dtype=np.int64), (), {"k": 0, "path": "empty"})
            return self.result_
        vectors = normalize(array)
        labels, params = self._cluster(vectors)
        if labels.max() < 0:
            self.result_ = ThemeResult(labels, (), params)
            return self.result_
        lexicon = self.lexicon or Lexicon.from_spacy(None)
        analyzer = lemma_vectorizer(lexicon, ngram_range=self.ngram_range).build_analyzer()
        if any(analyzer(text) for text in texts):  # c-TF-IDF needs at least one content word
            marked = [text + UNIT_BOUNDARY for text in texts]
            self.topic_model_ = self._topic_model().fit(marked, embeddings=vectors, y=labels)
            labels = np.asarray(self.topic_model_.topics_, dtype=np.int64)
        self.result_ = ThemeResult(labels, self._themes(texts, vectors, labels), params)
        return self.result_

    def transform(self, embeddings: np.ndarray) -> np.ndarray:
        """The nearest fitted theme of each row, or ``-1`` under ``outlier_similarity``."""
        check_is_fitted(self, "result_")
        if not self.result_.themes:
            return np.full(len(embeddings), UNASSIGNED, dtype=np.int64)
        sims = normalize(np.asarray(embeddings, dtype=np.float32)) @ self.result_.centroids.T
        best = sims.argmax(axis=1)
        return np.where(sims.max(axis=1) >= self.outlier_similarity, best, UNASSIGNED)

    def _cluster(self, vectors: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
        n = vectors.shape[0]
        if n < 2 * self.min_theme_size:
            return np.zeros(n, dtype=np.int64), {"k": 1 if n else 0, "path": "tiny"}
        reduced = AdaptivePCA(self.n_components, random_state=self.random_state).fit_transform(
            vectors
        )
        clusterer = AutoKClusterer(
            n_clusters=self.n_themes,
            max_clusters=self.max_themes,
            min_cluster_size=self.min_theme_size,
            sample_size=self.sample_size,
            random_state=self.random_state,
        ).fit(reduced)
        labels = dissolve_small(clusterer.labels_, self.min_theme_size)
        dissolved = float(np.mean(labels == UNASSIGNED))
        labels = reduce_outliers(
            labels,
            vectors,
            min_similarity=self.outlier_similarity,
            max_unassigned=self.max_unassigned,
        )
        params = {
            "path": "small" if n <= self.sample_size else "sampled",
            "k": clusterer.n_clusters_,
            "k_given": self.n_themes is not None,
            "silhouette": {str(k): round(v, 4) for k, v in clusterer.scores_.items()},
            "dissolved_share": round(dissolved, 4),
            "representation": self.representation,
            "random_state": self.random_state,
        }
        return labels, params

    def _topic_model(self) -> Any:
        from bertopic import BERTopic
        from bertopic.cluster import BaseCluster
        from bertopic.dimensionality import BaseDimensionalityReduction
        from bertopic.vectorizers import ClassTfidfTransformer

        lexicon = self.lexicon or Lexicon.from_spacy(None)
        return BERTopic(
            embedding_model=_bertopic_backend(self.embedder) if self.embedder else None,
            umap_model=BaseDimensionalityReduction(),
            hdbscan_model=BaseCluster(),
            vectorizer_model=lemma_vectorizer(lexicon, ngram_range=self.ngram_range),
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            representation_model=self._representation(),
            top_n_words=self.top_n_words,
            calculate_probabilities=False,
            verbose=False,
        )

    def _representation(self) -> Any:
        from bertopic.representation import (
            KeyBERTInspired,
            MaximalMarginalRelevance,
            PartOfSpeech,
        )

        name = self.representation
        if name not in REPRESENTATIONS:
            raise ValueError(f"representation must be one of {REPRESENTATIONS}, not {name!r}")
        if name in ("keybert", "mmr") and self.embedder is None:
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

    def _themes(
        self, texts: list[str], vectors: np.ndarray, assignments: np.ndarray
    ) -> tuple[Theme, ...]:
        lexicon = self.lexicon or Lexicon.from_spacy(None)
        n_themes = int(assignments.max()) + 1
        centroids = centroids_of(assignments, vectors, n_themes)
        keywords, labels, sizes = [], [], []
        for index in range(n_themes):
            members = np.flatnonzero(assignments == index)
            topic = self.topic_model_.get_topic(index) if self.topic_model_ else None
            words = tuple(w for w, _ in topic or [] if w)
            keywords.append(words)
            labels.append(make_label(words, [texts[i] for i in members[:2000]], lexicon))
            sizes.append(int(members.size))
        labels = distinct_labels(labels, keywords)
        return tuple(
            Theme(
                index=i, label=labels[i], keywords=keywords[i], size=sizes[i], centroid=centroids[i]
            )
            for i in range(n_themes)
        )


def build_theme_model(spacy_model: str, **params: Any) -> BERTopicThemeModel:
    """The production theme model for ``settings.spacy_model`` (loads the lemma tables).

    ``params`` override :class:`BERTopicThemeModel`'s defaults (``n_themes``, ``random_state``).
    """
    from service.nlp.pipeline import load_lexicon

    return BERTopicThemeModel(lexicon=Lexicon.from_spacy(load_lexicon(spacy_model)), **params)
