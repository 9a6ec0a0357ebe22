"""Code a scope's units against its codebook first; discovery gets only what fits no code.

Pure logic over arrays (the analysis stage :mod:`service.analysis.codebook` loads and stores):

- :func:`code_units`: each unit takes the code :class:`~service.themes.seeded.SeededCoder`
  finds for it (its best code, or none under the coder's floor); each answer takes every code
  the coder finds for the answer as a whole (several per answer, as the coding issue does);
- :func:`apply_moves`: the committee's moves win over the coder: an answer moved out of a code
  leaves it, an answer moved into one joins it, an answer moved to no theme is kept out of
  discovery too;
- :func:`combine`: one :class:`~service.themes.schemas.ThemeResult` for the later stages, the
  codes first (index ``i`` is code ``i``), then the themes discovered in the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from service.themes.schemas import UNASSIGNED, Theme, ThemeResult
from service.themes.seeded import SeededCoder

KEPT_OUT = -2  # a unit the committee moved to no theme: neither coded nor discovered


@dataclass(frozen=True)
class Move:
    """A committee move: the answer leaves ``source`` (a code index, or None) for ``target``
    (a code index, or None: no theme)."""

    answer_id: int
    source: int | None
    target: int | None
    leaves_theme: bool = True  # False: the answer left a theme that is not a code of the scope


@dataclass(frozen=True, eq=False)
class Coded:
    """A scope's units coded against its codebook.

    Attributes:
        assignments: Per unit, the code index, :data:`UNASSIGNED` (left for discovery) or
            :data:`KEPT_OUT`.
        answer_codes: Per answer id, the codes (indices) the answer carries as a whole.
        theme_ids: The theme that carries each code, by code index.
        names: Each code's name, by code index.
        scores: Unit x code similarity (the coder's).
    """

    assignments: np.ndarray
    answer_codes: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    theme_ids: tuple[int, ...] = ()
    names: tuple[str, ...] = ()
    scores: np.ndarray | None = None

    @property
    def free(self) -> np.ndarray:
        """Positions of the units left for discovery."""
        return np.flatnonzero(self.assignments == UNASSIGNED)


def code_units(coder: SeededCoder, vectors: np.ndarray, answer_ids: Sequence[int]) -> Coded:
    """Each unit's code and each answer's codes (see the module)."""
    per_unit = coder.predict(vectors)
    assignments = np.array([codes[0] if codes else UNASSIGNED for codes in per_unit], dtype=int)
    answers = sorted(set(answer_ids))
    number = {answer: i for i, answer in enumerate(answers)}
    per_answer = coder.predict(vectors, groups=[number[a] for a in answer_ids]) if answers else []
    return Coded(
        assignments,
        dict(zip(answers, (tuple(c) for c in per_answer), strict=True)),
        scores=coder.similarity(vectors),
    )


def apply_moves(coded: Coded, answer_ids: Sequence[int], moves: Sequence[Move]) -> Coded:
    """The committee's moves applied to ``coded`` (later moves win)."""
    assignments = coded.assignments.copy()
    answer_codes = {a: list(c) for a, c in coded.answer_codes.items()}
    owners = np.asarray(answer_ids)
    for move in moves:
        where = np.flatnonzero(owners == move.answer_id)
        if not len(where):
            continue
        codes = answer_codes.setdefault(move.answer_id, [])
        if move.source is not None:
            assignments[where[assignments[where] == move.source]] = UNASSIGNED
            codes[:] = [c for c in codes if c != move.source]
        if move.target is not None:
            assignments[where] = move.target
            codes[:] = [move.target, *(c for c in codes if c != move.target)]
        elif move.leaves_theme or move.source is not None:
            assignments[where[assignments[where] == UNASSIGNED]] = KEPT_OUT
    return Coded(
        assignments,
        {a: tuple(c) for a, c in answer_codes.items()},
        coded.theme_ids,
        coded.names,
        coded.scores,
    )


def _centroid(vectors: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    if not len(vectors):
        return np.asarray(fallback, dtype=np.float32)
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    mean = unit.mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


def combine(
    coded: Coded,
    discovered: ThemeResult,
    vectors: np.ndarray,
    fallbacks: Sequence[np.ndarray],
) -> ThemeResult:
    """The codes (indices ``0 .. k-1``) and the themes discovered among ``coded.free``
    (indices from ``k``), as one result; ``fallbacks``: each code's centroid when no unit of
    this run carries it."""
    k = len(coded.theme_ids)
    assignments = np.where(coded.assignments >= 0, coded.assignments, UNASSIGNED)
    free = coded.free
    shifted = np.where(discovered.assignments >= 0, discovered.assignments + k, UNASSIGNED)
    assignments[free] = shifted
    themes = [
        Theme(
            index=i,
            label=coded.names[i],
            keywords=(),
            size=int(np.sum(assignments == i)),
            centroid=_centroid(vectors[assignments == i], fallbacks[i]),
        )
        for i in range(k)
    ]
    themes += [
        Theme(t.index + k, t.label, t.keywords, t.size, t.centroid) for t in discovered.themes
    ]
    params = {**discovered.params, "codes": k}
    return ThemeResult(assignments=assignments.astype(int), themes=tuple(themes), params=params)


def nothing_found(n: int) -> ThemeResult:
    """No theme discovered among ``n`` units (too few were left for discovery)."""
    return ThemeResult(assignments=np.full(n, UNASSIGNED, dtype=int), themes=())
