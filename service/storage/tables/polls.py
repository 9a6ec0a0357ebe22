"""Closing the loop with members: member polls of the shortlist, and "you said, we did".

A poll's free-text answers (angles and examples per topic) are stored as ordinary answers
(``submissions`` and ``answers``, redacted like every import); these tables hold what is the
poll's own: its topics, the personal links sent, each ballot's ranking and who volunteered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.storage.tables.base import Base, utcnow


class SessionOutcome(Base):
    """What a session did with a topic members raised: discussed, and what will happen next."""

    __tablename__ = "session_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    session_date: Mapped[datetime] = mapped_column(DateTime)
    suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("suggestions.id", ondelete="SET NULL")
    )
    said: Mapped[str] = mapped_column(String(300))  # the topic as members raised it
    discussed: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Poll(Base):
    """A member poll of the shortlisted topics, open at ``/p/{token}`` until it closes."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)  # the shared (anonymous) link
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    topics: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{suggestion_id, title}]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PollInvite(Base):
    """A personal one-submission link of a member (only the link's hash is kept)."""

    __tablename__ = "poll_invites"
    __table_args__ = (UniqueConstraint("poll_id", "respondent_key", name="uq_poll_invites_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    respondent_key: Mapped[str] = mapped_column(String(64))  # the imports' HMAC of the member
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PollBallot(Base):
    """One member's answer to a poll: the topics ranked, best first (its texts are answers)."""

    __tablename__ = "poll_ballots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    invite_id: Mapped[int | None] = mapped_column(
        ForeignKey("poll_invites.id", ondelete="SET NULL"), unique=True
    )
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    ranking: Mapped[list[Any]] = mapped_column(JSON, default=list)  # suggestion ids
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PollVolunteer(Base):
    """A member offering to share an experience or present a case study on a topic (contact only
    when they chose to leave one; facilitators only)."""

    __tablename__ = "poll_volunteers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("poll_ballots.id", ondelete="CASCADE"), index=True
    )
    suggestion_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # experience | case_study
    contact: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
