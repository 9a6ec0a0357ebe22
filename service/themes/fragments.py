"""Fragments read with their answer: "Not great." or "Trying not to spiral" carry the topic of the
sentence before them, so they take that sentence's theme instead of gathering into a theme of
short feelings.

A unit is a fragment when it has fewer than :data:`FRAGMENT_WORDS` words. A fragment in an answer
that also has a full sentence is not clustered: it takes the theme of the nearest full sentence
before it in the same answer (after it, when none is before). A fragment that is a whole answer on
its own is clustered like any sentence (there is nothing else to read it with).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from service.themes.schemas import ThemeResult

FRAGMENT_WORDS = 5
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def is_fragment(text: str) -> bool:
    """Fewer than :data:`FRAGMENT_WORDS` words ("Not great.", "Trying not to spiral")."""
    return len(_WORD.findall(text)) < FRAGMENT_WORDS


def anchors(answer_ids: Sequence[int], texts: Sequence[str]) -> np.ndarray:
    """For each unit (in answer order, an answer's units together), the position of the unit
    whose theme it takes: itself, or for a fragment the nearest full sentence of its answer."""
    out = np.arange(len(texts))
    fragment = [is_fragment(text) for text in texts]
    start = 0
    while start < len(texts):
        end = start
        while end < len(texts) and answer_ids[end] == answer_ids[start]:
            end += 1
        full = [i for i in range(start, end) if not fragment[i]]
        if full:
            for i in range(start, end):
                if fragment[i]:
                    before = [j for j in full if j < i]
                    out[i] = before[-1] if before else full[0]
        start = end
    return out


def spread(result: ThemeResult, anchored: np.ndarray, fitted: np.ndarray) -> ThemeResult:
    """The themes fitted on the units at ``fitted`` (positions), with every unit taking the theme
    of its anchor; theme sizes count the fragments they took."""
    row_of = {int(position): row for row, position in enumerate(fitted)}
    assignments = np.array(
        [result.assignments[row_of[int(anchor)]] for anchor in anchored], dtype=np.int64
    )
    themes = tuple(
        replace(theme, size=int(np.sum(assignments == theme.index))) for theme in result.themes
    )
    params = {**result.params, "fragments_taking_their_answer": int(len(anchored) - len(fitted))}
    return ThemeResult(assignments=assignments, themes=themes, params=params)
