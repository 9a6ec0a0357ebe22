"""Weekly counts and significance-tested trends."""

from __future__ import annotations

import numpy as np
import pytest

from service.themes.trends import (
    WeekCount,
    benjamini_hochberg,
    classify_trends,
    weekly_counts,
)

WEEKS = [f"2025-W{w:02d}" for w in range(1, 9)]


def _series(counts: list[int], totals: list[int]) -> list[WeekCount]:
    return [WeekCount(w, c, t) for w, c, t in zip(WEEKS, counts, totals, strict=False)]


def test_weekly_counts_fill_missing_weeks_with_zero() -> None:
    pairs = [("a", "2025-W01"), ("a", "2025-W01"), ("b", "2025-W02"), ("a", "2025-W03")]
    totals = {"2025-W01": 10, "2025-W02": 5, "2025-W03": 4}
    series = weekly_counts(pairs, totals)
    assert [(w.week, w.count, w.total) for w in series["a"]] == [
        ("2025-W01", 2, 10),
        ("2025-W02", 0, 5),
        ("2025-W03", 1, 4),
    ]
    assert series["a"][0].share == pytest.approx(0.2)
    assert [w.count for w in series["b"]] == [0, 1, 0]


def test_rising_is_detected_on_a_constructed_series() -> None:
    series = {"vpn": _series([5, 6, 4, 5, 6, 5, 4, 30], [100] * 8)}
    test = classify_trends(series)["vpn"]
    assert test.trend == "rising"
    assert test.recent_share == pytest.approx(0.30)
    assert test.p_value < 1e-6


def test_fading_is_detected() -> None:
    series = {"rota": _series([30, 28, 31, 29, 30, 32, 30, 5], [100] * 8)}
    assert classify_trends(series)["rota"].trend == "fading"


def test_noise_is_steady() -> None:
    rng = np.random.default_rng(3)
    totals = [200] * 8
    series = {
        f"theme{i}": _series(rng.binomial(200, 0.1, size=8).tolist(), totals) for i in range(20)
    }
    trends = {test.trend for test in classify_trends(series).values()}
    assert trends == {"steady"}


def test_a_theme_seen_only_recently_is_new() -> None:
    series = {"parking": _series([0, 0, 0, 0, 0, 0, 0, 3], [50] * 8)}
    assert classify_trends(series)["parking"].trend == "new"


def test_small_counts_stay_steady_even_when_the_share_jumps() -> None:
    series = {"kitchen": _series([0, 1, 0, 0, 0, 0, 0, 2], [10] * 8)}
    assert classify_trends(series, min_count=5)["kitchen"].trend == "steady"


def test_large_difference_without_significance_is_steady() -> None:
    series = {"x": _series([1, 1, 1, 1, 1, 1, 1, 3], [20] * 8)}
    assert classify_trends(series)["x"].trend == "steady"


def test_two_recent_weeks_can_be_compared() -> None:
    series = {"vpn": _series([5, 5, 5, 5, 5, 5, 20, 22], [100] * 8)}
    assert classify_trends(series, recent_weeks=2)["vpn"].trend == "rising"


def test_benjamini_hochberg_matches_a_hand_computation() -> None:
    adjusted = benjamini_hochberg([0.01, 0.04, 0.03, 0.5])
    assert adjusted.tolist() == pytest.approx([0.04, 0.0533333, 0.0533333, 0.5])
