"""Run jobs: in-process threads (embedded mode) or Celery (when a broker is configured)."""

from __future__ import annotations

import hashlib
import logging
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Literal, Protocol

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from service.config import Settings
from service.errors import PeerPulseError
from service.jobs import store
from service.modelstore import ModelStore

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]
JobFunction = Callable[..., dict[str, Any]]
_KINDS: dict[str, JobFunction] = {}


def job_kind(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register ``function(engine, models, settings, job, progress) -> result`` for a job kind."""

    def register(function: JobFunction) -> JobFunction:
        _KINDS[name] = function
        return function

    return register


@contextmanager
def job_lease(engine: Engine, job_id: str) -> Iterator[bool]:
    """Hold the job's lease while running it; yields False when a live process holds it.

    On PostgreSQL the lease is a session-level advisory lock on a connection of its own: the
    server drops it the moment the holder's connection closes, so a killed worker's job is free
    again at once while a redelivered duplicate of a job that is still running is recognised. On
    SQLite (one process, embedded mode) there is nothing to share and the lease is always granted.
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = int.from_bytes(
        hashlib.blake2b(job_id.encode(), digest_size=8).digest(), "big", signed=True
    )
    with engine.connect() as connection:
        held = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
        connection.commit()
        try:
            yield held
        finally:
            if held:
                try:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    connection.commit()
                except DBAPIError:  # a broken connection drops the lock by itself
                    log.warning("could not release the lease of job %s", job_id, exc_info=True)


def execute(
    engine: Engine, models: ModelStore, settings: Settings, job_id: str
) -> Literal["ran", "done", "busy"]:
    """Run one job to its end; safe to call again for the same job after a crash.

    Returns ``"busy"`` when another live process is running the job (nothing was done),
    ``"done"`` when it had already finished, and ``"ran"`` otherwise.
    """
    with job_lease(engine, job_id) as held:
        if not held:
            return "busy"
        job = store.claim(engine, job_id)
        if job is None:
            return "done"
        _run_claimed(engine, models, settings, job)
        return "ran"


def _run_claimed(engine: Engine, models: ModelStore, settings: Settings, job: Any) -> None:
    job_id = job.id
    function = _KINDS.get(job.kind)
    if function is None:
        store.finish(engine, job_id, error=f"unknown job kind {job.kind!r}")
        return

    def report(fraction: float, message: str) -> None:
        store.progress(engine, job_id, fraction, message)

    try:
        result = function(engine, models, settings, job, report)
    except PeerPulseError as exc:
        store.finish(engine, job_id, error=exc.message)
    except Exception as exc:  # noqa: BLE001 - a job's failure is recorded, not raised in a thread
        log.exception("job %s failed", job_id)
        store.finish(
            engine, job_id, error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
        )
    else:
        store.finish(engine, job_id, result=result)


def orphaned(engine: Engine) -> list[str]:
    """Jobs marked running whose lease nobody holds: the process running them died."""
    stale = []
    for job_id in store.unfinished(engine):
        if store.get(engine, job_id).status != "running":
            continue
        with job_lease(engine, job_id) as free:
            if free:
                stale.append(job_id)
    return stale


class Runner(Protocol):
    """Starts jobs somewhere."""

    def submit(self, job_id: str) -> None:
        """Start the job (it is already stored as queued)."""
        ...


class EmbeddedRunner:
    """Jobs run in this process, at most ``max_concurrent_analyses`` at a time."""

    def __init__(self, engine: Engine, models: ModelStore, settings: Settings) -> None:
        self.engine, self.models, self.settings = engine, models, settings
        self._pool = ThreadPoolExecutor(
            max_workers=settings.max_concurrent_analyses, thread_name_prefix="peerpulse-job"
        )
        self.futures: dict[str, Future[str]] = {}

    def submit(self, job_id: str) -> None:
        """Queue the job on the thread pool."""
        self.futures[job_id] = self._pool.submit(
            execute, self.engine, self.models, self.settings, job_id
        )

    def resume(self) -> list[str]:
        """Start again every job a previous process left unfinished."""
        pending = store.unfinished(self.engine)
        for job_id in pending:
            self.submit(job_id)
        return pending

    def shutdown(self) -> None:
        """Wait for running jobs, then stop."""
        self._pool.shutdown(wait=True, cancel_futures=False)


def build_runner(engine: Engine, models: ModelStore, settings: Settings) -> Runner:
    """Celery when ``PEERPULSE_BROKER_URL`` is set, otherwise the embedded runner."""
    if getattr(settings, "broker_url", None):
        from service.jobs.celery_app import CeleryRunner

        return CeleryRunner(settings)
    return EmbeddedRunner(engine, models, settings)
