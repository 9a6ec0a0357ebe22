"""The web pages: sign-in and the way in; each page's routes live in their own module.

``service.main`` uses :data:`router`, :class:`SignInRequired` and :func:`signin_redirect`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)

from service.api.security import SESSION_COOKIE, begin_sign_in, finish_sign_in
from service.deps import EngineDep, SessionDep, SettingsDep
from service.errors import NotFound, PeerPulseError, RateLimited, Unauthorized
from service.storage.repositories import auth, communities
from service.storage.tables import Community
from service.web.common import PagePrincipal, PageRoute, SignInRequired, render
from service.web.pages import admin, agenda, board, codebook, goals, oidc, overview, poll, theme
from service.web.pages import report as report_page

__all__ = ["SignInRequired", "router", "signin_redirect"]

STATIC = Path(__file__).parent / "static"

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/static/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js as shipped inside the installed plotly package (never a CDN)."""
    import plotly

    return FileResponse(
        Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/static/{name}")
def static_file(name: str) -> FileResponse:
    """Our own CSS and JS."""
    path = STATIC / name
    if "/" in name or not path.is_file():
        raise NotFound("No such file")
    return FileResponse(path)


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002
    """The sign-in form (user name and password, or an API token)."""
    return render(request, "signin.html", next=_safe_next(next), error=None)


@router.post("/signin")
def signin(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",  # noqa: A002
) -> Response:
    """Open a web session (an HttpOnly cookie holding a session token).

    Failed attempts are counted per user name and per client address; past the limit every
    attempt, right or wrong, gets 429 with ``Retry-After`` until the window has passed. A session
    opened with a token shares that token's rate limit and ends when the token does.
    """
    address = request.client.host if request.client else "unknown"
    attempt = begin_sign_in(engine, settings, username=None if token else username, address=address)
    if attempt.retry_after:
        minutes = -(-attempt.retry_after // 60)
        locked = RateLimited(
            "Too many failed sign-ins for this user name or from this network",
            hint=f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
        )
        return _refused(request, next, locked, retry_after=attempt.retry_after)
    try:
        if token:
            principal = auth.authenticate(session, token)
            finish_sign_in(session, attempt)
            request.app.state.rate_limiter.check(principal.limit_id, settings.rate_limit_per_minute)
            session_token = auth.open_token_session(
                session, principal, hours=settings.session_hours
            )
        else:
            session_token, _user = auth.sign_in(
                session, username, password, hours=settings.session_hours
            )
            finish_sign_in(session, attempt)
    except Unauthorized as exc:
        return _refused(request, next, exc)
    except RateLimited as exc:
        return _refused(request, next, exc, retry_after=60)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=settings.session_hours * 3600,
    )
    return response


def _refused(
    request: Request, target: str, error: PeerPulseError, *, retry_after: int | None = None
) -> Response:
    """The sign-in page with the reason (or the JSON error body for a caller asking for JSON)."""
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return JSONResponse(error.as_dict(), status_code=error.status_code, headers=headers)
    response = render(
        request, "signin.html", next=_safe_next(target), error=error.message, hint=error.hint
    )
    response.status_code = error.status_code
    response.headers.update(headers)
    return response


@router.post("/signout")
def signout(request: Request, session: SessionDep) -> Response:
    """End the web session (and the provider's, for a session it opened and where it can)."""
    token = request.cookies.get(SESSION_COOKIE)
    provider = oidc.provider_signout(request, session, token) if token else None
    if token:
        auth.revoke(session, token)
    response = provider or RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, principal: PagePrincipal) -> Response:
    """The overview of the user's community, or the list when they reach several."""
    if principal.community_id is not None:
        own = session.get(Community, principal.community_id)
        if own is not None:
            return RedirectResponse(f"/c/{own.slug}", status_code=303)
    reachable = [c for c in communities.list_all(session) if principal.can_reach(c.id)]
    if len(reachable) == 1:
        return RedirectResponse(f"/c/{reachable[0].slug}", status_code=303)
    return render(request, "communities.html", communities=reachable, principal=principal)


for _module in (overview, theme, codebook, board, agenda, goals, admin, oidc, report_page, poll):
    router.include_router(_module.router)


def _safe_next(target: str) -> str:
    safe = target.startswith("/") and not target.startswith(("//", "/\\"))
    return target if safe else "/"


def signin_redirect(_request: Request, exc: Exception) -> RedirectResponse:
    """Send a browser without a session to the sign-in page, then back."""
    return RedirectResponse(
        f"/signin?next={quote(str(exc.args[0]) if exc.args else '/')}", status_code=303
    )
