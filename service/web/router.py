"""The web pages: sign-in and the way in; each page's routes live in their own module.

``service.main`` uses :data:`router`, :class:`SignInRequired` and :func:`signin_redirect`.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from service.api.security import SESSION_COOKIE
from service.deps import SessionDep, SettingsDep
from service.errors import NotFound, Unauthorized
from service.storage.repositories import auth, communities
from service.storage.tables import Community
from service.web import admin, agenda, board, goals_page, overview, theme_page
from service.web.common import PagePrincipal, PageRoute, SignInRequired, render

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
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",  # noqa: A002
) -> Response:
    """Open a web session (an HttpOnly cookie holding a session token)."""
    try:
        if token:
            principal = auth.authenticate(session, token)
            community = (
                session.get(Community, principal.community_id) if principal.community_id else None
            )
            session_token = auth.create_token(
                session,
                role=principal.role,
                community=community,
                kind="session",
                user_id=principal.user_id,
                lifetime=timedelta(hours=settings.session_hours),
            )
        else:
            session_token, _user = auth.sign_in(
                session, username, password, hours=settings.session_hours
            )
    except Unauthorized as exc:
        response = render(request, "signin.html", next=_safe_next(next), error=exc.message)
        response.status_code = 401
        return response
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


@router.post("/signout")
def signout(request: Request, session: SessionDep) -> Response:
    """End the web session."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.revoke(session, token)
    response = RedirectResponse("/signin", status_code=303)
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


for _module in (overview, theme_page, board, agenda, goals_page, admin):
    router.include_router(_module.router)


def _safe_next(target: str) -> str:
    safe = target.startswith("/") and not target.startswith(("//", "/\\"))
    return target if safe else "/"


def signin_redirect(_request: Request, exc: Exception) -> RedirectResponse:
    """Send a browser without a session to the sign-in page, then back."""
    return RedirectResponse(
        f"/signin?next={quote(str(exc.args[0]) if exc.args else '/')}", status_code=303
    )
