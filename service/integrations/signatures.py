"""The signatures survey tools put on their webhook deliveries, computed and checked here.

- Typeform: ``Typeform-Signature: sha256=BASE64(HMAC-SHA256(secret, raw body))``.
- generic (our own, for Google Forms through Apps Script and anything else):
  ``X-PeerPulse-Signature`` with the same value as Typeform's.
- SurveyMonkey: ``Sm-Apikey`` (the app's client ID) and
  ``Sm-Signature: BASE64(HMAC-SHA1("CLIENT_ID&CLIENT_SECRET", raw body))``.

Every comparison is constant-time, on the raw bytes as received (never re-encoded JSON).
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def sha256_signature(secret: str, body: bytes) -> str:
    """``sha256=`` and the base64 HMAC-SHA256 of ``body`` (Typeform's header value)."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def sha256_matches(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the signature of ``body`` under ``secret``."""
    if not header:
        return False
    return hmac.compare_digest(sha256_signature(secret, body).encode(), header.strip().encode())


def surveymonkey_signature(client_id: str, client_secret: str, body: bytes) -> str:
    """SurveyMonkey's ``Sm-Signature`` of ``body``."""
    key = f"{client_id}&{client_secret}".encode()
    return base64.b64encode(hmac.new(key, body, hashlib.sha1).digest()).decode()


def surveymonkey_matches(
    client_id: str, client_secret: str, body: bytes, *, api_key: str | None, signature: str | None
) -> bool:
    """Whether the delivery names our client ID and carries its signature of ``body``."""
    if not api_key or not signature:
        return False
    expected = surveymonkey_signature(client_id, client_secret, body)
    same_key = hmac.compare_digest(client_id.encode(), api_key.strip().encode())
    return same_key & hmac.compare_digest(expected.encode(), signature.strip().encode())
