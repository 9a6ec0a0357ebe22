"""Failed sign-in throttling: which counters an attempt touches and how long a counter locks.

Framework-free: the counters themselves are stored by ``service.storage.repositories.auth``.
A counter is a list of failure times under a key; a key is an HMAC keyed with the secret key, so
neither the user names people typed (sometimes their password) nor client addresses are stored
in clear or can be recovered by hashing every address.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Counter:
    """One failure counter: its stored key and how many failures in the window lock it."""

    key: str
    max_failures: int


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failed sign-ins a user name and a client address may have in a window."""

    max_failures_per_user: int
    max_failures_per_address: int
    window: timedelta
    secret: str = field(repr=False)

    def user_counter(self, username: str) -> Counter:
        """The counter of a user name (case and surrounding spaces ignored)."""
        return Counter(self._key("user", username.strip().casefold()), self.max_failures_per_user)

    def address_counter(self, address: str) -> Counter:
        """The counter of a client address."""
        return Counter(self._key("address", address), self.max_failures_per_address)

    def seconds_locked(self, failures: Sequence[datetime], limit: int, now: datetime) -> int:
        """Seconds until a counter with these failure times (any order) takes attempts again.

        Locked while ``limit`` or more failures lie within the window, that is until the
        ``limit``-th most recent failure leaves it; 0 when the counter is open.
        """
        recent = sorted(t for t in failures if now - t < self.window)
        if len(recent) < limit:
            return 0
        frees_at = recent[-limit] + self.window
        return max(1, math.ceil((frees_at - now).total_seconds()))

    def _key(self, kind: str, value: str) -> str:
        message = f"{kind}:{value}".encode()
        return hmac.new(self.secret.encode(), message, hashlib.sha256).hexdigest()
