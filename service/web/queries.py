"""What only the pages need: the latest job of a kind, and which session's agenda to show first.

The review queries the board and the agenda page read live in
:mod:`service.storage.repositories.reviews`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.tables import Community, Job


def latest_job(session: Session, community: Community, kind: str) -> Job | None:
    """The community's most recent job of ``kind``."""
    return session.scalar(
        select(Job)
        .where(Job.community_id == community.id, Job.kind == kind)
        .order_by(Job.created_at.desc())
        .limit(1)
    )


def next_session(dates: Sequence[date], today: date) -> date | None:
    """The first session on or after ``today``; else the latest one; None without any."""
    upcoming = [day for day in dates if day >= today]
    if upcoming:
        return upcoming[0]
    return dates[-1] if dates else None
