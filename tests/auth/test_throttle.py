"""The sign-in throttle's arithmetic: when a counter locks and for how long."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from service.auth.throttle import ThrottlePolicy

NOW = datetime(2026, 12, 4, 12, 0, 0)
POLICY = ThrottlePolicy(
    max_failures_per_user=3,
    max_failures_per_address=20,
    window=timedelta(minutes=15),
    secret="test-secret",
)


def ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [
        (ago(), 0),
        (ago(1, 2), 0),
        (ago(1, 2, 15), 0),  # the oldest has left the window
        (ago(0, 1, 2), 13 * 60),  # frees when the failure 2 minutes ago leaves
        (ago(0, 1, 2, 3, 4), 13 * 60),  # the 3rd most recent decides, not the oldest
        (ago(14.999, 14.999, 14.999), 1),  # never 0 while locked
    ],
)
def test_seconds_locked(failures: list[datetime], seconds: int) -> None:
    assert POLICY.seconds_locked(failures, 3, NOW) == seconds


def test_keys_hide_names_and_addresses_and_depend_on_the_secret() -> None:
    other = ThrottlePolicy(
        max_failures_per_user=3,
        max_failures_per_address=20,
        window=timedelta(minutes=15),
        secret="another-secret",
    )
    key = POLICY.user_counter("ada").key
    assert "ada" not in key and len(key) == 64
    assert key == POLICY.user_counter(" ADA ").key != other.user_counter("ada").key
    assert POLICY.address_counter("192.0.2.1").key != POLICY.user_counter("192.0.2.1").key
    assert "test-secret" not in repr(POLICY)
