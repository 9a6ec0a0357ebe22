"""The import staging area: a run's chunks, written one by one, read back in order."""

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


def add_chunk(
    session: Session,
    staged_id: int,
    chunk: int,
    records: list[dict[str, Any]],
    *,
    redacted: bool = True,
) -> int:
    """Stage one chunk of records (JSON), redacted or for a worker to redact; returns its id."""
    row = StagedChunk(staged_import_id=staged_id, chunk=chunk, records=records, redacted=redacted)
    session.add(row)
    done = len(records) if redacted else 0
    session.execute(
        update(StagedImport)
        .where(StagedImport.id == staged_id)
        .values(
            rows_staged=StagedImport.rows_staged + len(records),
            rows_redacted=StagedImport.rows_redacted + done,
            updated_at=utcnow(),
        )
    )
    session.flush()
    return row.id


def set_status(
    session: Session, staged_id: int, status: str, *, redaction: dict[str, Any] | None = None
) -> None:
    """Move a run to ``status`` (reading, redacting, storing, done, failed)."""
    values: dict[str, Any] = {"status": status, "updated_at": utcnow()}
    if redaction is not None:
        values["redaction"] = redaction
    session.execute(update(StagedImport).where(StagedImport.id == staged_id).values(**values))


def chunk_to_redact(session: Session, chunk_id: int) -> tuple[StagedChunk, StagedImport] | None:
    """A raw chunk and its run, locked for this worker; None when redacted or gone already."""
    chunk = session.scalars(
        select(StagedChunk).where(StagedChunk.id == chunk_id).with_for_update()
    ).one_or_none()
    if chunk is None or chunk.redacted:
        return None
    return chunk, session.get_one(StagedImport, chunk.staged_import_id)


def save_redacted(
    session: Session, chunk: StagedChunk, records: list[dict[str, Any]], replaced: dict[str, Any]
) -> None:
    """Replace a chunk's raw records by their redaction and count its rows as redacted."""
    chunk.records = records
    chunk.redacted = True
    chunk.replaced = replaced
    session.execute(
        update(StagedImport)
        .where(StagedImport.id == chunk.staged_import_id)
        .values(rows_redacted=StagedImport.rows_redacted + len(records), updated_at=utcnow())
    )
    session.flush()


def redaction_state(session: Session, staged_id: int) -> tuple[int, int, list[dict[str, Any]]]:
    """Rows redacted so far, chunks still raw, and the span counts of the redacted chunks."""
    rows = session.execute(
        select(StagedChunk.redacted, StagedChunk.replaced).where(
            StagedChunk.staged_import_id == staged_id
        )
    ).all()
    redacted = session.scalar(
        select(StagedImport.rows_redacted).where(StagedImport.id == staged_id)
    )
    return (
        int(redacted or 0),
        sum(1 for done, _ in rows if not done),
        [counts for done, counts in rows if done and counts],
    )


def finish(session: Session, staged_id: int, result: dict[str, Any]) -> None:
    """Delete a stored run's chunks and name words; keep its summary for ``GET imports/{id}``."""
    session.execute(delete(StagedChunk).where(StagedChunk.staged_import_id == staged_id))
    session.execute(
        update(StagedImport)
        .where(StagedImport.id == staged_id)
        .values(status="done", redaction=None, result=result, updated_at=utcnow())
    )


def find(session: Session, slug: str, token: str) -> StagedImport | None:
    """A community's run by its token (running, or done with its summary)."""
    return session.scalars(
        select(StagedImport).where(StagedImport.community_slug == slug, StagedImport.token == token)
    ).one_or_none()


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
    """Rows redacted and staged and rows in all of a run, or None when no such run is staged."""
    row = session.execute(
        select(StagedImport.rows_redacted, StagedImport.rows_total).where(
            StagedImport.token == token
        )
    ).one_or_none()
    return (row[0], row[1]) if row else None


def running(session: Session, slug: str) -> list[StagedImport]:
    """A community's imports being read now (and killed ones not yet deleted), oldest first."""
    return list(
        session.scalars(
            select(StagedImport)
            .where(StagedImport.community_slug == slug, StagedImport.status != "done")
            .order_by(StagedImport.id)
        )
    )


def drop(session: Session, staged_id: int) -> None:
    """Delete a run and its chunks."""
    session.execute(delete(StagedChunk).where(StagedChunk.staged_import_id == staged_id))
    session.execute(delete(StagedImport).where(StagedImport.id == staged_id))


def drop_idle(
    session: Session,
    *,
    idle: timedelta,
    keep_done: timedelta = timedelta(days=1),
    now: datetime | None = None,
) -> int:
    """Delete runs left idle longer than ``idle`` (their import was killed) and the summaries of
    stored runs older than ``keep_done``; returns how many."""
    cutoff = (now or utcnow()) - idle
    old = (now or utcnow()) - keep_done
    stale = list(
        session.scalars(
            select(StagedImport.id).where(
                ((StagedImport.status != "done") & (StagedImport.updated_at < cutoff))
                | (StagedImport.updated_at < old)
            )
        )
    )
    for staged_id in stale:
        drop(session, staged_id)
    return len(stale)
