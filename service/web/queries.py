"""Read-only queries only the pages need (everything else comes from the API's repositories)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.tables import Comment, Community, Job, Suggestion


def latest_job(session: Session, community: Community, kind: str) -> Job | None:
    """The community's most recent job of ``kind``."""
    return session.scalar(
        select(Job)
        .where(Job.community_id == community.id, Job.kind == kind)
        .order_by(Job.created_at.desc())
        .limit(1)
    )


def session_dates(session: Session, community: Community) -> list[date]:
    """The dates of sessions that have accepted suggestions, earliest first."""
    rows = session.scalars(
        select(Suggestion.session_date)
        .where(
            Suggestion.community_id == community.id,
            Suggestion.status == "accepted",
            Suggestion.session_date.is_not(None),
        )
        .distinct()
    )
    return sorted({moment.date() for moment in rows if moment is not None})


def next_session(dates: Sequence[date], today: date) -> date | None:
    """The first session on or after ``today``; else the latest one; None without any."""
    upcoming = [day for day in dates if day >= today]
    if upcoming:
        return upcoming[0]
    return dates[-1] if dates else None


def comments_for(session: Session, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The comments of each suggestion, oldest first."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not ids:
        return found
    rows = session.scalars(
        select(Comment).where(Comment.suggestion_id.in_(list(ids))).order_by(Comment.id)
    )
    for note in rows:
        found[note.suggestion_id].append(
            {"author": note.author, "text": note.text, "at": note.created_at}
        )
    return found
