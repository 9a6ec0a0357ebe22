"""Celery on Redis: the same jobs as the embedded runner, on any number of workers.

Tasks take job IDs and are idempotent; they are acknowledged late and re-queued when a worker
dies (``task_acks_late`` + ``task_reject_on_worker_lost`` + the Redis visibility timeout), so a
killed worker's job is picked up again by another worker and ends with the same result.
"""

from __future__ import annotations

import logging
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
        broker_transport_options={"visibility_timeout": settings.celery_visibility_timeout},
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


celery_app = make_celery(get_settings()) if get_settings().broker_url else Celery("peerpulse")


def worker_context() -> dict[str, Any]:
    """The engine, model store and settings of this worker process (loaded once)."""
    if not _state:
        from service.modelstore import ModelStore
        from service.storage import db

        settings = get_settings()
        engine = db.engine_for(settings.database_url)
        db.upgrade(engine)
        _state.update(engine=engine, models=ModelStore(settings), settings=settings)
    return _state


@signals.worker_process_init.connect
def _load_models(**_kwargs: Any) -> None:
    context = worker_context()
    log.info("worker ready on %s", context["settings"].database_url.split("@")[-1])


class CeleryRunner:
    """Submits jobs to the workers; the task ID is the job ID, so a resubmit is harmless."""

    def __init__(self, settings: Settings) -> None:
        self.app = make_celery(settings)

    def submit(self, job_id: str) -> None:
        """Queue the job's task."""
        self.app.send_task("peerpulse.run_job", args=[job_id], task_id=job_id)
