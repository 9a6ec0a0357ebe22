"""Celery on Redis: the same jobs as the embedded runner, on any number of workers.

Tasks take job IDs and are idempotent; they are acknowledged late and re-queued when a worker
dies (``task_acks_late`` + ``task_reject_on_worker_lost`` + the Redis visibility timeout), so a
killed worker's job is picked up again by another worker and ends with the same result. A job is
run under a lease (a PostgreSQL advisory lock, see :func:`service.jobs.runner.job_lease`): a
redelivered duplicate of a job that is still running waits instead of running it twice, and a
worker that starts re-queues at once the jobs whose worker died, without waiting for the
visibility timeout.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import Celery, signals

from service.config import Settings, get_settings

log = logging.getLogger(__name__)
_state: dict[str, Any] = {}


def make_celery(settings: Settings) -> Celery:
    """A Celery app for ``settings.broker_url`` (results in the same Redis, for chords)."""
    app = Celery(
        "peerpulse",
        broker=settings.broker_url,
        backend=settings.broker_url,
        include=["service.jobs.tasks"],
    )
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_track_started=True,
        broker_transport_options=_transport_options(settings),
        result_backend_transport_options={"visibility_timeout": settings.celery_visibility_timeout},
        result_expires=24 * 3600,
        broker_connection_retry_on_startup=True,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        beat_schedule={
            "send-due-digests": {"task": "peerpulse.send_due_digests", "schedule": 600.0},
        },
    )
    return app


def _transport_options(settings: Settings) -> dict[str, Any]:
    # Unacknowledged messages older than the visibility timeout go back to the queue; kombu's
    # default sweep runs every 10 s x 10 calls, so a short timeout would still wait ~100 s.
    timeout = settings.celery_visibility_timeout
    return {
        "visibility_timeout": timeout,
        "unacked_restore_interval": max(1, min(10, timeout // 4)),
        "unacked_restore_throttle": 1,
    }


celery_app = make_celery(get_settings()) if get_settings().broker_url else Celery("peerpulse")


def worker_context() -> dict[str, Any]:
    """The engine, model store and settings of this worker process (loaded once)."""
    if not _state:
        from service.modelstore import ModelStore

        threads = os.environ.get("PEERPULSE_WORKER_THREADS")
        if threads:  # torch's pool per process: N processes x all cores oversubscribe the CPU
            import torch

            torch.set_num_threads(int(threads))
        from service.storage import db

        settings = get_settings()
        engine = db.engine_for(settings.database_url)
        db.upgrade(engine)
        _state.update(engine=engine, models=_loaded_models(ModelStore(settings)), settings=settings)
    return _state


def _loaded_models(models: Any) -> Any:
    """Load what the jobs use before the first task; the scorer shares the loaded encoder."""
    from service.concerns.scorer import load_scorer

    models.embedder.embed(["warm up the encoder"])  # the first call is several times slower
    models.put("concern_scorer", load_scorer(embedder=models.embedder))
    models.theme_lexicon  # noqa: B018 - loads the spaCy lexicon once
    return models


@signals.worker_process_init.connect
def _load_models(**_kwargs: Any) -> None:
    context = worker_context()
    log.info("worker ready on %s", context["settings"].database_url.split("@")[-1])


@signals.worker_ready.connect
def _requeue_orphans(sender: Any = None, **_kwargs: Any) -> None:
    """Re-queue the jobs whose worker died (running, lease free) as this worker starts."""
    from service.jobs.runner import orphaned

    settings = get_settings()
    if not settings.broker_url or settings.database_url.startswith("sqlite"):
        return
    from service.storage import db

    app = getattr(sender, "app", None) or celery_app
    engine = db.make_engine(settings.database_url)  # not kept: pool children fork from here
    try:
        for job_id in orphaned(engine):
            log.warning("job %s lost its worker; queueing it again", job_id)
            app.send_task("peerpulse.run_job", args=[job_id], task_id=job_id)
    finally:
        engine.dispose()


class CeleryRunner:
    """Submits jobs to the workers; the task ID is the job ID, so a resubmit is harmless."""

    def __init__(self, settings: Settings) -> None:
        self.app = make_celery(settings)

    def submit(self, job_id: str) -> None:
        """Queue the job's task."""
        self.app.send_task("peerpulse.run_job", args=[job_id], task_id=job_id)


class CeleryRedaction:
    """Queues an import's staged chunks for redaction on the workers, by chunk id only."""

    def __init__(self, settings: Settings) -> None:
        self.app = make_celery(settings)
        self.results: list[Any] = []

    def submit(self, chunk_id: int) -> None:
        """Queue ``peerpulse.redact_chunk`` for the chunk."""
        self.results.append(self.app.send_task("peerpulse.redact_chunk", args=[chunk_id]))

    def failure(self) -> str | None:
        """The first failed chunk task's error, if any (the tasks return row counts only)."""
        for result in self.results:
            if result.failed():
                return repr(result.result)
        return None


def redaction_fan_out(settings: Settings) -> CeleryRedaction | None:
    """The workers' redaction of import chunks when a broker is set; None runs it in-process."""
    return CeleryRedaction(settings) if settings.broker_url else None
