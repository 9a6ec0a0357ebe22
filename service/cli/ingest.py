"""``peerpulse ingest`` (survey exports) and ``peerpulse roster ...`` (the member roster)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from service.cli.common import fail, migrated_engine, missing
from service.config import get_settings
from service.errors import PeerPulseError
from service.ingest import formats

FORMAT_HELP = "|".join((formats.AUTO, *formats.names()))  # the survey-format registry's names
roster_app = typer.Typer(help="The community's member roster.", no_args_is_help=True)


def ingest(
    path: Annotated[Path, typer.Argument(help="The exported file")],
    community: Annotated[str, typer.Option("--community", help="Community slug")],
    format: Annotated[str, typer.Option("--format", help=FORMAT_HELP)] = formats.AUTO,  # noqa: A002
    mapping: Annotated[Path | None, typer.Option("--mapping", help="MAPPING.json")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Import one export file into a community (created on first use)."""
    from service.ingest.service import parse_mapping
    from service.intake import run_import
    from service.modelstore import ModelStore

    try:
        if not path.is_file():
            raise missing(path)
        mapping_doc = parse_mapping(mapping.read_text(encoding="utf-8")) if mapping else None
        settings = get_settings()
        data = path.read_bytes()
        result = run_import(
            migrated_engine(),
            settings,
            slug=community,
            data=data,
            filename=path.name,
            format_name=format,
            mapping=mapping_doc,
            create_community=True,
            redactor=ModelStore(settings).redactor,
        )
    except PeerPulseError as error:
        fail(error)
        return
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(
        f"{path.name}: {result['format']}, {result['responses_added']} responses added, "
        f"{result['duplicates_skipped']} duplicates skipped, {result['respondents']} respondents"
    )
    for warning in result["warnings"]:
        print(f"  warning: {warning}")


@roster_app.command("import")
def roster_import(
    path: Annotated[
        Path, typer.Argument(help="members.csv: email, role, level, experience, department, joined")
    ],
    community: Annotated[str, typer.Option("--community")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Load the roster (for response rates and turnover)."""
    from service.intake import run_roster_import

    try:
        if not path.is_file():
            raise missing(path)
        result = run_roster_import(
            migrated_engine(),
            get_settings(),
            slug=community,
            data=path.read_bytes(),
            filename=path.name,
            create_community=True,
        )
    except PeerPulseError as error:
        fail(error)
        return
    print(
        json.dumps(result)
        if as_json
        else f"{path.name}: {result['members']} members ({result['members_added']} new)"
    )
