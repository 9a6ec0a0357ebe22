"""The weekly digest: recipients and the send log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.storage.tables.base import Base, utcnow


class Recipient(Base):
    """Someone who receives the weekly digest (program staff; not a member)."""

    __tablename__ = "recipients"
    __table_args__ = (UniqueConstraint("community_id", "email", name="uq_recipients_email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(32), default="facilitator")
    weekday: Mapped[int] = mapped_column(Integer, default=0)  # 0 = Monday
    hour: Mapped[int] = mapped_column(Integer, default=8)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # "email", or a chat channel ("slack", "teams") posted to through its incoming webhook
    channel: Mapped[str] = mapped_column(String(16), default="email", server_default="email")
    webhook_url: Mapped[str | None] = mapped_column(Text)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DigestSend(Base):
    """The send log: one row per recipient and week, claimed before the message goes out."""

    __tablename__ = "digest_sends"
    __table_args__ = (UniqueConstraint("recipient_id", "period", name="uq_digest_sends_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))  # ISO week, e.g. 2026-W41
    status: Mapped[str] = mapped_column(String(16), default="claimed")  # claimed | sent | failed
    message_id: Mapped[str] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
