"""The pure parts of coding against the codebook: moves, earlier runs, the combined result."""

from __future__ import annotations

import numpy as np

from service.analysis.codebook import keep_earlier
from service.codebook.coding import KEPT_OUT, Coded, Move, apply_moves, combine
from service.themes.schemas import UNASSIGNED, Theme, ThemeResult


def test_moves_win_over_the_coder() -> None:
    coded = Coded(
        np.array([0, 0, 1, UNASSIGNED]), {10: (0,), 11: (0, 1), 12: ()}, (7, 8), ("a", "b")
    )
    moved = apply_moves(
        coded,
        [10, 11, 11, 12],
        [Move(10, source=0, target=1), Move(11, source=0, target=None), Move(12, None, 0)],
    )
    assert moved.assignments.tolist() == [1, KEPT_OUT, 1, 0]
    assert moved.answer_codes == {10: (1,), 11: (1,), 12: (0,)}


def test_units_of_earlier_runs_keep_codes_and_go_back_to_discovery() -> None:
    coder = np.array([0, 0, 1, UNASSIGNED])
    kept = keep_earlier(coder, [50, 99, None, None], {50: 0, 51: 1})
    # 50 is code 0's theme; 99 a discovered theme (discovery again); the new units keep the coder's
    assert kept.tolist() == [0, UNASSIGNED, 1, UNASSIGNED]


def test_combine_puts_codes_first_and_discovered_themes_after() -> None:
    vectors = np.eye(4, dtype=np.float32)
    coded = Coded(np.array([0, UNASSIGNED, KEPT_OUT, UNASSIGNED]), {}, (7,), ("Code",))
    found = ThemeResult(
        assignments=np.array([0, UNASSIGNED]),
        themes=(Theme(0, "Found", ("x",), 1, np.ones(4, dtype=np.float32)),),
    )
    result = combine(coded, found, vectors, [np.zeros(4, dtype=np.float32)])
    assert result.assignments.tolist() == [0, 1, UNASSIGNED, UNASSIGNED]
    assert [(t.index, t.label, t.size) for t in result.themes] == [(0, "Code", 1), (1, "Found", 1)]
    assert np.allclose(result.themes[0].centroid, vectors[0])
