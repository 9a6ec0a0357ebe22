"""The message itself (MIME, headers, signed links) and its delivery over SMTP.

Delivery reports *how* it failed, because that decides whether a retry could send twice:
a failure before the server accepted the message (no connection, a refused login, sender or
recipient, an error reply to the data) is ``uncertain=False`` and safe to retry; a connection
lost or timed out while the message was being handed over is ``uncertain=True``: the server may
have it, so it is never retried automatically.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import smtplib
import ssl
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Protocol
from urllib.parse import quote

from service.config import SmtpSettings
from service.digest.render import Rendered
from service.errors import PeerPulseError

_UNSUBSCRIBE = b"peerpulse.digest.unsubscribe.v1"
_MESSAGE_ID = b"peerpulse.digest.message-id.v1"
# Headers may run to 998 characters (RFC 5322); folding an unsubscribe URL would break it.
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)


class DeliveryFailed(PeerPulseError):
    """The SMTP server did not take the message (or may not have)."""

    status_code = 502
    code = "delivery_failed"

    def __init__(self, message: str, *, uncertain: bool, detail: str | None = None) -> None:
        super().__init__(message, detail=detail)
        self.uncertain = uncertain


class Mailer(Protocol):
    """Sends one message; raises :class:`DeliveryFailed`."""

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` to the mail system."""
        ...


def _mac(secret_key: str, purpose: bytes, *parts: str) -> bytes:
    message = b"\x00".join([purpose, *(p.encode() for p in parts)])
    return hmac.new(secret_key.encode(), message, hashlib.sha256).digest()


def unsubscribe_token(secret_key: str, recipient_id: int, email: str) -> str:
    """``ID.SIGNATURE``: an HMAC of the recipient's ID and address, so it cannot be altered.

    It never expires; it stops working when the address changes or the recipient is deleted.
    """
    signature = base64.urlsafe_b64encode(
        _mac(secret_key, _UNSUBSCRIBE, str(recipient_id), email.strip().lower())
    )
    return f"{recipient_id}.{signature.decode().rstrip('=')}"


def token_recipient_id(token: str) -> int | None:
    """The recipient ID a token claims (unverified), or None when it is malformed."""
    head, _, _ = token.partition(".")
    return int(head) if head.isdigit() and len(head) < 19 else None


def token_matches(secret_key: str, token: str, *, recipient_id: int, email: str) -> bool:
    """Whether ``token`` was signed with ``secret_key`` for this recipient (constant time)."""
    expected = unsubscribe_token(secret_key, recipient_id, email)
    return hmac.compare_digest(expected.encode(), token.strip().encode())


def unsubscribe_url(public_url: str, token: str) -> str:
    """The link in the footer and the ``List-Unsubscribe`` header."""
    return f"{public_url.rstrip('/')}/unsubscribe?token={quote(token, safe='.')}"


def message_id(secret_key: str, recipient_id: int, period: str, sender: str) -> str:
    """A Message-ID that is the same for every attempt at one recipient's digest of a period."""
    digest = _mac(secret_key, _MESSAGE_ID, str(recipient_id), period).hex()[:32]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "peerpulse.localhost"
    return f"<digest.{period}.{digest}@{domain}>"


def build_message(
    rendered: Rendered,
    *,
    sender: str,
    to: str,
    msg_id: str,
    unsubscribe: str | None,
    list_id: str,
) -> EmailMessage:
    """multipart/alternative: text/plain first, then text/html, both UTF-8."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = msg_id
    message["List-Id"] = f"PeerPulse digest <{list_id}>"
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(rendered.text, subtype="plain", charset="utf-8")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8")
    return message


class SmtpMailer:
    """Delivery through ``PEERPULSE_SMTP__*``: STARTTLS and login when configured."""

    def __init__(
        self, settings: SmtpSettings, *, tls_context: ssl.SSLContext | None = None
    ) -> None:
        self.settings = settings
        self.tls_context = tls_context

    def send(self, message: EmailMessage) -> None:
        """Deliver one message on its own connection."""
        where = f"{self.settings.host}:{self.settings.port}"
        try:
            client = smtplib.SMTP(
                self.settings.host, self.settings.port, timeout=self.settings.timeout_seconds
            )
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(
                f"Could not connect to the SMTP server at {where}", uncertain=False, detail=str(exc)
            ) from exc
        try:
            self._open(client, where)
            self._transfer(client, message, where)
        finally:
            _close(client)

    def _open(self, client: smtplib.SMTP, where: str) -> None:
        try:
            client.ehlo()
            if self.settings.starttls:
                client.starttls(context=self.tls_context or ssl.create_default_context())
                client.ehlo()
            if self.settings.username:
                client.login(self.settings.username, self.settings.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(
                f"The SMTP server at {where} refused the session",
                uncertain=False,
                detail=f"{type(exc).__name__}: {exc}",
            ) from exc

    @staticmethod
    def _transfer(client: smtplib.SMTP, message: EmailMessage, where: str) -> None:
        try:
            client.send_message(message)
        except (
            smtplib.SMTPSenderRefused,
            smtplib.SMTPRecipientsRefused,
            smtplib.SMTPDataError,
            smtplib.SMTPNotSupportedError,
        ) as exc:
            raise DeliveryFailed(
                f"The SMTP server at {where} refused the message",
                uncertain=False,
                detail=f"{type(exc).__name__}: {exc}",
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(
                f"The connection to {where} broke while sending; the message may have arrived",
                uncertain=True,
                detail=f"{type(exc).__name__}: {exc}",
            ) from exc


def _close(client: smtplib.SMTP) -> None:
    """QUIT politely; a failure here comes after delivery and changes nothing."""
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()
