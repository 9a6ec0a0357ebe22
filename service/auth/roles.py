"""Roles, ordered from least to most privileged."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a principal may do within a community."""

    VIEWER = "viewer"
    COMMITTEE = "committee"
    FACILITATOR = "facilitator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Higher ranks include every lower role's permissions."""
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """True when this role includes ``needed``."""
        return self.rank >= needed.rank
