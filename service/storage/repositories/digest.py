"""Queries of the weekly digest: recipients, the send log, and what a digest reads."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service.digest.schemas import ThemeRow
from service.errors import Conflict, InvalidInput
from service.storage.repositories import themes as theme_rows
from service.storage.repositories.suggestions import rank_key
from service.storage.tables import Community, DigestSend, Recipient, Suggestion, Theme, utcnow

ROLES = ("facilitator", "committee", "viewer")
# Deliberately loose: one @, no spaces or header-breaking characters, a dot in the domain.
_EMAIL = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\]+$")


def check_email(email: str) -> str:
    """A trimmed address, or :class:`InvalidInput` for anything that is not one."""
    email = email.strip()
    if len(email) > 320 or not _EMAIL.match(email):
        raise InvalidInput(f"Not an e-mail address: {email!r}", hint="Use e.g. ana@example.org.")
    return email


def check_schedule(*, role: str, weekday: int, hour: int, timezone: str) -> None:
    """Refuse an unknown role, weekday, hour or IANA time zone."""
    if role not in ROLES:
        raise InvalidInput(
            f"Unknown recipient role {role!r}", hint=f"Use one of: {', '.join(ROLES)}."
        )
    if not 0 <= weekday <= 6:
        raise InvalidInput(f"Weekday {weekday} is out of range", hint="0 is Monday, 6 is Sunday.")
    if not 0 <= hour <= 23:
        raise InvalidInput(f"Hour {hour} is out of range", hint="Use 0-23, in local time.")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(
            f"Unknown time zone {timezone!r}", hint="Use an IANA name such as Europe/London."
        ) from exc


def find_recipient(session: Session, community: Community, email: str) -> Recipient | None:
    """The community's recipient with this address (case-insensitive), if any."""
    return session.scalar(
        select(Recipient).where(
            Recipient.community_id == community.id,
            func.lower(Recipient.email) == email.strip().lower(),
        )
    )


def add_recipient(
    session: Session,
    community: Community,
    email: str,
    *,
    role: str = "facilitator",
    weekday: int = 0,
    hour: int = 8,
    timezone: str = "UTC",
    resubscribe: bool = False,
) -> Recipient:
    """Add a recipient; :class:`Conflict` when the address is already there.

    Someone who unsubscribed is only added back with ``resubscribe=True`` (they asked for it).
    """
    email = check_email(email)
    check_schedule(role=role, weekday=weekday, hour=hour, timezone=timezone)
    recipient = find_recipient(session, community, email)
    if recipient is not None and not (resubscribe and recipient.unsubscribed_at is not None):
        if recipient.unsubscribed_at is not None:
            raise Conflict(
                f"{recipient.email} unsubscribed on {recipient.unsubscribed_at:%Y-%m-%d}",
                hint="Pass --resubscribe only if they asked to receive the digest again.",
            )
        raise Conflict(f"{recipient.email} already receives the {community.slug} digest")
    if recipient is None:
        recipient = Recipient(community_id=community.id, email=email)
        session.add(recipient)
    recipient.role, recipient.weekday, recipient.hour = role, weekday, hour
    recipient.timezone, recipient.unsubscribed_at = timezone, None
    session.flush()
    return recipient


def list_recipients(session: Session, community: Community) -> list[Recipient]:
    """Every recipient of the community, unsubscribed ones included, by address."""
    return list(
        session.scalars(
            select(Recipient)
            .where(Recipient.community_id == community.id)
            .order_by(func.lower(Recipient.email))
        )
    )


def active_recipients(session: Session, community: Community | None = None) -> list[Recipient]:
    """Recipients who have not unsubscribed (of one community, or of all)."""
    query = select(Recipient).where(Recipient.unsubscribed_at.is_(None))
    if community is not None:
        query = query.where(Recipient.community_id == community.id)
    return list(session.scalars(query.order_by(Recipient.community_id, Recipient.id)))


def unsubscribe(session: Session, recipient: Recipient) -> bool:
    """Stop the recipient's digests; False when they had already unsubscribed."""
    if recipient.unsubscribed_at is not None:
        return False
    recipient.unsubscribed_at = utcnow()
    session.flush()
    return True


def theme_row(theme: Theme, *, with_worry: bool = True) -> ThemeRow:
    """A theme as the digest and the value report read it (its worry and goal gap optional)."""
    return ThemeRow(
        label=theme.label,
        name=theme.name,
        keywords=tuple(str(k) for k in theme.keywords or ()),
        id=theme.id,
        respondents=theme.member_count,
        suppressed=theme.suppressed,
        share=theme.share,
        trend=theme.trend,
        weekly=tuple((w.week, w.count) for w in theme.weeks),
        quotes=tuple((q.text, q.week) for q in theme.quotes),
        concern=theme_rows.theme_worry(theme) if with_worry else None,
        goal_gap=theme_rows.goal_gap(theme) if with_worry else None,
    )


def active_themes(session: Session, community: Community) -> list[ThemeRow]:
    """The community's active themes, oldest first, as the digest reads them."""
    return [theme_row(t) for t in theme_rows.active(session, community.id)]


def suggestions(session: Session, community: Community, status: str) -> list[Suggestion]:
    """Suggestions with ``status``: open ones best first as the board lists them (rising worry
    first, "follow up?" notes last), others by session date."""
    query = select(Suggestion).where(
        Suggestion.community_id == community.id, Suggestion.status == status
    )
    if status == "open":
        return sorted(session.scalars(query), key=rank_key)
    query = query.order_by(Suggestion.session_date.is_(None), Suggestion.session_date)
    return list(session.scalars(query))


def find_send(session: Session, recipient_id: int, period: str) -> DigestSend | None:
    """The send-log row of this recipient and period, if any."""
    return session.scalar(
        select(DigestSend).where(
            DigestSend.recipient_id == recipient_id, DigestSend.period == period
        )
    )


def claim_send(
    session: Session, recipient: Recipient, period: str, *, message_id: str
) -> DigestSend | None:
    """Claim the recipient's digest of ``period``; None when it was already claimed.

    A row that failed before the server took the message is claimed again (a conditional
    update, so only one of two concurrent senders wins it); a new row relies on the unique key
    (recipient, period): the caller commits, and a concurrent duplicate fails with
    ``IntegrityError``.
    """
    existing = find_send(session, recipient.id, period)
    if existing is not None:
        retried = session.execute(
            update(DigestSend)
            .where(DigestSend.id == existing.id, DigestSend.status == "failed")
            .values(status="claimed", error=None, claimed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return existing if retried.rowcount == 1 else None  # type: ignore[attr-defined]
    send = DigestSend(
        community_id=recipient.community_id,
        recipient_id=recipient.id,
        period=period,
        status="claimed",
        message_id=message_id,
    )
    session.add(send)
    session.flush()
    return send


def mark_send(session: Session, send_id: int, *, status: str, error: str | None = None) -> None:
    """Record how a claimed send ended: ``sent``, ``failed``, or ``claimed`` with an error."""
    session.execute(
        update(DigestSend)
        .where(DigestSend.id == send_id)
        .values(
            status=status,
            error=error,
            sent_at=utcnow() if status == "sent" else None,
        )
        .execution_options(synchronize_session=False)
    )


def sends_for(session: Session, recipient_id: int) -> list[DigestSend]:
    """The recipient's send log, newest period first."""
    return list(
        session.scalars(
            select(DigestSend)
            .where(DigestSend.recipient_id == recipient_id)
            .order_by(DigestSend.period.desc())
        )
    )


def last_sent(session: Session, recipient_ids: list[int]) -> dict[int, datetime]:
    """When each recipient was last sent a digest."""
    rows = session.execute(
        select(DigestSend.recipient_id, func.max(DigestSend.sent_at))
        .where(DigestSend.recipient_id.in_(recipient_ids), DigestSend.status == "sent")
        .group_by(DigestSend.recipient_id)
    )
    return {recipient_id: when for recipient_id, when in rows if when is not None}
