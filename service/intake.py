"""The import use case: parse a file, redact it, then store it in one all-or-nothing transaction."""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service.config import Settings
from service.errors import Conflict, ModelUnavailable, TooLarge
from service.ingest.schemas import ParsedRecord, record_from_json, record_to_json
from service.ingest.service import ExportPlan, plan_export
from service.intake_fanout import ChunkFanOut, Staged, pseudonymise, stage_for_workers
from service.intake_redaction import ChunkRedactor, PendingChunk
from service.privacy.pool import RedactionPool, processes_for
from service.privacy.redactor import Redactor, gazetteer_from
from service.storage import db
from service.storage.repositories import communities, import_staging, imports

_ATTEMPTS = 5
CHUNK_ROWS = 1_000  # records read, redacted and staged at a time
# A staged run not written to for this long was killed: the next import deletes it.
_STAGING_IDLE = timedelta(minutes=30)
Progress = Callable[[int, int], None]
_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def _parsing_slot(limit: int) -> threading.BoundedSemaphore:
    """The process's gate for parsing and redaction, ``limit`` files at a time.

    Both are CPU-bound under one interpreter lock: more files at once only make every other
    request of the process wait longer (twenty uploads at once kept a viewer's page over a second).
    """
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(limit, threading.BoundedSemaphore(limit))


def run_import(
    engine: Engine,
    settings: Settings,
    *,
    slug: str,
    data: bytes,
    filename: str,
    format_name: str = "auto",
    mapping: dict[str, Any] | None = None,
    create_community: bool = False,
    redactor: Redactor | None,
    progress: Progress | None = None,
    token: str | None = None,
    fan_out: ChunkFanOut | None = None,
) -> dict[str, Any]:
    """Read, redact and stage one file a chunk at a time, then store it all in one transaction.

    Memory holds the file's cells and one chunk of records, whatever the file's length. Each
    redacted chunk is written to the staging area in a short transaction of its own; the last
    transaction moves every staged chunk into the community's tables and deletes the staging
    rows, so a process killed at any moment leaves no response stored (only staged, redacted
    chunks that a later import deletes), and running the import again stores each response once.
    ``progress(rows_done, rows_total)`` is called as chunks are redacted. ``token`` names the run
    for ``GET .../imports/{token}`` (one is made when None). With ``fan_out`` the chunks are
    redacted by workers (:mod:`service.intake_fanout`) and this process waits for them.
    """
    if len(data) > settings.max_upload_bytes:
        raise TooLarge(
            f"{filename} is {len(data) / 1_048_576:.1f} MB, more than the "
            f"{settings.max_upload_mb:g} MB limit",
            hint="Split the export, or raise PEERPULSE_MAX_UPLOAD_MB.",
        )
    with _parsing_slot(settings.max_concurrent_imports):
        plan = plan_export(
            data, filename, limits=settings.limits, format_name=format_name, mapping=mapping
        )
    if not create_community:
        with db.transaction(engine) as session:
            communities.get(session, slug)  # NotFound before any work is staged
    file_info: dict[str, object] = {
        "filename": filename[:500],
        "sha256": hashlib.sha256(data).hexdigest(),
        "size_bytes": len(data),
    }
    token = token or uuid.uuid4().hex
    staged_id = db.write_with_retries(engine, partial(_open_staging, token, slug, plan.rows))
    try:
        if fan_out is None:
            if redactor is None:
                raise ModelUnavailable("An import without workers needs the redactor loaded")
            staged = _stage(engine, settings, plan, redactor, staged_id, progress)
        else:
            staged = Staged(staged_id)
            stage_for_workers(
                engine,
                plan,
                staged,
                secret_key=settings.secret_key,
                gazetteer=gazetteer_from(plan.personal_values()),
                fan_out=fan_out,
                progress=progress,
            )
        db.write_with_retries(engine, partial(_storing, staged_id))
        warnings = plan.warnings_with(staged.unfinished)
        if staged.replaced:
            warnings.append(f"{staged.replaced} piece(s) of personal data redacted from free text")
        return _swap_in(
            engine,
            settings,
            plan,
            staged,
            slug=slug,
            create_community=create_community,
            warnings=warnings,
            file_info=file_info,
            token=token,
        )
    except BaseException:
        db.write_with_retries(engine, partial(import_staging.drop, staged_id=staged_id))
        raise


def _open_staging(token: str, slug: str, rows: int, session: Session) -> int:
    import_staging.drop_idle(session, idle=_STAGING_IDLE)
    return import_staging.start(session, token, slug=slug, rows_total=rows)


def _storing(staged_id: int, session: Session) -> None:
    import_staging.set_status(session, staged_id, "storing")


def _stage(
    engine: Engine,
    settings: Settings,
    plan: ExportPlan,
    redactor: Redactor,
    staged_id: int,
    progress: Progress | None,
) -> Staged:
    """Build, redact and stage the records chunk by chunk; nothing raw is written.

    With ``PEERPULSE_REDACTION_PROCESSES`` above 1 (or 0 on a large file) a
    :class:`RedactionPool` of child processes redacts; otherwise this process does.
    """
    processes = processes_for(settings.redaction_processes, plan.rows)
    with (
        RedactionPool(
            settings.spacy_model,
            processes=processes,
            privacy=redactor.privacy,
            use_lexicon=redactor.use_lexicon,
        )
        if processes > 1
        else nullcontext(None)
    ) as pool:
        staged = Staged(staged_id)
        texts = ChunkRedactor(
            redactor,
            questions=plan.questions,
            gazetteer=gazetteer_from(plan.personal_values()),
            pool=pool,
        )
        done = 0

        def stage(chunk: tuple[int, PendingChunk]) -> None:
            nonlocal done
            done += _stage_chunk(engine, settings, texts, staged, chunk)
            if progress is not None:
                progress(done, plan.rows)

        # chunk k + 1 is read and sent to the pool before chunk k is stored (one chunk ahead)
        pending: tuple[int, PendingChunk] | None = None
        for number, records in enumerate(plan.record_chunks(CHUNK_ROWS)):
            started = (number, texts.start(records))
            if pending is not None:
                stage(pending)
            pending = started
        if pending is not None:
            stage(pending)
        staged.replaced = texts.replaced
        return staged


def _stage_chunk(
    engine: Engine,
    settings: Settings,
    texts: ChunkRedactor,
    staged: Staged,
    pending: tuple[int, PendingChunk],
) -> int:
    """Finish one chunk's redaction and stage it; the rows staged."""
    number, chunk = pending
    with _parsing_slot(settings.max_concurrent_imports):
        texts.finish(chunk)
    records = chunk.records
    staged.identified += sum(1 for r in records if r.identified)
    staged.unfinished.extend(r.row for r in records if not r.finished)
    pseudonymise(records, settings.secret_key)  # no e-mail address is staged
    payload = [record_to_json(r) for r in records]
    db.write_with_retries(
        engine, partial(_add_chunk, staged_id=staged.staged_id, number=number, payload=payload)
    )
    return len(records)


def _add_chunk(
    session: Session, *, staged_id: int, number: int, payload: list[dict[str, Any]]
) -> None:
    import_staging.add_chunk(session, staged_id, number, payload)


def _swap_in(
    engine: Engine,
    settings: Settings,
    plan: ExportPlan,
    staged: Staged,
    *,
    slug: str,
    create_community: bool,
    warnings: list[str],
    file_info: dict[str, object],
    token: str,
) -> dict[str, Any]:
    """Store every staged chunk and delete the staged chunks, in one transaction; the run's
    summary is kept for ``GET .../imports/{token}``."""

    def store(session: Session) -> dict[str, Any]:
        if create_community:
            community = communities.get_or_create(session, slug)
        else:
            community = communities.get(session, slug)

        def chunks() -> Iterator[list[ParsedRecord]]:
            for payload in import_staging.chunks(session, staged.staged_id):
                yield [record_from_json(value) for value in payload]

        batch = imports.store_chunks(
            session,
            community,
            chunks,
            questions=plan.questions,
            summary={"format": plan.format, "warnings": warnings},
            secret_key=settings.secret_key,
            file_info=file_info,
            keyed=True,
        )
        result = {
            "id": token,
            "community": slug,
            "format": plan.format,
            "responses_added": batch.responses_added,
            "duplicates_skipped": batch.duplicates_skipped,
            "respondents": batch.respondents,
            "identified": staged.identified,
            "questions": [q.summary() for q in plan.questions],
            "warnings": list(warnings),
        }
        import_staging.finish(session, staged.staged_id, result)
        return result

    # Reading and redaction are done: the one long write is this one, of stored rows only.
    try:
        return db.write_with_retries(engine, store, attempts=_ATTEMPTS, collisions=True)
    except DBAPIError as exc:
        if not db.transient(exc, collisions=True):
            raise
        raise Conflict(
            "The import collided with concurrent imports too often",
            hint="Retry the upload; nothing from this attempt was stored.",
        ) from exc


def run_roster_import(
    engine: Engine,
    settings: Settings,
    *,
    slug: str,
    data: bytes,
    filename: str,
    create_community: bool = False,
) -> dict[str, Any]:
    """Load a roster (all or nothing): members become known for response rates and turnover."""
    from service.ingest.roster import parse_roster

    members = parse_roster(data, filename, settings.limits)
    with db.transaction(engine, write=True) as session:
        community = (
            communities.get_or_create(session, slug)
            if create_community
            else communities.get(session, slug)
        )
        counts = imports.store_roster(session, community, members, secret_key=settings.secret_key)
    return {"community": slug, "members": len(members), **counts}
