"""Member polls: the poll, its personal links, ballots and volunteers (rows only)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import NotFound
from service.storage.tables import Community, Poll, PollBallot, PollInvite, PollVolunteer, utcnow


def create(
    session: Session,
    community: Community,
    *,
    token: str,
    topics: list[dict[str, Any]],
    closes_at: datetime | None,
    created_by: str,
) -> Poll:
    """Store a new open poll (with its id)."""
    poll = Poll(
        community_id=community.id,
        token=token,
        topics=topics,
        closes_at=closes_at,
        created_by=created_by[:64],
        status="open",
    )
    session.add(poll)
    session.flush()
    return poll


def by_token(session: Session, token: str) -> Poll | None:
    """The poll whose shared link is ``token``."""
    return session.scalar(select(Poll).where(Poll.token == token))


def invite_by_hash(session: Session, token_hash: str, *, lock: bool = False) -> PollInvite | None:
    """The personal link whose hash is ``token_hash``."""
    query = select(PollInvite).where(PollInvite.token_hash == token_hash)
    return session.scalar(query.with_for_update() if lock else query)


def get(session: Session, community: Community, poll_id: int) -> Poll:
    """One poll of the community, or :class:`NotFound`."""
    poll = session.get(Poll, poll_id)
    if poll is None or poll.community_id != community.id:
        raise NotFound(f"No poll {poll_id}", hint="peerpulse poll create prints a poll's id.")
    return poll


def latest(session: Session, community: Community) -> Poll | None:
    """The community's newest poll."""
    return session.scalar(
        select(Poll).where(Poll.community_id == community.id).order_by(Poll.id.desc()).limit(1)
    )


def invited_keys(session: Session, poll_id: int) -> set[str]:
    """The respondent keys that already have a personal link to the poll."""
    return set(
        session.scalars(select(PollInvite.respondent_key).where(PollInvite.poll_id == poll_id))
    )


def add_invite(session: Session, *, poll_id: int, token_hash: str, respondent_key: str) -> None:
    """Store a personal link's hash (sent when the mail went out)."""
    session.add(
        PollInvite(
            poll_id=poll_id, token_hash=token_hash, respondent_key=respondent_key, sent_at=utcnow()
        )
    )
    session.flush()


def add_ballot(
    session: Session,
    poll_id: int,
    *,
    ranking: list[int],
    submission_id: int | None,
    invite_id: int | None,
) -> PollBallot:
    """Store one ballot (with its id)."""
    ballot = PollBallot(
        poll_id=poll_id, ranking=ranking, submission_id=submission_id, invite_id=invite_id
    )
    session.add(ballot)
    session.flush()
    return ballot


def add_volunteer(
    session: Session,
    poll_id: int,
    ballot_id: int,
    *,
    suggestion_id: int,
    kind: str,
    contact: str | None,
) -> None:
    """Store one offer to share an experience or present a case study."""
    session.add(
        PollVolunteer(
            poll_id=poll_id,
            ballot_id=ballot_id,
            suggestion_id=suggestion_id,
            kind=kind,
            contact=contact,
        )
    )
    session.flush()


def rankings(session: Session, poll_id: int) -> list[list[int]]:
    """Every ballot's ranking, in the order they came."""
    rows = session.scalars(
        select(PollBallot.ranking).where(PollBallot.poll_id == poll_id).order_by(PollBallot.id)
    )
    return [[int(t) for t in r or []] for r in rows]


def volunteers(session: Session, poll_id: int) -> dict[int, list[dict[str, Any]]]:
    """The offers per suggestion id: their kind and contact (facilitators only)."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = session.scalars(
        select(PollVolunteer).where(PollVolunteer.poll_id == poll_id).order_by(PollVolunteer.id)
    )
    for row in rows:
        found[row.suggestion_id].append({"kind": row.kind, "contact": row.contact})
    return found
