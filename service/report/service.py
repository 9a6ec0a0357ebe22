"""The report use case: read a community's stored figures and shape one reader's report.

The CLI (``peerpulse report``) and the dashboard's download both call :func:`build`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from service.analysis.metrics import community_metrics
from service.errors import InvalidInput
from service.privacy.thresholds import Confidentiality
from service.report.content import Period, build_report
from service.report.schemas import ReportContent
from service.storage.repositories import communities as communities_repo
from service.storage.repositories import digest as digest_repo
from service.storage.repositories import goals as goals_repo
from service.storage.repositories import report as repo
from service.storage.tables import Community

MAX_DAYS = 3 * 366


def period_of(start: date, end: date) -> Period:
    """Check the dates: the end on or after the start, at most three years apart."""
    if end < start:
        raise InvalidInput(
            f"The period ends ({end}) before it starts ({start})",
            hint="Give --from as the first day and --to as the last.",
        )
    if (end - start).days > MAX_DAYS:
        raise InvalidInput(
            "The period is longer than three years", hint="Report on a shorter period."
        )
    return Period(start, end)


def build(
    session: Session,
    community: Community,
    *,
    period: Period,
    role: str,
    privacy: Confidentiality,
    today: date | None = None,
) -> ReportContent:
    """One reader's report of ``community`` over ``period``."""
    return build_report(
        community_name=community.name,
        slug=community.slug,
        period=period,
        role=role,
        privacy=privacy,
        metrics=community_metrics(session, community, privacy),
        themes=digest_repo.active_themes(session, community),
        goals=goals_repo.digest_goals(session, community),
        sessions=repo.sessions_between(session, community, period.start, period.end),
        outcomes=repo.outcomes_between(session, community, period.start, period.end),
        generated=today or datetime.now(UTC).date(),
        counted_as=communities_repo.headcount(session, community, privacy).noun,
        question_themes=repo.question_themes(session, community),
    )
