"""Weekly figures from typed answers (Likert, NPS, yes/no, numeric) and participation."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

_SATISFACTION = re.compile(r"satisf|rate|rating|useful|helpful", re.IGNORECASE)
_ATTENDANCE = re.compile(r"attend|join|present|came", re.IGNORECASE)


@dataclass(frozen=True)
class TypedAnswer:
    """One typed answer: whose, which week, which question, what value."""

    respondent: int
    week: str
    question: str
    kind: str
    value: float


def role_of(question: str, kind: str) -> str | None:
    """What a quantitative question measures: satisfaction, nps, attendance or None."""
    if kind == "nps":
        return "nps"
    if kind == "likert" and _SATISFACTION.search(question):
        return "satisfaction"
    if kind == "yes_no" and _ATTENDANCE.search(question):
        return "attendance"
    return None


def nps(values: Sequence[float]) -> float:
    """Net Promoter Score: % promoters (9-10) minus % detractors (0-6)."""
    promoters = sum(v >= 9 for v in values)
    detractors = sum(v <= 6 for v in values)
    return 100.0 * (promoters - detractors) / len(values)


def weekly(answers: Iterable[TypedAnswer]) -> dict[str, dict[str, dict[str, float]]]:
    """Per role (satisfaction, nps, attendance, or the question text) and week: n and value."""
    grouped: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for answer in answers:
        role = role_of(answer.question, answer.kind) or answer.question
        grouped[role][answer.week].append(answer.value)
    out: dict[str, dict[str, dict[str, float]]] = {}
    for role, weeks in grouped.items():
        out[role] = {}
        for week, values in sorted(weeks.items()):
            value = nps(values) if role == "nps" else fmean(values)
            out[role][week] = {"n": float(len(values)), "value": round(value, 3)}
    return out


@dataclass(frozen=True)
class WeekParticipation:
    """Who took part in one week."""

    week: str
    active: int
    first_time: int
    returning: int
    lapsed: int
    roster: int | None
    response_rate: float | None


def participation(
    activity: dict[str, set[int]],
    *,
    roster_by_week: dict[str, int] | None = None,
    lapse_weeks: int = 2,
) -> list[WeekParticipation]:
    """Active, first-time, returning and lapsed members per week; response rate with a roster.

    A member has lapsed in a week when they took part before but in none of the last
    ``lapse_weeks`` weeks up to and including it.
    """
    weeks = sorted(activity)
    seen: set[int] = set()
    rows = []
    for index, week in enumerate(weeks):
        active = activity[week]
        recent = set().union(
            *(activity[w] for w in weeks[max(0, index - lapse_weeks + 1) : index + 1])
        )
        first = active - seen
        lapsed = seen - recent
        seen |= active
        roster = (roster_by_week or {}).get(week)
        rate = round(len(active) / roster, 3) if roster else None
        rows.append(
            WeekParticipation(
                week, len(active), len(first), len(active) - len(first), len(lapsed), roster, rate
            )
        )
    return rows
