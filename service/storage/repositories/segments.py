"""Queries about members' segments and participation."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.ingest.schemas import SEGMENT_NAMES
from service.privacy.thresholds import iso_week
from service.storage.tables import Community, Respondent, Submission


def segment_counts(session: Session, community: Community) -> dict[str, Counter[str]]:
    """Members per value of each segment dimension (members without a value are not counted)."""
    rows = session.execute(
        select(Respondent.role, Respondent.level, Respondent.experience, Respondent.function).where(
            Respondent.community_id == community.id
        )
    )
    counts: dict[str, Counter[str]] = {name: Counter() for name in SEGMENT_NAMES}
    for row in rows:
        for name, value in zip(SEGMENT_NAMES, row, strict=True):
            if value:
                counts[name][value] += 1
    return counts


def weekly_participation(session: Session, community: Community) -> dict[str, tuple[int, int]]:
    """Per ISO week: (responses, distinct members)."""
    rows = session.execute(
        select(Submission.submitted_at, Submission.respondent_id).where(
            Submission.community_id == community.id
        )
    )
    responses: Counter[str] = Counter()
    members: dict[str, set[int]] = {}
    for submitted_at, respondent_id in rows:
        week = iso_week(submitted_at)
        responses[week] += 1
        members.setdefault(week, set()).add(respondent_id)
    return {week: (responses[week], len(members[week])) for week in sorted(responses)}


def respondent_segments(session: Session, community_id: int) -> dict[int, dict[str, str | None]]:
    """Each respondent's role, level, experience and function."""
    rows = session.execute(
        select(
            Respondent.id,
            Respondent.role,
            Respondent.level,
            Respondent.experience,
            Respondent.function,
        ).where(Respondent.community_id == community_id)
    )
    return {
        r.id: {"role": r.role, "level": r.level, "experience": r.experience, "function": r.function}
        for r in rows
    }
