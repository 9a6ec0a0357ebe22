"""The committee's codebook: its codes, its decisions on new candidate themes, and its moves.

A code is a theme the committee has shaped (renamed, described, created, split off, merged into,
moved answers into or out of, adopted) or imported: its name, description and example answers,
per community (``question_id`` None) or per question. The next analysis codes new answers
against the codes first (:mod:`service.analysis.codebook`). The committee's moves of single
answers (``answer_pins``) are kept by every later analysis; its decisions on new candidate
themes (``codebook_decisions``) are remembered, so an ignored candidate does not come back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.storage.tables.base import Base, utcnow


class Code(Base):
    """One code of a community's codebook, and the theme that carries it now."""

    __tablename__ = "codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    # None: a community-wide code; else the question whose answers it codes.
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[list[Any]] = mapped_column(JSON, default=list)  # answer texts (redacted)
    parent: Mapped[str | None] = mapped_column(String(300))  # the parent code's name
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | retired
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CodebookDecision(Base):
    """The committee's decision on a candidate theme: adopted, merged into a code, or ignored.

    The centroid is kept so that a candidate ignored once is recognised when it comes back
    under a new id.
    """

    __tablename__ = "codebook_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes.id", ondelete="SET NULL"), index=True
    )
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(16))  # adopted | merged | ignored
    label: Mapped[str] = mapped_column(String(300))
    centroid: Mapped[bytes] = mapped_column(LargeBinary)
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AnswerPin(Base):
    """A committee move: the answer leaves ``from_theme_id`` (if set) for ``to_theme_id``
    (None: no theme). Later analyses keep it."""

    __tablename__ = "answer_pins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    from_theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    to_theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
