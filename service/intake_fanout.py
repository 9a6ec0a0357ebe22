"""Redacting an import's chunks on Celery workers; the broker carries chunk ids, never text.

With a broker set, the import stages each chunk of records raw (identifiers already replaced by
their keys, personal-data cells dropped) in the database staging area and queues the chunk's id;
a worker reads the chunk, redacts it with :class:`~service.intake_redaction.ChunkRedactor` and
writes it back in place. The import waits, reports the rows redacted, then swaps the run in as
the embedded mode does. Raw answer text is in the staging tables only until its chunk is
redacted (or the run is dropped: on any failure at once, after a ``kill -9`` by the next import
once idle); the broker and the result backend see chunk ids and row counts only.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.errors import ModelUnavailable
from service.ingest.schemas import ParsedRecord, QuestionKind, record_from_json, record_to_json
from service.ingest.service import ExportPlan
from service.intake_redaction import ChunkRedactor
from service.privacy.pseudonyms import respondent_key, submission_key
from service.privacy.redactor import Redactor
from service.storage import db
from service.storage.repositories import import_staging

FAN_OUT_ROWS = 250  # rows per worker task: small enough that two workers share a 1,000-row file
_POLL_SECONDS = 0.5
_STALLED_SECONDS = 900  # no chunk redacted for this long: no worker is taking the tasks
Progress = Callable[[int, int], None]


class ChunkFanOut(Protocol):
    """Queues the redaction of a staged chunk by its id (``service.jobs`` builds it)."""

    def submit(self, chunk_id: int) -> None:
        """Queue the chunk's redaction."""

    def failure(self) -> str | None:
        """The error of a failed chunk task, if any."""


@dataclass
class Staged:
    """What staging learnt of the file: the counts the summary needs."""

    staged_id: int
    identified: int = 0
    unfinished: list[int] = field(default_factory=list)
    replaced: int = 0


def pseudonymise(records: list[ParsedRecord], secret_key: str) -> None:
    """Replace each record's identifiers by the keys stored for them."""
    for record in records:
        record.respondent_ref = respondent_key(secret_key, record.respondent_ref)
        record.source_key = submission_key(secret_key, record.source_key)


def stage_for_workers(
    engine: Engine,
    plan: ExportPlan,
    staged: Staged,
    *,
    secret_key: str,
    gazetteer: frozenset[str],
    fan_out: ChunkFanOut,
    progress: Progress | None,
) -> None:
    """Stage the records raw in chunks, queue each chunk's id, and wait for the workers."""
    free_text = sorted(q.text for q in plan.questions if q.kind == QuestionKind.FREE_TEXT)
    context = {"gazetteer": sorted(gazetteer), "free_text": free_text}
    db.write_with_retries(
        engine,
        partial(_set_status, staged_id=staged.staged_id, status="redacting", redaction=context),
    )
    for number, records in enumerate(plan.record_chunks(FAN_OUT_ROWS)):
        staged.identified += sum(1 for r in records if r.identified)
        staged.unfinished.extend(r.row for r in records if not r.finished)
        for record in records:
            record.personal_values.clear()
        pseudonymise(records, secret_key)  # no e-mail address is staged
        payload = [record_to_json(r) for r in records]
        chunk_id = db.write_with_retries(
            engine, partial(_add_raw, staged_id=staged.staged_id, number=number, payload=payload)
        )
        fan_out.submit(chunk_id)
    staged.replaced = _wait(engine, staged.staged_id, plan.rows, fan_out, progress)


def _set_status(
    session: Session, *, staged_id: int, status: str, redaction: dict[str, Any]
) -> None:
    import_staging.set_status(session, staged_id, status, redaction=redaction)


def _add_raw(
    session: Session, *, staged_id: int, number: int, payload: list[dict[str, Any]]
) -> int:
    return import_staging.add_chunk(session, staged_id, number, payload, redacted=False)


def _wait(
    engine: Engine, staged_id: int, total: int, fan_out: ChunkFanOut, progress: Progress | None
) -> int:
    """Wait until every chunk is redacted; returns the spans replaced, counted once per value."""
    last, since = -1, time.monotonic()
    while True:
        with db.transaction(engine) as session:
            done, raw, counts = import_staging.redaction_state(session, staged_id)
        if progress is not None:
            progress(done, total)
        if raw == 0:
            short = {key: n for c in counts for key, n in c["short"].items()}
            return sum(c["free"] for c in counts) + sum(short.values())
        failure = fan_out.failure()
        if failure is not None:
            raise ModelUnavailable(
                "A worker failed to redact part of the import", detail=failure[:500]
            )
        if done != last:
            last, since = done, time.monotonic()
        elif time.monotonic() - since > _STALLED_SECONDS:
            raise ModelUnavailable(
                "No worker redacted any of the import for 15 minutes",
                hint="Start a worker (peerpulse worker), or unset PEERPULSE_BROKER_URL.",
            )
        time.sleep(_POLL_SECONDS)


def redact_staged_chunk(engine: Engine, redactor: Redactor, chunk_id: int) -> int:
    """A worker's task: redact one raw staged chunk in place; returns its rows (0 if done).

    The chunk is read in one short transaction and written in another that checks it is still
    raw, so a redelivered task (a worker killed mid-chunk) redacts it once.
    """
    with db.transaction(engine) as session:
        found = import_staging.chunk_to_redact(session, chunk_id)
        if found is None:
            return 0
        chunk, run = found
        records = [record_from_json(value) for value in chunk.records]
        context = run.redaction or {}
    texts = ChunkRedactor(
        redactor,
        free_text=set(context.get("free_text", ())),
        gazetteer=frozenset(context.get("gazetteer", ())),
    )
    texts.redact(records)
    replaced = {
        "free": texts.free_replaced,
        "short": {_key(value): n for value, n in texts.short_spans.items()},
    }
    payload = [record_to_json(r) for r in records]

    def save(session: Session) -> int:
        again = import_staging.chunk_to_redact(session, chunk_id)
        if again is None:
            return 0
        import_staging.save_redacted(session, again[0], payload, replaced)
        return len(payload)

    return db.write_with_retries(engine, save)


def _key(value: str) -> str:
    """A short value's digest: chunks count a value's spans once per import without its text."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]
