"""Theme ranking: breadth over one loud member, figures, reasons and momentum (pure functions)."""

from __future__ import annotations

import pytest

from service.concerns.ranking import rank_themes, reason_line, theme_concern
from service.concerns.schemas import ScoredUnit


def _unit(theme: str, who: str, level: int, probability: float, **extra: object) -> ScoredUnit:
    return ScoredUnit(
        theme_id=theme, respondent_key=who, level=level, probability=probability, **extra
    )


def test_many_worried_members_outrank_one_loud_member() -> None:
    loud = [_unit("loud", "m1", 3, 0.99) for _ in range(10)]
    broad = [_unit("broad", f"m{i}", 2, 0.7) for i in range(5)]
    broad += [_unit("broad", f"calm{i}", 0, 0.05) for i in range(5)]
    ranked = rank_themes(loud + broad)
    assert [c.theme_id for c in ranked] == ["broad", "loud"]


def test_figures_of_one_theme() -> None:
    units = [
        _unit("t", "a", 3, 0.95),
        _unit("t", "a", 2, 0.7),
        _unit("t", "b", 2, 0.6),
        _unit("t", "c", 1, 0.3),
        _unit("t", "d", 0, 0.1),
    ]
    concern = theme_concern("t", units, label="Reorg")
    assert concern.units == 5
    assert concern.respondents == 4
    assert concern.concerned_respondents == 2
    assert concern.severe_respondents == 1
    assert concern.severe_units == 1
    assert concern.concern_share == pytest.approx(3 / 5)
    assert concern.mean_probability == pytest.approx((0.95 + 0.7 + 0.6 + 0.3 + 0.1) / 5)
    assert concern.intensity == pytest.approx(2.5)
    # breadth (0.95 * 1.5 + 0.6) * concentration (0.75 + 0.25 * 2/4), no periods: momentum 1
    assert concern.score == pytest.approx((0.95 * 1.5 + 0.6) * 0.875)


def test_reason_reads_like_a_facilitator_would_say_it() -> None:
    units = [
        _unit(
            "r",
            f"m{i}",
            3 if i < 3 else 2,
            0.9,
            segment=("EA", "PA", "OM")[i % 3],
            period="2026-W40",
        )
        for i in range(7)
    ]
    units += [_unit("r", "m0", 1, 0.3, period="2026-W37")]
    units += [_unit("r", f"calm{i}", 0, 0.1, segment="EA", period="2026-W37") for i in range(10)]
    units += [_unit("r", "early", 2, 0.8, segment="EA", period="2026-W37")]
    concern = theme_concern("r", units, label="The reorg")
    assert concern.reason == (
        "8 of 18 members voice worry about \u201cThe reorg\u201d across 3 roles; "
        "3 describe severe strain (lost sleep, fear for their job, burnout); "
        "up from 1 in 2026-W37."
    )


def test_rising_worry_scores_above_the_same_worry_that_is_fading() -> None:
    rising = [
        _unit("up", "a", 0, 0.1, period=1),
        _unit("up", "a", 2, 0.8, period=3),
        _unit("up", "b", 2, 0.8, period=3),
    ]
    fading = [
        _unit("down", "a", 2, 0.8, period=1),
        _unit("down", "b", 2, 0.8, period=1),
        _unit("down", "a", 0, 0.1, period=3),
    ]
    up, down = theme_concern("up", rising), theme_concern("down", fading)
    assert up.trend == 2 and down.trend == -2
    assert up.score > down.score
    assert "down from 2 in 1" in down.reason


def test_theme_sentiment_is_the_mean_of_the_units_that_have_one() -> None:
    units = [
        _unit("s", "a", 2, 0.8, sentiment=-0.6),
        _unit("s", "b", 0, 0.1, sentiment=0.2),
        _unit("s", "c", 0, 0.1),
    ]
    assert theme_concern("s", units).sentiment == pytest.approx(-0.2)
    assert theme_concern("s", units[2:]).sentiment is None


def test_theme_without_worry_scores_zero_and_says_so() -> None:
    concern = theme_concern("calm", [_unit("calm", f"m{i}", 1, 0.3) for i in range(3)])
    assert concern.score == 0.0
    assert concern.reason == "None of 3 members voices worry here."


def test_singular_wording() -> None:
    concern = theme_concern("x", [_unit("x", "a", 3, 0.9), _unit("x", "b", 0, 0.1)])
    assert reason_line(concern).startswith("1 of 2 members voices worry; 1 describes severe")


def test_ranking_is_deterministic_on_ties() -> None:
    units = [_unit("b", "m1", 2, 0.8), _unit("a", "m2", 2, 0.8)]
    assert [c.theme_id for c in rank_themes(units)] == ["a", "b"]
    assert rank_themes([]) == []


def test_labels_are_attached_by_theme_id() -> None:
    ranked = rank_themes([_unit(7, "m1", 2, 0.8)], labels={7: "Expense tool go-live"})
    assert ranked[0].label == "Expense tool go-live"
    assert "Expense tool go-live" in ranked[0].reason
