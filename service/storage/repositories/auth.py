"""Queries about users, memberships and tokens."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session, aliased

from service.auth.credentials import hash_password, new_token, token_hash, verify_password
from service.auth.roles import Role
from service.auth.schemas import TokenInfo
from service.errors import Conflict, InvalidInput, NotFound, Unauthorized
from service.storage.tables import (
    ApiToken,
    Community,
    Membership,
    SignInFailure,
    User,
    utcnow,
)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a role, and the community it is bound to (None: every community)."""

    role: Role
    community_id: int | None
    token_id: int
    user_id: int | None = None
    kind: str = "api"
    parent_id: int | None = None

    @property
    def limit_id(self) -> int:
        """The token whose rate limit this caller uses: a session opened with a token uses it."""
        return self.parent_id or self.token_id

    def can_reach(self, community_id: int) -> bool:
        """A global admin reaches every community; everyone else only their own."""
        return self.community_id is None or self.community_id == community_id


def parse_role(value: str) -> Role:
    """A :class:`Role` from text, with a clear error."""
    try:
        return Role(value)
    except ValueError as exc:
        raise InvalidInput(
            f"Unknown role {value!r}", hint=f"Use one of: {', '.join(r.value for r in Role)}."
        ) from exc


def create_token(
    session: Session,
    *,
    role: Role,
    community: Community | None,
    name: str = "",
    user_id: int | None = None,
    kind: str = "api",
    lifetime: timedelta | None = None,
    parent: ApiToken | None = None,
) -> str:
    """Store a new token's hash and return the token itself (the only time it is seen)."""
    if community is None and role != Role.ADMIN:
        raise InvalidInput(
            "Only admin tokens may span every community", hint="Pass --community SLUG."
        )
    token = new_token()
    expires_at = utcnow() + lifetime if lifetime else None
    if parent is not None and parent.expires_at is not None:
        expires_at = min(expires_at or parent.expires_at, parent.expires_at)
    session.add(
        ApiToken(
            token_hash=token_hash(token),
            prefix=token[:10],
            kind=kind,
            role=role.value,
            community_id=community.id if community else None,
            user_id=user_id,
            name=name,
            expires_at=expires_at,
            parent_id=parent.id if parent is not None else None,
        )
    )
    session.flush()
    return token


def authenticate(session: Session, token: str) -> Principal:
    """The principal behind a token, or :class:`Unauthorized`.

    A web session opened with a token ends with it: it is refused once that token is revoked or
    has expired, whether or not the session itself was revoked.
    """
    parent = aliased(ApiToken)
    found = session.execute(
        select(ApiToken, parent)
        .outerjoin(parent, ApiToken.parent_id == parent.id)
        .where(ApiToken.token_hash == token_hash(token))
    ).first()
    now = utcnow()
    if found is None or not _live(found[0], now):
        raise Unauthorized(
            "The token is not valid", hint="Create one with `peerpulse tokens create`."
        )
    row, parent_row = found
    if row.parent_id is not None and (parent_row is None or not _live(parent_row, now)):
        raise Unauthorized(
            "This session has ended: the token it was opened with was revoked or has expired",
            hint="Sign in again.",
        )
    return Principal(Role(row.role), row.community_id, row.id, row.user_id, row.kind, row.parent_id)


def _live(row: ApiToken, now: datetime) -> bool:
    return row.revoked_at is None and (row.expires_at is None or row.expires_at >= now)


def open_token_session(session: Session, principal: Principal, *, hours: int) -> str:
    """A web session for the holder of a token: same role and community, the token's limit,
    and it ends when the token is revoked or expires (never later than the token)."""
    root = session.get(ApiToken, principal.limit_id)
    if root is None:
        raise Unauthorized("The token is not valid")
    community = session.get(Community, principal.community_id) if principal.community_id else None
    return create_token(
        session,
        role=principal.role,
        community=community,
        kind="session",
        user_id=principal.user_id,
        lifetime=timedelta(hours=hours),
        parent=root,
    )


def revoke(session: Session, token: str) -> None:
    """Revoke a token or session (sign-out)."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is not None:
        _revoke_with_sessions(session, row)


def revoke_by_id(session: Session, token_id: int, *, community_id: int | None = None) -> TokenInfo:
    """Revoke a token by id, and every web session opened with it.

    ``community_id`` limits the search to that community's tokens; :class:`NotFound` for an id
    outside it or unknown. Revoking a revoked token keeps its first revocation time.
    """
    row = session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None  # INTEGER key
    if row is None or (community_id is not None and row.community_id != community_id):
        raise NotFound(
            f"No token with id {token_id}", hint="List them with `peerpulse tokens list`."
        )
    _revoke_with_sessions(session, row)
    session.flush()
    return list_tokens(session, token_ids=[row.id])[0]


def _revoke_with_sessions(session: Session, row: ApiToken) -> None:
    now = utcnow()
    if row.revoked_at is None:
        row.revoked_at = now
    session.execute(
        update(ApiToken)
        .where(ApiToken.parent_id == row.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def list_tokens(
    session: Session,
    *,
    community_id: int | None = None,
    token_ids: Sequence[int] | None = None,
    include_ended_sessions: bool = False,
) -> list[TokenInfo]:
    """Tokens and sessions, oldest first; ``community_id`` keeps one community's.

    Web sessions that were revoked or have expired are left out unless asked for: every sign-in
    makes one, and they are history rather than something to manage.
    """
    query = (
        select(ApiToken, Community.slug, User.username)
        .outerjoin(Community, ApiToken.community_id == Community.id)
        .outerjoin(User, ApiToken.user_id == User.id)
        .order_by(ApiToken.id)
    )
    if community_id is not None:
        query = query.where(ApiToken.community_id == community_id)
    if token_ids is not None:
        query = query.where(ApiToken.id.in_(token_ids))
    now = utcnow()
    listed = []
    for row, slug, username in session.execute(query):
        keep = token_ids is not None or include_ended_sessions or row.kind != "session"
        if keep or _live(row, now):
            listed.append(_info(row, slug, username))
    return listed


def _info(row: ApiToken, slug: str | None, username: str | None) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        prefix=row.prefix,
        name=row.name,
        role=row.role,
        community=slug,
        kind=row.kind,
        parent_id=row.parent_id,
        user=username,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def lock_failures(session: Session) -> None:
    """Serialise throttle checks until this transaction ends (PostgreSQL; SQLite's write
    transactions are serialised already), so two attempts cannot both pass a nearly full count."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE sign_in_failures IN SHARE ROW EXCLUSIVE MODE"))


def failure_times(
    session: Session, keys: Iterable[str], *, since: datetime
) -> dict[str, list[datetime]]:
    """Failed sign-ins per throttle key since ``since``."""
    wanted = list(keys)
    found: dict[str, list[datetime]] = {key: [] for key in wanted}
    rows = session.execute(
        select(SignInFailure.key, SignInFailure.failed_at).where(
            SignInFailure.key.in_(wanted), SignInFailure.failed_at >= since
        )
    )
    for key, failed_at in rows:
        found[key].append(failed_at)
    return found


def add_failures(session: Session, keys: Iterable[str], *, at: datetime) -> list[int]:
    """Record one failed sign-in under each key; the new rows' ids."""
    rows = [SignInFailure(key=key, failed_at=at) for key in keys]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def delete_failures(session: Session, *, ids: Sequence[int] = (), keys: Sequence[str] = ()) -> None:
    """Forget failures by id and every failure under ``keys``."""
    if ids:
        session.execute(delete(SignInFailure).where(SignInFailure.id.in_(ids)))
    if keys:
        session.execute(delete(SignInFailure).where(SignInFailure.key.in_(keys)))


def prune_failures(session: Session, *, before: datetime) -> None:
    """Drop failures too old to count in any window."""
    session.execute(delete(SignInFailure).where(SignInFailure.failed_at < before))


def create_user(session: Session, username: str, password: str, *, is_admin: bool = False) -> User:
    """Create a web user; :class:`Conflict` if the name is taken."""
    if len(password) < 10:
        raise InvalidInput("The password is too short", hint="Use at least 10 characters.")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"User {username!r} already exists")
    user = User(username=username, password_hash=hash_password(password), is_admin=is_admin)
    session.add(user)
    session.flush()
    return user


def add_membership(session: Session, user: User, community: Community, role: Role) -> None:
    """Give ``user`` a role in ``community`` (replacing an earlier one)."""
    existing = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.community_id == community.id
        )
    )
    if existing is None:
        session.add(Membership(user_id=user.id, community_id=community.id, role=role.value))
    else:
        existing.role = role.value
    session.flush()


def sign_in(session: Session, username: str, password: str, *, hours: int) -> tuple[str, User]:
    """Check a password and open a web session for the user's first community (or all, admin)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not verify_password(password, user.password_hash):
        raise Unauthorized("Wrong user name or password")
    membership = session.scalar(
        select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
    )
    if user.is_admin:
        role, community_id = Role.ADMIN, None
    elif membership is not None:
        role, community_id = Role(membership.role), membership.community_id
    else:
        raise Unauthorized("This user belongs to no community yet")
    community = session.get(Community, community_id) if community_id else None
    token = create_token(
        session,
        role=role,
        community=community,
        user_id=user.id,
        kind="session",
        lifetime=timedelta(hours=hours),
    )
    return token, user
