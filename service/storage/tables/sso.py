"""Single sign-on: provider accounts, claim mappings, sign-ins under way, provider sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.storage.tables.base import Base, utcnow


class SsoIdentity(Base):
    """A person's account at the identity provider (issuer and subject), linked to a user.

    ``claim_values`` are the role claim's values at the last sign-in: a change of the mappings
    is applied to them at once, so a removed role ends the person's sessions without waiting
    for their next sign-in.
    """

    __tablename__ = "sso_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_sso_identities_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    claim_values: Mapped[list[Any]] = mapped_column(default=list)
    last_sign_in_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SsoMapping(Base):
    """A claim value that gives a role in a community (community None: every one, admin)."""

    __tablename__ = "sso_mappings"
    __table_args__ = (
        UniqueConstraint("claim_value", "community_id", name="uq_sso_mappings_claim_value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_value: Mapped[str] = mapped_column(String(500))
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SsoLogin(Base):
    """A sign-in sent to the provider and not yet back: used once, then deleted.

    Found by the SHA-256 of its ``state`` (the browser holds the state itself in a cookie).
    """

    __tablename__ = "sso_logins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(128))
    code_verifier: Mapped[str] = mapped_column(String(128))
    next_path: Mapped[str] = mapped_column(String(2000), default="/")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class SsoSession(Base):
    """A web session opened by single sign-on: its ID token, for the provider's logout."""

    __tablename__ = "sso_sessions"

    token_id: Mapped[int] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="CASCADE"), primary_key=True
    )
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("sso_identities.id", ondelete="CASCADE"), index=True
    )
    id_token: Mapped[str] = mapped_column(Text)
