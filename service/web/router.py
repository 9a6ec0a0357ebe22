"""The web pages: sign-in, overview, imports (more pages join as their features land)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from service.api.security import SESSION_COOKIE
from service.auth.roles import Role
from service.deps import ConfidentialityDep, SessionDep, SettingsDep
from service.errors import NotFound, PeerPulseError, Unauthorized
from service.storage.repositories import auth, communities, imports, segments
from service.storage.repositories.auth import Principal
from service.storage.tables import Community

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
STATIC = Path(__file__).parent / "static"
SEGMENT_TITLES = {
    "role": "Role",
    "level": "Level",
    "experience": "Experience",
    "function": "Function / department",
}
FORMATS = [
    ("auto", "Detect automatically"),
    ("google_forms", "Google Forms"),
    ("surveymonkey", "SurveyMonkey"),
    ("qualtrics", "Qualtrics"),
    ("ms_forms", "Microsoft Forms"),
    ("typeform", "Typeform"),
    ("checkins", "Check-in notes"),
    ("csv", "Other CSV"),
    ("jsonl", "JSON Lines"),
]
NAV_LINKS: list[dict[str, str]] = [{"path": "imports", "label": "Imports"}]

router = APIRouter(include_in_schema=False)


class SignInRequired(PeerPulseError):
    """A page was asked for without a valid session: the handler redirects to sign-in."""

    status_code = 303


def page_principal(request: Request, session: SessionDep) -> Principal:
    """The signed-in user, or a redirect to the sign-in page."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInRequired(request.url.path)
    try:
        return auth.authenticate(session, token)
    except Unauthorized as exc:
        raise SignInRequired(request.url.path) from exc


PagePrincipal = Annotated[Principal, Depends(page_principal)]


def page_community(slug: str, session: SessionDep, principal: PagePrincipal) -> Community:
    """The community of a page, if the signed-in user may see it."""
    community = communities.find(session, slug)
    if community is None or not principal.can_reach(community.id):
        raise NotFound(f"No community {slug!r}")
    return community


PageCommunity = Annotated[Community, Depends(page_community)]


def render(request: Request, name: str, **context: Any) -> HTMLResponse:
    """Render a template with the navigation every page shares."""
    context.setdefault("nav_links", NAV_LINKS)
    context.setdefault("community", None)
    context.setdefault("principal", None)
    return TEMPLATES.TemplateResponse(request, name, context)


@router.get("/static/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js as shipped inside the installed plotly package (never a CDN)."""
    import plotly

    return FileResponse(
        Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
        media_type="text/javascript",
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
                lifetime=_hours(settings.session_hours),
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
    """The user's community, or the list when they reach several."""
    reachable = [c for c in communities.list_all(session) if principal.can_reach(c.id)]
    if len(reachable) == 1:
        return RedirectResponse(f"/c/{reachable[0].slug}", status_code=303)
    return render(request, "communities.html", communities=reachable, principal=principal)


@router.get("/c/{slug}", response_class=HTMLResponse)
def overview(
    request: Request,
    community: PageCommunity,
    session: SessionDep,
    principal: PagePrincipal,
    privacy: ConfidentialityDep,
) -> HTMLResponse:
    """What members talk about, who takes part, week by week."""
    stats = communities.stats(session, community)
    weeks = []
    for week, (responses, members) in segments.weekly_participation(session, community).items():
        cell = privacy.figure(members, float(responses), label=week)
        weeks.append(
            {
                "week": week,
                "members": cell.count,
                "responses": cell.value,
                "suppressed": cell.suppressed,
                "note": cell.note,
            }
        )
    counts = segments.segment_counts(session, community)
    cells = {
        name: privacy.cells(values, total=stats["respondents"]) for name, values in counts.items()
    }
    chart = {
        "x": [w["week"] for w in weeks if not w["suppressed"]],
        "y": [w["responses"] for w in weeks if not w["suppressed"]],
    }
    return render(
        request,
        "overview.html",
        community=community,
        principal=principal,
        stats=stats,
        participation=weeks,
        participation_chart=chart,
        segments=cells,
        segment_titles=SEGMENT_TITLES,
        min_group=privacy.min_group,
    )


@router.get("/c/{slug}/imports", response_class=HTMLResponse)
def imports_page(
    request: Request,
    community: PageCommunity,
    session: SessionDep,
    principal: PagePrincipal,
) -> HTMLResponse:
    """Upload with progress and the detected format; earlier imports."""
    if not principal.role.allows(Role.FACILITATOR):
        raise NotFound("Imports are for facilitators")
    return render(
        request,
        "imports.html",
        community=community,
        principal=principal,
        imports=imports.list_for(session, community),
        formats=FORMATS,
    )


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _hours(hours: int):  # noqa: ANN202 - a timedelta
    from datetime import timedelta

    return timedelta(hours=hours)


def signin_redirect(_request: Request, exc: Exception) -> RedirectResponse:
    """Send a browser without a session to the sign-in page, then back."""
    return RedirectResponse(
        f"/signin?next={quote(str(exc.args[0]) if exc.args else '/')}", status_code=303
    )
