"""``peerpulse ingest`` (survey exports) and ``peerpulse roster ...`` (the member roster)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

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
    from service.jobs.celery_app import redaction_fan_out
    from service.modelstore import ModelStore

    try:
        if not path.is_file():
            raise missing(path)
        mapping_doc = parse_mapping(mapping.read_text(encoding="utf-8")) if mapping else None
        settings = get_settings()
        data = path.read_bytes()
        fan_out = redaction_fan_out(settings)  # with a broker, workers redact the chunks
        with _progress_bar(path.name) as progress:
            result = run_import(
                migrated_engine(),
                settings,
                slug=community,
                data=data,
                filename=path.name,
                format_name=format,
                mapping=mapping_doc,
                create_community=True,
                redactor=None if fan_out else ModelStore(settings).redactor,
                progress=progress,
                fan_out=fan_out,
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


@contextmanager
def _progress_bar(name: str) -> Iterator[Callable[[int, int], None]]:
    """A bar on stderr of the rows redacted and staged (stdout keeps the one result)."""
    bar: Any = None
    shown = 0

    def advance(done: int, total: int) -> None:
        nonlocal bar, shown
        if bar is None:
            bar = typer.progressbar(length=total, label=f"{name}: rows", file=sys.stderr)
            bar.__enter__()
        bar.update(done - shown)
        shown = done

    try:
        yield advance
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


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
