"""A real SMTP server (aiosmtpd on 127.0.0.1) and builders for themes, suggestions, recipients."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from service.config import Settings, SmtpSettings
from service.storage import db
from service.storage.repositories import communities
from service.storage.repositories import digest as repo
from service.storage.tables import (
    Answer,
    Community,
    Import,
    Question,
    Recipient,
    Respondent,
    Submission,
    Suggestion,
)
from tests.factories import theme_row

SENDER = "PeerPulse <digest@peerpulse.example>"
NOW = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)  # Monday of 2026-W41, 09:00 UTC
QUOTE = "Double bookings eat my whole morning."
NARROWING_QUOTE = "I'm the only EA in Legal, so every clash lands on me."
SECRET_QUOTE = "Nobody covered my desk while I was away."


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    """One message as the server received it."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps what it receives; ``delay`` stalls its reply to DATA."""

    port: int = 0
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        parsed = message_from_bytes(raw, policy=policy.default)
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), raw, parsed)  # type: ignore[arg-type]
            )
        if self.delay:  # stored, but the reply comes late: the client cannot know
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        """Messages whose envelope went to ``address``."""
        return [r for r in self.received if address in r.rcpt_tos]

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        """Block until ``count`` messages arrived (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)


def start_server(inbox: Inbox, **smtp_options: Any) -> Controller:
    """Start aiosmtpd on a free port of 127.0.0.1 and remember the port on ``inbox``."""
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port, **smtp_options)
    controller.start()
    return controller


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    """A real SMTP server; its received messages."""
    box = Inbox()
    controller = start_server(box)
    yield box
    controller.stop()


@pytest.fixture
def mail_settings(settings: Settings, inbox: Inbox) -> Settings:
    """The test settings, sending to the ``inbox`` server."""
    return with_smtp(settings, port=inbox.port)


def with_smtp(settings: Settings, **smtp: Any) -> Settings:
    """``settings`` with SMTP pointed at 127.0.0.1 and the given fields."""
    values = {"host": "127.0.0.1", "sender": SENDER, "timeout_seconds": 5.0, **smtp}
    return settings.model_copy(update={"smtp": SmtpSettings(**values)})


def make_community(engine: Engine, slug: str = "circle", name: str = "Admin Circle") -> int:
    """Create a community; its id."""
    with db.transaction(engine, write=True) as session:
        found = communities.find(session, slug)
        return (found or communities.create(session, slug, name)).id


def make_recipient(
    engine: Engine,
    email: str,
    *,
    slug: str = "circle",
    role: str = "facilitator",
    weekday: int = 0,
    hour: int = 8,
    timezone: str = "UTC",
    created: datetime | None = None,
) -> int:
    """Add a recipient created a month before ``NOW`` (so this week's digest is due); its id."""
    with db.transaction(engine, write=True) as session:
        recipient = repo.add_recipient(
            session,
            communities.get(session, slug),
            email,
            role=role,
            weekday=weekday,
            hour=hour,
            timezone=timezone,
        )
        recipient.created_at = (created or NOW - timedelta(days=30)).replace(tzinfo=None)
        return recipient.id


def theme(
    label: str,
    *,
    trend: str,
    respondents: int | None,
    name: str | None = None,
    share: float = 0.1,
    weekly: list[tuple[str, int | None]] | None = None,
    quotes: list[str] | None = None,
    concern: dict[str, Any] | None = None,
    status: str = "active",
) -> dict[str, Any]:
    """The fields of a ``Theme`` row, with a ``summary`` shaped as the analysis writes it."""
    suppressed = respondents is None
    return {
        "label": label,
        "name": name,
        "keywords": label.lower().split()[:3],
        "status": status,
        "centroid": b"",
        "summary": {
            "units": (respondents or 2) * 2,
            "respondents": respondents,
            "share": share,
            "trend": trend,
            "weekly": [{"week": w, "count": c} for w, c in (weekly or [])],
            "quotes": [{"text": q, "week": "2026-W41"} for q in (quotes or [])],
            "concern": concern,
            "suppressed": suppressed,
        },
    }


SAMPLE_THEMES = [
    theme(
        "Calendar conflicts",
        trend="new",
        respondents=12,
        share=0.18,
        quotes=[QUOTE, NARROWING_QUOTE],
        concern={
            "rank": 2,
            "concerned_respondents": 7,
            "concern_share": 0.58,
            "severe_respondents": 5,
            "score": 0.8,
            "reason": "Members describe losing whole mornings to double bookings.",
        },
    ),
    theme(
        "travel expense approvals",
        name="Expense approvals",
        trend="rising",
        respondents=9,
        weekly=[("2026-W38", None), ("2026-W39", 5), ("2026-W40", 7), ("2026-W41", 9)],
        quotes=["Approvals take three weeks."],
        concern={
            "rank": 3,
            "concerned_respondents": 5,
            "concern_share": 0.5,
            "severe_respondents": 0,
            "score": 0.5,
            "reason": "Late reimbursements worry members on lower salaries.",
        },
    ),
    theme(
        "Parental leave cover",
        trend="new",
        respondents=None,
        share=0.02,
        quotes=[SECRET_QUOTE],
        concern={
            "rank": 1,
            "concerned_respondents": None,
            "severe_respondents": None,
            "score": None,
            "suppressed": True,
            "reason": "Absences go uncovered.",
        },
    ),
    theme("Onboarding buddies", trend="fading", respondents=6, weekly=[("2026-W40", 9)]),
    theme("Team lunches", trend="steady", respondents=20),
    theme("Old printer woes", trend="rising", respondents=30, status="retired"),
]


def add_themes(engine: Engine, rows: list[dict[str, Any]], slug: str = "circle") -> None:
    """Store themes in the community."""
    with db.transaction(engine, write=True) as session:
        community = communities.get(session, slug)
        session.add_all(theme_row(community_id=community.id, **row) for row in rows)


def add_suggestions(engine: Engine, slug: str = "circle") -> None:
    """An open suggestion, an upcoming and a past accepted one, and a rejected one."""
    today = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    rows = [
        ("Workshop: defending your calendar", "open", None, ["Scripts for saying no"]),
        ("Panel: expense tools that work", "accepted", today + timedelta(days=30), []),
        ("Retrospective on the spring retreat", "accepted", today - timedelta(days=30), []),
        ("Karaoke night", "rejected", None, []),
    ]
    with db.transaction(engine, write=True) as session:
        community = communities.get(session, slug)
        session.add_all(
            Suggestion(
                community_id=community.id,
                title=title,
                why=f"Why: {title.lower()} came up in several themes.",
                angles=angles,
                format="workshop",
                status=status,
                session_date=when,
            )
            for title, status, when, angles in rows
        )


def add_ratings(engine: Engine, weeks: dict[datetime, list[float]], slug: str = "circle") -> None:
    """Satisfaction ratings (Likert) by the same members in the given weeks."""
    with db.transaction(engine, write=True) as session:
        community: Community = communities.get(session, slug)
        upload = Import(
            community_id=community.id, filename="s.csv", format="csv", sha256="0" * 64, size_bytes=1
        )
        question = Question(
            community_id=community.id,
            text="How satisfied were you with the last session?",
            text_hash="1" * 64,
            kind="likert",
        )
        session.add_all([upload, question])
        session.flush()
        members: list[Respondent] = []
        for number, (when, values) in enumerate(weeks.items()):
            for index, value in enumerate(values):
                if index >= len(members):
                    members.append(Respondent(community_id=community.id, key=f"m{index}"))
                    session.add(members[-1])
                    session.flush()
                submission = Submission(
                    community_id=community.id,
                    respondent_id=members[index].id,
                    import_id=upload.id,
                    source_key=f"s{number}-{index}",
                    submitted_at=when,
                    channel="survey",
                )
                session.add(submission)
                session.flush()
                session.add(
                    Answer(
                        community_id=community.id,
                        submission_id=submission.id,
                        respondent_id=members[index].id,
                        question_id=question.id,
                        submitted_at=when,
                        channel="survey",
                        value_number=value,
                    )
                )


def sample_community(engine: Engine, slug: str = "circle") -> None:
    """A community with themes, suggestions and three weeks of ratings (one week too small)."""
    make_community(engine, slug)
    add_themes(engine, SAMPLE_THEMES, slug)
    add_suggestions(engine, slug)
    add_ratings(
        engine,
        {
            datetime(2026, 9, 22, 10): [4.0, 5.0, 3.0],
            datetime(2026, 9, 29, 10): [4.0, 4.0, 4.0, 4.0, 4.0, 4.0],
            datetime(2026, 10, 6, 10): [5.0, 4.0, 5.0, 4.0, 5.0, 4.0],
        },
        slug,
    )


def recipient(engine: Engine, recipient_id: int) -> Recipient:
    """A recipient as stored now."""
    with db.transaction(engine) as session:
        return session.get_one(Recipient, recipient_id)


def parts(message: EmailMessage) -> dict[str, str]:
    """The text of each alternative part, by content type."""
    return {
        part.get_content_type(): part.get_content()
        for part in message.iter_parts()
        if isinstance(part, EmailMessage)
    }
