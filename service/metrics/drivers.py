"""Driver analysis: which themes and concern levels go with lower satisfaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Driver:
    """How satisfaction differs between members who raised something and those who did not."""

    factor: str
    with_n: int
    without_n: int
    difference: float  # mean(with) - mean(without), in the question's points
    low: float  # 95% bootstrap interval of the difference
    high: float
    effect_size: float  # Cohen's d

    def sentence(self, scale: str = "points") -> str:
        """The finding for a non-statistician."""
        direction = "lower" if self.difference < 0 else "higher"
        certain = self.high < 0 or self.low > 0
        confidence = (
            "the data clearly shows this"
            if certain
            else "this could be chance: the range includes no difference"
        )
        return (
            f"Members who raised “{self.factor}” rated sessions {abs(self.difference):.1f} "
            f"{scale} {direction} on average (likely between {self.low:+.1f} and "
            f"{self.high:+.1f}); {confidence}."
        )


def difference(
    with_values: Sequence[float],
    without_values: Sequence[float],
    *,
    seed: int = 0,
    draws: int = 2000,
) -> tuple[float, float, float, float]:
    """Mean difference, its 95% bootstrap interval, and Cohen's d."""
    a, b = np.asarray(with_values, float), np.asarray(without_values, float)
    diff = float(a.mean() - b.mean())
    rng = np.random.default_rng(seed)
    boot = rng.choice(a, (draws, a.size)).mean(axis=1) - rng.choice(b, (draws, b.size)).mean(axis=1)
    low, high = np.percentile(boot, [2.5, 97.5])
    pooled = (
        np.sqrt(
            ((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1))
            / max(1, a.size + b.size - 2)
        )
        if a.size > 1 and b.size > 1
        else 0.0
    )
    effect = diff / pooled if pooled > 0 else 0.0
    return diff, float(low), float(high), float(effect)


def drivers(
    satisfaction: Mapping[int, float],
    factors: Mapping[str, set[int]],
    *,
    min_group: int,
    seed: int = 0,
) -> list[Driver]:
    """For each factor (theme, concern level), compare members with it to members without it.

    ``satisfaction`` maps member to their mean satisfaction; a factor is kept only when both
    groups have at least ``min_group`` members (the confidentiality rule for any group figure).
    Sorted with the most negative differences first.
    """
    found = []
    for factor, members in factors.items():
        with_values = [satisfaction[m] for m in members if m in satisfaction]
        without_values = [v for m, v in satisfaction.items() if m not in members]
        if len(with_values) < min_group or len(without_values) < min_group:
            continue
        diff, low, high, effect = difference(with_values, without_values, seed=seed)
        found.append(
            Driver(
                factor,
                len(with_values),
                len(without_values),
                round(diff, 3),
                round(low, 3),
                round(high, 3),
                round(effect, 3),
            )
        )
    return sorted(found, key=lambda d: d.difference)
