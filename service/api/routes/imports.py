"""Uploading survey exports and check-in notes."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from service.api.security import FacilitatorCommunity
from service.deps import EngineDep, ModelsDep, SessionDep, SettingsDep
from service.errors import InvalidInput, NotFound, TooLarge
from service.ingest.service import parse_mapping
from service.intake import run_import
from service.storage.repositories import import_staging, imports

router = APIRouter(prefix="/api/v1/communities/{slug}/imports", tags=["imports"])
_CHUNK = 1 << 20
_IMPORT_ID = re.compile(r"[0-9a-f]{32}")


class QuestionOut(BaseModel):
    """A question as classified at import."""

    text: str
    kind: str


class ImportSummary(BaseModel):
    """What an import added (the CLI's ``--json`` prints the same object)."""

    id: str  # the run's id, for GET .../imports/{id}
    community: str
    format: str
    responses_added: int
    duplicates_skipped: int
    respondents: int
    identified: int  # responses whose row names its respondent
    questions: list[QuestionOut]
    warnings: list[str]


class ImportOut(BaseModel):
    """A stored import."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    format: str
    sha256: str
    size_bytes: int
    rows_read: int
    responses_added: int
    duplicates_skipped: int
    respondents: int
    warnings: list[Any]
    created_at: datetime


async def _read_limited(upload: UploadFile, limit: int, request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 65536:
        raise _too_large(upload.filename or "upload", int(declared), limit)
    chunks, size = [], 0
    while chunk := await upload.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise _too_large(upload.filename or "upload", size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(name: str, size: int, limit: int) -> TooLarge:
    return TooLarge(
        f"{name} is larger than the {limit / 1_048_576:g} MB upload limit",
        detail=f"At least {size} bytes were sent.",
        hint="Split the export, or raise PEERPULSE_MAX_UPLOAD_MB.",
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ImportSummary)
async def upload(
    request: Request,
    community: FacilitatorCommunity,
    session: SessionDep,
    engine: EngineDep,
    settings: SettingsDep,
    models: ModelsDep,
    file: Annotated[UploadFile, File(description="The export, as the survey tool wrote it")],
    format: Annotated[str, Form()] = "auto",  # noqa: A002 - the form field's public name
    mapping: Annotated[str | None, Form(description="A mapping JSON document")] = None,
    import_id: Annotated[
        str | None,
        Form(description="32 hex digits chosen by the client, to follow GET .../imports/{id}"),
    ] = None,
) -> dict[str, Any]:
    """Import one file (all or nothing); re-importing stores no response twice.

    The request returns when the import is stored; meanwhile ``GET .../imports/{import_id}``
    tells its progress. With a broker set, the file's chunks are redacted by the workers.
    """
    if import_id is not None and not _IMPORT_ID.fullmatch(import_id):
        raise InvalidInput("import_id must be 32 lower-case hex digits")
    # The request's session only checked the token: end it now, so that no connection is held
    # while the file is read, parsed and redacted; the import opens one short write of its own.
    await run_in_threadpool(session.commit)
    data = await _read_limited(file, settings.max_upload_bytes, request)
    # Imported here: the Celery app reads the settings when built, after the app has checked them.
    from service.jobs.celery_app import redaction_fan_out

    fan_out = redaction_fan_out(settings)
    return await run_in_threadpool(
        run_import,
        engine,
        settings,
        slug=community.slug,
        data=data,
        filename=file.filename or "upload",
        format_name=format,
        mapping=parse_mapping(mapping),
        redactor=None if fan_out else models.redactor,
        token=import_id,
        fan_out=fan_out,
    )


class ImportProgressOut(BaseModel):
    """An import being read: rows read, redacted and staged so far, of the file's rows."""

    model_config = ConfigDict(from_attributes=True)

    token: str
    rows_staged: int
    rows_total: int
    created_at: datetime
    updated_at: datetime


@router.get("/in-progress", response_model=list[ImportProgressOut])
def imports_in_progress(community: FacilitatorCommunity, session: SessionDep) -> list[Any]:
    """The community's imports still being read (nothing of them is stored yet)."""
    return import_staging.running(session, community.slug)


class ImportRunOut(BaseModel):
    """One import run: its progress while it runs, its summary once stored."""

    id: str
    status: str  # reading, redacting, storing, done
    rows_done: int  # rows redacted and staged
    rows_total: int
    created_at: datetime
    updated_at: datetime
    result: ImportSummary | None = None


@router.get("/{import_id}", response_model=ImportRunOut)
def import_run(import_id: str, community: FacilitatorCommunity, session: SessionDep) -> Any:
    """An import's progress (rows redacted of the file's rows), then its result once stored.

    A run's summary is kept a day; a run that failed is gone (its error was the upload's answer).
    """
    run = import_staging.find(session, community.slug, import_id)
    if run is None:
        raise NotFound(f"No import {import_id} in this community")
    return {
        "id": run.token,
        "status": run.status,
        "rows_done": run.rows_total if run.status == "done" else run.rows_redacted,
        "rows_total": run.rows_total,
        "created_at": run.created_at,
        "updated_at": run.updated_at,
        "result": run.result,
    }


@router.get("", response_model=list[ImportOut])
def list_imports(community: FacilitatorCommunity, session: SessionDep) -> list[Any]:
    """The community's imports, newest first."""
    return imports.list_for(session, community)
