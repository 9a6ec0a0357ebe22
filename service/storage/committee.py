"""The committee's actions on suggestions, each one all-or-nothing write unit.

The API routes (``service/api/routes/suggestions.py``) and the board pages
(``service/web/board.py``) call these, so each action is written once. A request's own session
commits every flush on its own on SQLite (see :func:`service.storage.db.transaction`), so an
action that writes more than once (a merge, a decision with its audit entry) would keep its
first writes when a later step failed. Here each action runs in
:func:`service.storage.db.write_with_retries`: everything it writes is committed together or not
at all, and on SQLite it reads and writes under one lock. On PostgreSQL the suggestions it
rewrites are read ``FOR UPDATE``, so two committee members editing at once do not lose one
edit; a deadlock or serialization failure reruns the action.

Each function returns what the caller needs to answer; the caller reads the suggestion's detail
afterwards in its own session, which then sees the committed action.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.storage import db
from service.storage.repositories import suggestions
from service.storage.tables import Community


def vote(
    engine: Engine, community: Community, suggestion_id: int, *, voter: str, value: int
) -> None:
    """Record ``voter``'s +1 or -1 (a second vote, even a simultaneous one, replaces the first)."""

    def work(session: Session) -> None:
        row = suggestions.get(session, community, suggestion_id, lock=True)
        suggestions.vote(session, row, voter=voter, value=value)

    db.write_with_retries(engine, work)


def comment(
    engine: Engine, community: Community, suggestion_id: int, *, author: str, text: str
) -> dict[str, Any]:
    """Add a comment and its audit entry; the comment as the API shows it."""

    def work(session: Session) -> dict[str, Any]:
        row = suggestions.get(session, community, suggestion_id, lock=True)
        note = suggestions.comment(session, row, author=author, text=text)
        session.flush()
        return {
            "id": note.id,
            "suggestion_id": row.id,
            "author": note.author,
            "text": note.text,
            "created_at": note.created_at.isoformat(),
        }

    return db.write_with_retries(engine, work)


def decide(
    engine: Engine,
    community: Community,
    suggestion_id: int,
    *,
    actor: str,
    decision: str,
    session_date: date | None = None,
    reason: str | None = None,
) -> None:
    """Accept, reject or defer, with its audit entry."""

    def work(session: Session) -> None:
        row = suggestions.get(session, community, suggestion_id, lock=True)
        suggestions.decide(
            session,
            row,
            actor=actor,
            decision=decision,
            session_date=session_date,
            reason=reason,
        )

    db.write_with_retries(engine, work)


def edit(
    engine: Engine,
    community: Community,
    suggestion_id: int,
    *,
    actor: str,
    title: str | None = None,
    angles: Sequence[str] | None = None,
) -> None:
    """Rename and/or rewrite the angles, with their audit entries."""

    def work(session: Session) -> None:
        row = suggestions.get(session, community, suggestion_id, lock=True)
        suggestions.edit(session, row, actor, title=title, angles=angles)

    db.write_with_retries(engine, work)


def merge(
    engine: Engine,
    community: Community,
    ids: Sequence[int],
    *,
    actor: str,
    title: str | None = None,
) -> int:
    """The second suggestion joins the first; the id of the first."""

    def work(session: Session) -> int:
        return suggestions.merge(session, community, ids, actor=actor, title=title).id

    return db.write_with_retries(engine, work)
