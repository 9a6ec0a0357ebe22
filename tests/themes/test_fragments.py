"""A fragment takes the theme of the sentence it follows in its answer."""

from __future__ import annotations

import numpy as np

from service.themes.fragments import anchors, is_fragment, spread
from service.themes.schemas import Theme, ThemeResult


def test_short_sentences_are_fragments_and_full_ones_are_not() -> None:
    assert is_fragment("Not great.")
    assert is_fragment("Trying not to spiral")
    assert not is_fragment("The new expense tool keeps rejecting my receipts.")


def test_a_fragment_points_to_the_full_sentence_before_it_in_its_answer() -> None:
    answers = [1, 1, 1, 2, 2, 3]
    texts = [
        "Nobody has told us whether our jobs survive the reorganisation.",
        "Not great.",
        "Trying not to spiral",
        "Honestly.",  # a fragment before the full sentence of its answer
        "The expense tool keeps rejecting every receipt I upload.",
        "Tired.",  # a whole answer: nothing to read it with
    ]
    assert anchors(answers, texts).tolist() == [0, 0, 0, 4, 4, 5]


def test_spread_gives_fragments_their_anchor_theme_and_recounts_sizes() -> None:
    centroid = np.ones(4, dtype=np.float32) / 2
    fitted = np.array([0, 3])
    found = ThemeResult(
        assignments=np.array([0, 1]),
        themes=(
            Theme(0, "Reorg", ("reorg",), 1, centroid),
            Theme(1, "Tools", ("tool",), 1, centroid),
        ),
    )
    result = spread(found, np.array([0, 0, 0, 3, 3]), fitted)
    assert result.assignments.tolist() == [0, 0, 0, 1, 1]
    assert [t.size for t in result.themes] == [3, 2]
    assert result.params["fragments_taking_their_answer"] == 3
