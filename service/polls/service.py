"""Member polls: create, answer, summarise (filled in below)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from service.storage.tables import Community


def brief_lines(session: Session, community: Community) -> dict[int, Mapping[str, Any]]:
    """Per suggestion id, what members answered in the latest poll (none yet)."""
    return {}
