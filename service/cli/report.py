"""``peerpulse report``: the program value report of a period, as PDF or HTML."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from service.cli.common import fail, migrated_engine
from service.errors import InvalidInput, PeerPulseError
from service.storage import db


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(
            f"{option} {value!r} is not a date", hint="Write it as 2026-09-01."
        ) from exc


def report(
    community: Annotated[str, typer.Option("--community", help="Community slug")],
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD")],
    out: Annotated[Path, typer.Option("--out", help="report.pdf or report.html")],
    role: Annotated[
        str,
        typer.Option("--role", help="Who reads it: viewer (no quotes), facilitator or committee"),
    ] = "viewer",
) -> None:
    """Write the program value report for sponsors: figures, charts, themes, worries, goals."""
    from service.config import get_settings
    from service.privacy.thresholds import Confidentiality
    from service.report import render
    from service.report.service import build, period_of
    from service.storage.repositories import communities

    settings = get_settings()
    privacy = Confidentiality.from_settings(settings)
    try:
        suffix = out.suffix.lower()
        if suffix not in (".pdf", ".html"):
            raise InvalidInput(
                f"{out.name} is neither .pdf nor .html", hint="Name the file report.pdf or .html."
            )
        if role not in ("viewer", "facilitator", "committee", "admin"):
            raise InvalidInput(f"Unknown role {role!r}", hint="viewer, facilitator or committee")
        period = period_of(_day(start, "--from"), _day(end, "--to"))
        with db.transaction(migrated_engine()) as session:
            content = build(
                session,
                communities.get(session, community),
                period=period,
                role=role,
                privacy=privacy,
                today=datetime.now().date(),
            )
        html = render.render_html(content)
        if suffix == ".html":
            out.write_text(html, encoding="utf-8")
        else:
            out.write_bytes(render.render_pdf(html))
        print(f"{out}: value report of {community}, {content.period_label}")
    except PeerPulseError as error:
        fail(error)
