"""A community's webhook secret, derived rather than stored.

The secret is ``whsec_`` and the base64url HMAC-SHA256, under the application's secret key, of
the community's id, the tool and a random salt. Only the salt is stored, so a copy of the
database gives no secret back; whoever holds ``PEERPULSE_SECRET_KEY`` can print it again.
Drawing a new salt revokes the old secret. Changing the secret key changes every webhook secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_PURPOSE = b"peerpulse.webhook-secret.v1"


def new_salt() -> str:
    """A fresh random salt (hex, 64 characters)."""
    return secrets.token_hex(32)


def webhook_secret(secret_key: str, *, community_id: int, tool: str, salt: str) -> str:
    """The secret the tool signs its deliveries with."""
    message = b"\x00".join([_PURPOSE, str(community_id).encode(), tool.encode(), salt.encode()])
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return "whsec_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")
