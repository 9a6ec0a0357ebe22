"""Segment divergence: a known difference is found, none is invented, small groups stay out."""

from __future__ import annotations

import random

from service.agenda.divergence import find_divergences
from service.agenda.schemas import UnitView


def _units(
    groups: dict[str, list[tuple[int | None, float | None]]], theme_id: int = 1, start: int = 0
) -> tuple[list[UnitView], dict[int, dict[str, str]]]:
    units, segments = [], {}
    respondent = start
    for group, values in groups.items():
        for level, sentiment in values:
            respondent += 1
            segments[respondent] = {"role": group}
            units.append(
                UnitView(respondent, "text", theme_id, respondent, "2026-W41", level, sentiment)
            )
    return units, segments


def test_a_known_difference_in_concern_is_found() -> None:
    units, segments = _units(
        {
            "Executive Assistant": [(3, -0.6)] * 4 + [(2, -0.4)] * 4,
            "Office Manager": [(0, 0.5)] * 5 + [(1, 0.2)] * 3,
        }
    )
    found = find_divergences(units, segments, min_group=5)
    concern = next(d for d in found if d.measure == "concern")
    assert concern.dimension == "role"
    assert {concern.group, concern.other} == {"Executive Assistant", "Office Manager"}
    assert concern.q_value < 0.01 and abs(concern.effect) == 1.0
    # two groups: one test per measure, not the same test mirrored
    assert sorted(d.measure for d in found) == ["concern", "sentiment"]


def test_no_difference_is_reported_between_like_groups() -> None:
    rng = random.Random(7)
    values = {
        g: [(rng.choice([0, 1, 2, 3]), rng.uniform(-1, 1)) for _ in range(12)]
        for g in ("Executive Assistant", "Office Manager", "Team Assistant")
    }
    units, segments = _units(values)
    assert find_divergences(units, segments, min_group=5) == []


def test_small_groups_are_neither_tested_nor_counted_among_the_others() -> None:
    units, segments = _units(
        {
            "Executive Assistant": [(1, 0.0)] * 6,
            "Office Manager": [(1, 0.1)] * 6,
            "Legal Assistant": [(3, -0.9)] * 4,
        }
    )
    assert find_divergences(units, segments, min_group=5) == []
    # the same four members in a group of five are tested, and stand out
    units, segments = _units(
        {
            "Executive Assistant": [(1, 0.0)] * 6,
            "Office Manager": [(1, 0.1)] * 6,
            "Legal Assistant": [(3, -0.9)] * 5,
        }
    )
    found = find_divergences(units, segments, min_group=5)
    assert found[0].group == "Legal Assistant" and found[0].measure == "concern"
    assert all(d.n_group >= 5 and d.n_others >= 5 for d in found)


def test_one_value_per_member_and_themes_tested_separately() -> None:
    units, segments = _units(
        {"Executive Assistant": [(3, None)] * 6, "Office Manager": [(0, None)] * 6}, theme_id=1
    )
    # the same Office Managers write many calm units in the theme: still one value each
    units += [
        UnitView(100 + i, "text", 1, r, "2026-W41", 0, None)
        for i, r in enumerate(list(range(7, 13)) * 5)
    ]
    other, more = _units(
        {"Executive Assistant": [(1, None)] * 6, "Office Manager": [(1, None)] * 6},
        theme_id=2,
        start=20,
    )
    found = find_divergences(units + other, {**segments, **more}, min_group=5)
    assert [(d.theme_id, d.n_group + d.n_others) for d in found] == [(1, 12)]
