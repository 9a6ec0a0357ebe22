"""Celery tasks; each takes IDs and may run again after a crash without losing or doubling data."""

from __future__ import annotations

from typing import Any

import service.analysis.stages  # noqa: F401 - registers the analysis job kind
from service.jobs.celery_app import celery_app, worker_context
from service.jobs.runner import execute

#: Seconds between checks while another live worker holds a job's lease.
BUSY_RETRY_SECONDS = 15


@celery_app.task(
    name="peerpulse.run_job",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def run_job(self: Any, job_id: str) -> str:
    """Run a stored job to its end.

    A redelivered copy of a job that a live worker is still running (the visibility timeout
    passed) checks again later instead of running it twice: if that worker dies meanwhile, the
    copy runs the job; if it finishes, the copy ends.
    """
    context = worker_context()
    outcome = execute(context["engine"], context["models"], context["settings"], job_id)
    if outcome == "busy":
        raise self.retry(countdown=BUSY_RETRY_SECONDS)
    return outcome


@celery_app.task(name="peerpulse.embed_chunk", acks_late=True, reject_on_worker_lost=True)
def embed_chunk(text_hashes: list[str]) -> int:
    """Embed the texts of one chunk into the shared cache (skips what is already there)."""
    from service.analysis.embeddings import embed_missing

    context = worker_context()
    return embed_missing(context["engine"], context["models"], text_hashes)


@celery_app.task(name="peerpulse.redact_chunk", acks_late=True, reject_on_worker_lost=True)
def redact_chunk(chunk_id: int) -> int:
    """Redact one staged chunk of an import in place (its text never passes through the broker);
    returns the rows redacted (0 when another delivery had done it)."""
    from service.intake_fanout import redact_staged_chunk

    context = worker_context()
    return redact_staged_chunk(context["engine"], context["models"].redactor, chunk_id)


@celery_app.task(name="peerpulse.send_due_digests")
def send_due_digests() -> Any:
    """Celery beat's weekly digest check (the embedded mode uses APScheduler instead)."""
    from service.digest.schedule import send_due_digests as send

    context = worker_context()
    return send(context["engine"], context["settings"])
