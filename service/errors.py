"""One error hierarchy for the whole service; the API renders it as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where in an input file a problem was found (1-based; None when unknown)."""

    row: int | None = None
    column: int | str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Render for the JSON error body."""
        return {"row": self.row, "column": self.column}


class PeerPulseError(Exception):
    """Base class: a message for people, a status code for the API."""

    status_code = 500
    code = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        detail: str | None = None,
        location: Location | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or message
        self.location = location or Location()
        self.hint = hint

    def as_dict(self) -> dict[str, Any]:
        """The body every error response and the CLI print."""
        return {
            "error": self.message,
            "detail": self.detail,
            "location": self.location.as_dict(),
            "hint": self.hint,
        }


class InvalidInput(PeerPulseError):
    """The request or file cannot be used as it is."""

    status_code = 422
    code = "invalid_input"


class UnsupportedFormat(InvalidInput):
    """The file is not in any layout we understand."""

    status_code = 415
    code = "unsupported_format"


class TooLarge(InvalidInput):
    """The input exceeds a configured limit."""

    status_code = 413
    code = "too_large"


class NotFound(PeerPulseError):
    """The thing asked for does not exist (or is not yours to see)."""

    status_code = 404
    code = "not_found"


class Conflict(PeerPulseError):
    """The request clashes with what is stored."""

    status_code = 409
    code = "conflict"


class Unauthorized(PeerPulseError):
    """No valid credentials."""

    status_code = 401
    code = "unauthorized"


class Forbidden(PeerPulseError):
    """Valid credentials, but not allowed to do this."""

    status_code = 403
    code = "forbidden"


class RateLimited(PeerPulseError):
    """Too many requests for this token."""

    status_code = 429
    code = "rate_limited"


class ModelUnavailable(PeerPulseError):
    """A required model is not installed or failed to load."""

    status_code = 503
    code = "model_unavailable"
