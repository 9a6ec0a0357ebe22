"""``peerpulse codebook ...``: the committee's codebook as a CSV file, in and out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from service.cli.common import fail, migrated_engine, missing
from service.errors import PeerPulseError
from service.storage import db

codebook_app = typer.Typer(help="The committee's codebook (CSV in and out).", no_args_is_help=True)
CLI_ACTOR = "cli"


@codebook_app.command("import")
def codebook_import(
    path: Annotated[Path, typer.Argument(help="CSV: code,description,examples,question,parent")],
    community: Annotated[str, typer.Option("--community")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Make the community's codebook the file's (all or nothing; the same file again changes
    nothing). Codes are matched by question and name; codes not in the file retire."""
    from service.codebook.csvfile import read_codebook
    from service.codebook.schemas import CodebookIn
    from service.committee import codebook
    from service.committee.theme_edits import Editing
    from service.storage.repositories import communities

    try:
        if not path.is_file():
            raise missing(path)
        codes = read_codebook(path.read_bytes())
        engine = migrated_engine()
        with db.transaction(engine, write=True) as session:
            target = communities.get_or_create(session, community)
        counts = codebook.replace(Editing(engine, target, CLI_ACTOR), CodebookIn(codes=codes))
    except PeerPulseError as error:
        fail(error)
        return
    if as_json:
        print(json.dumps({"community": community, "codes": len(codes), **counts}))
    else:
        print(
            f"{path.name}: {len(codes)} code(s); {counts['added']} added, "
            f"{counts['updated']} updated, {counts['retired']} retired, "
            f"{counts['unchanged']} unchanged"
        )


@codebook_app.command("export")
def codebook_export(
    community: Annotated[str, typer.Option("--community")],
    out: Annotated[Path, typer.Option("--out", help="The CSV file to write")],
) -> None:
    """Write the community's active codes as CSV (formula cells neutralised)."""
    from service.codebook.csvfile import write_codebook
    from service.committee import codebook
    from service.storage.repositories import communities

    try:
        with db.transaction(migrated_engine()) as session:
            codes = codebook.as_inputs(session, communities.get(session, community))
    except PeerPulseError as error:
        fail(error)
        return
    out.write_text(write_codebook(codes), encoding="utf-8", newline="")
    print(f"{out}: {len(codes)} code(s)")
