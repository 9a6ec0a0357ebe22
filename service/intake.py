"""The import use case: parse a file, redact it, then store it in one all-or-nothing transaction."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service.config import Settings
from service.errors import Conflict, TooLarge
from service.ingest.schemas import ParsedImport
from service.ingest.service import parse_export
from service.privacy.redactor import Redactor
from service.privacy.service import redact_import
from service.storage import db
from service.storage.repositories import communities, imports

_ATTEMPTS = 5
_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def _parsing_slot(limit: int) -> threading.BoundedSemaphore:
    """The process's gate for parsing and redaction, ``limit`` files at a time.

    Both are CPU-bound under one interpreter lock: more files at once only make every other
    request of the process wait longer (twenty uploads at once kept a viewer's page over a second).
    """
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(limit, threading.BoundedSemaphore(limit))


def summary(parsed: ParsedImport, batch: Any, slug: str) -> dict[str, Any]:
    """The JSON object the CLI prints and the endpoint returns."""
    return {
        "community": slug,
        "format": parsed.format,
        "responses_added": batch.responses_added,
        "duplicates_skipped": batch.duplicates_skipped,
        "respondents": batch.respondents,
        "identified": parsed.identified,
        "questions": [q.summary() for q in parsed.questions],
        "warnings": list(parsed.warnings),
    }


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
    redactor: Redactor,
) -> dict[str, Any]:
    """Parse, redact and store one file; retried when a concurrent import stored rows first."""
    if len(data) > settings.max_upload_bytes:
        raise TooLarge(
            f"{filename} is {len(data) / 1_048_576:.1f} MB, more than the "
            f"{settings.max_upload_mb:g} MB limit",
            hint="Split the export, or raise PEERPULSE_MAX_UPLOAD_MB.",
        )
    with _parsing_slot(settings.max_concurrent_imports):
        parsed = parse_export(
            data, filename, limits=settings.limits, format_name=format_name, mapping=mapping
        )
        redacted = redact_import(parsed, redactor)
    if redacted:
        parsed.warnings.append(f"{redacted} piece(s) of personal data redacted from free text")
    file_info: dict[str, object] = {
        "filename": filename[:500],
        "sha256": hashlib.sha256(data).hexdigest(),
        "size_bytes": len(data),
    }

    def store(session: Session) -> dict[str, Any]:
        if create_community:
            community = communities.get_or_create(session, slug)
        else:
            community = communities.get(session, slug)
        batch = imports.store(
            session, community, parsed, secret_key=settings.secret_key, file_info=file_info
        )
        return summary(parsed, batch, slug)

    # Parsing and redaction are done: the only time a connection is held is this one short write.
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
