"""Authentication and authorisation dependencies shared by every router."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.auth.roles import Role
from service.deps import SessionDep, SettingsDep
from service.errors import Forbidden, NotFound, RateLimited, Unauthorized
from service.storage.repositories import auth, communities
from service.storage.repositories.auth import Principal
from service.storage.tables import Community

SESSION_COOKIE = "peerpulse_session"
_bearer = HTTPBearer(auto_error=False)
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class RateLimiter:
    """A sliding one-minute window of requests per token, in process memory."""

    def __init__(self) -> None:
        self._hits: dict[int, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, token_id: int, per_minute: int) -> None:
        """Record a request; :class:`RateLimited` when the window is full."""
        now = time.monotonic()
        with self._lock:
            window = self._hits[token_id]
            while window and now - window[0] > 60:
                window.popleft()
            if len(window) >= per_minute:
                raise RateLimited(
                    f"More than {per_minute} requests in a minute with this token",
                    hint="Retry in a minute, or raise PEERPULSE_RATE_LIMIT_PER_MINUTE.",
                )
            window.append(now)


def principal_dep(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from ``Authorization: Bearer`` or the web session cookie."""
    token = credentials.credentials if credentials else request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthorized(
            "Authentication required",
            hint="Send `Authorization: Bearer TOKEN` (create one with `peerpulse tokens create`).",
        )
    principal = auth.authenticate(session, token)
    if credentials is None and request.method in _UNSAFE and not same_origin(request):
        raise Forbidden("Cross-site request refused", hint="Submit forms from PeerPulse's pages.")
    request.app.state.rate_limiter.check(principal.token_id, settings.rate_limit_per_minute)
    return principal


def same_origin(request: Request) -> bool:
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin is None:
        return request.headers.get("x-requested-with") == "peerpulse"
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].split("/", 1)[0] == host


PrincipalDep = Annotated[Principal, Depends(principal_dep)]


def require(role: Role) -> Callable[[Principal], Principal]:
    """A dependency that admits principals whose role includes ``role``."""

    def check(principal: PrincipalDep) -> Principal:
        if not principal.role.allows(role):
            raise Forbidden(
                f"This needs the {role.value} role; your token has {principal.role.value}"
            )
        return principal

    return check


def community_access(role: Role) -> Callable[..., Community]:
    """A dependency resolving ``{slug}`` to a community the caller may act on with ``role``."""

    def resolve(slug: str, session: SessionDep, principal: PrincipalDep) -> Community:
        community = communities.find(session, slug)
        if community is None or not principal.can_reach(community.id):
            raise NotFound(f"No community {slug!r}", hint="Check the slug and your token.")
        if not principal.role.allows(role):
            raise Forbidden(
                f"This needs the {role.value} role; your token has {principal.role.value}"
            )
        return community

    return resolve


AdminDep = Annotated[Principal, Depends(require(Role.ADMIN))]
ViewerCommunity = Annotated[Community, Depends(community_access(Role.VIEWER))]
CommitteeCommunity = Annotated[Community, Depends(community_access(Role.COMMITTEE))]
FacilitatorCommunity = Annotated[Community, Depends(community_access(Role.FACILITATOR))]
AdminCommunity = Annotated[Community, Depends(community_access(Role.ADMIN))]
