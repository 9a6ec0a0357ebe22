"""``peerpulse export answers``: the coded answers of a community as CSV or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    privacy = Confidentiality(
        min_group=settings.min_group_size, min_quote_group=settings.min_quote_group_size
    )
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
