"""What the goals core reads (goals, themes, units) and what it produces (alignments, gaps)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

GAP_KINDS = ("barely_raised", "ahead_of_members")
"""``barely_raised``: few members write about the goal. ``ahead_of_members``: members who write
about it mostly describe what is in the way (the goal is ahead of their current reality)."""


@dataclass(frozen=True)
class GoalView:
    """A stakeholder's goal."""

    id: int
    text: str
    owner: str
    target_date: str | None = None


@dataclass(frozen=True)
class ThemeInput:
    """An active theme: its centroid in the embedder's space and its stored summary."""

    id: int
    label: str
    centroid: np.ndarray
    keywords: tuple[str, ...] = ()
    respondents: int | None = None
    suppressed: bool = False
    trend: str = "steady"
    share: float = 0.0
    quotes: tuple[Mapping[str, Any], ...] = ()
    coherence: float | None = None
    """Mean cosine similarity of the theme's units to its centroid (None when unknown)."""


@dataclass(frozen=True)
class UnitInput:
    """One redacted unit of member text with its theme, week and concern level."""

    text: str
    respondent_id: int
    theme_id: int | None
    week: str = ""
    concern_level: int | None = None


@dataclass(frozen=True)
class ThemeLink:
    """A theme that speaks to a goal, how close it is, and the key phrases they share."""

    theme_id: int
    label: str
    similarity: float
    shared: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.theme_id,
            "label": self.label,
            "similarity": round(self.similarity, 3),
            "shared": list(self.shared),
        }


@dataclass(frozen=True)
class WeekSignals:
    """One week of a goal: members who raised it, and the shares naming barriers or progress.

    The shares are None (``suppressed``) when fewer than the minimum group raised it that week.
    """

    week: str
    members: int | None
    barrier_share: float | None
    progress_share: float | None
    suppressed: bool

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "week": self.week,
            "members": self.members,
            "barrier_share": self.barrier_share,
            "progress_share": self.progress_share,
            "suppressed": self.suppressed,
        }


@dataclass(frozen=True)
class GoalAlignment:
    """What members' writing says about one goal (figures under the minimum group are None)."""

    goal: GoalView
    themes: tuple[ThemeLink, ...]
    members: int | None
    barrier_share: float | None
    progress_share: float | None
    concern_share: float | None
    trend: str | None
    gap: str | None
    reason: str
    barriers: tuple[str, ...] = ()
    progress: tuple[str, ...] = ()
    quotes: tuple[Mapping[str, str], ...] = ()
    weekly: tuple[WeekSignals, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        """The ``analyze --json`` shape."""
        return {
            "id": self.goal.id,
            "text": self.goal.text,
            "owner": self.goal.owner,
            "themes": [t.as_dict() for t in self.themes],
            "members": self.members,
            "barrier_share": self.barrier_share,
            "progress_share": self.progress_share,
            "trend": self.trend,
            "gap": self.gap,
            "reason": self.reason,
        }

    def as_dict(self) -> dict[str, Any]:
        """Everything, as stored with the goal and shown by the API."""
        return {
            **self.public(),
            "concern_share": self.concern_share,
            "barriers": list(self.barriers),
            "progress": list(self.progress),
            "quotes": [dict(q) for q in self.quotes],
            "weekly": [w.as_dict() for w in self.weekly],
            "evidence": dict(self.evidence),
        }


@dataclass(frozen=True)
class UncoveredTheme:
    """A strong member theme that no goal covers."""

    theme_id: int
    label: str
    members: int
    share_of_members: float
    trend: str
    reason: str
    keywords: tuple[str, ...] = ()
    quotes: tuple[Mapping[str, str], ...] = ()
    closest_goal: int | None = None
    closest_similarity: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "theme_id": self.theme_id,
            "label": self.label,
            "members": self.members,
            "share_of_members": self.share_of_members,
            "trend": self.trend,
            "gap": "uncovered_theme",
            "reason": self.reason,
            "keywords": list(self.keywords),
            "quotes": [dict(q) for q in self.quotes],
            "closest_goal": self.closest_goal,
            "closest_similarity": self.closest_similarity,
        }


@dataclass(frozen=True)
class Alignment:
    """One analysis's alignment of goals and member themes."""

    goals: tuple[GoalAlignment, ...]
    uncovered: tuple[UncoveredTheme, ...]
    threshold: float
