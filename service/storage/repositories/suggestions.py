"""Agenda suggestions: the rows an analysis stores, the committee's review, the agenda.

The suggestions stage (:mod:`service.analysis.suggestions`) stores a run's suggestions through
these functions. The committee's actions
(:mod:`service.committee.actions`) write through :mod:`service.storage.repositories.reviews`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.agenda.schemas import FORMATS
from service.errors import NotFound
from service.storage.tables import (
    Answer,
    AuditEntry,
    Comment,
    Community,
    Question,
    Suggestion,
    Vote,
)

#: The columns a run writes and the committee may edit (an edited one is kept on re-runs).
CONTENT = (
    "title",
    "why",
    "angles",
    "quotes",
    "format",
    "format_reason",
    "theme_ids",
    "segments",
    "score",
)


def with_activity(session: Session, ids: Sequence[int]) -> set[int]:
    """Suggestions with votes or comments."""
    voted = session.scalars(select(Vote.suggestion_id).where(Vote.suggestion_id.in_(ids)))
    commented = session.scalars(select(Comment.suggestion_id).where(Comment.suggestion_id.in_(ids)))
    return set(voted) | set(commented)


def choice_answers(session: Session, community_id: int) -> list[Any]:
    """Respondent, question text, choices and submission time of each choice answer."""
    return list(
        session.execute(
            select(Answer.respondent_id, Question.text, Answer.value_choices, Answer.submitted_at)
            .join(Question, Question.id == Answer.question_id)
            .where(
                Answer.community_id == community_id,
                Question.kind.in_(("multi_choice", "single_choice")),
                Answer.value_choices.is_not(None),
            )
            .order_by(Answer.id)
        ).all()
    )


def of_community(session: Session, community_id: int) -> list[Suggestion]:
    """Every suggestion of the community, whatever its status."""
    return list(session.scalars(select(Suggestion).where(Suggestion.community_id == community_id)))


def retitle(session: Session, community_id: int, theme_id: int, old: str, new: str) -> int:
    """Give the suggestions of one theme titled ``old`` (as the analysis wrote it from the
    theme's name) the title ``new``; a title the committee wrote stays. The number changed."""
    if old == new:
        return 0
    changed = 0
    for row in session.scalars(
        select(Suggestion).where(Suggestion.community_id == community_id, Suggestion.title == old)
    ):
        if [int(t) for t in row.theme_ids or []] == [theme_id]:
            row.title = new
            changed += 1
    return changed


# --- reading ------------------------------------------------------------------------------------


def public(row: Suggestion) -> dict[str, Any]:
    """The ``analyze --json`` shape."""
    return {
        "id": row.id,
        "title": row.title,
        "why": row.why,
        "angles": list(row.angles or []),
        "quotes": list(row.quotes or []),
        "format": row.format,
        "format_reason": row.format_reason,
        "theme_ids": list(row.theme_ids or []),
    }


def votes(session: Session, ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """``{"up", "down", "total"}`` per suggestion."""
    tally: dict[int, dict[str, int]] = {i: {"up": 0, "down": 0, "total": 0} for i in ids}
    rows = session.execute(
        select(Vote.suggestion_id, Vote.value, func.count())
        .where(Vote.suggestion_id.in_(list(ids)))
        .group_by(Vote.suggestion_id, Vote.value)
    )
    for suggestion_id, value, count in rows:
        tally[suggestion_id]["up" if value > 0 else "down"] += count
        tally[suggestion_id]["total"] += value * count
    return tally


def my_votes(session: Session, ids: Sequence[int], voter: str) -> dict[int, int]:
    """The caller's vote per suggestion."""
    rows = session.execute(
        select(Vote.suggestion_id, Vote.value).where(
            Vote.suggestion_id.in_(list(ids)), Vote.voter == voter
        )
    )
    return dict(rows.tuples().all())


def as_dict(row: Suggestion, tally: Mapping[str, int], mine: int | None = None) -> dict[str, Any]:
    """The API shape of a suggestion."""
    evidence = row.evidence or {}
    return {
        **public(row),
        "format_label": FORMATS.get(row.format, row.format),
        "segments": list(row.segments or []),
        "score": row.score,
        "status": row.status,
        "session_date": row.session_date.date().isoformat() if row.session_date else None,
        "reason": row.reason,
        "merged_into": row.merged_into,
        "votes": dict(tally),
        "my_vote": mine,
        "current": evidence.get("current", True),
        "evidence": evidence,
        "job_id": row.job_id,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


def rank_key(row: Suggestion) -> tuple[bool, int, float, int]:
    """Best first: current ones, rising worry before the rest and "follow up?" notes last (the
    evidence's ``priority``, 1 when unknown), then by score."""
    evidence = row.evidence or {}
    return (
        not evidence.get("current", True),
        -int(evidence.get("priority", 1)),
        -row.score,
        row.id,
    )


def list_for(
    session: Session, community: Community, *, status: str | None = None, voter: str | None = None
) -> list[dict[str, Any]]:
    """The community's suggestions as dicts, best first (merged ones only when asked for)."""
    query = select(Suggestion).where(Suggestion.community_id == community.id)
    query = (
        query.where(Suggestion.status == status)
        if status
        else query.where(Suggestion.status != "merged")
    )
    rows = list(session.scalars(query))
    rows.sort(key=rank_key)
    ids = [r.id for r in rows]
    tally, mine = votes(session, ids), my_votes(session, ids, voter) if voter else {}
    return [as_dict(r, tally[r.id], mine.get(r.id)) for r in rows]


def get(
    session: Session, community: Community, suggestion_id: int, *, lock: bool = False
) -> Suggestion:
    """One suggestion of the community, or :class:`NotFound`.

    ``lock`` reads it ``FOR UPDATE`` on PostgreSQL (a write unit that rewrites it whole: no
    concurrent unit can change it in between); SQLite's write unit holds its lock already.
    """
    row = session.get(
        Suggestion, suggestion_id, with_for_update=lock or None, populate_existing=lock
    )
    if row is None or row.community_id != community.id:
        raise NotFound(
            f"No suggestion {suggestion_id}", hint="List the community's suggestions for their ids."
        )
    return row


def detail(session: Session, row: Suggestion, voter: str | None = None) -> dict[str, Any]:
    """A suggestion with its comments and its history from the audit log."""
    comments = session.scalars(
        select(Comment).where(Comment.suggestion_id == row.id).order_by(Comment.id)
    )
    history = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.community_id == row.community_id, AuditEntry.target == f"suggestion:{row.id}"
        )
        .order_by(AuditEntry.id)
    )
    mine = my_votes(session, [row.id], voter).get(row.id) if voter else None
    return {
        **as_dict(row, votes(session, [row.id])[row.id], mine),
        "comments": [
            {"id": c.id, "author": c.author, "text": c.text, "created_at": c.created_at.isoformat()}
            for c in comments
        ],
        "history": [
            {
                "actor": e.actor,
                "action": e.action,
                "detail": e.detail,
                "at": e.created_at.isoformat(),
            }
            for e in history
        ],
    }


def agenda(session: Session, community: Community, day: date) -> list[dict[str, Any]]:
    """Suggestions accepted for the session on ``day``: most net votes first, then score."""
    rows = list(
        session.scalars(
            select(Suggestion).where(
                Suggestion.community_id == community.id,
                Suggestion.status == "accepted",
                Suggestion.session_date == datetime(day.year, day.month, day.day),
            )
        )
    )
    tally = votes(session, [r.id for r in rows])
    rows.sort(key=lambda r: (-tally[r.id]["total"], -r.score, r.id))
    return [as_dict(r, tally[r.id]) for r in rows]
