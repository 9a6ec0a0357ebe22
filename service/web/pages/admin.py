"""Facilitators' pages: imports, the digest preview, and settings (thresholds, recipients)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from service.deps import SessionDep, SettingsDep
from service.digest import service as digest_service
from service.errors import NotFound
from service.ingest import formats
from service.storage.repositories import digest, imports
from service.storage.tables import Recipient
from service.web.common import (
    FacilitatorForm,
    FacilitatorPage,
    PageActor,
    PagePrincipal,
    PageRoute,
    back_to,
)
from service.web.common import render as render_page

router = APIRouter(include_in_schema=False, route_class=PageRoute)
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DONE = {"added": "Recipient added.", "unsubscribed": "Recipient unsubscribed."}
RecipientRole = Literal["facilitator", "committee", "viewer"]


@router.get("/c/{slug}/imports", response_class=HTMLResponse)
def imports_page(
    request: Request, community: FacilitatorPage, session: SessionDep, principal: PagePrincipal
) -> HTMLResponse:
    """Upload with progress and the detected format; earlier imports (facilitator)."""
    return render_page(
        request,
        "imports.html",
        community=community,
        principal=principal,
        current="imports",
        imports=imports.list_for(session, community),
        formats=formats.choices(),
    )


@router.get("/c/{slug}/digest", response_class=HTMLResponse)
def digest_page(
    request: Request,
    community: FacilitatorPage,
    session: SessionDep,
    settings: SettingsDep,
    principal: PagePrincipal,
    role: RecipientRole = "facilitator",
) -> HTMLResponse:
    """This week's digest as ``role`` would receive it (facilitator)."""
    rendered = digest_service.preview(session, community, role=role, settings=settings)
    return render_page(
        request,
        "digest.html",
        community=community,
        principal=principal,
        current="digest",
        digest=rendered,
        role=role,
        roles=digest.ROLES,
    )


@router.get("/c/{slug}/settings", response_class=HTMLResponse)
def settings_page(
    request: Request,
    community: FacilitatorPage,
    session: SessionDep,
    settings: SettingsDep,
    principal: PagePrincipal,
    done: str | None = None,
) -> HTMLResponse:
    """Confidentiality thresholds and limits (read-only) and digest recipients (facilitator)."""
    recipients = digest.list_recipients(session, community)
    thresholds = [
        (
            "Smallest group any figure may describe",
            settings.min_group_size,
            "PEERPULSE_MIN_GROUP_SIZE",
        ),
        (
            "Smallest segment a quote may be attributed to",
            settings.min_quote_group_size,
            "PEERPULSE_MIN_QUOTE_GROUP_SIZE",
        ),
        ("Largest upload (MB)", settings.max_upload_mb, "PEERPULSE_MAX_UPLOAD_MB"),
        ("Most rows in one file", settings.max_rows, "PEERPULSE_MAX_ROWS"),
        ("Most columns in one file", settings.max_columns, "PEERPULSE_MAX_COLUMNS"),
        ("Longest single answer (characters)", settings.max_cell_chars, "PEERPULSE_MAX_CELL_CHARS"),
        (
            "Requests per token per minute",
            settings.rate_limit_per_minute,
            "PEERPULSE_RATE_LIMIT_PER_MINUTE",
        ),
        ("Hours a web session lasts", settings.session_hours, "PEERPULSE_SESSION_HOURS"),
    ]
    return render_page(
        request,
        "settings.html",
        community=community,
        principal=principal,
        current="settings",
        thresholds=thresholds,
        recipients=recipients,
        last_sent=digest.last_sent(session, [r.id for r in recipients]),
        roles=digest.ROLES,
        weekdays=WEEKDAYS,
        notice=DONE.get(done or ""),
    )


@router.post("/c/{slug}/settings/recipients")
def add_recipient(
    community: FacilitatorForm,
    session: SessionDep,
    principal: PageActor,
    email: Annotated[str, Form()],
    role: Annotated[RecipientRole, Form()] = "facilitator",
    weekday: Annotated[int, Form()] = 0,
    hour: Annotated[int, Form()] = 8,
    timezone: Annotated[str, Form()] = "UTC",
    resubscribe: Annotated[bool, Form()] = False,
) -> Response:
    """Add a digest recipient (facilitator); someone who unsubscribed only when they asked."""
    digest.add_recipient(
        session,
        community,
        email,
        role=role,
        weekday=weekday,
        hour=hour,
        timezone=timezone.strip() or "UTC",
        resubscribe=resubscribe,
    )
    return back_to(f"/c/{community.slug}/settings", done="added", anchor="recipients-h")


@router.post("/c/{slug}/settings/recipients/{recipient_id}/unsubscribe")
def unsubscribe_recipient(
    recipient_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    community: FacilitatorForm,
    session: SessionDep,
    principal: PageActor,
) -> Response:
    """Stop a recipient's digests (facilitator)."""
    recipient = session.get(Recipient, recipient_id)
    if recipient is None or recipient.community_id != community.id:
        raise NotFound(f"No recipient {recipient_id}")
    digest.unsubscribe(session, recipient)
    return back_to(f"/c/{community.slug}/settings", done="unsubscribed", anchor="recipients-h")
