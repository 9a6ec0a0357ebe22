"""The import staging area: redacted chunks of an import in progress, swapped in at its end."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.storage.tables.base import Base, utcnow


class StagedImport(Base):
    """An import being read: nothing of it is visible until its chunks are stored in one go.

    A run killed before its end leaves only this row and its chunks; they are deleted by the next
    import once idle for longer than an import can pause. Chunks are redacted before they are
    written, except with a broker: then a chunk is written raw for a worker to redact in place
    (the broker carries its id only), and ``redaction`` holds the import's name words meanwhile.
    After the swap-in the chunks and those words are deleted and ``result`` keeps the summary
    (``status`` "done") for ``GET .../imports/{token}``.
    """

    __tablename__ = "staged_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    community_slug: Mapped[str] = mapped_column(String(64))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_staged: Mapped[int] = mapped_column(Integer, default=0)
    rows_redacted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(16), default="reading", server_default="reading")
    # {"gazetteer": [...], "free_text": [...]}: what a worker needs to redact a chunk.
    redaction: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
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
    redacted: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Spans replaced: {"free": n, "short": {sha256 of a short value: n}} (no text).
    replaced: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
