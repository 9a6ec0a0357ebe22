"""What the program value report says: plain data, shaped under the confidentiality rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from service.privacy.thresholds import may_read_answers


@dataclass(frozen=True)
class MeasureSeries:
    """A weekly measure over the period: its chart, and its first and last shown values."""

    key: str
    label: str
    chart: str
    first: str | None
    last: str | None
    weeks_shown: int
    weeks_withheld: int


@dataclass(frozen=True)
class Participation:
    """Active members per week over the period, and what the latest week says."""

    chart: str
    weeks: int
    weeks_withheld: int
    latest_week: str
    latest_active: str
    peak: str | None
    noun: str


@dataclass(frozen=True)
class ValuedTheme:
    """A theme members raised in the period, with its figures (or the note) and its quote."""

    name: str
    members: str
    share: str | None
    trend: str
    raised_in_period: str
    quote: str | None = None


@dataclass(frozen=True)
class ImpactQuestion:
    """A question about value or impact, and the themes of members' answers to it."""

    question: str
    themes: tuple[ValuedTheme, ...]
    withheld: int


@dataclass(frozen=True)
class WorryItem:
    """A theme members sounded worried about, and how it moved."""

    name: str
    worried: str
    movement: str
    reason: str


@dataclass(frozen=True)
class GoalProgress:
    """A program goal and where members stand on it."""

    text: str
    owner: str
    status: str
    reason: str


@dataclass(frozen=True)
class SessionHeld:
    """A session held in the period, from the accepted agenda."""

    day: str
    title: str
    format: str


@dataclass(frozen=True)
class Loop:
    """A "you said, we did" entry: what members raised, what was discussed, what was done."""

    day: str
    said: str
    discussed: str
    action: str


@dataclass(frozen=True)
class ReportContent:
    """Everything the report says for one community, period and reader role."""

    community_name: str
    slug: str
    start: date
    end: date
    role: str
    generated: date
    min_group: int
    suppressed_note: str
    participation: Participation | None
    measures: tuple[MeasureSeries, ...]
    themes: tuple[ValuedTheme, ...]
    worries: tuple[WorryItem, ...]
    goals: tuple[GoalProgress, ...]
    sessions: tuple[SessionHeld, ...]
    loops: tuple[Loop, ...]
    withheld_themes: int = 0
    impact: tuple[ImpactQuestion, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def period_label(self) -> str:
        """``1 September – 30 November 2026``."""
        start = f"{self.start.day} {self.start:%B}"
        if self.start.year != self.end.year:
            start += f" {self.start.year}"
        return f"{start} \u2013 {self.end.day} {self.end:%B %Y}"

    @property
    def quotes_allowed(self) -> bool:
        """Whether this reader's copy may carry members' words."""
        return may_read_answers(self.role)
