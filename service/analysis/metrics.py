"""Stage: the community's quantitative signals (attendance, satisfaction, what drives it).

:func:`community_metrics` is also what the API, the dashboard and the digest show: one place
computes the figures, under the confidentiality rules.
"""

from __future__ import annotations

from collections import defaultdict
from statistics import fmean
from typing import Any

from sqlalchemy.orm import Session

from service.analysis.context import Analysis, Context, Progress
from service.metrics import drivers as driver_analysis
from service.metrics.quantitative import TypedAnswer, participation, role_of, weekly
from service.privacy.thresholds import Confidentiality
from service.storage import db
from service.storage.repositories import metrics as metric_rows
from service.storage.tables import Community


def community_metrics(
    session: Session, community: Community, privacy: Confidentiality
) -> dict[str, Any]:
    """The ``metrics`` object of the API, the CLI and the dashboard (confidentiality applied)."""
    answers = metric_rows.typed_answers(session, community)
    people = _people_by_week(answers)
    trends = {
        role: [
            _week_cell(privacy, week, figures, people=people.get((role, week), set()))
            for week, figures in weeks.items()
        ]
        for role, weeks in weekly(answers).items()
    }
    activity = metric_rows.activity(session, community)
    rows = participation(
        activity, roster_by_week=metric_rows.roster_by_week(session, community, sorted(activity))
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
        satisfaction, metric_rows.factors(session, community), min_group=privacy.min_group
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


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.metrics`` (nothing is stored; the figures are read)."""
    with db.transaction(context.engine) as session:
        community = session.get_one(Community, context.community_id)
        analysis.metrics = community_metrics(session, community, context.privacy)
