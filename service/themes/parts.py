"""The swappable parts of the theme model, typed by what the model calls on them.

Like BERTopic's slots, :class:`~service.themes.model.BERTopicThemeModel` takes three parts:

- a :class:`Reducer` (``fit`` then ``transform``: PCA, UMAP, any scikit-learn transformer);
- a :class:`Clusterer` (``fit_predict``: k-means, HDBSCAN, any scikit-learn clusterer);
- a :class:`Representation`, which turns clusters into keywords and labels.

Parts are fitted in place, as BERTopic fits its own. A clusterer may also report how it chose
K (``n_clusters`` given, ``n_clusters_`` found, ``scores_`` per K tried, ``sample_size``);
the run's ``params`` record what it reports (as
:class:`~service.themes.clustering.AutoKClusterer` does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np


class Reducer(Protocol):
    """Lowers the dimension of the embeddings before clustering."""

    def fit(self, vectors: np.ndarray, /) -> Reducer:
        """Learn the projection from ``vectors`` and return the reducer."""
        ...

    def transform(self, vectors: np.ndarray, /) -> np.ndarray:
        """Project ``vectors``."""
        ...


class Clusterer(Protocol):
    """Groups the reduced vectors; ``-1`` marks a row it leaves out."""

    def fit_predict(self, vectors: np.ndarray, /) -> np.ndarray:
        """Fit on ``vectors`` and return each row's cluster."""
        ...


@dataclass(frozen=True, eq=False)
class ThemeWords:
    """What a representation says about the clusters of one run.

    Attributes:
        assignments: Each unit's cluster (``-1``: none); a representation may renumber them.
        keywords: Per cluster, its top words and phrases, best first.
        labels: Per cluster, a readable label, each different from the others.
    """

    assignments: np.ndarray
    keywords: tuple[tuple[str, ...], ...]
    labels: tuple[str, ...]


class Representation(Protocol):
    """Turns clusters of units into keywords and labels."""

    @property
    def name(self) -> str:
        """A short name for the run's record (``"ctfidf"``)."""
        ...

    def represent(
        self, texts: Sequence[str], vectors: np.ndarray, assignments: np.ndarray
    ) -> ThemeWords:
        """Keywords and labels of the clusters in ``assignments`` (``0..k-1``, ``-1`` none).

        Args:
            texts: The units' texts (already redacted).
            vectors: Their normalised embeddings, row-aligned with ``texts``.
            assignments: Each unit's cluster.
        """
        ...
