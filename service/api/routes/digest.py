"""The weekly digest: a preview for facilitators, and the unsubscribe page.

``/unsubscribe`` works without signing in, by design: the signed token in the link is the
credential (an HMAC of the recipient's ID and address under the secret key), so only someone
holding a digest's link can stop that recipient's digests. ``GET`` only shows a confirmation
page, because mail scanners open links; the ``POST`` of its button, or a mail client's RFC 8058
one-click ``POST`` to the ``List-Unsubscribe`` URL, unsubscribes.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from service.api.security import FacilitatorCommunity
from service.deps import EngineDep, SessionDep, SettingsDep
from service.digest import render, service
from service.storage import db
from service.storage.repositories import digest as repo

router = APIRouter(tags=["digest"])
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}


class DigestPreview(BaseModel):
    """A digest as the given role would receive it."""

    subject: str
    html: str
    text: str


@router.get("/api/v1/communities/{slug}/digest/preview", response_model=DigestPreview)
def preview_digest(
    community: FacilitatorCommunity,
    session: SessionDep,
    settings: SettingsDep,
    format: Literal["json", "html"] = "json",  # noqa: A002 - the query parameter's name
    role: Literal["facilitator", "committee", "viewer"] | None = None,
) -> Any:
    """This week's digest as a facilitator (or ``role``) receives it; ``format=html``: the page."""
    rendered = service.preview(session, community, role=role or "facilitator", settings=settings)
    if format == "html":
        return HTMLResponse(rendered.html, headers={"Cache-Control": "no-store"})
    return rendered.as_dict()


@router.get("/unsubscribe", include_in_schema=False, response_class=HTMLResponse)
def unsubscribe_page(session: SessionDep, settings: SettingsDep, token: str = "") -> HTMLResponse:
    """Confirm before unsubscribing: a page with one button (no sign-in; see the module)."""
    recipient = service.recipient_for_token(session, settings, token)
    if recipient is None:
        return _invalid()
    if recipient.unsubscribed_at is not None:
        return _page("Already unsubscribed", f"{_mask(recipient.email)} gets no digests.")
    return _page(
        "Stop the weekly digest?",
        f"{_mask(recipient.email)} will no longer receive PeerPulse's weekly digest.",
        action=f"/unsubscribe?token={quote(token, safe='.')}",
        button="Unsubscribe",
    )


@router.post("/unsubscribe", include_in_schema=False, response_class=HTMLResponse)
def unsubscribe(engine: EngineDep, settings: SettingsDep, token: str = "") -> HTMLResponse:
    """Unsubscribe the token's recipient (the page's button and RFC 8058 one-click)."""
    with db.transaction(engine, write=True) as session:
        recipient = service.recipient_for_token(session, settings, token)
        if recipient is None:
            return _invalid()
        repo.unsubscribe(session, recipient)
        email = recipient.email
    return _page(
        "Unsubscribed",
        f"{_mask(email)} will receive no more weekly digests. "
        "A facilitator can add the address again if you change your mind.",
    )


def _page(title: str, message: str, *, action: str | None = None, button: str = "") -> HTMLResponse:
    return HTMLResponse(
        render.page(title, message, action=action, button=button), headers=_PAGE_HEADERS
    )


def _invalid() -> HTMLResponse:
    response = _page(
        "This link does not work",
        "The unsubscribe link is incomplete or has been altered. Use the link from the footer "
        "of your latest digest, or ask the facilitator to remove your address.",
    )
    response.status_code = 400
    return response


def _mask(email: str) -> str:
    """``a…@example.org``: enough to recognise, not enough to harvest from a forwarded link."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}\u2026@{domain}"
