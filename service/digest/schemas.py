"""The digest's data: what it reads of stored rows, and what one recipient's digest says."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from service.privacy.thresholds import may_read_answers


@dataclass(frozen=True)
class ThemeRow:
    """What the digest reads of a stored theme: its figures, worry and goal gap."""

    label: str
    name: str | None = None
    keywords: tuple[str, ...] = ()
    id: int | None = None
    respondents: int | None = None
    suppressed: bool = False
    share: float | None = None
    trend: str = "steady"
    weekly: tuple[tuple[str, int | None], ...] = ()
    quotes: tuple[tuple[str, str | None], ...] = ()
    concern: Mapping[str, Any] | None = None
    goal_gap: Mapping[str, Any] | None = None


class SuggestionRow(Protocol):
    """What the digest reads of a stored agenda suggestion."""

    title: str
    why: str
    angles: list[Any]
    format: str
    session_date: datetime | None


@dataclass(frozen=True)
class Figure:
    """A count to show, or the note that stands in for it."""

    text: str
    value: int | None

    @property
    def suppressed(self) -> bool:
        """True when the count is withheld."""
        return self.value is None


@dataclass(frozen=True)
class Bar:
    """One CSS bar: a label, its figure and a width in pixels (0 when suppressed)."""

    label: str
    figure: Figure
    width: int


@dataclass(frozen=True)
class QuoteItem:
    """A redacted quote with its ISO week."""

    text: str
    week: str


@dataclass(frozen=True)
class ThemeItem:
    """A theme as the digest shows it."""

    name: str
    keywords: tuple[str, ...]
    trend: str
    members: Figure
    share: str | None
    width: int
    weeks: tuple[Bar, ...]
    quotes: tuple[QuoteItem, ...]


@dataclass(frozen=True)
class ConcernItem:
    """A theme on the "up at night" list."""

    name: str
    reason: str
    worried: Figure
    severe: Figure | None


@dataclass(frozen=True)
class SuggestionItem:
    """An agenda suggestion, awaiting the committee or accepted for a session."""

    title: str
    why: str
    angles: tuple[str, ...]
    format: str
    session_date: str | None


@dataclass(frozen=True)
class Measure:
    """The latest weekly figure of satisfaction, NPS or attendance."""

    label: str
    week: str
    value: str
    responses: Figure
    change: str | None


@dataclass(frozen=True)
class ParticipationItem:
    """Who took part in the latest week, and the active members of recent weeks as bars."""

    week: str
    active: Figure
    first_time: Figure
    returning: Figure
    lapsed: Figure
    response_rate: str | None
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class GoalItem:
    """A goal as the digest shows it: where members stand on it, and why."""

    text: str
    owner: str
    status: str
    reason: str


@dataclass(frozen=True)
class UncoveredItem:
    """A strong member theme that no goal covers."""

    name: str
    reason: str


@dataclass(frozen=True)
class SaidDidItem:
    """What a session did with a topic members raised: "you said" -> "we did"."""

    said: str
    did: str
    next_step: str
    session_date: str


@dataclass(frozen=True)
class PollItem:
    """The latest members' poll: where members answer, how many did, what they rank first."""

    url: str
    open: bool
    answered: int | None  # None under the minimum group
    closes: str | None
    top: tuple[str, ...] = ()
    """Topics by members' ranking, best first: only from the minimum group of answers."""


GOAL_STATUS = {
    "ahead_of_members": "Ahead of members' reality: start from where they are",
    "barely_raised": "Members barely raise it",
    None: "Members are working on it",
}
MAX_GOALS = 5


@dataclass(frozen=True)
class DigestContent:
    """Everything one digest says, for one community, role and period."""

    community_name: str
    slug: str
    period: str
    period_label: str
    role: str
    dashboard_url: str
    min_group: int
    suppressed_note: str
    analysed: bool
    new: tuple[ThemeItem, ...]
    rising: tuple[ThemeItem, ...]
    fading: tuple[ThemeItem, ...]
    steady: int
    concerns: tuple[ConcernItem, ...]
    awaiting: tuple[SuggestionItem, ...]
    more_awaiting: int
    agenda: tuple[SuggestionItem, ...]
    measures: tuple[Measure, ...]
    participation: ParticipationItem | None
    goals: tuple[GoalItem, ...] = ()
    uncovered: tuple[UncoveredItem, ...] = ()
    said_did: tuple[SaidDidItem, ...] = ()
    poll: PollItem | None = None
    """The latest session's outcomes ("you said, we did"), when it was held lately."""
    data_week: str | None = None
    """The latest week with answers up to ``period``: the week the digest describes and names
    (``period``, the week it is sent in, only keys the send log)."""

    @property
    def week_phrase(self) -> str:
        """ "This week", or "In week 42, the latest with answers" when the answers end earlier."""
        if self.data_week is None or self.data_week == self.period:
            return "This week"
        return f"In week {self.data_week.split('-W')[-1].lstrip('0')}, the latest with answers"

    @property
    def quotes_allowed(self) -> bool:
        """Whether this role's copy may carry quotes."""
        return may_read_answers(self.role)
