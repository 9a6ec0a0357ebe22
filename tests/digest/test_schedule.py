"""When a digest is due, in each recipient's time zone; the embedded APScheduler."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from service.config import Settings
from service.digest.schedule import (
    due_period,
    local_period,
    send_due_digests,
    start_scheduler,
    stop_scheduler,
)
from tests.digest.conftest import Inbox, make_recipient, sample_community


@dataclass
class Slot:
    weekday: int
    hour: int
    timezone: str
    created_at: datetime | None = datetime(2026, 1, 1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("slot", "now", "expected"),
    [
        # London in winter is UTC+0: Monday 08:00 local is 08:00 UTC.
        (Slot(0, 8, "Europe/London"), utc(2026, 1, 12, 7, 59), None),
        (Slot(0, 8, "Europe/London"), utc(2026, 1, 12, 8, 0), "2026-W03"),
        # In summer (BST, UTC+1) the same slot comes an hour earlier in UTC.
        (Slot(0, 8, "Europe/London"), utc(2026, 7, 6, 6, 59), None),
        (Slot(0, 8, "Europe/London"), utc(2026, 7, 6, 7, 0), "2026-W28"),
        # Auckland (UTC+13 in October): Monday 08:00 local is Sunday 19:00 UTC, and the period
        # is the recipient's week (W41), not the UTC one (W40).
        (Slot(0, 8, "Pacific/Auckland"), utc(2026, 10, 4, 18, 59), None),
        (Slot(0, 8, "Pacific/Auckland"), utc(2026, 10, 4, 19, 0), "2026-W41"),
        # Los Angeles (UTC-7): Friday 17:00 local is Saturday 00:00 UTC.
        (Slot(4, 17, "America/Los_Angeles"), utc(2026, 10, 9, 23, 59), None),
        (Slot(4, 17, "America/Los_Angeles"), utc(2026, 10, 10, 0, 0), "2026-W41"),
        # Still due later in the same week (a check after downtime catches up)...
        (Slot(0, 8, "UTC"), utc(2026, 10, 11, 23, 59), "2026-W41"),
        # ...but a new local week starts over.
        (Slot(6, 23, "UTC"), utc(2026, 10, 12, 0, 30), None),
        # Someone added after this week's moment waits for next week.
        (Slot(0, 8, "UTC", datetime(2026, 10, 5, 9)), utc(2026, 10, 5, 10), None),
        (Slot(0, 8, "UTC", datetime(2026, 10, 5, 9)), utc(2026, 10, 12, 8), "2026-W42"),
    ],
)
def test_due_period(slot: Slot, now: datetime, expected: str | None) -> None:
    assert due_period(slot, now) == expected


def test_spring_forward_gap_hour_is_still_sent() -> None:
    # 29 March 2026, 01:00-02:00 does not exist in London; the 01:00 slot falls at 01:00 UTC.
    slot = Slot(6, 1, "Europe/London")
    assert due_period(slot, utc(2026, 3, 29, 0, 59)) is None
    assert due_period(slot, utc(2026, 3, 29, 1, 0)) == "2026-W13"


def test_local_period_follows_the_recipient_calendar() -> None:
    moment = utc(2026, 10, 4, 20, 0)  # Sunday in UTC, Monday in Auckland
    assert local_period("UTC", moment) == "2026-W40"
    assert local_period("Pacific/Auckland", moment) == "2026-W41"


def test_each_recipient_is_sent_at_their_own_hour(
    engine: Engine, mail_settings: Settings, inbox: Inbox
) -> None:
    sample_community(engine)
    make_recipient(engine, "london@example.org", timezone="Europe/London")  # Mon 08:00 BST...
    make_recipient(engine, "la@example.org", timezone="America/Los_Angeles")
    monday = utc(2026, 10, 5, 7, 30)  # 08:30 in London, 00:30 in Los Angeles

    assert send_due_digests(engine, mail_settings, monday) == 1
    assert send_due_digests(engine, mail_settings, monday + timedelta(hours=8)) == 1
    assert send_due_digests(engine, mail_settings, monday + timedelta(hours=9)) == 0
    assert [r.rcpt_tos for r in inbox.received] == [["london@example.org"], ["la@example.org"]]


def test_embedded_scheduler_sends_once_over_many_checks(
    engine: Engine, mail_settings: Settings, inbox: Inbox
) -> None:
    sample_community(engine)
    # Monday 00:00 UTC has always passed this week, and the recipient predates it.
    make_recipient(engine, "ana@example.org", hour=0, created=datetime.now(UTC) - timedelta(days=8))

    scheduler = start_scheduler(engine, mail_settings, every_minutes=0.005)  # every 0.3 s
    try:
        inbox.wait_for(1)
        time.sleep(1.5)  # several more checks
    finally:
        stop_scheduler(scheduler)

    assert not scheduler.running
    assert [r.rcpt_tos for r in inbox.received] == [["ana@example.org"]]
