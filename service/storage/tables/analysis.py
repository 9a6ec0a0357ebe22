"""What an analysis computes: units, cached embeddings, jobs, themes and their figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.storage.tables.base import Base, utcnow
from service.storage.tables.members import Question


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
    # The question whose answers the theme gathers; None: a community-wide theme.
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes.id", ondelete="SET NULL"), index=True
    )
    level: Mapped[str] = mapped_column(String(16), default="fine")  # parent | fine
    label: Mapped[str] = mapped_column(String(300))
    name: Mapped[str | None] = mapped_column(String(300))  # a human-given name wins over the label
    keywords: Mapped[list[Any]] = mapped_column(JSON, default=list)
    centroid: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | retired
    lineage: Mapped[list[Any]] = mapped_column(JSON, default=list)
    first_job_id: Mapped[str | None] = mapped_column(String(36))
    last_job_id: Mapped[str | None] = mapped_column(String(36))
    # The figures of the run that last matched it (the assignment and trends stages).
    unit_count: Mapped[int] = mapped_column(Integer, default=0)
    member_count: Mapped[int | None] = mapped_column(Integer)  # None: under the minimum group
    share: Mapped[float] = mapped_column(Float, default=0.0)
    trend: Mapped[str] = mapped_column(String(16), default="steady")
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    weeks: Mapped[list[ThemeWeek]] = relationship(
        order_by="ThemeWeek.week", cascade="all, delete-orphan", lazy="selectin"
    )
    quotes: Mapped[list[ThemeQuote]] = relationship(
        order_by="ThemeQuote.position", cascade="all, delete-orphan", lazy="selectin"
    )
    worry: Mapped[ThemeWorry | None] = relationship(cascade="all, delete-orphan", lazy="selectin")
    goal_links: Mapped[list[ThemeGoal]] = relationship(
        order_by="ThemeGoal.position", cascade="all, delete-orphan", lazy="selectin"
    )
    goal_gap: Mapped[ThemeGoalGap | None] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    question: Mapped[Question | None] = relationship(lazy="selectin")
    summary_sentences: Mapped[list[ThemeSummarySentence]] = relationship(
        order_by="ThemeSummarySentence.position", cascade="all, delete-orphan", lazy="selectin"
    )


class AnswerTheme(Base):
    """An answer coded to a theme of its scope, with the sentence that carries the evidence."""

    __tablename__ = "answer_themes"
    __table_args__ = (
        UniqueConstraint("answer_id", "theme_id", name="uq_answer_themes_answer_theme"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    evidence_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="SET NULL")
    )


class ThemeSummarySentence(Base):
    """One sentence of a theme's summary, citing the answers it rests on."""

    __tablename__ = "theme_summary_sentences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    answer_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)


class ThemeWeek(Base):
    """A theme's unit count in one ISO week (None: the theme is under the minimum group)."""

    __tablename__ = "theme_weeks"
    __table_args__ = (UniqueConstraint("theme_id", "week", name="uq_theme_weeks_theme_week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    week: Mapped[str] = mapped_column(String(10))
    count: Mapped[int | None] = mapped_column(Integer)


class ThemeQuote(Base):
    """One of a theme's representative quotes (already redacted), in the order shown."""

    __tablename__ = "theme_quotes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    week: Mapped[str | None] = mapped_column(String(10))


class ThemeWorry(Base):
    """The worry a theme carries, as the worry-ranking stage shows it (None: withheld)."""

    __tablename__ = "theme_worries"

    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(300))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    concerned_respondents: Mapped[int | None] = mapped_column(Integer)
    severe_respondents: Mapped[int | None] = mapped_column(Integer)
    intensity: Mapped[float | None] = mapped_column(Float)
    trend: Mapped[str | None] = mapped_column(String(16))
    concern_share: Mapped[float | None] = mapped_column(Float)
    sentiment: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)


class ThemeGoal(Base):
    """A goal a theme speaks to, with what the goals stage found (the agenda reads it)."""

    __tablename__ = "theme_goals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    gap: Mapped[str | None] = mapped_column(String(40))
    similarity: Mapped[float] = mapped_column(Float)
    shared: Mapped[list[Any]] = mapped_column(JSON, default=list)  # the words both share
    barriers: Mapped[list[Any]] = mapped_column(JSON, default=list)  # quotes, free-form
    progress: Mapped[list[Any]] = mapped_column(JSON, default=list)  # quotes, free-form


class ThemeGoalGap(Base):
    """A strong theme that no goal covers, as the goals stage found it."""

    __tablename__ = "theme_goal_gaps"

    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(300))
    members: Mapped[int] = mapped_column(Integer)
    share_of_members: Mapped[float] = mapped_column(Float)
    trend: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[Any]] = mapped_column(JSON, default=list)
    quotes: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"text", "week"}]
    closest_goal: Mapped[int | None] = mapped_column(Integer)
    closest_similarity: Mapped[float | None] = mapped_column(Float)
