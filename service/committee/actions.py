"""The committee's actions on suggestions: vote, comment, decide (and reopen), edit, merge.

Accepting needs a quorum of votes for the suggestion (``PEERPULSE_ACCEPT_MIN_VOTES``, default
2) unless an admin overrides it; the audit entry says so.

Each action is written once, here, and called by the API routes
(``service/api/routes/suggestions.py``) and the board pages (``service/web/pages/board.py``)
with the same typed input and the same actor, so the audit log cannot tell a page from the API
apart. The rules come from :mod:`service.agenda.review`; the rows are written through
:mod:`service.storage.repositories.reviews`, each with its audit entry.

Each action is one all-or-nothing write unit (:func:`service.storage.db.write_with_retries`).
A request's own session commits every flush on SQLite (see
:func:`service.storage.db.transaction`), so an action that writes more than once (a merge, a
decision with its audit entry) would otherwise keep its first writes when a later step failed.
On SQLite the unit reads and writes under one lock; on PostgreSQL the suggestions it rewrites are
read ``FOR UPDATE``, so two members editing at once do not lose one edit, and a deadlock or
serialization failure reruns the action. Callers read the suggestion afterwards in their own
session, which then sees the committed action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.agenda.review import (
    check_decision,
    check_mergeable,
    check_not_merged,
    check_quorum,
    check_votable,
    clean_angles,
    merge_contents,
)
from service.agenda.schemas import CommentIn, DecisionIn, MergeIn, SuggestionPatch, VoteIn
from service.auth.roles import Role
from service.storage import db
from service.storage.repositories import reviews, suggestions
from service.storage.repositories.auth import Principal
from service.storage.tables import Community, Suggestion, utcnow


def actor_of(principal: Principal) -> str:
    """Who acts: the signed-in user, else the API token (one vote each)."""
    return f"user:{principal.user_id}" if principal.user_id else f"token:{principal.token_id}"


def acting_as(
    engine: Engine, community: Community, principal: Principal, *, min_votes: int
) -> Acting:
    """How the API and the board build :class:`Acting` after their role check."""
    return Acting(
        engine=engine,
        community=community,
        actor=actor_of(principal),
        min_votes=min_votes,
        is_admin=principal.role == Role.ADMIN,
    )


@dataclass(frozen=True)
class Acting:
    """Who acts on which community's suggestions, and the engine the action writes through.

    The API and the board each build it in one dependency, after their role check.
    """

    engine: Engine
    community: Community
    actor: str
    min_votes: int = 2
    """Votes for a suggestion before it can be accepted (``Settings.accept_min_votes``)."""
    is_admin: bool = False
    """An admin may accept without the quorum (``DecisionIn.override``)."""


def _log(
    session: Session, acting: Acting, row: Suggestion, action: str, detail: dict[str, Any]
) -> None:
    """The audit entry of an action on ``row``."""
    reviews.audit(
        session,
        row.community_id,
        actor=acting.actor,
        action=action,
        suggestion_id=row.id,
        detail=detail,
    )


def vote(acting: Acting, suggestion_id: int, ballot: VoteIn) -> None:
    """Record the actor's +1 or -1 (a second vote, even a simultaneous one, replaces the first)."""

    def work(session: Session) -> None:
        row = suggestions.get(session, acting.community, suggestion_id, lock=True)
        check_votable(row.status)
        previous = reviews.vote_of(session, row.id, acting.actor)
        reviews.put_vote(session, row.id, voter=acting.actor, value=ballot.value)
        _log(session, acting, row, "suggestion.vote", {"value": ballot.value, "previous": previous})

    db.write_with_retries(acting.engine, work)


def comment(acting: Acting, suggestion_id: int, note: CommentIn) -> dict[str, Any]:
    """Add a comment and its audit entry; the comment as the API shows it."""

    def work(session: Session) -> dict[str, Any]:
        row = suggestions.get(session, acting.community, suggestion_id, lock=True)
        check_not_merged(row.status)
        text = note.text.replace("\x00", "").strip()
        added = reviews.add_comment(session, row.id, author=acting.actor, text=text)
        logged = {"comment_id": added.id, "text": added.text[:500]}
        _log(session, acting, row, "suggestion.comment", logged)
        return {
            "id": added.id,
            "suggestion_id": row.id,
            "author": added.author,
            "text": added.text,
            "created_at": added.created_at.isoformat(),
        }

    return db.write_with_retries(acting.engine, work)


def decide(acting: Acting, suggestion_id: int, decision: DecisionIn) -> None:
    """Accept (with a session date and the quorum of votes), reject (with a reason), defer or
    reopen (back to open, its session date cleared), with its audit entry."""
    day: date | None = decision.session_date

    def work(session: Session) -> None:
        row = suggestions.get(session, acting.community, suggestion_id, lock=True)
        status = check_decision(
            decision.decision, status=row.status, session_date=day, reason=decision.reason
        )
        votes_for = suggestions.votes(session, [row.id])[row.id]["up"]
        if status == "accepted":
            check_quorum(
                votes_for,
                needed=acting.min_votes,
                override=decision.override,
                is_admin=acting.is_admin,
            )
        previous = row.status
        evidence = dict(row.evidence or {})
        if status in ("accepted", "rejected"):
            evidence.update(
                decided_size=int(evidence.get("size", 0)), decided_at=utcnow().isoformat()
            )
        if status == "open":
            evidence.pop("decided_size", None)
            evidence.pop("decided_at", None)
        reason = (decision.reason or "").replace("\x00", "").strip() or None
        reviews.set_decision(
            session,
            row,
            status=status,
            session_date=day if status == "accepted" else None,
            reason=reason,
            evidence=evidence,
        )
        change: dict[str, Any] = {"from": previous, "to": status, "reason": reason}
        change["session_date"] = day.isoformat() if day and status == "accepted" else None
        if status == "accepted":
            change.update(votes_for=votes_for, quorum=acting.min_votes)
            if votes_for < acting.min_votes:
                change["override"] = True
        _log(session, acting, row, f"suggestion.{decision.decision}", change)

    db.write_with_retries(acting.engine, work)


def edit(acting: Acting, suggestion_id: int, patch: SuggestionPatch) -> None:
    """Rename and/or rewrite the angles, with their audit entries; later analyses keep them."""

    def work(session: Session) -> None:
        row = suggestions.get(session, acting.community, suggestion_id, lock=True)
        check_not_merged(row.status)
        edited = set((row.evidence or {}).get("edited", ()))
        changes: dict[str, Any] = {}
        title = " ".join((patch.title or "").replace("\x00", "").split())
        if title:
            _log(session, acting, row, "suggestion.rename", {"from": row.title, "to": title})
            changes["title"] = title
            edited.add("title")
        if patch.angles is not None:
            kept = clean_angles(patch.angles)
            old = list(row.angles or [])
            _log(session, acting, row, "suggestion.edit_angles", {"from": old, "to": kept})
            changes["angles"] = kept
            edited.add("angles")
        changes["evidence"] = {**(row.evidence or {}), "edited": sorted(edited)}
        reviews.set_content(session, row, changes)

    db.write_with_retries(acting.engine, work)


def merge(acting: Acting, pair: MergeIn) -> int:
    """The second suggestion joins the first (see :mod:`service.agenda.review`); the first's id."""
    ids = pair.ids

    def work(session: Session) -> int:
        for suggestion_id in sorted(set(ids)):  # locked in one order: two merges never deadlock
            suggestions.get(session, acting.community, suggestion_id, lock=True)
        first, second = (suggestions.get(session, acting.community, i) for i in ids)
        check_mergeable(ids, [first.status, second.status])
        title = " ".join(pair.title.split()) if pair.title else None
        content = merge_contents(_content(first), _content(second), title=title)
        evidence = content.pop("evidence")
        content["evidence"] = {
            **evidence,
            "merged_from": [*evidence.get("merged_from", ()), second.id],
            "edited": sorted({*evidence.get("edited", ()), "title"}),
        }
        reviews.set_content(session, first, content)
        reviews.move_votes_and_comments(session, second, first)
        reviews.mark_merged(session, second, first)
        _log(
            session, acting, first, "suggestion.merge", {"merged": second.id, "title": first.title}
        )
        _log(session, acting, second, "suggestion.merged_into", {"into": first.id})
        return first.id

    return db.write_with_retries(acting.engine, work)


def _content(row: Suggestion) -> dict[str, Any]:
    """The fields a merge combines."""
    return {name: getattr(row, name) for name in suggestions.CONTENT} | {"evidence": row.evidence}
