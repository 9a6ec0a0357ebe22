"""Representative quotes: central to the theme and different from each other (MMR).

The caller passes texts that are already redacted; this module never sees raw answers. Maximal
Marginal Relevance picks first the unit most similar to the theme centroid, then repeatedly the
unit maximising ``(1 - diversity) * sim(unit, centroid) - diversity * max sim(unit, picked)``.
Near-duplicates of a picked quote (similarity at least ``duplicate_similarity``) and texts
shorter than ``min_words`` words are never picked; ``exclude_ids`` removes units the caller may
not quote (a segment under the minimum quote group size, a withdrawn answer).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Quote:
    """A quote: the unit's id, its (redacted) text and its similarity to the centroid."""

    unit_id: Hashable
    text: str
    similarity: float


def _unit(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def representative_quotes(
    ids: Sequence[Hashable],
    texts: Sequence[str],
    embeddings: np.ndarray,
    *,
    centroid: np.ndarray | None = None,
    k: int = 3,
    diversity: float = 0.5,
    exclude_ids: Collection[Hashable] = (),
    min_words: int = 4,
    duplicate_similarity: float = 0.95,
) -> list[Quote]:
    """Pick up to ``k`` quotes of one theme by MMR.

    Args:
        ids: Unit ids, row-aligned with ``texts`` and ``embeddings``.
        texts: The units' redacted texts.
        embeddings: The units' embeddings.
        centroid: The theme centroid; the mean of ``embeddings`` when omitted.
        k: How many quotes.
        diversity: 0 ranks by centrality alone; 1 by difference from picked quotes alone.
        exclude_ids: Units that must not be quoted.
        min_words: Shorter texts are not quoted.
        duplicate_similarity: Units this similar to a picked quote are skipped.

    Returns:
        The quotes, most central first.
    """
    if len(ids) != len(texts) or len(ids) != len(embeddings):
        raise ValueError("ids, texts and embeddings must have the same length")
    if len(ids) == 0 or k <= 0:
        return []
    vectors = _unit(embeddings)
    center = _unit(vectors.mean(axis=0) if centroid is None else np.asarray(centroid))
    relevance = vectors @ center
    excluded = set(exclude_ids)
    eligible = [
        i
        for i, (unit_id, text) in enumerate(zip(ids, texts, strict=True))
        if unit_id not in excluded and len(text.split()) >= min_words
    ]
    picked: list[int] = []
    while eligible and len(picked) < k:
        candidates = np.array(eligible)
        if picked:
            redundancy = (vectors[candidates] @ vectors[picked].T).max(axis=1)
        else:
            redundancy = np.zeros(len(candidates))
        scores = (1 - diversity) * relevance[candidates] - diversity * redundancy
        best = int(candidates[int(np.argmax(scores))])
        picked.append(best)
        eligible = [
            i for i in eligible if i != best and vectors[i] @ vectors[best] < duplicate_similarity
        ]
    return [Quote(ids[i], texts[i], float(relevance[i])) for i in picked]
