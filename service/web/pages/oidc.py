"""Sign-in with the organisation's identity provider: ``/auth/oidc/login`` and its callback.

The login route stores the state (hashed), nonce and PKCE verifier, puts the state in a
short-lived cookie for this browser, and sends the browser to the provider. The callback takes
that sign-in back exactly once (in its own committed transaction, so that a refused answer
cannot be replayed either), checks the state against the cookie, exchanges the code, checks the
ID token, applies the role mappings and opens the session with the same cookie rules as the
password form. It answers with a page that moves on to the page asked for: a ``SameSite=Strict``
cookie set at the end of a redirect chain that began at the provider's site would not be sent
on the next redirect, while a navigation started from our own page carries it.
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from service.api.security import SESSION_COOKIE
from service.auth.oidc import OidcClient, SignInRefused
from service.config import Settings
from service.deps import EngineDep, SessionDep, SettingsDep
from service.errors import NotFound
from service.sso import accounts
from service.storage import db
from service.storage.repositories import sso
from service.storage.tables import utcnow
from service.web.common import PageRoute, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)

STATE_COOKIE = "peerpulse_oidc_state"
CALLBACK_PATH = "/auth/oidc/callback"


def oidc_client(request: Request, settings: SettingsDep) -> OidcClient:
    """The app's relying-party client (built on first use); 404 when sign-on is off."""
    if not settings.oidc.enabled:
        raise NotFound(
            "Sign-in with an identity provider is not set up here",
            hint="Use your PeerPulse password or an API token.",
        )
    client = getattr(request.app.state, "oidc_client", None)
    if not isinstance(client, OidcClient) or client.settings is not settings.oidc:
        client = OidcClient(settings.oidc, redirect_uri=callback_url(settings))
        request.app.state.oidc_client = client
    return client


OidcDep = Annotated[OidcClient, Depends(oidc_client)]


def callback_url(settings: Settings) -> str:
    """The redirect URI to register at the provider."""
    return settings.public_url.rstrip("/") + CALLBACK_PATH


@router.get("/auth/oidc/login")
def oidc_login(
    request: Request,
    session: SessionDep,
    client: OidcDep,
    next: str = "/",  # noqa: A002
) -> Response:
    """Send the browser to the provider with a fresh state, nonce and PKCE challenge."""
    start = client.start()
    sso.prune_logins(session, before=utcnow() - timedelta(minutes=accounts.LOGIN_MINUTES))
    sso.add_login(
        session,
        start.state,
        nonce=start.nonce,
        code_verifier=start.code_verifier,
        next_path=safe_next(next),
    )
    response = RedirectResponse(start.url, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        start.state,
        httponly=True,
        samesite="lax",  # sent on the provider's redirect back (a top-level GET)
        secure=request.url.scheme == "https",
        max_age=accounts.LOGIN_MINUTES * 60,
        path="/auth/oidc",
    )
    return response


@router.get(CALLBACK_PATH, response_class=HTMLResponse)
def oidc_callback(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    settings: SettingsDep,
    client: OidcDep,
    code: str = "",
    state: str = "",
    error: str = "",
    error_description: str = "",
) -> Response:
    """Finish the sign-in: one use of the state, then the code, the ID token and the roles."""
    login = _take_login(engine, request, state)
    if error:
        raise SignInRefused(
            f"{settings.oidc.display_name} did not sign you in: {error_description or error}",
            hint="Start again from the sign-in page.",
        )
    if not code:
        raise SignInRefused("The provider sent no sign-in code", hint="Start again.")
    identity = client.finish(code, nonce=login[0], code_verifier=login[1])
    try:
        signed = accounts.sign_in(session, identity, settings=settings, next_path=login[2])
    except accounts.NoAccess as exc:  # a page, not an error: the removals must be committed
        refused = render(request, "sso_no_access.html", message=exc.message, hint=exc.hint)
        refused.status_code = exc.status_code
        refused.delete_cookie(STATE_COOKIE, path="/auth/oidc")
        return refused
    response = render(
        request,
        "sso_redirect.html",
        heading="Signed in",
        message=f"Welcome, {signed.user.username}. Taking you to PeerPulse…",
        target=signed.landing,
        link_text="Continue",
    )
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=settings.session_hours * 3600,
    )
    response.delete_cookie(STATE_COOKIE, path="/auth/oidc")
    response.headers["Cache-Control"] = "no-store"
    return response


def provider_signout(request: Request, session: Session, token: str) -> Response | None:
    """After PeerPulse's sign-out: a page that signs out of the provider too, where its
    discovery offers an ``end_session_endpoint`` and the session came from it (None otherwise).

    A page rather than a redirect: the sign-out form's CSP (``form-action 'self'``) would stop a
    redirect to the provider's site.
    """
    settings: Settings = request.app.state.settings
    if not settings.oidc.enabled:
        return None
    id_token = sso.id_token_for(session, token)
    if id_token is None:
        return None
    url = oidc_client(request, settings).logout_url(
        id_token=id_token, post_logout_redirect_uri=settings.public_url.rstrip("/") + "/signin"
    )
    if url is None:
        return None
    response = render(
        request,
        "sso_redirect.html",
        heading="Signed out of PeerPulse",
        message=f"Signing you out of {settings.oidc.display_name} too…",
        target=url,
        link_text=f"Sign out of {settings.oidc.display_name}",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _take_login(engine: EngineDep, request: Request, state: str) -> tuple[str, str, str]:
    """The sign-in's nonce, verifier and target, taken once in a committed transaction."""
    cookie = request.cookies.get(STATE_COOKIE, "")
    found = None
    if state:
        since = utcnow() - timedelta(minutes=accounts.LOGIN_MINUTES)
        with db.transaction(engine, write=True) as own:
            login = sso.take_login(own, state, since=since)
            if login is not None:
                found = (login.nonce, login.code_verifier, login.next_path)
    if found is None or not cookie or not hmac.compare_digest(cookie, state):
        raise SignInRefused(
            "This sign-in was already used, has expired, or was not started in this browser",
            hint="Start again from the sign-in page.",
        )
    return found


def safe_next(target: str) -> str:
    """A path on this site only: no open redirect.

    Stricter than a ``Location`` header needs, because the target ends up in a page's refresh
    URL, where browsers drop tabs and newlines (``/<TAB>/evil.example`` would become
    ``//evil.example``): no whitespace or control character, no backslash, no ``//`` start.
    """
    plain = all(ch > " " and ch not in "\\\x7f" for ch in target)
    safe = plain and target.startswith("/") and not target.startswith("//")
    return target if safe else "/"
