"""The :class:`ConcernScorer` protocol: what the analysis and the evaluation ask of a scorer.

The production implementation is :class:`service.concerns.scorer.EmbeddingConcernScorer`; any
object with these members can stand in for it (a model store slot, a test double).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from service.concerns.schemas import ConcernScore


@runtime_checkable
class ConcernScorer(Protocol):
    """Scores units of text for concern (0-3), worry probability and sentiment."""

    name: str

    def score(
        self, texts: Sequence[str], *, answers: Sequence[Hashable] | None = None
    ) -> list[ConcernScore]:
        """One :class:`ConcernScore` per text, in order.

        ``answers`` names the answer each text (a sentence unit) comes from, so that a unit is
        read in its answer's context; without it each text is its own answer.
        """
        ...

    def score_embedded(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        *,
        answers: Sequence[Hashable] | None = None,
    ) -> list[ConcernScore]:
        """As :meth:`score`, for texts whose embeddings (one row per text) are already known."""
        ...
