"""Communities, their members and what they submitted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.storage.tables.base import Base, utcnow


class Community(Base):
    """A peer-learning community: the tenant every other row belongs to."""

    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Respondent(Base):
    """A member, known only by a keyed hash of the tool's identifier, plus segment attributes."""

    __tablename__ = "respondents"
    __table_args__ = (UniqueConstraint("community_id", "key", name="uq_respondents_community_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str | None] = mapped_column(String(200))
    experience: Mapped[str | None] = mapped_column(String(200))
    function: Mapped[str | None] = mapped_column(String(200))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    first_seen: Mapped[datetime | None] = mapped_column(DateTime)
    in_roster: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # False when the export carried no respondent identifier: the row stands for one response,
    # and the person behind it may have answered other rows too.
    identified: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    joined: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Import(Base):
    """One uploaded file and what it added."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    responses_added: Mapped[int] = mapped_column(Integer, default=0)
    duplicates_skipped: Mapped[int] = mapped_column(Integer, default=0)
    respondents: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Question(Base):
    """A question (column) of a community's surveys, by its text."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("community_id", "text_hash", name="uq_questions_text"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    segment: Mapped[str | None] = mapped_column(String(32))
    choices: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Submission(Base):
    """One submission as the tool recorded it (a survey row or a check-in note): its answers."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("community_id", "source_key", name="uq_submissions_source_key"),
        Index("ix_submissions_community_submitted", "community_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("respondents.id", ondelete="CASCADE"), index=True
    )
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    source_key: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    channel: Mapped[str] = mapped_column(String(32))
    finished: Mapped[bool] = mapped_column(Boolean, default=True)
    source_row: Mapped[int | None] = mapped_column(Integer)  # the file's data row, 1-based

    answers: Mapped[list[Answer]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", passive_deletes=True
    )


class Answer(Base):
    """One answer: a respondent's text or typed value for one question."""

    __tablename__ = "responses"  # the table kept its first name

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("respondents.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    channel: Mapped[str] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)
    value_number: Mapped[float | None] = mapped_column(Float)
    value_choices: Mapped[list[Any] | None] = mapped_column(JSON)
    value_date: Mapped[datetime | None] = mapped_column(DateTime)
    finished: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(16))  # detected; None: not detected

    submission: Mapped[Submission] = relationship(back_populates="answers")
