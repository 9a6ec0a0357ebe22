"""``peerpulse export ...``: answers and themes as CSV or XLSX, a session agenda as .md or .ics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from service.cli.common import fail, migrated_engine
from service.errors import InvalidInput, PeerPulseError
from service.storage import db

export_app = typer.Typer(help="Export what PeerPulse holds.", no_args_is_help=True)


@export_app.command("answers")
def export_answers(
    community: Annotated[str, typer.Option("--community")],
    out: Annotated[Path, typer.Option("--out", help="FILE.csv or FILE.xlsx")],
) -> None:
    """One row per free-text answer: file, row, question, answer, themes, worry level."""
    from service.coded_answers import coded_rows, to_csv, to_xlsx
    from service.config import get_settings
    from service.privacy.thresholds import Confidentiality
    from service.storage.repositories import communities

    settings = get_settings()
    privacy = Confidentiality.from_settings(settings)
    try:
        suffix = out.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise InvalidInput(
                f"{out.name} is neither .csv nor .xlsx", hint="Name the file FILE.csv or FILE.xlsx."
            )
        with db.transaction(migrated_engine()) as session:
            rows = coded_rows(session, communities.get(session, community), privacy)
        if suffix == ".csv":
            out.write_text(to_csv(rows), encoding="utf-8", newline="")
        else:
            out.write_bytes(to_xlsx(rows))
        print(f"{out}: {len(rows)} answer(s)")
    except PeerPulseError as error:
        fail(error)


def _privacy() -> Any:
    from service.config import get_settings
    from service.privacy.thresholds import Confidentiality

    settings = get_settings()
    return Confidentiality.from_settings(settings)


def _suffix(out: Path, allowed: tuple[str, ...], hint: str) -> str:
    suffix = out.suffix.lower()
    if suffix not in allowed:
        raise InvalidInput(f"{out.name} is not one of {', '.join(allowed)}", hint=hint)
    return suffix


@export_app.command("themes")
def export_themes(
    community: Annotated[str, typer.Option("--community")],
    out: Annotated[Path, typer.Option("--out", help="FILE.csv or FILE.xlsx")],
) -> None:
    """One row per active theme: members, share, trend, worry, and its count in every week."""
    from service.report.spreadsheets import theme_table, to_csv, to_xlsx
    from service.storage.repositories import communities
    from service.storage.repositories import digest as digest_rows

    try:
        suffix = _suffix(out, (".csv", ".xlsx"), "Name the file FILE.csv or FILE.xlsx.")
        with db.transaction(migrated_engine()) as session:
            themes = digest_rows.active_themes(session, communities.get(session, community))
        header, rows = theme_table(_privacy(), themes)
        if suffix == ".csv":
            out.write_text(to_csv(header, rows), encoding="utf-8", newline="")
        else:
            out.write_bytes(to_xlsx(header, rows, title=f"Themes {community}"))
        print(f"{out}: {len(rows)} theme(s), {len(header) - 8} week(s)")
    except PeerPulseError as error:
        fail(error)


@export_app.command("agenda")
def export_agenda(
    community: Annotated[str, typer.Option("--community")],
    session_date: Annotated[str, typer.Option("--session", help="YYYY-MM-DD")],
    out: Annotated[Path, typer.Option("--out", help="FILE.md or FILE.ics")],
    start: Annotated[
        str | None, typer.Option("--start", help="HH:MM (else an all-day event)")
    ] = None,
    minutes: Annotated[int, typer.Option("--minutes", help="Length of the session")] = 90,
    role: Annotated[
        str, typer.Option("--role", help="viewer gets no quotes; facilitator, committee do")
    ] = "facilitator",
) -> None:
    """A session's accepted agenda as Markdown, or as a calendar event with it attached."""
    from datetime import date, time

    from service.agenda.service import agenda_markdown
    from service.privacy.thresholds import without_answer_text
    from service.report.icalendar import session_event
    from service.storage.repositories import communities, suggestions

    try:
        suffix = _suffix(out, (".md", ".ics"), "Name the file FILE.md or FILE.ics.")
        try:
            day = date.fromisoformat(session_date)
            begins = time.fromisoformat(start) if start else None
        except ValueError as exc:
            raise InvalidInput(
                "--session is YYYY-MM-DD and --start is HH:MM", detail=str(exc)
            ) from exc
        with db.transaction(migrated_engine()) as session:
            target = communities.get(session, community)
            items = without_answer_text(suggestions.agenda(session, target, day), role)
            name = target.name or target.slug
        text = agenda_markdown(name, day, items)
        if suffix == ".ics":
            text = session_event(
                slug=community,
                community_name=name,
                day=day,
                agenda=text,
                start=begins,
                minutes=minutes,
            )
        out.write_text(text, encoding="utf-8", newline="")
        print(f"{out}: agenda of {day.isoformat()}, {len(items)} topic(s)")
    except PeerPulseError as error:
        fail(error)
