"""Queries about single sign-on: identities, claim mappings, sign-ins under way, sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.auth.credentials import token_hash
from service.auth.roles import Role
from service.storage.tables import (
    ApiToken,
    Community,
    Membership,
    SsoIdentity,
    SsoLogin,
    SsoMapping,
    SsoSession,
    User,
)


def find_identity(session: Session, issuer: str, subject: str) -> SsoIdentity | None:
    """The account ``subject`` at ``issuer``, if it signed in before."""
    return session.scalar(
        select(SsoIdentity).where(SsoIdentity.issuer == issuer, SsoIdentity.subject == subject)
    )


def add_identity(
    session: Session, *, issuer: str, subject: str, user: User, email: str | None
) -> SsoIdentity:
    """Link a provider account to a user."""
    identity = SsoIdentity(issuer=issuer, subject=subject, user_id=user.id, email=email)
    session.add(identity)
    session.flush()
    return identity


def identities(session: Session) -> list[SsoIdentity]:
    """Every linked provider account, oldest first."""
    return list(session.scalars(select(SsoIdentity).order_by(SsoIdentity.id)))


def username_taken(session: Session, username: str, *, other_than: int | None = None) -> bool:
    """True when a user other than ``other_than`` has this name."""
    query = select(User.id).where(User.username == username)
    if other_than is not None:
        query = query.where(User.id != other_than)
    return session.scalar(query) is not None


def add_user(session: Session, username: str, *, password_hash: str) -> User:
    """A new user (single sign-on users get a hash that matches no password)."""
    user = User(username=username, password_hash=password_hash, is_admin=False)
    session.add(user)
    session.flush()
    return user


def stored_mappings(session: Session) -> list[tuple[str, str, Role]]:
    """The mappings added with ``peerpulse sso map``: (claim value, slug or ``*``, role)."""
    rows = session.execute(
        select(SsoMapping.claim_value, Community.slug, SsoMapping.role)
        .outerjoin(Community, SsoMapping.community_id == Community.id)
        .order_by(SsoMapping.id)
    )
    return [(value, slug or "*", Role(role)) for value, slug, role in rows]


def set_mapping(
    session: Session, claim_value: str, community: Community | None, role: Role
) -> None:
    """Map a claim value to a role in a community (None: every community), replacing one."""
    community_id = community.id if community is not None else None
    existing = session.scalar(
        select(SsoMapping).where(
            SsoMapping.claim_value == claim_value,
            SsoMapping.community_id.is_(None)
            if community_id is None
            else SsoMapping.community_id == community_id,
        )
    )
    if existing is None:
        session.add(SsoMapping(claim_value=claim_value, community_id=community_id, role=role))
    else:
        existing.role = role.value
    session.flush()


def remove_mapping(session: Session, claim_value: str, community: Community | None) -> bool:
    """Remove a stored mapping; False when there was none."""
    found = session.execute(
        delete(SsoMapping).where(
            SsoMapping.claim_value == claim_value,
            SsoMapping.community_id.is_(None)
            if community is None
            else SsoMapping.community_id == community.id,
        )
    )
    return bool(getattr(found, "rowcount", 0))


def memberships(session: Session, user_id: int) -> dict[int, Membership]:
    """A user's memberships by community id."""
    rows = session.scalars(select(Membership).where(Membership.user_id == user_id))
    return {row.community_id: row for row in rows}


def live_sessions(session: Session, user_id: int, *, now: datetime) -> list[ApiToken]:
    """A user's web sessions that have not ended."""
    return list(
        session.scalars(
            select(ApiToken).where(
                ApiToken.user_id == user_id,
                ApiToken.kind == "session",
                ApiToken.revoked_at.is_(None),
                (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at >= now),
            )
        )
    )


def add_login(
    session: Session, state: str, *, nonce: str, code_verifier: str, next_path: str
) -> None:
    """Remember a sign-in sent to the provider (found again by its state)."""
    session.add(
        SsoLogin(
            state_hash=token_hash(state),
            nonce=nonce,
            code_verifier=code_verifier,
            next_path=next_path,
        )
    )
    session.flush()


def take_login(session: Session, state: str, *, since: datetime) -> SsoLogin | None:
    """The sign-in with this state, deleted so that it is used once; None if unknown or old."""
    login = session.scalar(
        select(SsoLogin).where(SsoLogin.state_hash == token_hash(state)).with_for_update()
    )
    if login is None:
        return None
    taken = session.execute(delete(SsoLogin).where(SsoLogin.id == login.id))
    if not getattr(taken, "rowcount", 0) or login.created_at < since:
        return None
    return login


def prune_logins(session: Session, *, before: datetime) -> None:
    """Forget sign-ins that never came back."""
    session.execute(delete(SsoLogin).where(SsoLogin.created_at < before))


def add_session(session: Session, token: str, *, identity: SsoIdentity, id_token: str) -> None:
    """Keep a web session's ID token, for the provider's logout."""
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.token_hash == token_hash(token)))
    if token_id is not None:
        session.add(SsoSession(token_id=token_id, identity_id=identity.id, id_token=id_token))
        session.flush()


def id_token_for(session: Session, token: str) -> str | None:
    """The ID token a web session was opened with, if it was opened by single sign-on."""
    return session.scalar(
        select(SsoSession.id_token)
        .join(ApiToken, ApiToken.id == SsoSession.token_id)
        .where(ApiToken.token_hash == token_hash(token))
    )
