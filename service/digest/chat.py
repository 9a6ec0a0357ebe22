"""The digest in a chat channel: Slack and Microsoft Teams incoming webhooks.

The message is the digest's own plain-text part (:func:`service.digest.render.render`), so a
channel gets exactly what an e-mail recipient of the same role gets: the same figures withheld,
quotes only for roles that may read them. It is posted as the shape each service documents:

- Slack: ``{"text": fallback, "blocks": [header, section (mrkdwn) ..., context]}``, with
  ``&``, ``<`` and ``>`` escaped as Slack asks, sections cut under 3,000 characters;
- Teams: ``{"type": "message", "attachments": [{"contentType":
  "application/vnd.microsoft.card.adaptive", "content": {AdaptiveCard 1.2 ...}}]}``.

Delivery reports whether a failure is certain, as the SMTP mailer does: no connection, or an
error status from the service, is safe to retry; a connection lost after the request was sent
may have posted, so the send log's claim is kept and nothing is posted twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from service.digest.render import Rendered
from service.digest.send import DeliveryFailed

CHANNELS = ("slack", "teams")
_SECTION = 2900  # Slack's section text may hold 3,000 characters
_MAX_SECTIONS = 45  # Slack allows 50 blocks


@dataclass(frozen=True)
class ChatMessage:
    """A digest ready to post: where, what (the JSON body), and its send-log id."""

    channel: str
    url: str
    payload: dict[str, Any]
    message_id: str


class ChatPoster(Protocol):
    """Posts one chat message; raises :class:`DeliveryFailed`."""

    def post(self, message: ChatMessage) -> None:
        """Post ``message`` to its webhook."""
        ...


def _paragraphs(text: str) -> list[str]:
    return [p.strip("\n") for p in text.split("\n\n") if p.strip()]


def slack_escape(text: str) -> str:
    """Text Slack shows literally (no links, mentions or entities made from member text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chunks(paragraphs: list[str], limit: int) -> list[str]:
    chunks: list[str] = []
    for paragraph in paragraphs:
        while len(paragraph) > limit:
            chunks.append(paragraph[:limit])
            paragraph = paragraph[limit:]
        if chunks and len(chunks[-1]) + 2 + len(paragraph) <= limit:
            chunks[-1] += "\n\n" + paragraph
        else:
            chunks.append(paragraph)
    return chunks


def slack_payload(rendered: Rendered, *, footer: str) -> dict[str, Any]:
    """Slack's incoming-webhook body: a header, the digest as sections, a footer."""
    sections = _chunks([slack_escape(p) for p in _paragraphs(rendered.text)], _SECTION)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": rendered.subject[:150]}}
    ]
    blocks += [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
        for chunk in sections[:_MAX_SECTIONS]
    ]
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]})
    return {"text": slack_escape(rendered.subject), "blocks": blocks, "unfurl_links": False}


def teams_payload(rendered: Rendered, *, footer: str) -> dict[str, Any]:
    """Teams' incoming-webhook body: one Adaptive Card with the digest as text blocks."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": rendered.subject,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    body += [{"type": "TextBlock", "text": p, "wrap": True} for p in _paragraphs(rendered.text)]
    body.append({"type": "TextBlock", "text": footer, "isSubtle": True, "wrap": True})
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.2",
                    "body": body,
                },
            }
        ],
    }


def build_message(
    rendered: Rendered, *, channel: str, url: str, message_id: str, stop_url: str
) -> ChatMessage:
    """The channel's post of one digest; its footer links to the stop (unsubscribe) page."""
    if channel == "slack":
        payload = slack_payload(
            rendered, footer=f"Sent by PeerPulse. <{stop_url}|Stop these posts>"
        )
    else:
        payload = teams_payload(
            rendered, footer=f"Sent by PeerPulse. [Stop these posts]({stop_url})"
        )
    return ChatMessage(channel, url, payload, message_id)


class HttpPoster:
    """Posts through httpx; a 2xx answer is delivered."""

    def __init__(self, *, timeout: float = 10.0, transport: httpx.BaseTransport | None = None):
        self.timeout = timeout
        self.transport = transport

    def post(self, message: ChatMessage) -> None:
        """POST the JSON body to the webhook URL."""
        where = httpx.URL(message.url).host
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                answer = client.post(message.url, json=message.payload)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:
            raise DeliveryFailed(
                f"Could not reach the {message.channel} webhook at {where}",
                uncertain=False,
                detail=str(exc),
            ) from exc
        except httpx.HTTPError as exc:
            raise DeliveryFailed(
                f"The connection to {where} broke while posting; the message may have arrived",
                uncertain=True,
                detail=f"{type(exc).__name__}: {exc}",
            ) from exc
        if not answer.is_success:
            raise DeliveryFailed(
                f"The {message.channel} webhook at {where} refused the message",
                uncertain=False,
                detail=f"{answer.status_code}: {answer.text[:200]}",
            )
