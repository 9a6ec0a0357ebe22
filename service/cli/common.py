"""What every command shares: the error exit, the migrated engine, the missing-file error."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from service.config import get_settings
from service.errors import InvalidInput, PeerPulseError
from service.storage import db


def fail(error: PeerPulseError) -> None:
    """Write the error as one JSON object on stderr and exit with code 2."""
    print(json.dumps(error.as_dict(), ensure_ascii=False), file=sys.stderr)
    raise typer.Exit(code=2)


def migrated_engine() -> Any:
    """The settings' database engine, migrated to the newest schema."""
    migrated = db.engine_for(get_settings().database_url)
    db.upgrade(migrated)
    return migrated


def missing(path: Path) -> PeerPulseError:
    """The error for a path that names no file."""
    return InvalidInput(f"No file at {path}", hint="Check the path.")
