"""Metrics for a community: typed answers by week, participation, drivers of satisfaction."""

from __future__ import annotations

from collections import defaultdict
from statistics import fmean
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.metrics import drivers as driver_analysis
from service.metrics.quantitative import TypedAnswer, participation, role_of, weekly
from service.privacy.thresholds import Confidentiality, iso_week
from service.storage.tables import Answer, Community, Question, Respondent, Submission, Theme, Unit

_TYPED = ("likert", "nps", "yes_no", "numeric")


def _typed_answers(session: Session, community: Community) -> list[TypedAnswer]:
    rows = session.execute(
        select(
            Answer.respondent_id,
            Answer.submitted_at,
            Question.text,
            Question.kind,
            Answer.value_number,
        )
        .join(Question, Question.id == Answer.question_id)
        .where(
            Answer.community_id == community.id,
            Question.kind.in_(_TYPED),
            Answer.value_number.is_not(None),
        )
    )
    return [
        TypedAnswer(r, iso_week(when), text, kind, float(value))
        for r, when, text, kind, value in rows
        if when is not None
    ]


def _activity(session: Session, community: Community) -> dict[str, set[int]]:
    activity: dict[str, set[int]] = defaultdict(set)
    for when, respondent in session.execute(
        select(Submission.submitted_at, Submission.respondent_id).where(
            Submission.community_id == community.id, Submission.submitted_at.is_not(None)
        )
    ):
        activity[iso_week(when)].add(respondent)
    return dict(activity)


def _roster_by_week(
    session: Session, community: Community, weeks: list[str]
) -> dict[str, int] | None:
    joined = [
        j
        for (j,) in session.execute(
            select(Respondent.joined).where(
                Respondent.community_id == community.id, Respondent.in_roster.is_(True)
            )
        )
    ]
    if not joined:
        return None
    return {week: sum(1 for j in joined if j is None or iso_week(j) <= week) for week in weeks}


def _factors(session: Session, community: Community) -> dict[str, set[int]]:
    factors: dict[str, set[int]] = defaultdict(set)
    labels = {
        t.id: (t.name or t.label)
        for t in session.scalars(
            select(Theme).where(Theme.community_id == community.id, Theme.status == "active")
        )
    }
    for theme_id, respondent, level in session.execute(
        select(Unit.theme_id, Unit.respondent_id, Unit.concern_level).where(
            Unit.community_id == community.id
        )
    ):
        if theme_id in labels:
            factors[f"theme: {labels[theme_id]}"].add(respondent)
        if level is not None and level >= 2:
            factors["a clear worry (concern level 2 or 3)"].add(respondent)
    return dict(factors)


def community_metrics(
    session: Session, community: Community, privacy: Confidentiality
) -> dict[str, Any]:
    """The ``metrics`` object of the API, the CLI and the dashboard (confidentiality applied)."""
    answers = _typed_answers(session, community)
    people = _people_by_week(answers)
    trends = {
        role: [
            _week_cell(privacy, week, figures, people=people.get((role, week), set()))
            for week, figures in weeks.items()
        ]
        for role, weeks in weekly(answers).items()
    }
    activity = _activity(session, community)
    rows = participation(
        activity, roster_by_week=_roster_by_week(session, community, sorted(activity))
    )
    participation_rows = [
        {
            "week": row.week,
            **{
                name: _count(privacy, getattr(row, name))
                for name in ("active", "first_time", "returning", "lapsed")
            },
            "roster": None if row.roster is None else _count(privacy, row.roster),
            "response_rate": row.response_rate if row.active >= privacy.min_group else None,
        }
        for row in rows
    ]
    per_member: dict[int, list[float]] = defaultdict(list)
    for answer in answers:
        if role_of(answer.question, answer.kind) == "satisfaction":
            per_member[answer.respondent].append(answer.value)
    satisfaction = {member: fmean(values) for member, values in per_member.items()}
    found = driver_analysis.drivers(
        satisfaction, _factors(session, community), min_group=privacy.min_group
    )
    return {
        "min_group_size": privacy.min_group,
        "weekly": trends,
        "participation": participation_rows,
        "drivers": [
            {
                "factor": d.factor,
                "members_with": d.with_n,
                "members_without": d.without_n,
                "difference": d.difference,
                "interval": [d.low, d.high],
                "effect_size": d.effect_size,
                "explanation": d.sentence(),
            }
            for d in found
        ],
    }


def _count(privacy: Confidentiality, value: int) -> int | str:
    return value if value == 0 or value >= privacy.min_group else privacy.note()


def _people_by_week(answers: list[TypedAnswer]) -> dict[tuple[str, str], set[int]]:
    """The respondents behind each weekly figure (keyed as :func:`weekly` keys its figures)."""
    people: dict[tuple[str, str], set[int]] = defaultdict(set)
    for answer in answers:
        role = role_of(answer.question, answer.kind) or answer.question
        people[(role, answer.week)].add(answer.respondent)
    return people


def _week_cell(
    privacy: Confidentiality, week: str, figures: dict[str, float], *, people: set[int]
) -> dict[str, Any]:
    """A weekly figure of ``n`` answers, checked against the smaller of answers and respondents
    (a member who answered twice that week is one)."""
    n = int(figures["n"])
    if not privacy.may_show_group(privacy.headcount(len(people), responses=n)) or n == 0:
        return {"week": week, "n": None, "value": None, "suppressed": True, "note": privacy.note()}
    return {"week": week, "n": n, "value": figures["value"], "suppressed": False, "note": None}
