"""Pure ASGI middleware: security headers on every response, and early refusal of request bodies.

:class:`BodyGuard` answers before the body is read: an API request with a body but without valid
credentials gets 401, one whose ``Content-Length`` passes the limit gets 413, and a body sent
without a length (chunked) is counted as it streams and cut with 413 at the limit. So an
anonymous or over-size upload costs the server at most one chunk, not a temporary file.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.security import SESSION_COOKIE
from service.errors import PeerPulseError, TooLarge, Unauthorized
from service.storage import db
from service.storage.repositories import auth

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # plotly.js and Swagger UI set inline styles; no inline script runs anywhere.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
BODY_LIMIT = 1 << 20
"""Largest body of any request but an upload (JSON and form posts are a few KB)."""
UPLOAD_SLACK = 1 << 16
"""What the multipart envelope and the form fields may add to the file itself."""
_UPLOAD = re.compile(r"^/api/v1/communities/[^/]+/imports/?$")
# Survey tools post here without a token: the route checks the body's signature instead.
_WEBHOOK = re.compile(r"^/api/v1/communities/[^/]+/webhooks/[^/]+/?$")
_WITH_BODY = {"POST", "PUT", "PATCH"}


def _route_path(scope: Scope) -> str:
    """The path the app routes on: behind a proxy on a sub-path (uvicorn ``--root-path``) the
    scope's path starts with the root path, which routing strips and so must this guard."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


class SecurityHeaders:
    """Add :data:`SECURITY_HEADERS` to every HTTP response that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [
                    (name.encode(), value.encode())
                    for name, value in SECURITY_HEADERS.items()
                    if name.encode() not in present
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _BodyTooLarge(Exception):
    """Raised from ``receive`` when a streamed body passes the limit."""


class BodyGuard:
    """Refuse API bodies without credentials (401) and bodies over the limit (413), unread."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the headers first; count the body as the app reads it."""
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path = _route_path(scope)
        limit = self._limit(scope, path)
        guarded = path.startswith("/api/") and not _WEBHOOK.match(path)
        refusal = await _unauthenticated(scope, headers) if guarded else None
        refusal = refusal or _declared_too_large(headers, limit, path)
        if refusal is not None:
            await _refuse(refusal, scope, send)
            return
        await self._counted(scope, receive, send, limit=limit, path=path)

    @staticmethod
    def _limit(scope: Scope, path: str) -> int:
        if _UPLOAD.match(path):
            settings = scope["app"].state.settings
            return int(settings.max_upload_bytes) + UPLOAD_SLACK
        return BODY_LIMIT

    async def _counted(
        self, scope: Scope, receive: Receive, send: Send, *, limit: int, path: str
    ) -> None:
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's answer to the cut body is replaced by the 413 below
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _BodyTooLarge:
            pass
        if exceeded and not started:
            await _refuse(_too_large(received, limit, path), scope, send)


def _declared_too_large(headers: Headers, limit: int, path: str) -> PeerPulseError | None:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return _too_large(int(declared), limit, path)
    return None


def _too_large(size: int, limit: int, path: str) -> TooLarge:
    if _UPLOAD.match(path):
        megabytes = (limit - UPLOAD_SLACK) / 1_048_576
        return TooLarge(
            f"The upload is larger than the {megabytes:g} MB upload limit",
            detail=f"At least {size} bytes were sent.",
            hint="Split the export, or raise PEERPULSE_MAX_UPLOAD_MB.",
        )
    return TooLarge(
        f"The request body is larger than {limit // 1024} KB",
        detail=f"At least {size} bytes were sent.",
        hint="Send a smaller body; files go to the imports endpoint.",
    )


async def _unauthenticated(scope: Scope, headers: Headers) -> PeerPulseError | None:
    """An :class:`Unauthorized` unless a bearer token or the session cookie is valid."""
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    token = credentials.strip() if scheme.lower() == "bearer" else ""
    token = token or cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE, "")
    if not token:
        return Unauthorized(
            "Authentication required",
            hint="Send `Authorization: Bearer TOKEN` (create one with `peerpulse tokens create`).",
        )
    engine = getattr(scope["app"].state, "engine", None)
    if engine is None:
        return None  # no database yet: the route's own check answers
    try:
        await run_in_threadpool(_authenticate, engine, token)
    except Unauthorized as exc:
        return exc
    return None


def _authenticate(engine: Any, token: str) -> None:
    with db.transaction(engine) as session:
        auth.authenticate(session, token)


async def _refuse(error: PeerPulseError, scope: Scope, send: Send) -> None:
    headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 else {}
    headers["Connection"] = "close"  # the unread body must not be taken for the next request
    response = JSONResponse(error.as_dict(), status_code=error.status_code, headers=headers)
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
