"""What the program value report reads that no other repository offers: rows only."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.tables import Community, SessionOutcome, Suggestion


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime(start.year, start.month, start.day), datetime(
        end.year, end.month, end.day
    ) + timedelta(days=1)


def outcomes_between(
    session: Session, community: Community, start: date, end: date
) -> list[dict[str, Any]]:
    """The "you said, we did" outcomes of sessions held from ``start`` to ``end``."""
    low, high = _bounds(start, end)
    rows = session.scalars(
        select(SessionOutcome)
        .where(
            SessionOutcome.community_id == community.id,
            SessionOutcome.session_date >= low,
            SessionOutcome.session_date < high,
        )
        .order_by(SessionOutcome.session_date, SessionOutcome.id)
    )
    return [
        {
            "session_date": r.session_date.date().isoformat(),
            "said": r.said,
            "discussed": r.discussed,
            "action": r.action,
        }
        for r in rows
    ]


def sessions_between(
    session: Session, community: Community, start: date, end: date
) -> list[Suggestion]:
    """Accepted agenda suggestions with a session date from ``start`` to ``end``."""
    low, high = _bounds(start, end)
    return list(
        session.scalars(
            select(Suggestion)
            .where(
                Suggestion.community_id == community.id,
                Suggestion.status == "accepted",
                Suggestion.session_date >= low,
                Suggestion.session_date < high,
            )
            .order_by(Suggestion.session_date, Suggestion.id)
        )
    )
