"""Survey webhooks in: which tools may post a community's responses, and how each signs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.storage.tables.base import Base, utcnow


class WebhookSecret(Base):
    """A community's webhook for one tool (typeform, surveymonkey, generic).

    The secret itself is not stored: it is an HMAC of the application's secret key, the
    community, the tool and ``salt`` (:mod:`service.integrations.secrets`), so the database alone
    cannot give it back. Creating it again draws a new salt, which revokes the old secret.
    """

    __tablename__ = "webhook_secrets"
    __table_args__ = (UniqueConstraint("community_id", "tool", name="uq_webhook_secrets_tool"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    tool: Mapped[str] = mapped_column(String(32))
    salt: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
