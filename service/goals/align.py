"""Which themes speak to a goal: embedding similarity to the theme's centroid, above a threshold.

A goal and a theme match when the cosine similarity between the goal's embedding and the
theme's centroid (the normalised mean of its units' embeddings, as the theme model stores it)
is at least :data:`THRESHOLD`. The threshold was chosen by measurement on the labelled
goal-theme pairs of ``corpora/goals`` (``python -m evaluation goals``; the figures are in
``evaluation/reports/goals.md``): it maximises F1 under two-fold cross-validation over goals,
rounded down to the nearest 0.01. The centroid beat the best unit, the top-2 units and the
theme's label on those pairs, and all of them beat the keyword-overlap and TF-IDF baselines.

A match is explained by the key phrases the goal and the theme share: the theme's key phrases
and label words whose stems appear in the goal, else the goal's words that recur in the
theme's units. A match with nothing in common is reported as "close in meaning".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from service.goals.schemas import GoalView, ThemeInput, ThemeLink
from service.nlp.stems import content_stems, stem

THRESHOLD = 0.42
"""Cosine similarity of goal and theme centroid from which a theme speaks to a goal."""
MAX_THEMES = 3
"""At most this many themes per goal (the closest ones)."""
GENERIC = frozenset(
    stem(w)
    for w in (
        "every each member members everyone people use using make making get getting help "
        "through better well good way ways year years this that our us we them their so "
        "have has can will would should more less all group team teams work working"
    ).split()
)
"""Words too common in goals to explain a match."""


def normalise(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    matrix = np.atleast_2d(np.asarray(matrix, dtype=np.float32))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def similarities(goal_vectors: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Cosine similarity of each goal (rows) to each theme centroid (columns)."""
    if len(goal_vectors) == 0 or len(centroids) == 0:
        return np.zeros((len(goal_vectors), len(centroids)), dtype=np.float32)
    return normalise(goal_vectors) @ normalise(centroids).T


def _stems(text: str) -> set[str]:
    return {s for s in content_stems(text) if s not in GENERIC}


def shared_phrases(
    goal_text: str, theme: ThemeInput, texts: Sequence[str] = (), *, most: int = 3
) -> tuple[str, ...]:
    """Key phrases of ``theme`` that the goal shares, best first (see the module docstring)."""
    wanted = _stems(goal_text)
    found: list[str] = []
    for phrase in [*theme.keywords, theme.label]:
        if _stems(phrase) & wanted and phrase.lower() not in found:
            found.append(phrase.lower())
    if found:
        return tuple(found[:most])
    forms: Counter[str] = Counter()
    for text in texts:
        for word in set(text.lower().split()):
            word = word.strip(".,;:!?()\"'")
            if stem(word) in wanted and word:
                forms[word] += 1
    return tuple(w for w, n in forms.most_common(most) if n >= 2)


def explain(link: ThemeLink) -> str:
    """ "shares “expense system”" or "close in meaning (similarity 0.47)"."""
    if link.shared:
        return "shares " + ", ".join(f"\u201c{p}\u201d" for p in link.shared)
    return f"close in meaning (similarity {link.similarity:.2f})"


def match(
    goals: Sequence[GoalView],
    themes: Sequence[ThemeInput],
    goal_vectors: np.ndarray,
    *,
    texts: dict[int, list[str]] | None = None,
    threshold: float = THRESHOLD,
) -> tuple[dict[int, tuple[ThemeLink, ...]], np.ndarray]:
    """The themes that speak to each goal (closest first), and the similarity matrix."""
    scores = similarities(
        goal_vectors,
        np.stack([t.centroid for t in themes])
        if themes
        else np.zeros(
            (0, goal_vectors.shape[1] if goal_vectors.ndim == 2 else 0), dtype=np.float32
        ),
    )
    texts = texts or {}
    links: dict[int, tuple[ThemeLink, ...]] = {}
    for row, goal in enumerate(goals):
        order: Iterable[Any] = np.argsort(-scores[row], kind="stable") if len(themes) else []
        kept = [int(i) for i in order if scores[row, i] >= threshold][:MAX_THEMES]
        links[goal.id] = tuple(
            ThemeLink(
                themes[i].id,
                themes[i].label,
                float(scores[row, i]),
                shared_phrases(goal.text, themes[i], texts.get(themes[i].id, ())),
            )
            for i in kept
        )
    return links, scores
