"""What the program value report reads that no other repository offers: rows only."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.digest.schemas import ThemeRow
from service.storage.repositories import digest as digest_rows
from service.storage.repositories import themes as theme_rows
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


def question_themes(session: Session, community: Community) -> dict[str, list[ThemeRow]]:
    """The active themes of each question that has its own, by the question's text."""
    found: dict[str, list[ThemeRow]] = {}
    for question_id, text in theme_rows.question_texts(session, community).items():
        found[text] = [
            digest_rows.theme_row(t, with_worry=False)
            for t in theme_rows.active(session, community.id, question_id=question_id)
        ]
    return found
