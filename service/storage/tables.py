"""Database tables (SQLAlchemy 2 declarative)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Timestamps are stored as naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so Alembic names constraints stably."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


Base.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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
    """One response as the tool recorded it (a survey row or a check-in note)."""

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

    responses: Mapped[list[Response]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", passive_deletes=True
    )


class Response(Base):
    """One answer: a respondent's text or typed value for one question."""

    __tablename__ = "responses"

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

    submission: Mapped[Submission] = relationship(back_populates="responses")


class User(Base):
    """A person who signs in to the web pages (password hashed with scrypt)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Membership(Base):
    """A user's role in one community."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "community_id", name="uq_memberships_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))


class ApiToken(Base):
    """An API token or a web session; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="api")  # api | session
    role: Mapped[str] = mapped_column(String(32))
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A web session opened with an API token: it shares the token's limit and ends with it.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True
    )


class SignInFailure(Base):
    """A failed sign-in under one throttle counter (a keyed hash of a user name or address)."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_key_failed_at", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Unit(Base):
    """A sentence-level piece of a free-text answer (redacted), the thing themes are made of."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("response_id", "position", name="uq_units_response_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("respondents.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    week: Mapped[str] = mapped_column(String(10))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    non_answer: Mapped[bool] = mapped_column(Boolean, default=False)
    concern_level: Mapped[int | None] = mapped_column(Integer)
    concern_probability: Mapped[float | None] = mapped_column(Float)
    sentiment: Mapped[float | None] = mapped_column(Float)
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes.id", ondelete="SET NULL"), index=True
    )


class EmbeddingCache(Base):
    """A text's embedding, by model and text hash: re-analysis never embeds a text twice."""

    __tablename__ = "embeddings"
    __table_args__ = (UniqueConstraint("model", "text_hash", name="uq_embeddings_model_text"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model: Mapped[str] = mapped_column(String(100))
    text_hash: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class Job(Base):
    """A background job (analysis, embedding batch, digest) with its progress."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(String(500), default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class Theme(Base):
    """A recurring theme with a stable identity across analyses."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(300))
    name: Mapped[str | None] = mapped_column(String(300))  # a human-given name wins over the label
    keywords: Mapped[list[Any]] = mapped_column(JSON, default=list)
    centroid: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | retired
    lineage: Mapped[list[Any]] = mapped_column(JSON, default=list)
    first_job_id: Mapped[str | None] = mapped_column(String(36))
    last_job_id: Mapped[str | None] = mapped_column(String(36))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Recipient(Base):
    """Someone who receives the weekly digest (program staff; not a member)."""

    __tablename__ = "recipients"
    __table_args__ = (UniqueConstraint("community_id", "email", name="uq_recipients_email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(32), default="facilitator")
    weekday: Mapped[int] = mapped_column(Integer, default=0)  # 0 = Monday
    hour: Mapped[int] = mapped_column(Integer, default=8)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DigestSend(Base):
    """The send log: one row per recipient and week, claimed before the message goes out."""

    __tablename__ = "digest_sends"
    __table_args__ = (UniqueConstraint("recipient_id", "period", name="uq_digest_sends_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))  # ISO week, e.g. 2026-W41
    status: Mapped[str] = mapped_column(String(16), default="claimed")  # claimed | sent | failed
    message_id: Mapped[str] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class Suggestion(Base):
    """An agenda suggestion for an upcoming session, and the committee's decision on it."""

    __tablename__ = "suggestions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    job_id: Mapped[str | None] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(300))
    why: Mapped[str] = mapped_column(Text)
    angles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    quotes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    format: Mapped[str] = mapped_column(String(32))
    format_reason: Mapped[str] = mapped_column(Text, default="")
    segments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    theme_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(
        String(16), default="open"
    )  # open|accepted|rejected|deferred|merged
    session_date: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    merged_into: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Vote(Base):
    """A committee member's +1 or -1 on a suggestion (one per principal)."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("suggestion_id", "voter", name="uq_votes_voter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"))
    voter: Mapped[str] = mapped_column(String(64))
    value: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Comment(Base):
    """A committee comment on a suggestion."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    """Who did what, when (committee actions and other changes)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Goal(Base):
    """A purpose or goal set by a stakeholder, to hold members' themes against."""

    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(32))  # sponsor | staff | members | partner
    target_date: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The latest analysis's alignment with members' themes (service.goals), and when.
    alignment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    aligned_at: Mapped[datetime | None] = mapped_column(DateTime)
    aligned_job_id: Mapped[str | None] = mapped_column(String(36))
