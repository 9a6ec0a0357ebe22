"""Themes over time: weekly counts and shares, and a trend decided by a significance test.

Trend of a theme, comparing the latest ``recent_weeks`` weeks with all earlier weeks (the
baseline):

- ``new``: the theme has units in the recent window and none in the baseline;
- ``rising`` / ``fading``: its share of all units differs between the two periods by a
  two-sided Fisher exact test on the 2x2 table (theme / other units) x (recent / baseline),
  after Benjamini-Hochberg correction across the themes tested together, at ``alpha``; and the
  share changed by at least ``min_ratio`` either way; and the test has enough data: at least
  ``min_count`` units of the theme in both periods together;
- ``steady``: everything else, including too little data to tell.

Fisher's test is exact for the small counts of a 20-member group and agrees with the
two-proportion z-test for large ones; the correction keeps one theme in twenty from "rising" by
chance every week in a community with twenty themes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.stats import fisher_exact

Trend = Literal["new", "rising", "steady", "fading"]


@dataclass(frozen=True)
class WeekCount:
    """One week of one theme: its units, all units that week, and its share."""

    week: str
    count: int
    total: int

    @property
    def share(self) -> float:
        """``count / total`` (0 for a week without units)."""
        return self.count / self.total if self.total else 0.0


@dataclass(frozen=True)
class TrendTest:
    """The evidence behind a trend."""

    trend: Trend
    recent_share: float
    baseline_share: float
    p_value: float | None


def weekly_counts(
    pairs: Iterable[tuple[Hashable, str]], totals: Mapping[str, int]
) -> dict[Hashable, list[WeekCount]]:
    """Count units per theme and week.

    Args:
        pairs: ``(theme, week)`` for each unit with a theme; weeks as sortable labels such as
            ``"2025-W07"``.
        totals: All units (themed or not) per week; its keys define the weeks reported.

    Returns:
        For each theme, one :class:`WeekCount` per week of ``totals``, oldest first (zero
        counts included).
    """
    counts = Counter(pairs)
    weeks = sorted(totals)
    themes = sorted({theme for theme, _ in counts}, key=str)
    return {
        theme: [WeekCount(week, counts.get((theme, week), 0), totals[week]) for week in weeks]
        for theme in themes
    }


def _split(series: Sequence[WeekCount], recent_weeks: int) -> tuple[int, int, int, int]:
    recent, baseline = series[-recent_weeks:], series[:-recent_weeks]
    return (
        sum(w.count for w in recent),
        sum(w.total for w in recent),
        sum(w.count for w in baseline),
        sum(w.total for w in baseline),
    )


def trend_p_value(series: Sequence[WeekCount], *, recent_weeks: int = 1) -> float | None:
    """Two-sided Fisher exact p-value of recent vs baseline share; ``None`` if untestable."""
    r_count, r_total, b_count, b_total = _split(series, recent_weeks)
    if r_total == 0 or b_total == 0:
        return None
    table = [[r_count, r_total - r_count], [b_count, b_total - b_count]]
    return float(fisher_exact(table, alternative="two-sided").pvalue)


def benjamini_hochberg(p_values: Sequence[float]) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (step-up, monotone, capped at 1)."""
    p = np.asarray(p_values, dtype=np.float64)
    if p.size == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * p.size / np.arange(1, p.size + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    result = np.empty_like(p)
    result[order] = np.minimum(adjusted, 1.0)
    return result


def classify_trends(
    series_by_theme: Mapping[Hashable, Sequence[WeekCount]],
    *,
    recent_weeks: int = 1,
    alpha: float = 0.05,
    min_count: int = 5,
    min_ratio: float = 1.25,
) -> dict[Hashable, TrendTest]:
    """The trend of every theme (see the module docstring), tested together."""
    tests: dict[Hashable, TrendTest] = {}
    testable: dict[Hashable, float] = {}
    for theme, series in series_by_theme.items():
        r_count, r_total, b_count, b_total = _split(series, recent_weeks)
        recent = r_count / r_total if r_total else 0.0
        baseline = b_count / b_total if b_total else 0.0
        p_value = trend_p_value(series, recent_weeks=recent_weeks)
        if r_count > 0 and b_count == 0:
            tests[theme] = TrendTest("new", recent, baseline, p_value)
            continue
        tests[theme] = TrendTest("steady", recent, baseline, p_value)
        changed = recent >= baseline * min_ratio or recent * min_ratio <= baseline
        if p_value is not None and r_count + b_count >= min_count and changed:
            testable[theme] = p_value
    adjusted = benjamini_hochberg(list(testable.values()))
    for (theme, _), q_value in zip(testable.items(), adjusted, strict=True):
        if q_value < alpha:
            test = tests[theme]
            trend: Trend = "rising" if test.recent_share > test.baseline_share else "fading"
            tests[theme] = TrendTest(trend, test.recent_share, test.baseline_share, test.p_value)
    return tests
