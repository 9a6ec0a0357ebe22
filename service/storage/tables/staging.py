"""The import staging area: redacted chunks of an import in progress, swapped in at its end."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.storage.tables.base import Base, utcnow


class StagedImport(Base):
    """An import being read: nothing of it is visible until its chunks are stored in one go.

    A run killed before its end leaves only this row and its chunks (redacted text, never raw
    answers); they are deleted by the next import once idle for longer than an import can pause.
    """

    __tablename__ = "staged_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    community_slug: Mapped[str] = mapped_column(String(64))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_staged: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class StagedChunk(Base):
    """One chunk of redacted records (JSON) of a staged import, in file order."""

    __tablename__ = "staged_chunks"
    __table_args__ = (UniqueConstraint("staged_import_id", "chunk", name="uq_staged_chunks"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staged_import_id: Mapped[int] = mapped_column(
        ForeignKey("staged_imports.id", ondelete="CASCADE"), index=True
    )
    chunk: Mapped[int] = mapped_column(Integer)
    records: Mapped[list[Any]] = mapped_column(JSON)
