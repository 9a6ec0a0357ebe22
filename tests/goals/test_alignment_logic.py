"""The alignment rules on hand-made vectors: threshold, explanation, gaps, weekly signals."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from service.goals import gaps
from service.goals.align import THRESHOLD, match, shared_phrases
from service.goals.schemas import GoalView, ThemeInput, UnitInput
from service.goals.service import align
from service.privacy.thresholds import Confidentiality

PRIVACY = Confidentiality(min_group=5, min_quote_group=10)


def _axis(index: int, lean: float = 0.0, other: int = 3) -> np.ndarray:
    vector = np.zeros(4, dtype=np.float32)
    vector[index] = 1.0
    vector[other] += lean
    return vector


def _theme(theme_id: int, label: str, index: int, members: int, **kw: object) -> ThemeInput:
    return ThemeInput(
        theme_id,
        label,
        _axis(index),
        keywords=tuple(label.lower().split()),
        respondents=members,
        **kw,
    )  # type: ignore[arg-type]


def _units(theme_id: int, texts: list[str], start: int, week: str = "2026-W40") -> list[UnitInput]:
    return [UnitInput(t, start + i, theme_id, week) for i, t in enumerate(texts)]


def test_a_theme_matches_only_above_the_threshold() -> None:
    goals = [GoalView(1, "Master the expense system", "sponsor")]
    themes = [_theme(10, "Expense system", 0, 8), _theme(11, "Calendar conflicts", 1, 8)]
    close = np.array([[0.9, 0.1, 0.0, 0.0]], dtype=np.float32)
    links, scores = match(goals, themes, close)
    assert [link.theme_id for link in links[1]] == [10]
    assert scores[0, 1] < THRESHOLD <= scores[0, 0]
    far = np.array([[0.0, 0.0, 1.0, 0.0]], dtype=np.float32)
    assert match(goals, themes, far)[0][1] == ()


def test_a_match_is_explained_by_shared_key_phrases() -> None:
    theme = ThemeInput(
        1, "Expense system and receipts", _axis(0), keywords=("expense system", "receipt", "cost")
    )
    assert shared_phrases("Every assistant masters the expense system", theme)[0] == (
        "expense system"
    )
    # no key phrase in common: the goal's words that recur in the theme's units explain it
    assert shared_phrases("Grow careers", theme, ["career talk", "a career plan"]) == ("career",)
    assert shared_phrases("Grow careers", theme, ["receipts again"]) == ()


@pytest.mark.parametrize(
    ("members", "barrier", "progress", "expected"),
    [
        (0, 0, 0, "barely_raised"),
        (4, 4, 0, "barely_raised"),  # under the minimum group
        (10, 5, 1, "ahead_of_members"),
        (10, 5, 3, None),  # barriers, but progress too
        (10, 1, 0, None),  # few barriers
        (10, 0, 6, None),
    ],
)
def test_gap_rules(members: int, barrier: int, progress: int, expected: str | None) -> None:
    assert gaps.classify_gap(members, 40, barrier, progress, min_group=5) == expected


def test_barely_raised_also_counts_the_share_of_members() -> None:
    assert gaps.classify_gap(6, 100, 0, 3, min_group=5) == "barely_raised"


def test_goal_trend_compares_recent_weeks() -> None:
    totals = Counter({"2026-W38": 20, "2026-W39": 20, "2026-W40": 20, "2026-W41": 20})
    assert gaps.goal_trend(Counter({"2026-W40": 8, "2026-W41": 9}), totals) == "new"
    rising = Counter({"2026-W38": 1, "2026-W39": 1, "2026-W40": 8, "2026-W41": 9})
    assert gaps.goal_trend(rising, totals) == "rising"
    fading = Counter({"2026-W38": 9, "2026-W39": 8, "2026-W40": 1, "2026-W41": 1})
    assert gaps.goal_trend(fading, totals) == "fading"


def test_weekly_signals_hide_small_weeks() -> None:
    members = {"2026-W40": set(range(12)), "2026-W41": {1, 2}, "2026-W42": set(range(6))}
    barrier = {"2026-W40": set(range(6)), "2026-W41": {1}, "2026-W42": {0, 1, 2}}
    weekly = gaps.weekly_signals(members, barrier, {}, PRIVACY)
    assert weekly[0].barrier_share == 0.5 and weekly[0].members == 12
    assert weekly[0].progress_share == 0.0
    assert weekly[1].suppressed and weekly[1].members is None and weekly[1].barrier_share is None
    # three of six name a barrier: a group of three, so the share is withheld
    assert weekly[2].members == 6 and weekly[2].barrier_share is None


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [(0, 10, 0.0), (1, 10, None), (5, 10, 0.5), (6, 10, None), (10, 10, 1.0), (5, 4, None)],
    ids=["none", "one-member", "both-halves", "small-rest", "everyone", "small-group"],
)
def test_a_share_is_shown_only_when_part_and_rest_reach_the_minimum(
    part: int, whole: int, shown: float | None
) -> None:
    """Regression: "10% describe something in the way" of ten members singled out one member."""
    assert gaps.shown_share(part, whole, PRIVACY) == shown


BARRIERS = [
    "No time to learn the new expense tool.",
    "We had one short webinar and nobody trained us properly.",
    "I don't know where to start with the expense reports.",
    "The expense tool keeps rejecting my receipts.",
    "My expense ticket has been open for a week.",
    "Still no cheat sheet for the expense system.",
    "The expense system is fine I guess.",
]
CALENDAR = [f"My exec's calendar was double-booked on day {i}." for i in range(8)]


def _community() -> tuple[list[GoalView], list[ThemeInput], list[UnitInput], np.ndarray]:
    goals = [
        GoalView(1, "Master the expense system", "sponsor"),
        GoalView(2, "Earn a certification", "partner"),
    ]
    themes = [
        _theme(10, "Expense system", 0, 7, coherence=0.6),
        _theme(11, "Calendar conflicts", 1, 8, coherence=0.7),
    ]
    units = _units(10, BARRIERS, 0) + _units(11, CALENDAR, 100)
    vectors = np.array([[1.0, 0.0, 0.1, 0.0], [0.0, 0.0, 1.0, 0.0]], dtype=np.float32)
    return goals, themes, units, vectors


def test_a_goal_members_raise_as_a_barrier_is_ahead_of_them() -> None:
    goals, themes, units, vectors = _community()
    result = align(goals, themes, units, goal_vectors=vectors, privacy=PRIVACY)
    expense, certification = result.goals
    assert expense.gap == "ahead_of_members"
    # most of the seven name a barrier: the few who do not are a group under the minimum,
    # so the share is withheld and the reason says "some"
    assert expense.members == 7 and expense.barrier_share is None
    assert expense.progress_share == 0.0
    assert "Ahead of members' reality" in expense.reason and "no time" in expense.reason
    assert (
        "some describe something in the way" in expense.reason
        and "%" not in expense.reason.split("barrier:")[1].split("and")[0]
    )
    assert expense.quotes == ()  # seven members: fewer than the quote group
    assert certification.gap == "barely_raised" and certification.themes == ()


def test_a_strong_theme_no_goal_covers_is_reported() -> None:
    goals, themes, units, vectors = _community()
    uncovered = align(goals, themes, units, goal_vectors=vectors, privacy=PRIVACY).uncovered
    assert [u.theme_id for u in uncovered] == [11]
    assert "no goal covers it" in uncovered[0].reason and "8 members" in uncovered[0].reason


def test_a_mixed_bag_theme_is_not_offered_as_a_purpose() -> None:
    goals, themes, units, vectors = _community()
    themes[1] = _theme(11, "Calendar conflicts", 1, 8, coherence=0.3)
    assert align(goals, themes, units, goal_vectors=vectors, privacy=PRIVACY).uncovered == ()


def test_small_groups_show_no_figures() -> None:
    goals, themes, units, vectors = _community()
    few = [u for u in units if u.theme_id == 10][:4]
    themes[0] = _theme(10, "Expense system", 0, 4)
    expense = align(goals, themes, few, goal_vectors=vectors, privacy=PRIVACY).goals[0]
    assert expense.members is None and expense.barrier_share is None and expense.trend is None
    assert "fewer than 5 of the 4" in expense.reason or "fewer than 5" in expense.reason
    assert expense.barriers == ()


def test_without_goals_nothing_is_uncovered() -> None:
    _, themes, units, _ = _community()
    empty = np.zeros((0, 4), dtype=np.float32)
    result = align([], themes, units, goal_vectors=empty, privacy=PRIVACY)
    assert result.goals == () and result.uncovered == ()


def test_reasons_count_responses_where_some_carry_no_identifier() -> None:
    goals, themes, units, vectors = _community()
    result = align(goals, themes, units, goal_vectors=vectors, privacy=PRIVACY, noun="responses")
    expense = result.goals[0]
    assert "members who answered" not in expense.reason
    assert "responses" in expense.reason.split("write about")[0]
    [uncovered] = result.uncovered
    assert "8 responses" in uncovered.reason and "8 members" not in uncovered.reason
    assert "of all responses" in uncovered.reason
