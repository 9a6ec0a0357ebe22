"""Queries about users, memberships and tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.auth.credentials import hash_password, new_token, token_hash, verify_password
from service.auth.roles import Role
from service.errors import Conflict, InvalidInput, Unauthorized
from service.storage.tables import ApiToken, Community, Membership, User, utcnow


@dataclass(frozen=True)
class Principal:
    """Who is calling: a role, and the community it is bound to (None: every community)."""

    role: Role
    community_id: int | None
    token_id: int
    user_id: int | None = None
    kind: str = "api"

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
) -> str:
    """Store a new token's hash and return the token itself (the only time it is seen)."""
    if community is None and role != Role.ADMIN:
        raise InvalidInput(
            "Only admin tokens may span every community", hint="Pass --community SLUG."
        )
    token = new_token()
    session.add(
        ApiToken(
            token_hash=token_hash(token),
            prefix=token[:10],
            kind=kind,
            role=role.value,
            community_id=community.id if community else None,
            user_id=user_id,
            name=name,
            expires_at=utcnow() + lifetime if lifetime else None,
        )
    )
    session.flush()
    return token


def authenticate(session: Session, token: str) -> Principal:
    """The principal behind a token, or :class:`Unauthorized`."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at < now):
        raise Unauthorized(
            "The token is not valid", hint="Create one with `peerpulse tokens create`."
        )
    return Principal(Role(row.role), row.community_id, row.id, row.user_id, row.kind)


def revoke(session: Session, token: str) -> None:
    """Revoke a token or session (sign-out)."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


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
