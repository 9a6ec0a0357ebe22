"""Authentication and authorisation dependencies shared by every router."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.auth.roles import Role
from service.auth.throttle import ThrottlePolicy
from service.config import Settings
from service.deps import SessionDep, SettingsDep
from service.errors import Forbidden, NotFound, RateLimited, Unauthorized
from service.storage import db
from service.storage.repositories import auth, communities
from service.storage.repositories.auth import Principal
from service.storage.tables import Community, utcnow

SESSION_COOKIE = "peerpulse_session"
_bearer = HTTPBearer(auto_error=False)
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class RateLimiter:
    """A sliding one-minute window of requests per token, in process memory."""

    def __init__(self) -> None:
        self._hits: dict[int, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, token_id: int, per_minute: int) -> None:
        """Record a request; :class:`RateLimited` when the window is full.

        Callers pass :attr:`Principal.limit_id`, so a web session opened with a token spends
        that token's allowance instead of bringing a fresh one.
        """
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
    request.app.state.rate_limiter.check(principal.limit_id, settings.rate_limit_per_minute)
    return principal


@dataclass(frozen=True)
class SignInAttempt:
    """One sign-in attempt's standing with the throttle.

    ``retry_after`` > 0: refused, come back in that many seconds (nothing was recorded).
    Otherwise the attempt was recorded as a failure *before* the password is checked, so that
    parallel attempts see it at once; :func:`finish_sign_in` takes it back on success.
    """

    retry_after: int
    recorded: list[int] = field(default_factory=list)
    user_key: str | None = None


def throttle_policy(settings: Settings) -> ThrottlePolicy:
    """The sign-in throttle from the settings."""
    return ThrottlePolicy(
        max_failures_per_user=settings.sign_in.max_failures_per_user,
        max_failures_per_address=settings.sign_in.max_failures_per_address,
        window=timedelta(minutes=settings.sign_in.window_minutes),
        secret=settings.secret_key,
    )


def begin_sign_in(
    engine: Engine, settings: Settings, *, username: str | None, address: str
) -> SignInAttempt:
    """Check the throttle for a user name (None: a token sign-in) and a client address.

    Runs in its own short transaction, committed before the password is checked: the counters
    live in the database so that every server process sees every other's failures, and a
    failure counted only after the (slow) password check would let a burst of parallel guesses
    through before the first was counted.
    """
    policy = throttle_policy(settings)
    counters = [policy.address_counter(address)]
    if username is not None:
        counters.append(policy.user_counter(username))

    def reserve(session: Session) -> SignInAttempt:
        now = utcnow()
        auth.lock_failures(session)
        auth.prune_failures(session, before=now - policy.window)
        times = auth.failure_times(session, [c.key for c in counters], since=now - policy.window)
        wait = max(policy.seconds_locked(times[c.key], c.max_failures, now) for c in counters)
        if wait:
            return SignInAttempt(retry_after=wait)
        recorded = auth.add_failures(session, [c.key for c in counters], at=now)
        user_key = counters[1].key if username is not None else None
        return SignInAttempt(retry_after=0, recorded=recorded, user_key=user_key)

    with db.transaction(engine, write=True) as session:
        return reserve(session)


def finish_sign_in(session: Session, attempt: SignInAttempt) -> None:
    """A successful sign-in: take back its failure and clear the user name's count."""
    auth.delete_failures(
        session, ids=attempt.recorded, keys=[attempt.user_key] if attempt.user_key else []
    )


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
