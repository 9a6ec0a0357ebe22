"""What every page shares: the signed-in user, the community, roles, rendering and errors."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.responses import Response

from service.api.security import SESSION_COOKIE, same_origin
from service.auth.roles import Role
from service.deps import SessionDep, SettingsDep
from service.digest.figures import shown
from service.errors import Forbidden, NotFound, PeerPulseError, Unauthorized
from service.storage.repositories import auth, communities
from service.storage.repositories.auth import Principal
from service.storage.tables import Community

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters["figure"] = shown  # the digest's own rounding: one number per week
# (path under /c/{slug}, label, least role); the navigation shows what the user may open.
NAV: list[tuple[str, str, Role]] = [
    ("", "Overview", Role.VIEWER),
    ("suggestions", "Suggestions", Role.VIEWER),
    ("agenda", "Agenda", Role.VIEWER),
    ("goals", "Goals", Role.VIEWER),
    ("codebook", "Codebook", Role.VIEWER),
    ("imports", "Imports", Role.FACILITATOR),
    ("digest", "Digest", Role.FACILITATOR),
    ("settings", "Settings", Role.FACILITATOR),
]


class SignInRequired(PeerPulseError):
    """A page was asked for without a valid session: the handler redirects to sign-in."""

    status_code = 303


class PageRoute(APIRoute):
    """A page route: errors become an HTML page (with the same status code), not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler so that our errors render as a readable page."""
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                raise
            except PeerPulseError as exc:
                return error_page(request, exc.status_code, exc.message, exc.hint)
            except (RequestValidationError, ValidationError) as exc:
                first = exc.errors()[0] if exc.errors() else {}
                field = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
                message = f"{field or 'The form'}: {first.get('msg', 'is not valid')}"
                return error_page(request, 422, message, "Go back and correct the form.")

        return page_handler


def page_principal(request: Request, session: SessionDep, settings: SettingsDep) -> Principal:
    """The signed-in user (rate-limited like the API), or a redirect to the sign-in page."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInRequired(request.url.path)
    try:
        principal = auth.authenticate(session, token)
    except Unauthorized as exc:
        raise SignInRequired(request.url.path) from exc
    request.app.state.rate_limiter.check(principal.limit_id, settings.rate_limit_per_minute)
    return principal


PagePrincipal = Annotated[Principal, Depends(page_principal)]


def page_actor(request: Request, principal: PagePrincipal) -> Principal:
    """The signed-in user submitting a form: same-origin only (rate-limited as every page)."""
    if not same_origin(request):
        raise Forbidden("Cross-site request refused", hint="Submit forms from PeerPulse's pages.")
    return principal


PageActor = Annotated[Principal, Depends(page_actor)]


def page_community(slug: str, session: SessionDep, principal: PagePrincipal) -> Community:
    """The community of a page, if the signed-in user may see it (404 otherwise, as the API)."""
    community = communities.find(session, slug)
    if community is None or not principal.can_reach(community.id):
        raise NotFound(f"No community {slug!r}", hint="Check the address and your account.")
    return community


PageCommunity = Annotated[Community, Depends(page_community)]


def need(principal: Principal, role: Role) -> None:
    """Refuse a user whose role does not include ``role`` (403, as the API answers)."""
    if not principal.role.allows(role):
        raise Forbidden(
            f"This needs the {role.value} role; you are signed in as {principal.role.value}"
        )


def page_access(role: Role) -> Callable[..., Community]:
    """A dependency: the page's community, for a user whose role includes ``role``.

    As the API's :func:`service.api.security.community_access`: an unknown or unreachable
    community answers 404 first, then a role too low answers 403 (as a page).
    """

    def resolve(community: PageCommunity, principal: PagePrincipal) -> Community:
        need(principal, role)
        return community

    return resolve


def form_access(role: Role) -> Callable[..., Community]:
    """A dependency for a form's target: as :func:`page_access`, and the form must come from
    PeerPulse's own pages (404, then the cross-site check, then the role)."""

    def resolve(community: PageCommunity, principal: PageActor) -> Community:
        need(principal, role)
        return community

    return resolve


FacilitatorPage = Annotated[Community, Depends(page_access(Role.FACILITATOR))]
FacilitatorForm = Annotated[Community, Depends(form_access(Role.FACILITATOR))]
CommitteeForm = Annotated[Community, Depends(form_access(Role.COMMITTEE))]


def nav_for(principal: Principal | None) -> list[dict[str, str]]:
    """The navigation links the user's role may open."""
    if principal is None:
        return []
    return [
        {"path": path, "label": label} for path, label, role in NAV if principal.role.allows(role)
    ]


def render(request: Request, name: str, **context: Any) -> HTMLResponse:
    """Render a template with the navigation every page shares."""
    context.setdefault("community", None)
    context.setdefault("principal", None)
    context.setdefault("current", None)
    context.setdefault("nav_links", nav_for(context["principal"]))
    principal = context["principal"]
    context["can"] = {role.value: bool(principal and principal.role.allows(role)) for role in Role}
    return TEMPLATES.TemplateResponse(request, name, context)


def error_page(request: Request, status: int, message: str, hint: str | None) -> HTMLResponse:
    """A page that says what went wrong and what to do."""
    response = TEMPLATES.TemplateResponse(
        request,
        "error.html",
        {
            "message": message,
            "hint": hint,
            "status": status,
            "community": None,
            "principal": None,
            "nav_links": [],
            "current": None,
            "can": {},
        },
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def back_to(path: str, *, done: str | None = None, anchor: str | None = None) -> RedirectResponse:
    """Post/redirect/get: back to a page, with a fixed notice code and an anchor."""
    target = path + (f"?done={done}" if done else "") + (f"#{anchor}" if anchor else "")
    return RedirectResponse(target, status_code=303)
