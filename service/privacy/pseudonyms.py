"""Keyed hashes that link a person's answers over time without storing who they are."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(secret_key: str, purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under the secret key, separated by ``purpose``; hex, 64 chars."""
    message = f"{purpose}\x1f{value}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def respondent_key(secret_key: str, tool_identifier: str) -> str:
    """The stored key of a respondent (an e-mail or a tool's ID, normalised by ingest)."""
    return pseudonym(secret_key, "respondent", tool_identifier)[:40]


def submission_key(secret_key: str, source_key: str) -> str:
    """The stored de-duplication key of one response."""
    return pseudonym(secret_key, "submission", source_key)
