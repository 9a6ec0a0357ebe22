"""What the concern scorer and the theme ranking produce: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

LEVELS: tuple[str, ...] = ("none", "mild", "clear worry", "severe")
"""Concern levels by number: 0 none, 1 mild, 2 clear worry, 3 severe."""

WORRY_LEVEL = 2
"""A unit "carries worry" from this level on; ``ConcernScore.probability`` is P(level >= 2)."""

SEVERE_LEVEL = 3


@dataclass(frozen=True)
class ConcernScore:
    """The concern of one unit.

    Attributes:
        level: 0 none, 1 mild, 2 clear worry, 3 severe (sleep loss, fear for one's job,
            burnout, dread). It is the highest level whose cumulative probability reaches the
            model's cut point for it (0.5 in v1: the median level), so ``level >= 2`` exactly
            when ``probability`` reaches the level-2 cut point.
        probability: Probability that the unit carries worry (level 2 or 3), in [0, 1].
        sentiment: Valence in [-1, 1], from a separate head: negative is not the same as worried.
    """

    level: int
    probability: float
    sentiment: float

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True)
class ScoredUnit:
    """One scored unit as the ranking sees it.

    Attributes:
        theme_id: The theme the unit belongs to (any hashable id; units without a theme are
            left out by the caller).
        respondent_key: A pseudonymous key of the member who wrote it.
        level: The unit's concern level, 0-3.
        probability: The unit's worry probability, P(level >= 2).
        segment: Optional group of the respondent (role, department) for breadth across groups.
        period: Optional sortable period (ISO week "2026-W37", a date) for the trend.
        sentiment: Optional sentiment of the unit in [-1, 1], averaged per theme.
    """

    theme_id: Any
    respondent_key: str
    level: int
    probability: float
    segment: str | None = None
    period: Any = None
    sentiment: float | None = None


@dataclass(frozen=True)
class ThemeConcern:
    """How much worry one theme carries, with the reason shown to a facilitator.

    Attributes:
        theme_id: The theme.
        label: The theme's readable label ("" when none was given).
        score: The ranking score (higher first): breadth of worried members, weighted by
            intensity, concentration and momentum. Comparable within one ranking only.
        units: Units in the theme.
        respondents: Distinct members with a unit in the theme.
        concerned_respondents: Distinct members with at least one unit at level 2 or more.
        severe_respondents: Distinct members with at least one unit at level 3.
        concern_share: Share of the theme's units at level 2 or more.
        mean_probability: Mean worry probability over the theme's units.
        intensity: Mean of each concerned member's highest level, in [2, 3] (0 when none).
        severe_units: Units at level 3.
        segments: Distinct segments among the concerned members.
        trend: Concerned members in the latest period minus the first period (0 without periods).
        first_period: The first period seen in the theme (None without periods).
        first_period_concerned: Concerned members in the first period.
        sentiment: Mean sentiment of the units that carry one (None when none does).
        reason: One plain-language line.
    """

    theme_id: Any
    label: str
    score: float
    units: int
    respondents: int
    concerned_respondents: int
    severe_respondents: int
    concern_share: float
    mean_probability: float
    intensity: float
    severe_units: int
    segments: int
    trend: int
    first_period: Any
    first_period_concerned: int
    sentiment: float | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return asdict(self)
