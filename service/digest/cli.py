"""``peerpulse recipients ...`` and ``peerpulse digest ...`` (Typer sub-apps).

Errors follow the rest of the CLI: one JSON object on stderr and exit code 2. ``digest --send``
exits 1 when a message could not be sent (each recipient's line says why).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from service.config import get_settings
from service.errors import InvalidInput, PeerPulseError
from service.storage import db

recipients_app = typer.Typer(help="Who receives the weekly digest.", no_args_is_help=True)
digest_app = typer.Typer(
    help="The weekly digest: preview it, or send it now.", invoke_without_command=True
)

Community = Annotated[str, typer.Option("--community", help="Community slug")]


def _fail(error: PeerPulseError) -> None:
    typer.echo(json.dumps(error.as_dict(), ensure_ascii=False), err=True)
    raise typer.Exit(code=2)


def _engine() -> Any:
    engine = db.engine_for(get_settings().database_url)
    db.upgrade(engine)
    return engine


@recipients_app.command("add")
def recipients_add(
    community: Community,
    email: Annotated[str | None, typer.Option("--email", help="Where the digest goes")] = None,
    role: Annotated[str, typer.Option("--role", help="facilitator|committee|viewer")] = (
        "facilitator"
    ),
    weekday: Annotated[int, typer.Option("--weekday", help="0 = Monday ... 6 = Sunday")] = 0,
    hour: Annotated[int, typer.Option("--hour", help="0-23, local time")] = 8,
    timezone: Annotated[str, typer.Option("--timezone", help="IANA name, e.g. Europe/London")] = (
        "UTC"
    ),
    resubscribe: Annotated[
        bool, typer.Option("--resubscribe", help="Add back someone who unsubscribed")
    ] = False,
    slack_webhook: Annotated[
        str | None, typer.Option("--slack-webhook", help="A Slack incoming webhook URL")
    ] = None,
    teams_webhook: Annotated[
        str | None, typer.Option("--teams-webhook", help="A Teams incoming webhook URL")
    ] = None,
) -> None:
    """Add a digest recipient (an address, or a Slack or Teams channel) with role and schedule."""
    from service.digest.render import schedule_line
    from service.storage.repositories import communities
    from service.storage.repositories import digest as repo

    try:
        given = [(k, v) for k, v in (("slack", slack_webhook), ("teams", teams_webhook)) if v]
        if len(given) + (email is not None) != 1:
            raise InvalidInput(
                "Give exactly one of --email, --slack-webhook and --teams-webhook",
                hint=f"e.g. `peerpulse recipients add --community {community} --email ADDRESS`",
            )
        if given:
            _add_channel(community, *given[0], role=role, when=(weekday, hour, timezone))
            return
        with db.transaction(_engine(), write=True) as session:
            recipient = repo.add_recipient(
                session,
                communities.get(session, community),
                email or "",
                role=role,
                weekday=weekday,
                hour=hour,
                timezone=timezone,
                resubscribe=resubscribe,
            )
            line = schedule_line(weekday=weekday, hour=hour, timezone=timezone)
            typer.echo(f"added {recipient.email} ({recipient.role}) to {community}: {line}")
    except PeerPulseError as error:
        _fail(error)


def _add_channel(
    slug: str, channel: str, url: str, *, role: str, when: tuple[int, int, str]
) -> None:
    """Add a Slack or Teams channel; its URL is never printed back (it is a secret)."""
    from service.digest.render import schedule_line
    from service.storage.repositories import communities, integrations

    weekday, hour, timezone = when
    with db.transaction(_engine(), write=True) as session:
        recipient = integrations.add_channel(
            session,
            communities.get(session, slug),
            channel=channel,
            url=url,
            role=role,
            weekday=weekday,
            hour=hour,
            timezone=timezone,
        )
        line = schedule_line(weekday=weekday, hour=hour, timezone=timezone)
        typer.echo(f"added {recipient.email} ({recipient.role}) to {slug}: {line}")


@recipients_app.command("list")
def recipients_list(community: Community) -> None:
    """List a community's recipients: address, role, schedule, status, last digest."""
    from service.digest.render import schedule_line
    from service.storage.repositories import communities
    from service.storage.repositories import digest as repo

    try:
        with db.transaction(_engine()) as session:
            found = repo.list_recipients(session, communities.get(session, community))
            last = repo.last_sent(session, [r.id for r in found])
    except PeerPulseError as error:
        _fail(error)
        return
    if not found:
        typer.echo(f"{community} has no digest recipients", err=True)
    for r in found:
        status = f"unsubscribed {r.unsubscribed_at:%Y-%m-%d}" if r.unsubscribed_at else "active"
        sent = f"last sent {last[r.id]:%Y-%m-%d %H:%M} UTC" if r.id in last else "never sent"
        when = schedule_line(weekday=r.weekday, hour=r.hour, timezone=r.timezone)
        typer.echo(f"{r.email}\t{r.role}\t{when}\t{status}\t{sent}")


@digest_app.callback(invoke_without_command=True)
def digest(
    community: Community,
    preview: Annotated[bool, typer.Option("--preview", help="Show this week's digest")] = False,
    send: Annotated[bool, typer.Option("--send", help="Send it now to every recipient")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write the HTML part here")] = None,
    role: Annotated[str, typer.Option("--role", help="Preview as this role")] = "facilitator",
) -> None:
    """Preview this week's digest (text on stdout, or HTML to --out), or --send it now."""
    try:
        if preview == send:
            raise InvalidInput(
                "Choose one of --preview and --send",
                hint=f"e.g. `peerpulse digest --community {community} --preview`",
            )
        if preview:
            _preview(community, role=role, out=out)
        else:
            _send(community)
    except PeerPulseError as error:
        _fail(error)


def _preview(slug: str, *, role: str, out: Path | None) -> None:
    from service.digest import service
    from service.storage.repositories import communities

    with db.transaction(_engine()) as session:
        rendered = service.preview(
            session, communities.get(session, slug), role=role, settings=get_settings()
        )
    if out is None:
        typer.echo(f"Subject: {rendered.subject}\n\n{rendered.text}", nl=False)
        return
    out.write_text(rendered.html, encoding="utf-8")
    typer.echo(f"wrote the HTML digest ({rendered.subject}) to {out}")


def _send(slug: str) -> None:
    from service.digest import service
    from service.digest.schedule import send_now

    outcomes = send_now(_engine(), get_settings(), slug)
    for outcome in outcomes:
        typer.echo(service.describe(outcome))
    if any(o.status in ("failed", "uncertain") for o in outcomes):
        raise typer.Exit(code=1)
