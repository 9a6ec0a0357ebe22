"""The survey-format registry is the one source of detection, ``--format`` and the upload list."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.auth.roles import Role
from service.cli import app
from service.config import LimitSettings, get_settings
from service.errors import InvalidInput
from service.ingest import formats
from service.ingest.decode import read_table
from service.ingest.service import parse_export
from service.storage import db
from tests.conftest import ROOT, fixture_bytes, make_token

LIMITS = LimitSettings()
# The README's order for --format, and detection's order (most specific signature first), of the
# tools there are today; a new tool takes its place among them without editing this file.
LISTED = [
    "google_forms",
    "surveymonkey",
    "qualtrics",
    "ms_forms",
    "typeform",
    "checkins",
    "csv",
    "jsonl",
]
DETECTED = [
    "qualtrics",
    "surveymonkey",
    "ms_forms",
    "typeform",
    "checkins",
    "google_forms",
    "csv",
    "jsonl",
]
DEMO_TOOL = '''
"""A survey tool registered by a test: its module is all it adds."""

from service.ingest.formats.base import Layout, SurveyFormat, column_values, plan_column
from service.ingest.schemas import ColumnPlan, ColumnRole

ROLES = {"Demo ID": ColumnRole.RESPONSE_ID, "Timestamp": ColumnRole.SUBMITTED_AT}


def matches(table):
    return bool(table.rows) and table.rows[0][0] == "Demo ID"


def layout(table):
    columns = [
        ColumnPlan(i, h, ROLES[h]) if h in ROLES else plan_column(i, h, column_values(table, 1, i))
        for i, h in enumerate(table.rows[0])
    ]
    return Layout("demo_tool", header_rows=1, columns=columns)


FORMAT = SurveyFormat(
    "demo_tool", "Demo Tool", matches=matches, layout=layout, listed=55, precedence=100
)
'''
DEMO_EXPORT = (
    b"Demo ID,Timestamp,What keeps you up at night?\n"
    b"d-1,2026-09-01,Budgets\nd-2,2026-09-02,The reorg\n"
)
OPTION = re.compile(r'<option value="([^"]+)">([^<]*)</option>')


def format_option_help() -> str:
    """The help text of ``peerpulse ingest --format`` as Typer builds it."""
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return next(p.help or "" for p in group.commands["ingest"].params if p.name == "format")


def upload_choices(client: TestClient) -> list[tuple[str, str]]:
    """The ``(value, label)`` options of the imports page's format picker."""
    token = make_token(client, Role.FACILITATOR, "circle")
    client.post("/signin", data={"token": token}, follow_redirects=False)
    page = client.get("/c/circle/imports")
    assert page.status_code == 200
    picker = page.text.split('<select id="format"', 1)[1].split("</select>", 1)[0]
    return OPTION.findall(picker)


@pytest.fixture
def demo_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A new tool module in a folder the formats package searches; no other file changes."""
    folder = tmp_path / "tools"
    folder.mkdir()
    (folder / "demo_tool.py").write_text(DEMO_TOOL, encoding="utf-8")
    monkeypatch.setattr(formats, "__path__", [*formats.__path__, str(folder)])
    formats.registry.cache_clear()
    yield folder
    formats.registry.cache_clear()
    sys.modules.pop("service.ingest.formats.demo_tool", None)


def test_every_tool_module_exports_one_format() -> None:
    helpers = {"__init__", "base", "generic"}
    tools = [p.stem for p in Path(formats.__file__).parent.glob("*.py") if p.stem not in helpers]
    exported = [importlib.import_module(f"service.ingest.formats.{tool}").FORMAT for tool in tools]
    assert sorted(f.name for f in exported) == sorted(formats.names())
    assert all(formats.registry()[f.name] is f for f in exported)
    assert [name for name in formats.names() if name in LISTED] == LISTED


def test_detection_tries_the_most_specific_signature_first() -> None:
    assert [f.name for f in formats.detection_order() if f.name in DETECTED] == DETECTED
    assert [f.precedence for f in formats.detection_order()][-2:] == [0, 0]  # the fallbacks


def test_cli_format_help_lists_the_registry() -> None:
    assert format_option_help() == "|".join(["auto", *formats.names()])


def test_unknown_format_hint_lists_the_registry() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_export(
            fixture_bytes("generic/plain.csv"), "plain.csv", limits=LIMITS, format_name="x"
        )
    assert raised.value.hint == f"Use one of: auto, {', '.join(formats.names())}."
    assert raised.value.hint.startswith("Use one of: auto, google_forms, surveymonkey, qualtrics")


def test_upload_page_lists_the_registry(app_client: TestClient) -> None:
    choices = upload_choices(app_client)
    assert [value for value, _ in choices] == ["auto", *formats.names()]
    assert ("ms_forms", "Microsoft Forms") in choices


@pytest.mark.usefixtures("demo_tool")
def test_a_new_tool_module_is_detected_and_accepted_by_name() -> None:
    assert formats.names().index("demo_tool") == LISTED.index("typeform") + 1
    assert formats.detect(read_table(DEMO_EXPORT, "demo.csv", LIMITS)).name == "demo_tool"
    detected = parse_export(DEMO_EXPORT, "demo.csv", limits=LIMITS)
    chosen = parse_export(DEMO_EXPORT, "demo.csv", limits=LIMITS, format_name="demo_tool")
    assert detected.format == chosen.format == "demo_tool"
    assert [r.source_key for r in detected.records] == ["demo_tool:d-1", "demo_tool:d-2"]
    # The tools that were there are still detected as before.
    assert parse_export(fixture_bytes("typeform/responses.csv"), "t.csv", limits=LIMITS).format == (
        "typeform"
    )


@pytest.mark.usefixtures("demo_tool")
def test_a_new_tool_module_shows_on_the_upload_page(app_client: TestClient) -> None:
    assert ("demo_tool", "Demo Tool") in upload_choices(app_client)


def test_a_new_tool_module_shows_in_the_cli_help(demo_tool: Path) -> None:
    code = (
        "import service.ingest.formats as f; "
        f"f.__path__.append({str(demo_tool)!r}); "
        "from service.cli import app; app()"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code, "ingest", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "300", "NO_COLOR": "1"},
        timeout=120,
        check=True,
    )
    assert (
        "auto|google_forms|surveymonkey|qualtrics|ms_forms|typeform|demo_tool|checkins|csv|jsonl"
        in shown.stdout
    )


@pytest.mark.usefixtures("demo_tool")
def test_a_new_tool_module_imports_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", "cli-test-secret-key-long-enough-0123456789")
    get_settings.cache_clear()
    db.engine_for.cache_clear()
    export = tmp_path / "demo.csv"
    export.write_bytes(DEMO_EXPORT)
    try:
        result = CliRunner().invoke(
            app, ["ingest", str(export), "--community", "circle", "--format", "demo_tool", "--json"]
        )
    finally:
        get_settings.cache_clear()
        db.engine_for.cache_clear()
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["format"] == "demo_tool" and body["responses_added"] == 2
