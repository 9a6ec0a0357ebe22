"""Metrics for a community: typed answers by week, participation, drivers of satisfaction."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.metrics.quantitative import TypedAnswer
from service.privacy.thresholds import iso_week
from service.storage.tables import Answer, Community, Question, Respondent, Submission, Theme, Unit
from service.themes.naming import display_name

_TYPED = ("likert", "nps", "yes_no", "numeric")


def typed_answers(session: Session, community: Community) -> list[TypedAnswer]:
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
        if when is not None and value is not None
    ]


def activity(session: Session, community: Community) -> dict[str, set[int]]:
    activity: dict[str, set[int]] = defaultdict(set)
    for when, respondent in session.execute(
        select(Submission.submitted_at, Submission.respondent_id).where(
            Submission.community_id == community.id, Submission.submitted_at.is_not(None)
        )
    ):
        activity[iso_week(when)].add(respondent)
    return dict(activity)


def roster_by_week(
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


def factors(session: Session, community: Community) -> dict[str, set[int]]:
    factors: dict[str, set[int]] = defaultdict(set)
    labels = {
        t.id: display_name(t)
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
