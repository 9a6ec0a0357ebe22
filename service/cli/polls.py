"""``peerpulse poll ...``: open a member poll of the shortlist and mail personal links."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from service.cli.common import fail, migrated_engine, missing
from service.config import Settings
from service.errors import InvalidInput, PeerPulseError
from service.storage import db

poll_app = typer.Typer(help="Member polls of the shortlist.", no_args_is_help=True)


@poll_app.command("create")
def poll_create(
    community: Annotated[str, typer.Option("--community")],
    closes: Annotated[str, typer.Option("--closes", help="YYYY-MM-DD (optional)")] = "",
) -> None:
    """Open a poll of the best open suggestions and print the address members answer at."""
    from service.config import get_settings
    from service.polls import service as polls
    from service.storage.repositories import communities

    try:
        closes_at = None
        if closes:
            try:
                day = date.fromisoformat(closes)
            except ValueError as exc:
                raise InvalidInput(
                    f"--closes {closes!r} is not a date", hint="Write it as YYYY-MM-DD."
                ) from exc
            closes_at = datetime(day.year, day.month, day.day, 23, 59)
        engine = migrated_engine()
        with db.transaction(engine) as session:
            target = communities.get(session, community)
        made = polls.create(engine, target, author="cli", closes_at=closes_at)
        print(polls.poll_url(get_settings(), made["token"]))
        print(f"poll {made['id']}: {len(made['topics'])} topic(s)", end="")
        print(f", closes {closes_at:%Y-%m-%d}" if closes_at else "")
    except PeerPulseError as error:
        fail(error)


@poll_app.command("send")
def poll_send(
    poll_id: Annotated[int, typer.Argument(help="The poll's id (poll create prints it)")],
    roster: Annotated[Path, typer.Option("--roster", help="The roster file with e-mails")],
) -> None:
    """Mail each member of the roster a personal one-answer link, through the digest's SMTP
    settings (addresses are read from the file, never stored)."""
    from service.config import get_settings
    from service.ingest.roster import parse_roster

    try:
        if not roster.is_file():
            raise missing(roster)
        settings = get_settings()
        members = parse_roster(roster.read_bytes(), roster.name, settings.limits)
        addresses = [m.ref.removeprefix("email:") for m in members if m.ref.startswith("email:")]
        if not addresses:
            raise InvalidInput(
                f"{roster.name} holds no e-mail address",
                hint="Share the poll's address instead: peerpulse poll create prints it.",
            )
        counts = _send(settings, poll_id, addresses)
        print(f"poll {poll_id}: {counts['sent']} link(s) sent, {counts['skipped']} already invited")
    except PeerPulseError as error:
        fail(error)


def _send(settings: Settings, poll_id: int, addresses: list[str]) -> dict[str, int]:
    from email.message import EmailMessage

    from service.digest.send import MAIL_POLICY, SmtpMailer
    from service.polls import service as polls

    mailer = SmtpMailer(settings.smtp)

    def mail(address: str, link: str) -> None:
        message = EmailMessage(policy=MAIL_POLICY)
        message["Subject"] = "What should we discuss next? A two-minute poll"
        message["From"] = settings.smtp.sender
        message["To"] = address
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(
            "The advisory committee is choosing the next sessions' topics.\n"
            "Rank them, suggest angles or examples, or offer to share an experience:\n\n"
            f"{link}\n\nThis link is yours and takes one answer. No account is needed.\n",
            charset="utf-8",
        )
        mailer.send(message)

    return polls.send_invites(migrated_engine(), settings, poll_id, addresses, mail=mail)
