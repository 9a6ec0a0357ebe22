"""What a theme run produces: plain dataclasses over numpy arrays (no framework types)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

UNASSIGNED = -1


@dataclass(frozen=True, eq=False)
class Theme:
    """One theme of a run.

    Attributes:
        index: The theme's number in this run; ``ThemeResult.assignments`` refers to it.
            Themes are numbered by size, largest first.
        label: A readable label built from key phrases ("Calendar conflicts and double bookings").
        keywords: The representation's top words and phrases, best first (lemmas).
        size: How many units the theme holds.
        centroid: Mean of the members' normalised embeddings, itself normalised (float32).
    """

    index: int
    label: str
    keywords: tuple[str, ...]
    size: int
    centroid: np.ndarray


@dataclass(frozen=True, eq=False)
class ThemeResult:
    """Themes of one run and each unit's theme (``-1``: unassigned).

    Attributes:
        assignments: Shape ``(n_units,)``, int; the theme index of each unit or ``-1``.
        themes: The themes, by index.
        params: How the run was made: model settings, the K chosen and its scores.
    """

    assignments: np.ndarray
    themes: tuple[Theme, ...]
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def unassigned_share(self) -> float:
        """Share of units without a theme."""
        if self.assignments.size == 0:
            return 0.0
        return float(np.mean(self.assignments == UNASSIGNED))

    @property
    def centroids(self) -> np.ndarray:
        """The themes' centroids as one ``(n_themes, dim)`` array."""
        if not self.themes:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([theme.centroid for theme in self.themes])

    def members(self, index: int) -> np.ndarray:
        """Positions of the units assigned to theme ``index``."""
        return np.flatnonzero(self.assignments == index)
