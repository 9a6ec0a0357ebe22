"""Parent themes over fine themes: a level a committee can read in one screen.

The fine themes of one scope are grouped by average-linkage agglomerative clustering of their
centroids (cosine), cut where the groups' members are less than ``min_similarity`` alike on
average, and at most ``max_top`` groups in all. A group of two or more fine themes becomes a
parent theme, labelled by the representation over all its units; a fine theme alone in its
group stays at the top level without a parent. So the top level (parents and lone fine themes)
holds at most ``max_top`` themes, while the fine level keeps every theme the data supports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from service.themes.clustering import centroids_of
from service.themes.parts import Representation
from service.themes.schemas import UNASSIGNED, Theme, ThemeResult

MAX_TOP = 12
MIN_SIMILARITY = 0.55


@dataclass(frozen=True, eq=False)
class ParentLevel:
    """The parent themes of one scope.

    Attributes:
        parent_of: Per fine theme index, the index of its parent in ``parents`` (``-1``: none).
        parents: The parent themes, largest first; ``size`` counts the units of their children.
        assignments: Each unit's parent (``-1``: its fine theme has none, or it has none).
    """

    parent_of: np.ndarray
    parents: tuple[Theme, ...]
    assignments: np.ndarray


def group_fine_themes(
    centroids: np.ndarray, *, max_top: int = MAX_TOP, min_similarity: float = MIN_SIMILARITY
) -> np.ndarray:
    """The group of each fine theme (``0..g-1``); at most ``max_top`` groups."""
    n = len(centroids)
    if n <= 1:
        return np.zeros(n, dtype=np.int64)
    from sklearn.cluster import AgglomerativeClustering

    def cut(**kwargs: float | int | None) -> np.ndarray:
        model = AgglomerativeClustering(metric="cosine", linkage="average", **kwargs)  # type: ignore[arg-type]
        return np.asarray(model.fit(centroids).labels_, dtype=np.int64)

    groups = cut(n_clusters=None, distance_threshold=1.0 - min_similarity)
    if int(groups.max()) + 1 > max_top:
        groups = cut(n_clusters=max_top)
    return groups


def parent_level(
    texts: Sequence[str],
    vectors: np.ndarray,
    fine: ThemeResult,
    representation: Representation,
    *,
    max_top: int = MAX_TOP,
    min_similarity: float = MIN_SIMILARITY,
) -> ParentLevel:
    """Group ``fine``'s themes under parents and label the parents.

    Args:
        texts: The scope's unit texts, row-aligned with ``vectors`` and ``fine.assignments``.
        vectors: Their normalised vectors (those the fine themes were found in).
        fine: The scope's fine themes.
        representation: Labels the parents from their units (the fine themes' own).
        max_top: Most themes at the top level.
        min_similarity: Least average similarity of the fine themes under one parent.
    """
    n_fine = len(fine.themes)
    none = np.full(n_fine, UNASSIGNED, dtype=np.int64)
    empty = np.full(len(texts), UNASSIGNED, dtype=np.int64)
    if n_fine < 3:
        return ParentLevel(none, (), empty)
    groups = group_fine_themes(fine.centroids, max_top=max_top, min_similarity=min_similarity)
    ids, counts = np.unique(groups, return_counts=True)
    shared = ids[counts >= 2]
    if shared.size == 0:
        return ParentLevel(none, (), empty)
    sizes = {int(g): sum(fine.themes[i].size for i in np.flatnonzero(groups == g)) for g in shared}
    order = sorted(sizes, key=lambda g: (-sizes[g], g))
    number = {g: rank for rank, g in enumerate(order)}
    parent_of = np.array([number.get(int(g), UNASSIGNED) for g in groups], dtype=np.int64)
    assignments = np.where(
        fine.assignments >= 0, parent_of[np.maximum(fine.assignments, 0)], UNASSIGNED
    )
    words = representation.represent(texts, vectors, assignments)
    relabel = _same_clusters(assignments, words.assignments, len(order))
    centroids = centroids_of(assignments, vectors, len(order))
    largest_child = [
        max(np.flatnonzero(parent_of == p), key=lambda i: fine.themes[i].size)
        for p in range(len(order))
    ]
    parents = tuple(
        Theme(
            index=p,
            label=words.labels[relabel[p]]
            if relabel[p] >= 0
            else fine.themes[largest_child[p]].label,
            keywords=words.keywords[relabel[p]] if relabel[p] >= 0 else (),
            size=int(np.sum(assignments == p)),
            centroid=centroids[p],
        )
        for p in range(len(order))
    )
    return ParentLevel(parent_of, parents, assignments)


def _same_clusters(before: np.ndarray, after: np.ndarray, n: int) -> list[int]:
    """For each cluster ``0..n-1`` of ``before``, the number a representation gave it."""
    found = []
    for cluster in range(n):
        numbers = after[(before == cluster) & (after >= 0)]
        found.append(int(np.bincount(numbers).argmax()) if numbers.size else UNASSIGNED)
    return found
