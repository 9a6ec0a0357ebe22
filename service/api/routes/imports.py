"""Uploading survey exports and check-in notes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from service.api.security import FacilitatorCommunity
from service.deps import EngineDep, ModelsDep, SessionDep, SettingsDep
from service.errors import TooLarge
from service.ingest.service import parse_mapping
from service.intake import run_import
from service.storage.repositories import import_staging, imports

router = APIRouter(prefix="/api/v1/communities/{slug}/imports", tags=["imports"])
_CHUNK = 1 << 20


class QuestionOut(BaseModel):
    """A question as classified at import."""

    text: str
    kind: str


class ImportSummary(BaseModel):
    """What an import added (the CLI's ``--json`` prints the same object)."""

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
) -> dict[str, Any]:
    """Import one file (all or nothing); re-importing stores no response twice."""
    # The request's session only checked the token: end it now, so that no connection is held
    # while the file is read, parsed and redacted; the import opens one short write of its own.
    await run_in_threadpool(session.commit)
    data = await _read_limited(file, settings.max_upload_bytes, request)
    return await run_in_threadpool(
        run_import,
        engine,
        settings,
        slug=community.slug,
        data=data,
        filename=file.filename or "upload",
        format_name=format,
        mapping=parse_mapping(mapping),
        redactor=models.redactor,
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


@router.get("", response_model=list[ImportOut])
def list_imports(community: FacilitatorCommunity, session: SessionDep) -> list[Any]:
    """The community's imports, newest first."""
    return imports.list_for(session, community)
