"""``peerpulse goals ...``: the community's purpose and goals."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from service.cli.common import fail, migrated_engine, missing
from service.errors import InvalidInput, Location, PeerPulseError
from service.storage import db

goals_app = typer.Typer(help="The community's purpose and goals.", no_args_is_help=True)


@goals_app.command("add")
def goals_add(
    text: Annotated[str, typer.Argument(help="The goal, in a sentence")],
    community: Annotated[str, typer.Option("--community")],
    owner: Annotated[str, typer.Option("--owner", help="sponsor|staff|members|partner")] = "staff",
) -> None:
    """Add a goal to a community."""
    from service.storage.repositories import communities, goals

    try:
        with db.transaction(migrated_engine(), write=True) as session:
            goal = goals.add(session, communities.get_or_create(session, community), text, owner)
            print(f"goal {goal.id} ({goal.owner}): {goal.text}")
    except PeerPulseError as error:
        fail(error)


@goals_app.command("import")
def goals_import(
    path: Annotated[Path, typer.Argument(help="CSV with owner,text[,target_date] columns")],
    community: Annotated[str, typer.Option("--community")],
) -> None:
    """Add the goals of a CSV file (all or nothing; goals already there are skipped)."""
    from service.storage.repositories import communities, goals

    try:
        items = _read_goals(path)
        with db.transaction(migrated_engine(), write=True) as session:
            target = communities.get_or_create(session, community)
            added, skipped = goals.add_missing(session, target, items)
        print(f"{path.name}: {added} goal(s) added, {skipped} already there")
    except PeerPulseError as error:
        fail(error)


def _read_goals(path: Path) -> list[tuple[str, str, Any]]:
    """``(text, owner, target_date)`` per row, or an error naming the row and column."""
    import csv
    from datetime import datetime

    from service.storage.repositories.goals import check_owner

    if not path.is_file():
        raise missing(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        if not {"owner", "text"} <= set(header):
            raise InvalidInput(
                f"{path.name}: the header needs the columns owner and text",
                location=Location(row=1),
                hint="Write a header row: owner,text,target_date (target_date may be empty).",
            )
        items = []
        for number, row in enumerate(reader, start=2):
            try:
                owner = check_owner((row.get("owner") or "").strip())
                due = (row.get("target_date") or "").strip()
                when = datetime.fromisoformat(due) if due else None
            except (PeerPulseError, ValueError) as exc:
                column = "target_date" if isinstance(exc, ValueError) else "owner"
                raise InvalidInput(
                    f"{path.name}: row {number}, column {column}: {exc}",
                    location=Location(row=number, column=header.index(column) + 1),
                    hint="Owners are sponsor, staff, members or partner; dates are YYYY-MM-DD.",
                ) from exc
            text = (row.get("text") or "").strip()
            if not text:
                raise InvalidInput(
                    f"{path.name}: row {number}, column text: the goal has no text",
                    location=Location(row=number, column=header.index("text") + 1),
                    hint="Describe the goal in a sentence, or delete the row.",
                )
            items.append((text, owner, when))
    return items


@goals_app.command("list")
def goals_list(community: Annotated[str, typer.Option("--community")]) -> None:
    """List a community's goals."""
    from service.storage.repositories import communities, goals

    try:
        with db.transaction(migrated_engine()) as session:
            for goal in goals.list_for(session, communities.get(session, community)):
                print(f"{goal.id}\t{goal.owner}\t{goal.text}")
    except PeerPulseError as error:
        fail(error)
