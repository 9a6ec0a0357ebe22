"""When digests go out: each recipient's weekday and hour in their own time zone.

A digest is due once the recipient's local weekday and hour of the current ISO week (in their
time zone) has come, and stays due until the week ends, so a check after downtime still sends
it; the send log makes every later check skip it. Someone added after this week's moment gets
their first digest next week. The period is the ISO week of the recipient's local date.

Two drivers call :func:`send_due_digests`: APScheduler's :class:`BackgroundScheduler` inside the
app (embedded mode, :func:`start_scheduler`) and Celery beat when workers run
(``peerpulse.send_due_digests``). Both may run at once; the send log keeps it to one message.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from service.config import Settings
from service.digest import service
from service.digest.send import Mailer, SmtpMailer
from service.errors import NotFound
from service.privacy.thresholds import iso_week
from service.storage import db
from service.storage.repositories import communities
from service.storage.repositories import digest as repo

log = logging.getLogger(__name__)
JOB_ID = "peerpulse-digests"


class Schedule(Protocol):
    """A recipient's weekly moment (read only: a stored recipient is one)."""

    @property
    def weekday(self) -> int: ...

    @property
    def hour(self) -> int: ...

    @property
    def timezone(self) -> str: ...

    @property
    def created_at(self) -> datetime | None: ...


def as_utc(moment: datetime | None) -> datetime:
    """``moment`` as an aware UTC time (naive times are taken as UTC; None is now)."""
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local_period(timezone: str, now: datetime | None = None) -> str:
    """The ISO week of ``now`` on the recipient's own calendar."""
    return iso_week(as_utc(now).astimezone(ZoneInfo(timezone)))


def scheduled_moment(schedule: Schedule, now: datetime) -> datetime:
    """This local ISO week's sending moment, in UTC."""
    zone = ZoneInfo(schedule.timezone)
    local = as_utc(now).astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    day = monday + timedelta(days=schedule.weekday)
    wall = datetime(day.year, day.month, day.day, schedule.hour, tzinfo=zone)
    return wall.astimezone(UTC)


def due_period(schedule: Schedule, now: datetime | None = None) -> str | None:
    """The period whose digest is due at ``now``, or None before this week's moment."""
    moment = as_utc(now)
    scheduled = scheduled_moment(schedule, moment)
    if moment < scheduled:
        return None
    if schedule.created_at is not None and as_utc(schedule.created_at) > scheduled:
        return None
    return local_period(schedule.timezone, moment)


def send_due_digests(
    engine: Engine, settings: Settings, now: datetime | None = None, *, mailer: Mailer | None = None
) -> int:
    """Send every digest that is due and not in the send log; the number sent."""
    moment = as_utc(now)
    due: list[tuple[int, str]] = []
    with db.transaction(engine) as session:
        for recipient in repo.active_recipients(session):
            try:
                period = due_period(recipient, moment)
            except (ZoneInfoNotFoundError, ValueError):
                log.error(
                    "recipient %s has an unknown time zone %r", recipient.id, recipient.timezone
                )
                continue
            logged = repo.find_send(session, recipient.id, period) if period else None
            if period and (logged is None or logged.status == "failed"):
                due.append((recipient.id, period))
    chosen = mailer or SmtpMailer(settings.smtp)
    cache = service.ContentCache()
    sent = 0
    for recipient_id, period in due:
        try:
            outcome = service.deliver(
                engine, settings, recipient_id, period=period, mailer=chosen, cache=cache
            )
        except Exception:  # noqa: BLE001 - one recipient's failure must not stop the others
            log.exception("digest for recipient %s (%s) failed", recipient_id, period)
            continue
        sent += outcome.status == "sent"
    if due:
        log.info("digests: %d due, %d sent", len(due), sent)
    return sent


def send_now(
    engine: Engine,
    settings: Settings,
    slug: str,
    *,
    mailer: Mailer | None = None,
    now: datetime | None = None,
) -> list[service.Outcome]:
    """Send the community's digest of the current week to every active recipient now.

    The send log still applies: whoever already had this week's digest is skipped.
    """
    moment = as_utc(now)
    with db.transaction(engine) as session:
        community = communities.get(session, slug)
        targets = [
            (r.id, local_period(r.timezone, moment))
            for r in repo.active_recipients(session, community)
        ]
    if not targets:
        raise NotFound(
            f"Community {slug!r} has no digest recipients",
            hint=f"Add one with `peerpulse recipients add --community {slug} --email ADDRESS`.",
        )
    chosen = mailer or SmtpMailer(settings.smtp)
    cache = service.ContentCache()
    return [
        service.deliver(engine, settings, rid, period=period, mailer=chosen, cache=cache)
        for rid, period in targets
    ]


def start_scheduler(
    engine: Engine,
    settings: Settings,
    *,
    every_minutes: float = 10,
    mailer: Mailer | None = None,
) -> BackgroundScheduler:
    """Check for due digests every ``every_minutes`` in a background thread (embedded mode)."""
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        send_due_digests,
        IntervalTrigger(seconds=every_minutes * 60, timezone=UTC),
        args=[engine, settings],
        kwargs={"mailer": mailer},
        id=JOB_ID,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=max(1, int(every_minutes * 60)),
    )
    scheduler.start()
    return scheduler


def stop_scheduler(scheduler: BackgroundScheduler | None) -> None:
    """Stop the checks, letting a send in progress finish."""
    if scheduler is not None and scheduler.running:
        scheduler.shutdown(wait=True)
