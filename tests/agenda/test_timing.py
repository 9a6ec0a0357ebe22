"""The trend test for short weekly series, recency and "past its peak" (service.agenda.timing)."""

from __future__ import annotations

import pytest

from service.agenda import timing
from service.themes.trends import WeekCount, classify_trends

UNITS = [107, 139, 116, 131, 121, 132]
"""Answer units per week of the sample community's six weeks."""
FLAT = [[10, 16, 7, 8, 7, 10], [7, 9, 8, 12, 2, 9], [6, 4, 2, 3, 2, 5], [3, 5, 7, 6, 5, 1]]
JOB_SECURITY = [2, 1, 0, 4, 10, 4]


def test_a_six_week_rise_is_rising_where_the_old_test_saw_nothing() -> None:
    # on the sample every theme was "steady": one latest week against the rest cannot see it
    series = [(c, UNITS) for c in [*FLAT, JOB_SECURITY]]
    assert timing.classify(series)[-1].trend == "rising"
    old = classify_trends(
        {
            i: [WeekCount(str(w), c, e) for w, (c, e) in enumerate(zip(*s, strict=True))]
            for i, s in enumerate(series)
        }
    )
    assert old[len(series) - 1].trend == "steady"


def test_more_answers_alone_is_not_a_rise() -> None:
    # twice the answers, twice the mentions: the same rate, so not rising
    units = [50, 60, 80, 100, 150, 200]
    counts = [5, 6, 8, 10, 15, 20]
    assert timing.classify([(counts, units), *[(c, UNITS) for c in FLAT]])[0].trend == "steady"
    assert timing.slope_test(counts, [1] * 6).trend == "rising"  # counted without exposure


@pytest.mark.parametrize(
    ("counts", "trend"),
    [([0, 0, 0, 0, 0, 6], "new"), ([12, 10, 6, 3, 1, 0], "fading"), ([1, 0, 1, 0], "steady")],
)
def test_other_trends(counts: list[int], trend: str) -> None:
    assert timing.classify([(counts, UNITS[: len(counts)])])[0].trend == trend


def test_recency_factor_is_one_for_a_flat_series_and_follows_the_latest_weeks() -> None:
    assert timing.recency_factor([5, 5, 5, 5], [100] * 4) == pytest.approx(1.0)
    assert timing.recency_factor([1, 1, 5, 9], [100] * 4) > 1.2
    assert timing.recency_factor([9, 5, 1, 1], [100] * 4) < 0.8


def test_past_peak_needs_the_latest_weeks_well_below_the_peak_share() -> None:
    weekly = [("w1", 3), ("w2", 11), ("w3", 8), ("w4", 2), ("w5", 0)]
    peak = timing.past_peak(weekly)
    assert peak is not None and (peak.week, peak.count, peak.recent) == ("w2", 11, 2)
    # the same counts in weeks with far fewer answers lately: the share did not fall
    totals = {"w1": 100, "w2": 100, "w3": 100, "w4": 15, "w5": 10}
    assert (
        timing.past_peak([("w1", 3), ("w2", 11), ("w3", 8), ("w4", 2), ("w5", 1)], totals) is None
    )
    assert timing.past_peak([("w1", 3), ("w2", 11), ("w3", 8), ("w4", 7), ("w5", 9)]) is None


def test_a_theme_picking_up_again_is_not_past_its_peak() -> None:
    # the sample's "Colleague and morale": 9 mentions in W40, then 3 and 5 (two thirds worried)
    weekly = list(zip(["w1", "w2", "w3", "w4", "w5", "w6"], [1, 1, 0, 9, 3, 5], strict=True))
    totals = dict(zip(["w1", "w2", "w3", "w4", "w5", "w6"], UNITS, strict=True))
    assert timing.past_peak(weekly, totals) is None
