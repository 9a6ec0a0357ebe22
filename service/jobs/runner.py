"""Run jobs: in-process threads (embedded mode) or Celery (when a broker is configured)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from sqlalchemy import Engine

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


def execute(engine: Engine, models: ModelStore, settings: Settings, job_id: str) -> None:
    """Run one job to its end; safe to call again for the same job after a crash."""
    job = store.claim(engine, job_id)
    if job is None:
        return
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
        self.futures: dict[str, Future[None]] = {}

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
