"""What a listing of tokens shows (never the token itself, nor its hash)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TokenInfo:
    """An API token or a web session as an admin sees it."""

    id: int
    prefix: str
    name: str
    role: str
    community: str | None  # slug; None for a global admin token
    kind: str  # api | session
    parent_id: int | None  # the token a web session was opened with
    user: str | None  # the user a session or token belongs to
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: times in ISO 8601 (UTC)."""
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in asdict(self).items()
        }
