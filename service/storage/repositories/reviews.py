"""The committee's review rows: votes, comments, decisions, edits, merges and their audit log.

Rows only: what a committee action decides (the rules in :mod:`service.agenda.review`) is
worked out by :mod:`service.committee.actions`, which writes it through these functions in one
write unit. They flush; the write unit commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from service.storage.tables import (
    ApiToken,
    AuditEntry,
    Comment,
    Community,
    Suggestion,
    User,
    Vote,
    utcnow,
)


def audit(
    session: Session,
    community_id: int,
    *,
    actor: str,
    action: str,
    suggestion_id: int,
    detail: dict[str, Any],
) -> None:
    """One audit-log entry about a suggestion (``created_at`` says when)."""
    session.add(
        AuditEntry(
            community_id=community_id,
            actor=actor[:64],
            action=action,
            target=f"suggestion:{suggestion_id}",
            detail=detail,
        )
    )


def vote_of(session: Session, suggestion_id: int, voter: str) -> int | None:
    """``voter``'s current vote on a suggestion, if any."""
    return session.scalar(
        select(Vote.value).where(Vote.suggestion_id == suggestion_id, Vote.voter == voter)
    )


def put_vote(session: Session, suggestion_id: int, *, voter: str, value: int) -> None:
    """Store ``voter``'s vote, replacing an earlier one.

    An upsert: a concurrent first vote of the same voter (a double click) updates the one row
    instead of failing on ``uq_votes_voter``.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(Vote).values(
        suggestion_id=suggestion_id, voter=voter, value=value, created_at=utcnow()
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[Vote.suggestion_id, Vote.voter], set_={"value": value}
        )
    )
    session.flush()


def add_comment(session: Session, suggestion_id: int, *, author: str, text: str) -> Comment:
    """Store a comment (with its id)."""
    note = Comment(suggestion_id=suggestion_id, author=author, text=text)
    session.add(note)
    session.flush()
    return note


def set_decision(
    session: Session,
    row: Suggestion,
    *,
    status: str,
    session_date: date | None,
    reason: str | None,
    evidence: dict[str, Any],
) -> None:
    """Write a decision onto its suggestion."""
    row.status = status
    row.session_date = (
        datetime(session_date.year, session_date.month, session_date.day) if session_date else None
    )
    row.reason = reason
    row.evidence, row.updated_at = evidence, utcnow()
    session.flush()


def set_content(session: Session, row: Suggestion, content: Mapping[str, Any]) -> None:
    """Overwrite a suggestion's content fields (title, angles, evidence, ...)."""
    for name, value in content.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.flush()


def move_votes_and_comments(session: Session, source: Suggestion, target: Suggestion) -> None:
    """Move ``source``'s votes and comments to ``target``; where a voter voted on both, the vote
    on ``target`` stays and the other goes."""
    voters = set(session.scalars(select(Vote.voter).where(Vote.suggestion_id == target.id)))
    for ballot in session.scalars(select(Vote).where(Vote.suggestion_id == source.id)):
        if ballot.voter in voters:
            session.delete(ballot)
        else:
            ballot.suggestion_id = target.id
    session.execute(
        update(Comment).where(Comment.suggestion_id == source.id).values(suggestion_id=target.id)
    )
    session.flush()


def mark_merged(session: Session, row: Suggestion, into: Suggestion) -> None:
    """``row`` now lives on in ``into``."""
    row.status, row.merged_into, row.updated_at = "merged", into.id, utcnow()
    session.flush()


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


def actor_names(session: Session, actors: Sequence[str]) -> dict[str, str]:
    """``user:N`` and ``token:N`` as people read them: the user's name, the token's name."""
    users = [int(a.split(":", 1)[1]) for a in actors if a.startswith("user:")]
    tokens = [int(a.split(":", 1)[1]) for a in actors if a.startswith("token:")]
    names: dict[str, str] = {}
    if users:
        for user_id, username in session.execute(
            select(User.id, User.username).where(User.id.in_(users))
        ):
            names[f"user:{user_id}"] = username
    if tokens:
        parent = aliased(ApiToken)
        rows = session.execute(
            select(ApiToken.id, ApiToken.name, parent.name)
            .outerjoin(parent, parent.id == ApiToken.parent_id)
            .where(ApiToken.id.in_(tokens))
        )
        for token_id, name, parent_name in rows:
            # a web session opened with a token goes by the token's name
            names[f"token:{token_id}"] = name or parent_name or "an API token"
    return names


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
