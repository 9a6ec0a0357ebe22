"""Job rows: create, claim, report progress, finish. Every write is its own short transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Engine, select

from service.errors import NotFound
from service.storage import db
from service.storage.tables import Job, utcnow

ACTIVE = ("queued", "running")


def create(
    engine: Engine, community_id: int, kind: str, params: dict[str, Any] | None = None
) -> tuple[str, bool]:
    """A new queued job, or the community's active job of the same kind (idempotent enqueue)."""
    with db.transaction(engine, write=True) as session:
        active = session.scalar(
            select(Job).where(
                Job.community_id == community_id, Job.kind == kind, Job.status.in_(ACTIVE)
            )
        )
        if active is not None:
            return active.id, False
        job = Job(
            id=str(uuid.uuid4()),
            community_id=community_id,
            kind=kind,
            params=params or {},
            status="queued",
            progress=0.0,
            message="queued",
        )
        session.add(job)
        return job.id, True


def get(engine: Engine, job_id: str) -> Job:
    """The job, or :class:`NotFound`."""
    with db.transaction(engine) as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound(f"No job {job_id!r}")
        session.expunge(job)
        return job


def claim(engine: Engine, job_id: str) -> Job | None:
    """Mark a queued (or crashed running) job as running; None when it already finished."""
    with db.transaction(engine, write=True) as session:
        job = session.get(Job, job_id)
        if job is None or job.status in ("succeeded", "failed"):
            return None
        job.status, job.started_at, job.attempts = "running", utcnow(), job.attempts + 1
        job.message = "started"
        session.flush()
        session.expunge(job)
        return job


def progress(engine: Engine, job_id: str, fraction: float, message: str) -> None:
    """Record progress (0..1) and what the job is doing."""
    with db.transaction(engine, write=True) as session:
        job = session.get(Job, job_id)
        if job is not None:
            job.progress, job.message = max(0.0, min(1.0, fraction)), message[:500]


def finish(
    engine: Engine, job_id: str, *, result: dict[str, Any] | None = None, error: str | None = None
) -> None:
    """Record success with its result, or failure with its reason."""
    with db.transaction(engine, write=True) as session:
        job = session.get(Job, job_id)
        if job is None:
            return
        job.finished_at = utcnow()
        if error is None:
            job.status, job.progress, job.message, job.result = "succeeded", 1.0, "done", result
        else:
            job.status, job.message, job.error = "failed", "failed", error[:4000]


def unfinished(engine: Engine) -> list[str]:
    """Jobs left queued or running (by a process that died): they are run again."""
    with db.transaction(engine) as session:
        return list(
            session.scalars(select(Job.id).where(Job.status.in_(ACTIVE)).order_by(Job.created_at))
        )


def as_dict(job: Job) -> dict[str, Any]:
    """The shape of ``GET /api/v1/jobs/{id}``."""
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": round(job.progress, 3),
        "message": job.message,
        "result": job.result,
        "error": job.error,
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "attempts": job.attempts,
    }
