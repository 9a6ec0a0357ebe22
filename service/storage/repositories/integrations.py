"""Webhook secrets (their salts): rows only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.tables import Community, WebhookSecret


def find_secret(session: Session, community: Community, tool: str) -> WebhookSecret | None:
    """The community's webhook of ``tool``, if one was created."""
    return session.scalar(
        select(WebhookSecret).where(
            WebhookSecret.community_id == community.id, WebhookSecret.tool == tool
        )
    )


def set_secret(session: Session, community: Community, tool: str, *, salt: str) -> WebhookSecret:
    """Create the community's webhook of ``tool``, or give it a new salt (the old one is void)."""
    row = find_secret(session, community, tool)
    if row is None:
        row = WebhookSecret(community_id=community.id, tool=tool, salt=salt)
        session.add(row)
    else:
        row.salt = salt
    session.flush()
    return row
