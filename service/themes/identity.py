"""Stable theme identity across runs: match, keep ids and names, record lineage.

Each run's themes are matched to the community's existing themes by the cosine similarity of
their centroids, with an optimal one-to-one assignment (``scipy.optimize.linear_sum_assignment``
maximising total similarity). A pair counts as the same theme when its similarity is at least
``match_threshold``; the theme then keeps its id and any human-given name.

Lineage of every theme, new and old:

- ``continued``: matched one-to-one; keeps the old id.
- ``merged``: a continued theme that also absorbed other old themes (each absorbed old theme is
  at least ``related_threshold`` similar to it and was not matched itself); the absorbed ones
  are listed in ``related_ids`` and themselves get the status ``merged`` with ``merged_into``.
- ``split``: an unmatched new theme at least ``related_threshold`` similar to an old theme that
  continues in another new theme; it gets a new id and names its parent in ``related_ids``.
- ``new``: an unmatched new theme with no related old theme; a new id.
- ``retired``: an old theme neither matched nor merged.

Thresholds, measured on centroids of all-MiniLM-L6-v2 embeddings (``evaluation/reports/
themes.md``, "Identity across runs"): fitted on two disjoint halves of StackOverflow, themes with
the same majority tag have centroid similarity 0.97 at the median (23 of 25 pairs at least 0.85;
the other two are different sub-topics of one tag), themes with different tags 0.05 at the
median, 0.29 at the 95th percentile and 0.75 at most. ``MATCH_THRESHOLD = 0.80`` and
``RELATED_THRESHOLD = 0.75`` are above every different-tag pair. A theme that splits into two
equal parts of mutual similarity c leaves each part at sqrt((1 + c) / 2) from the whole, so a
split is recorded when c >= 0.125; parts less alike than that show up as a continued and a new
theme.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.optimize import linear_sum_assignment

Status = Literal["new", "continued", "split", "merged", "retired"]
MATCH_THRESHOLD = 0.80
RELATED_THRESHOLD = 0.75


@dataclass(frozen=True, eq=False)
class KnownTheme:
    """An existing theme of the community: its id, centroid and any human-given name."""

    id: str
    centroid: np.ndarray
    name: str | None = None


@dataclass(frozen=True)
class ThemeLineage:
    """What became of one theme in this run.

    Attributes:
        theme_id: The theme's id (kept, or newly made).
        status: See the module docstring.
        index: The theme's index in this run's result; ``None`` for old themes that ended.
        name: The human-given name carried over, if any.
        similarity: Cosine similarity to the old theme it continues, split from or merged into.
        related_ids: Parent of a split; themes absorbed by a merge.
        merged_into: For an old theme absorbed by a merge, the id it went into.
    """

    theme_id: str
    status: Status
    index: int | None = None
    name: str | None = None
    similarity: float | None = None
    related_ids: tuple[str, ...] = field(default_factory=tuple)
    merged_into: str | None = None


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def similarity_matrix(known: Sequence[KnownTheme], centroids: np.ndarray) -> np.ndarray:
    """Cosine similarity, old themes in rows and new themes in columns.

    An old theme whose centroid has another size than this run's (kept from another embedding
    model, or made by hand before any answer was embedded) is like no new theme: its row is 0.
    """
    sim = np.zeros((len(known), len(centroids)))
    if not known or len(centroids) == 0:
        return sim
    new = _normalise(centroids)
    same = [i for i, theme in enumerate(known) if np.shape(theme.centroid) == new.shape[1:]]
    if same:
        old = _normalise(np.stack([known[i].centroid for i in same]))
        sim[same] = old @ new.T
    return sim


def optimal_matches(similarity: np.ndarray, threshold: float) -> dict[int, int]:
    """``{new index: old index}`` of the optimal assignment, pairs under ``threshold`` dropped."""
    if similarity.size == 0:
        return {}
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    return {
        int(c): int(r) for r, c in zip(rows, cols, strict=True) if similarity[r, c] >= threshold
    }


def match_themes(
    known: Sequence[KnownTheme],
    centroids: np.ndarray,
    *,
    match_threshold: float = MATCH_THRESHOLD,
    related_threshold: float = RELATED_THRESHOLD,
    new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
) -> list[ThemeLineage]:
    """Give each new theme an id and lineage, and say what became of each old theme.

    Args:
        known: The community's current themes.
        centroids: This run's theme centroids, ``(n_themes, dim)``, in result order.
        match_threshold: Least similarity for the same theme.
        related_threshold: Least similarity for a split or a merge.
        new_id: Makes ids for themes that get a new one.

    Returns:
        One entry per new theme in index order, then one per old theme that did not continue.
    """
    sim = similarity_matrix(known, centroids)
    matched = optimal_matches(sim, match_threshold)
    continued_old = set(matched.values())
    absorbed = _absorbed(sim, matched, continued_old, related_threshold)
    lineage: list[ThemeLineage] = []
    for index in range(len(centroids)):
        if index in matched:
            old = known[matched[index]]
            extra = tuple(known[o].id for o, target in absorbed.items() if target == index)
            status: Status = "merged" if extra else "continued"
            lineage.append(
                ThemeLineage(
                    old.id,
                    status,
                    index,
                    old.name,
                    float(sim[matched[index], index]),
                    extra,
                )
            )
            continue
        parent = _split_parent(sim, index, continued_old, related_threshold)
        if parent is None:
            lineage.append(ThemeLineage(new_id(), "new", index))
        else:
            lineage.append(
                ThemeLineage(
                    new_id(),
                    "split",
                    index,
                    None,
                    float(sim[parent, index]),
                    (known[parent].id,),
                )
            )
    for old_index, theme in enumerate(known):
        if old_index in continued_old:
            continue
        if old_index in absorbed:
            target = absorbed[old_index]
            lineage.append(
                ThemeLineage(
                    theme.id,
                    "merged",
                    None,
                    theme.name,
                    float(sim[old_index, target]),
                    merged_into=known[matched[target]].id,
                )
            )
        else:
            lineage.append(ThemeLineage(theme.id, "retired", None, theme.name))
    return lineage


def _absorbed(
    sim: np.ndarray, matched: dict[int, int], continued_old: set[int], threshold: float
) -> dict[int, int]:
    """``{old index: new index}`` for unmatched old themes close to a continued new theme."""
    found: dict[int, int] = {}
    targets = sorted(matched)
    if not targets:
        return found
    for old_index in range(sim.shape[0]):
        if old_index in continued_old:
            continue
        best = max(targets, key=lambda new_index: sim[old_index, new_index])
        if sim[old_index, best] >= threshold:
            found[old_index] = best
    return found


def _split_parent(
    sim: np.ndarray, index: int, continued_old: set[int], threshold: float
) -> int | None:
    """The continued old theme an unmatched new theme split from, if any."""
    if sim.shape[0] == 0:
        return None
    parent = int(np.argmax(sim[:, index]))
    if parent in continued_old and sim[parent, index] >= threshold:
        return parent
    return None
