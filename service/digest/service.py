"""Digest use cases: one recipient's digest, its preview, and its delivery (at most once).

Delivery follows the send log (``digest_sends``, unique per recipient and ISO week):

1. render the message (nothing is recorded yet, so a crash here is simply retried);
2. claim the row in its own committed transaction; a second sender, a retry or a restarted
   process finds the claim and skips;
3. hand the message to SMTP;
4. mark the row ``sent``, or ``failed`` when the server certainly did not take the message
   (a later check claims a failed row again).

A row left ``claimed`` (the process died after step 2, or the connection broke while the
message was on its way) is never sent again automatically: the digest arrives at most once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.analysis.metrics import community_metrics
from service.config import Settings
from service.digest import chat
from service.digest import render as rendering
from service.digest import send as sending
from service.digest.content import DigestContent, build_content
from service.polls import service as polls
from service.privacy.thresholds import Confidentiality, iso_week
from service.storage import db
from service.storage.repositories import communities as communities_repo
from service.storage.repositories import digest as repo
from service.storage.repositories import goals as goals_repo
from service.storage.repositories import outcomes as outcomes_repo
from service.storage.repositories import themes as themes_repo
from service.storage.tables import Community, Recipient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What happened to one recipient's digest: sent, skipped, failed or uncertain."""

    email: str
    period: str
    status: str
    detail: str = ""


@dataclass
class ContentCache:
    """Digests of one run, by community, role and period (rendered once, sent to many)."""

    items: dict[tuple[int, str, str], DigestContent] = field(default_factory=dict)


def privacy_for(settings: Settings) -> Confidentiality:
    """The confidentiality rules from the settings."""
    return Confidentiality.from_settings(settings)


def dashboard_url(settings: Settings, slug: str) -> str:
    """The community's dashboard, linked from every digest."""
    return f"{settings.public_url.rstrip('/')}/c/{slug}"


def current_period(now: datetime | None = None) -> str:
    """The ISO week of ``now`` in UTC (previews and one-off sends without a time zone)."""
    return iso_week((now or datetime.now(UTC)).astimezone(UTC))


def digest_content(
    session: Session,
    community: Community,
    *,
    role: str,
    settings: Settings,
    period: str,
    today: date | None = None,
) -> DigestContent:
    """Read a community's themes, suggestions and metrics into one role's digest."""
    privacy = privacy_for(settings)
    today = today or datetime.now(UTC).date()
    return build_content(
        community_name=community.name,
        slug=community.slug,
        period=period,
        role=role,
        dashboard_url=dashboard_url(settings, community.slug),
        privacy=privacy,
        themes=repo.active_themes(session, community),
        awaiting=repo.suggestions(session, community, "open"),
        accepted=repo.suggestions(session, community, "accepted"),
        metrics=community_metrics(session, community, privacy),
        goals=goals_repo.digest_goals(session, community),
        unidentified=themes_repo.unidentified_themes(session, community),
        counted_as=communities_repo.headcount(session, community, privacy).noun,
        said_did=outcomes_repo.recent(session, community, today),
        poll=polls.digest_item(session, community, settings),
        today=today,
    )


def preview(
    session: Session,
    community: Community,
    *,
    role: str,
    settings: Settings,
    period: str | None = None,
) -> rendering.Rendered:
    """The digest ``role`` would receive, without an unsubscribe link."""
    repo.check_schedule(role=role, weekday=0, hour=0, timezone="UTC")
    content = digest_content(
        session, community, role=role, settings=settings, period=period or current_period()
    )
    return rendering.render(content)


def recipient_for_token(session: Session, settings: Settings, token: str) -> Recipient | None:
    """The recipient an unsubscribe token was signed for; None when forged or stale."""
    recipient_id = sending.token_recipient_id(token)
    recipient = session.get(Recipient, recipient_id) if recipient_id is not None else None
    if recipient is None or not sending.token_matches(
        settings.secret_key, token, recipient_id=recipient.id, email=recipient.email
    ):
        return None
    return recipient


def compose(
    settings: Settings, recipient: Recipient, community: Community, content: DigestContent
) -> EmailMessage:
    """The MIME message of one recipient's digest, with its own unsubscribe link."""
    token = sending.unsubscribe_token(settings.secret_key, recipient.id, recipient.email)
    link = sending.unsubscribe_url(settings.public_url, token)
    footer = rendering.Footer(
        unsubscribe_url=link,
        schedule=rendering.schedule_line(
            weekday=recipient.weekday, hour=recipient.hour, timezone=recipient.timezone
        ),
    )
    return sending.build_message(
        rendering.render(content, footer),
        sender=settings.smtp.sender,
        to=recipient.email,
        msg_id=sending.message_id(
            settings.secret_key, recipient.id, content.period, settings.smtp.sender
        ),
        unsubscribe=link,
        list_id=f"{community.slug}.digest.peerpulse",
    )


def compose_chat(
    settings: Settings, recipient: Recipient, content: DigestContent
) -> chat.ChatMessage:
    """A Slack or Teams channel's post of the digest, with its own stop (unsubscribe) link."""
    token = sending.unsubscribe_token(settings.secret_key, recipient.id, recipient.email)
    return chat.build_message(
        rendering.render(content),
        channel=recipient.channel,
        url=recipient.webhook_url or "",
        message_id=sending.message_id(
            settings.secret_key, recipient.id, content.period, settings.smtp.sender
        ),
        stop_url=sending.unsubscribe_url(settings.public_url, token),
    )


def deliver(
    engine: Engine,
    settings: Settings,
    recipient_id: int,
    *,
    period: str,
    mailer: sending.Mailer,
    cache: ContentCache | None = None,
    poster: chat.ChatPoster | None = None,
) -> Outcome:
    """Send one recipient's digest of ``period`` unless the send log says it already went.

    A Slack or Teams recipient's digest is posted by ``poster`` under the same send log."""
    prepared = _prepare(engine, settings, recipient_id, period=period, cache=cache)
    if isinstance(prepared, Outcome):
        return prepared
    email, message = prepared
    if isinstance(message, chat.ChatMessage):
        msg_id = message.message_id
    else:
        msg_id = str(message["Message-ID"])
    send_id = _claim(engine, recipient_id, period, msg_id)
    if send_id is None:
        return Outcome(email, period, "skipped", f"already claimed for {period}")
    try:
        if isinstance(message, chat.ChatMessage):
            (poster or chat.HttpPoster(timeout=settings.integrations.timeout_seconds)).post(message)
        else:
            mailer.send(message)
    except sending.DeliveryFailed as exc:
        status = "claimed" if exc.uncertain else "failed"
        _mark(engine, send_id, status=status, error=f"{exc.message}: {exc.detail}")
        log.warning("digest for %s (%s) not sent: %s", email, period, exc.detail)
        return Outcome(email, period, "uncertain" if exc.uncertain else "failed", exc.message)
    _mark(engine, send_id, status="sent")
    return Outcome(email, period, "sent")


def _prepare(
    engine: Engine,
    settings: Settings,
    recipient_id: int,
    *,
    period: str,
    cache: ContentCache | None,
) -> Outcome | tuple[str, EmailMessage | chat.ChatMessage]:
    cache = cache if cache is not None else ContentCache()
    with db.transaction(engine) as session:
        recipient = session.get(Recipient, recipient_id)
        if recipient is None or recipient.unsubscribed_at is not None:
            email = recipient.email if recipient else f"recipient {recipient_id}"
            return Outcome(email, period, "skipped", "unsubscribed")
        logged = repo.find_send(session, recipient_id, period)
        if logged is not None and logged.status != "failed":
            return Outcome(recipient.email, period, "skipped", f"already {logged.status}")
        community = session.get_one(Community, recipient.community_id)
        key = (community.id, recipient.role, period)
        if key not in cache.items:
            cache.items[key] = digest_content(
                session, community, role=recipient.role, settings=settings, period=period
            )
        if recipient.channel in chat.CHANNELS:
            return recipient.email, compose_chat(settings, recipient, cache.items[key])
        return recipient.email, compose(settings, recipient, community, cache.items[key])


def _claim(engine: Engine, recipient_id: int, period: str, msg_id: str) -> int | None:
    """Commit the claim on its own; None when another sender (or an earlier run) holds it."""
    try:
        with db.transaction(engine, write=True) as session:
            recipient = session.get(Recipient, recipient_id)
            if recipient is None or recipient.unsubscribed_at is not None:
                return None
            claimed = repo.claim_send(session, recipient, period, message_id=msg_id)
            return claimed.id if claimed is not None else None
    except IntegrityError:
        return None


def _mark(engine: Engine, send_id: int, *, status: str, error: str | None = None) -> None:
    with db.transaction(engine, write=True) as session:
        repo.mark_send(session, send_id, status=status, error=error)


def describe(outcome: Outcome) -> str:
    """One line per recipient for the CLI."""
    detail = f" ({outcome.detail})" if outcome.detail else ""
    return f"{outcome.status}\t{outcome.email}\t{outcome.period}{detail}"
