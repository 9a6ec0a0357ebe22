"""Webhook secrets (their salts) and chat channels among the digest recipients: rows only."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import Conflict, InvalidInput
from service.storage.repositories.digest import check_schedule, find_recipient
from service.storage.tables import Community, Recipient, WebhookSecret


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


def channel_label(channel: str, url: str) -> str:
    """The recipient's address column for a chat channel: ``slack:`` and a hash of the URL.

    The webhook URL is itself a secret (whoever holds it can post), so lists show this label.
    """
    return f"{channel}:{hashlib.sha256(url.encode()).hexdigest()[:12]}"


def check_webhook_url(url: str) -> str:
    """An https URL (http only to this machine, for tests and local relays)."""
    url = url.strip()
    parts = urlsplit(url)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if not parts.hostname or not (parts.scheme == "https" or (parts.scheme == "http" and local)):
        raise InvalidInput(
            f"Not an https webhook URL: {url[:60]!r}",
            hint="Copy the incoming webhook URL from Slack or Teams.",
        )
    return url


def add_channel(
    session: Session,
    community: Community,
    *,
    channel: str,
    url: str,
    role: str,
    weekday: int,
    hour: int,
    timezone: str,
) -> Recipient:
    """Add a Slack or Teams channel as a digest recipient; :class:`Conflict` if already there."""
    url = check_webhook_url(url)
    check_schedule(role=role, weekday=weekday, hour=hour, timezone=timezone)
    label = channel_label(channel, url)
    found = find_recipient(session, community, label)
    if found is not None and found.unsubscribed_at is None:
        raise Conflict(f"That {channel} channel already receives the {community.slug} digest")
    recipient = found or Recipient(community_id=community.id, email=label)
    recipient.channel, recipient.webhook_url = channel, url
    recipient.role, recipient.weekday, recipient.hour = role, weekday, hour
    recipient.timezone, recipient.unsubscribed_at = timezone, None
    session.add(recipient)
    session.flush()
    return recipient
