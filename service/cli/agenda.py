"""``peerpulse agenda ...``: a session's facilitator brief, and what the session did."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from service.cli.common import fail, migrated_engine
from service.errors import InvalidInput, PeerPulseError
from service.storage import db

agenda_app = typer.Typer(help="Session briefs and what sessions did.", no_args_is_help=True)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(
            f"--session {text!r} is not a date", hint="Write the date as YYYY-MM-DD."
        ) from exc


@agenda_app.command("brief")
def agenda_brief(
    community: Annotated[str, typer.Option("--community")],
    session_date: Annotated[str, typer.Option("--session", help="YYYY-MM-DD")],
    out: Annotated[Path, typer.Option("--out", help="brief.pdf or brief.html")],
) -> None:
    """Write the one-page facilitator brief of a session (PDF or HTML by the file's suffix)."""
    from service.committee import brief as briefs
    from service.config import get_settings
    from service.polls import service as polls
    from service.storage.repositories import communities

    try:
        day = _day(session_date)
        if out.suffix.lower() not in (".pdf", ".html", ".htm"):
            raise InvalidInput(
                f"--out {out.name}: write a .pdf or an .html file",
                hint="Name the file brief.pdf or brief.html.",
            )
        with db.transaction(migrated_engine()) as session:
            target = communities.get(session, community)
            lines = polls.brief_lines(session, target, min_group=get_settings().min_group_size)
            made = briefs.session_brief(session, target, day, polls=lines)
        if out.suffix.lower() == ".pdf":
            out.write_bytes(briefs.brief_pdf(made))
        else:
            out.write_text(briefs.brief_html(made), encoding="utf-8")
        kind = "accepted" if made.accepted else "open (none accepted yet)"
        print(f"{out}: brief of {day.isoformat()}, {len(made.topics)} {kind} topic(s)")
    except PeerPulseError as error:
        fail(error)


@agenda_app.command("outcome")
def agenda_outcome(
    community: Annotated[str, typer.Option("--community")],
    session_date: Annotated[str, typer.Option("--session", help="YYYY-MM-DD")],
    discussed: Annotated[str, typer.Option("--discussed", help="What was discussed")],
    action: Annotated[str, typer.Option("--action", help="What will happen")] = "",
    suggestion: Annotated[int | None, typer.Option("--suggestion", help="Suggestion id")] = None,
    said: Annotated[str, typer.Option("--said", help="The topic, without a suggestion")] = "",
) -> None:
    """Record what a session did with a topic ("you said, we did")."""
    from service.committee.outcomes import OutcomeIn, record
    from service.storage.repositories import communities

    try:
        body = OutcomeIn(
            session_date=_day(session_date),
            suggestion_id=suggestion,
            said=said,
            discussed=discussed,
            action=action,
        )
        engine = migrated_engine()
        with db.transaction(engine) as session:
            target = communities.get(session, community)
        stored = record(engine, target, body, author="cli")
        print(f"outcome {stored['id']}: {stored['said']}")
    except PeerPulseError as error:
        fail(error)
