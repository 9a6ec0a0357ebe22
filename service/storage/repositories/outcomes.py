"""What sessions did with the topics members raised ("you said, we did"): rows only."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.tables import Community, SessionOutcome


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def add(
    session: Session,
    community: Community,
    *,
    day: date,
    said: str,
    discussed: str,
    action: str,
    author: str,
    suggestion_id: int | None = None,
) -> SessionOutcome:
    """Store one outcome of the session on ``day`` (with its id)."""
    row = SessionOutcome(
        community_id=community.id,
        session_date=_moment(day),
        suggestion_id=suggestion_id,
        said=said[:300],
        discussed=discussed,
        action=action,
        author=author[:64],
    )
    session.add(row)
    session.flush()
    return row


def as_dict(row: SessionOutcome) -> dict[str, Any]:
    """The API's shape of an outcome."""
    return {
        "id": row.id,
        "session_date": row.session_date.date().isoformat(),
        "suggestion_id": row.suggestion_id,
        "said": row.said,
        "discussed": row.discussed,
        "action": row.action,
        "created_at": row.created_at.isoformat(),
    }


def of_session(session: Session, community: Community, day: date) -> list[dict[str, Any]]:
    """The outcomes recorded for the session on ``day``, in the order they were written."""
    rows = session.scalars(
        select(SessionOutcome)
        .where(
            SessionOutcome.community_id == community.id,
            SessionOutcome.session_date == _moment(day),
        )
        .order_by(SessionOutcome.id)
    )
    return [as_dict(r) for r in rows]


def before(
    session: Session, community: Community, day: date, *, limit: int = 5
) -> list[dict[str, Any]]:
    """The outcomes of the latest session before ``day`` that has any."""
    latest = session.scalar(
        select(SessionOutcome.session_date)
        .where(
            SessionOutcome.community_id == community.id,
            SessionOutcome.session_date < _moment(day),
        )
        .order_by(SessionOutcome.session_date.desc())
        .limit(1)
    )
    if latest is None:
        return []
    return of_session(session, community, latest.date())[:limit]


def recent(
    session: Session, community: Community, today: date, *, days: int = 35
) -> list[dict[str, Any]]:
    """The outcomes of the latest session held in the ``days`` up to ``today``: what the next
    digest and the next poll tell members."""
    found = before(session, community, today + timedelta(days=1), limit=10)
    if found and date.fromisoformat(found[0]["session_date"]) >= today - timedelta(days=days):
        return found
    return []
