"""Shape the program value report from stored figures, under the confidentiality rules.

The figures are the dashboard's own (:func:`service.analysis.metrics.community_metrics` and the
stored themes), cut to the period's ISO weeks. A group under the minimum size is never a number,
a point on a chart, a bar or a trend: the charts leave a gap and say "withheld". Themes that are
themselves under the minimum are not named, only counted. Quotes appear only for readers who may
read members' words, never from a withheld theme, and never when they narrow to a tiny group.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from service.digest.content import count_figure, theme_name
from service.digest.figures import shown
from service.digest.schemas import GOAL_STATUS, SuggestionRow, ThemeRow
from service.privacy.thresholds import NARROWING, Confidentiality, iso_week, may_read_answers
from service.report.charts import Point, bar_chart, line_chart
from service.report.schemas import (
    GoalProgress,
    ImpactQuestion,
    Loop,
    MeasureSeries,
    Participation,
    ReportContent,
    SessionHeld,
    ValuedTheme,
    WorryItem,
)

MAX_THEMES = 8
# A question that asks what members valued or what changed in their work.
IMPACT_QUESTION = re.compile(
    r"\b(?:valu|useful|helpful|helped|impact|chang|differen|appl(?:y|ied)|learn|took away|"
    r"takeaway|benefit|gain|improv)",
    re.IGNORECASE,
)
MAX_WORRIES = 6
_MEASURES = (
    ("satisfaction", "Satisfaction (average rating)", None, None, "{:.1f}"),
    ("attendance", "Attendance", 0.0, 1.0, "{:.0%}"),
    ("nps", "Net Promoter Score", None, None, "{:+.0f}"),
)


@dataclass(frozen=True)
class Period:
    """The report's dates and the ISO weeks they cover."""

    start: date
    end: date

    @property
    def first_week(self) -> str:
        """The ISO week of the first day."""
        return iso_week(self.start)

    @property
    def last_week(self) -> str:
        """The ISO week of the last day."""
        return iso_week(self.end)

    def holds_week(self, week: object) -> bool:
        """Whether an ISO week string falls in the period."""
        text = str(week)
        return "-W" in text and self.first_week <= text <= self.last_week

    def holds_day(self, when: date | datetime | None) -> bool:
        """Whether a date falls in the period."""
        if when is None:
            return False
        day = when.date() if isinstance(when, datetime) else when
        return self.start <= day <= self.end


def build_report(
    *,
    community_name: str,
    slug: str,
    period: Period,
    role: str,
    privacy: Confidentiality,
    metrics: Mapping[str, Any],
    themes: Sequence[ThemeRow],
    goals: Sequence[Mapping[str, Any]] = (),
    sessions: Sequence[SuggestionRow] = (),
    outcomes: Sequence[Mapping[str, Any]] = (),
    generated: date,
    counted_as: str = "members",
    question_themes: Mapping[str, Sequence[ThemeRow]] | None = None,
) -> ReportContent:
    """The report for ``role`` over ``period`` (every argument is already read from storage).

    ``question_themes`` are the themes of each question with its own, by question text: those
    of questions about value or impact (:data:`IMPACT_QUESTION`) make "What changed in members'
    work"."""
    quoting = may_read_answers(role)
    valued, withheld = _valued_themes(privacy, themes, period, quoting=quoting)
    return ReportContent(
        community_name=community_name,
        slug=slug,
        start=period.start,
        end=period.end,
        role=role,
        generated=generated,
        min_group=privacy.min_group,
        suppressed_note=privacy.note(),
        participation=_participation(metrics.get("participation") or (), period, counted_as),
        measures=_measures(metrics.get("weekly") or {}, period),
        themes=valued,
        withheld_themes=withheld,
        impact=_impact(privacy, question_themes or {}, period, quoting=quoting),
        worries=_worries(privacy, themes),
        goals=_goals(goals),
        sessions=tuple(
            SessionHeld(_day(s.session_date), s.title.strip(), (s.format or "").replace("_", " "))
            for s in sorted(sessions, key=lambda s: s.session_date or datetime.min)
            if period.holds_day(s.session_date)
        ),
        loops=tuple(
            Loop(
                _day(date.fromisoformat(str(o["session_date"]))),
                str(o.get("said") or "").strip(),
                str(o.get("discussed") or "").strip(),
                str(o.get("action") or "").strip(),
            )
            for o in outcomes
            if period.holds_day(date.fromisoformat(str(o["session_date"])))
        ),
    )


def _day(when: date | datetime | None) -> str:
    return f"{when:%a} {when.day} {when:%B %Y}" if when else ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _participation(
    rows: Sequence[Mapping[str, Any]], period: Period, noun: str
) -> Participation | None:
    inside = [r for r in rows if isinstance(r, Mapping) and period.holds_week(r.get("week"))]
    if not inside:
        return None
    points = [Point(str(r["week"]), _number(r.get("active"))) for r in inside]
    values = [p.value for p in points if p.value is not None]
    latest = points[-1]
    return Participation(
        chart=bar_chart(points, title=f"Active {noun} per week"),
        weeks=len(points),
        weeks_withheld=sum(1 for p in points if p.value is None),
        latest_week=latest.week,
        latest_active=str(inside[-1].get("active")),
        peak=f"{max(values):.0f}" if values else None,
        noun=noun,
    )


def _measures(weekly: Mapping[str, Any], period: Period) -> tuple[MeasureSeries, ...]:
    out = []
    for key, label, low, high, fmt in _MEASURES:
        cells = [
            c
            for c in weekly.get(key) or ()
            if isinstance(c, Mapping) and period.holds_week(c.get("week"))
        ]
        if not cells:
            continue
        points = [
            Point(str(c["week"]), None if c.get("suppressed") else _number(c.get("value")))
            for c in cells
        ]
        values = [p.value for p in points if p.value is not None]
        out.append(
            MeasureSeries(
                key=key,
                label=label,
                chart=line_chart(points, title=label, low=low, high=high, fmt=fmt),
                first=shown(values[0], key) if values else None,
                last=shown(values[-1], key) if values else None,
                weeks_shown=len(values),
                weeks_withheld=len(points) - len(values),
            )
        )
    return tuple(out)


def _visible(privacy: Confidentiality, theme: ThemeRow) -> bool:
    return not theme.suppressed and not count_figure(privacy, theme.respondents).suppressed


def _raised(theme: ThemeRow, period: Period) -> tuple[int | None, bool]:
    """Mentions in the period's weeks (None when a week was withheld), and whether dated."""
    inside = [count for week, count in theme.weekly if period.holds_week(week)]
    if not inside:
        return None, bool(theme.weekly)
    if any(count is None for count in inside):
        return None, True
    return sum(int(c or 0) for c in inside), True


def _valued_themes(
    privacy: Confidentiality, themes: Sequence[ThemeRow], period: Period, *, quoting: bool
) -> tuple[tuple[ValuedTheme, ...], int]:
    """The visible themes members raised in the period, largest first; the withheld count."""
    ranked: list[tuple[int, int, ValuedTheme]] = []
    withheld = 0
    for theme in themes:
        if not _visible(privacy, theme):
            withheld += 1
            continue
        raised, dated = _raised(theme, period)
        if dated and raised == 0:
            continue  # not raised in this period
        if dated and raised is None and not any(period.holds_week(w) for w, _ in theme.weekly):
            continue  # all its weeks fall outside the period
        members = count_figure(privacy, theme.respondents, "members")
        quote = next(
            (
                text.strip()[:280]
                for text, _ in theme.quotes
                if text and quoting and not NARROWING.search(text)
            ),
            None,
        )
        ranked.append(
            (
                -(raised or 0),
                -(members.value or 0),
                ValuedTheme(
                    name=theme_name(theme),
                    members=members.text,
                    share=f"{theme.share:.0%}" if isinstance(theme.share, int | float) else None,
                    trend=theme.trend or "steady",
                    raised_in_period=(
                        f"{raised} mentions" if raised is not None else privacy.note()
                    )
                    if dated
                    else "not dated",
                    quote=quote,
                ),
            )
        )
    ranked.sort(key=lambda item: (item[0], item[1], item[2].name))
    return tuple(item for *_, item in ranked[:MAX_THEMES]), withheld


def _impact(
    privacy: Confidentiality,
    question_themes: Mapping[str, Sequence[ThemeRow]],
    period: Period,
    *,
    quoting: bool,
) -> tuple[ImpactQuestion, ...]:
    out = []
    for question, rows in question_themes.items():
        if not IMPACT_QUESTION.search(question):
            continue
        shown, withheld = _valued_themes(privacy, rows, period, quoting=quoting)
        if shown or withheld:
            out.append(ImpactQuestion(question.strip(), shown, withheld))
    return tuple(out)


def _worries(privacy: Confidentiality, themes: Sequence[ThemeRow]) -> tuple[WorryItem, ...]:
    ranked: list[tuple[float, WorryItem]] = []
    for theme in themes:
        concern = theme.concern
        if concern is None or not (
            concern.get("suppressed") or concern.get("concerned_respondents")
        ):
            continue
        if not _visible(privacy, theme):
            continue  # a theme under the minimum is not named anywhere in the report
        visible = not concern.get("suppressed")
        worried = count_figure(
            privacy, concern.get("concerned_respondents") if visible else None, "members worried"
        )
        movement = "withheld"
        if not worried.suppressed:
            moved = concern.get("trend") or theme.trend or "steady"
            movement = {"new": "new in this period", "fading": "easing"}.get(moved, moved)
        ranked.append(
            (
                float(concern.get("rank") or 10**6),
                WorryItem(
                    name=theme_name(theme),
                    worried=worried.text,
                    movement=movement,
                    reason=str(concern.get("reason") or "").strip() if visible else "",
                ),
            )
        )
    ranked.sort(key=lambda pair: (pair[0], pair[1].name))
    return tuple(item for _, item in ranked[:MAX_WORRIES])


def _goals(goals: Sequence[Mapping[str, Any]]) -> tuple[GoalProgress, ...]:
    return tuple(
        GoalProgress(
            text=str(g["text"]).strip(),
            owner=str(g.get("owner") or ""),
            status=GOAL_STATUS.get(g.get("gap"), str(g.get("gap"))),
            reason=str(g.get("reason") or "").strip(),
        )
        for g in goals
        if isinstance(g, Mapping) and g.get("text")
    )
