"""The program value report, downloaded from the digest page (facilitator and up)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from service.deps import ConfidentialityDep, SessionDep
from service.report import render
from service.report.service import build, period_of
from service.web.common import FacilitatorPage, PagePrincipal, PageRoute

router = APIRouter(include_in_schema=False, route_class=PageRoute)
DEFAULT_DAYS = 90


@router.get("/c/{slug}/report")
async def report_download(
    community: FacilitatorPage,
    session: SessionDep,
    privacy: ConfidentialityDep,
    principal: PagePrincipal,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    fmt: Annotated[Literal["pdf", "html"], Query(alias="format")] = "pdf",
    quotes: bool = False,
) -> Response:
    """The report of the period as a file: a viewer's copy (no quotes) unless ``quotes``."""
    today = datetime.now(UTC).date()
    last = end or today
    period = period_of(start or last - timedelta(days=DEFAULT_DAYS), last)
    content = build(
        session,
        community,
        period=period,
        role=principal.role.value if quotes else "viewer",
        privacy=privacy,
        today=today,
    )
    html = render.render_html(content)
    name = render.filename(content, fmt)
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "html":
        return Response(html, media_type="text/html; charset=utf-8", headers=disposition)
    pdf = await run_in_threadpool(render.render_pdf, html)
    return Response(pdf, media_type="application/pdf", headers=disposition)
