"""The import staging area: a run's redacted chunks, written one by one, read back in order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from service.storage.tables import StagedChunk, StagedImport, utcnow


def start(session: Session, token: str, *, slug: str, rows_total: int) -> int:
    """Open a staged run; returns its id."""
    staged = StagedImport(token=token, community_slug=slug, rows_total=rows_total, rows_staged=0)
    session.add(staged)
    session.flush()
    return staged.id


def add_chunk(session: Session, staged_id: int, chunk: int, records: list[dict[str, Any]]) -> None:
    """Stage one chunk of redacted records (JSON) and count its rows."""
    session.add(StagedChunk(staged_import_id=staged_id, chunk=chunk, records=records))
    session.execute(
        update(StagedImport)
        .where(StagedImport.id == staged_id)
        .values(rows_staged=StagedImport.rows_staged + len(records), updated_at=utcnow())
    )
    session.flush()


def chunks(session: Session, staged_id: int) -> Iterator[list[dict[str, Any]]]:
    """The staged chunks in order, one loaded at a time."""
    ids = list(
        session.scalars(
            select(StagedChunk.id)
            .where(StagedChunk.staged_import_id == staged_id)
            .order_by(StagedChunk.chunk)
        )
    )
    for chunk_id in ids:
        yield session.scalars(select(StagedChunk.records).where(StagedChunk.id == chunk_id)).one()


def progress(session: Session, token: str) -> tuple[int, int] | None:
    """Rows staged and rows in all of a run, or None when no such run is staged."""
    row = session.execute(
        select(StagedImport.rows_staged, StagedImport.rows_total).where(StagedImport.token == token)
    ).one_or_none()
    return (row[0], row[1]) if row else None


def running(session: Session, slug: str) -> list[StagedImport]:
    """A community's imports being read now (and killed ones not yet deleted), oldest first."""
    return list(
        session.scalars(
            select(StagedImport)
            .where(StagedImport.community_slug == slug)
            .order_by(StagedImport.id)
        )
    )


def drop(session: Session, staged_id: int) -> None:
    """Delete a run and its chunks."""
    session.execute(delete(StagedChunk).where(StagedChunk.staged_import_id == staged_id))
    session.execute(delete(StagedImport).where(StagedImport.id == staged_id))


def drop_idle(session: Session, *, idle: timedelta, now: datetime | None = None) -> int:
    """Delete runs left idle longer than ``idle`` (their import was killed); returns how many."""
    cutoff = (now or utcnow()) - idle
    stale = list(session.scalars(select(StagedImport.id).where(StagedImport.updated_at < cutoff)))
    for staged_id in stale:
        drop(session, staged_id)
    return len(stale)
