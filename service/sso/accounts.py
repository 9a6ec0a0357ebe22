"""What a sign-in by the identity provider does, written once for the pages and the CLI.

At every sign-in the role claim's values decide the person's communities and roles: the
mappings (``PEERPULSE_OIDC__MAPPINGS`` and those added with ``peerpulse sso map``) give a role
per community, memberships are set to exactly that, and any live session of theirs that the
new roles no longer allow is ended. A change of the mappings is applied the same way to every
linked account's last-seen claim values (:func:`apply_mappings`), so removing a group's role
ends those sessions at once. Users are created on first sign-in, named after their display
name (the name comment authors go by), and never get a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from service.auth.oidc import ALL_COMMUNITIES, VerifiedIdentity, grants
from service.auth.roles import Role
from service.config import Settings
from service.errors import Forbidden
from service.storage.repositories import auth, communities, sso
from service.storage.tables import Community, SsoIdentity, User, utcnow

NO_PASSWORD = "!sso"  # not an scrypt hash: no password matches it
LOGIN_MINUTES = 10  # how long a sign-in sent to the provider may take to come back


class NoAccess(Forbidden):
    """Signed in by the provider, but no claim value maps to any community."""

    def __init__(self, message: str, *, hint: str, name: str, values: tuple[str, ...]) -> None:
        super().__init__(message, hint=hint)
        self.name = name
        self.values = values


@dataclass(frozen=True)
class Granted:
    """What one person may reach: a role per community id (None: every community)."""

    roles: dict[int | None, Role]

    def allows(self, community_id: int | None, role: Role) -> bool:
        """True when a session with this community and role is still allowed."""
        held = self.roles.get(community_id)
        if held is None and community_id is not None:
            held = self.roles.get(None)  # a global admin reaches every community
        return held is not None and held.allows(role)


@dataclass(frozen=True)
class SignedIn:
    """A session opened by single sign-on."""

    token: str
    user: User
    landing: str


def all_mappings(session: Session, settings: Settings) -> list[tuple[str, str, Role]]:
    """The settings' mappings, then the stored ones."""
    configured = [(m.claim_value, m.community, Role(m.role)) for m in settings.oidc.mappings]
    return configured + sso.stored_mappings(session)


def granted_for(
    session: Session, values: tuple[str, ...], mappings: list[tuple[str, str, Role]]
) -> Granted:
    """The communities (by id) and roles that claim values give; unknown slugs give nothing."""
    roles: dict[int | None, Role] = {}
    for slug, role in grants(values, mappings).items():
        if slug == ALL_COMMUNITIES:
            roles[None] = role
            continue
        community = communities.find(session, slug)
        if community is not None:
            roles[community.id] = role
    return Granted(roles)


def sign_in(
    session: Session, identity: VerifiedIdentity, *, settings: Settings, next_path: str
) -> SignedIn:
    """Link or create the user, apply the mappings, and open a web session.

    Raises:
        NoAccess: No claim value maps to a community; the person's memberships and sessions
            are removed.
    """
    linked = sso.find_identity(session, identity.issuer, identity.subject)
    if linked is None:
        user = sso.add_user(session, _free_name(session, identity), password_hash=NO_PASSWORD)
        linked = sso.add_identity(
            session,
            issuer=identity.issuer,
            subject=identity.subject,
            user=user,
            email=identity.email,
        )
    else:
        user = _user(session, linked)
        wanted = _free_name(session, identity, user_id=user.id)
        if user.username != wanted:
            user.username = wanted
    linked.email = identity.email
    linked.claim_values = list(identity.claim_values)
    linked.last_sign_in_at = utcnow()
    granted = granted_for(session, identity.claim_values, all_mappings(session, settings))
    _apply(session, user, granted)
    if not granted.roles:
        raise _no_access(identity, settings)
    community_id, role = _session_scope(session, granted, next_path)
    community = session.get(Community, community_id) if community_id is not None else None
    token = auth.create_token(
        session,
        role=role,
        community=community,
        user_id=user.id,
        kind="session",
        lifetime=timedelta(hours=settings.session_hours),
    )
    sso.add_session(session, token, identity=linked, id_token=identity.id_token)
    return SignedIn(token=token, user=user, landing=_landing(next_path, community))


def apply_mappings(session: Session, settings: Settings) -> int:
    """Apply the current mappings to every linked account; the number of sessions ended."""
    mappings = all_mappings(session, settings)
    ended = 0
    for linked in sso.identities(session):
        user = _user(session, linked)
        granted = granted_for(session, tuple(linked.claim_values), mappings)
        ended += _apply(session, user, granted)
    return ended


def _apply(session: Session, user: User, granted: Granted) -> int:
    """Set the memberships to exactly what is granted and end the sessions it no longer allows."""
    held = sso.memberships(session, user.id)
    for community_id, membership in held.items():
        if community_id not in granted.roles:
            session.delete(membership)
    for granted_id, role in granted.roles.items():
        community = session.get(Community, granted_id) if granted_id is not None else None
        if community is not None:
            auth.add_membership(session, user, community, role)
    user.is_admin = granted.roles.get(None) == Role.ADMIN
    ended = 0
    now = utcnow()
    for token in sso.live_sessions(session, user.id, now=now):
        if not granted.allows(token.community_id, Role(token.role)):
            token.revoked_at = now
            ended += 1
    session.flush()
    return ended


def _session_scope(session: Session, granted: Granted, next_path: str) -> tuple[int | None, Role]:
    """The community of the page asked for when granted, else the highest role's community."""
    if None in granted.roles:
        return None, granted.roles[None]
    parts = next_path.split("/")
    if len(parts) > 2 and parts[1] == "c":
        asked = communities.find(session, parts[2])
        if asked is not None and asked.id in granted.roles:
            return asked.id, granted.roles[asked.id]
    community_id = max(granted.roles, key=lambda c: (granted.roles[c].rank, -(c or 0)))
    return community_id, granted.roles[community_id]


def _landing(next_path: str, community: Community | None) -> str:
    if next_path not in ("", "/") or community is None:
        return next_path or "/"
    return f"/c/{community.slug}"


def _free_name(session: Session, identity: VerifiedIdentity, *, user_id: int | None = None) -> str:
    """The display name, or with the e-mail (or a number) beside it when another user has it."""
    base = identity.name or identity.subject
    candidates = [base, f"{base} ({identity.email or identity.subject})"]
    candidates += [f"{base} ({n})" for n in range(2, 100)]
    for candidate in candidates:
        if not sso.username_taken(session, candidate[:200], other_than=user_id):
            return candidate[:200]
    return f"{base[:150]} ({identity.subject[:40]})"


def _user(session: Session, linked: SsoIdentity) -> User:
    user = session.get(User, linked.user_id)
    if user is None:  # the foreign key cascades: a linked account always has its user
        raise LookupError(f"SSO identity {linked.id} has no user")
    return user


def _no_access(identity: VerifiedIdentity, settings: Settings) -> NoAccess:
    groups = ", ".join(identity.claim_values) or "none"
    return NoAccess(
        f"{identity.name}, you signed in with {settings.oidc.display_name}, but none of your "
        f"groups gives access to PeerPulse (your {settings.oidc.role_claim}: {groups}).",
        hint=(
            f"Ask {settings.oidc.contact} to map one of your groups to your community "
            "(peerpulse sso map --community SLUG --claim-value GROUP --role ROLE)."
        ),
        name=identity.name,
        values=identity.claim_values,
    )
