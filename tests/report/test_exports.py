"""``peerpulse export themes`` (CSV, XLSX) and ``peerpulse export agenda`` (.md, .ics)."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from typer.testing import CliRunner

from service.cli import app
from service.config import get_settings
from service.report.icalendar import fold
from service.storage import db
from service.storage.repositories import communities
from service.storage.tables import Suggestion
from tests.digest.conftest import add_themes, sample_community, theme

FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def engine_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[CliRunner, Engine]]:
    """The CLI on a database with the sample community, a formula-shaped theme and a session."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", url)
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", "cli-test-secret-key-long-enough-0123456789")
    get_settings.cache_clear()
    db.engine_for.cache_clear()
    engine = db.engine_for(url)
    db.upgrade(engine)
    sample_community(engine)
    add_themes(
        engine,
        [theme(FORMULA, name=FORMULA, trend="rising", respondents=8, weekly=[("2026-W41", 8)])],
    )
    with db.transaction(engine, write=True) as session:
        session.add(
            Suggestion(
                community_id=communities.get(session, "circle").id,
                title="Workshop: +defending your calendar, together",
                why="Calendar conflicts rose for three weeks; members lose whole mornings.",
                angles=["Scripts for saying no", "=1+1 as a shared rule"],
                format="workshop",
                status="accepted",
                session_date=datetime(2026, 10, 8),
            )
        )
    yield CliRunner(), engine
    get_settings.cache_clear()
    db.engine_for.cache_clear()


def _run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, ["export", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_themes_csv_has_weekly_counts_worry_and_trend_under_the_rules(
    engine_cli: tuple[CliRunner, Engine], tmp_path: Path
) -> None:
    runner, _ = engine_cli
    out = tmp_path / "themes.csv"
    _run(runner, "themes", "--community", "circle", "--out", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    header = rows[0]
    assert header[:8] == [
        "Theme",
        "Keywords",
        "Members",
        "Share",
        "Trend",
        "Worried members",
        "Severe",
        "Worry",
    ]
    assert header[8:] == ["2026-W38", "2026-W39", "2026-W40", "2026-W41"]
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    expense = by_name["Expense approvals"]
    assert (expense["Members"], expense["Trend"], expense["Worried members"]) == (
        "9",
        "rising",
        "5",
    )
    assert expense["2026-W38"] == "fewer than 5 responses"  # a week under the minimum
    assert expense["2026-W41"] == "9"
    small = by_name["Parental leave cover"]
    assert small["Members"] == small["Worried members"] == "fewer than 5 responses"
    assert small["Trend"] == "withheld"
    assert by_name["Calendar conflicts"]["Worried members"] == "7"
    assert "Old printer woes" not in by_name  # retired


def test_formula_cells_are_neutralised_in_csv_and_xlsx(
    engine_cli: tuple[CliRunner, Engine], tmp_path: Path
) -> None:
    runner, _ = engine_cli
    _run(runner, "themes", "--community", "circle", "--out", str(tmp_path / "t.csv"))
    _run(runner, "themes", "--community", "circle", "--out", str(tmp_path / "t.xlsx"))
    rows = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_text(encoding="utf-8"))))
    names = [r[0] for r in rows[1:]]
    assert "'" + FORMULA in names
    assert FORMULA not in names
    sheet = load_workbook(tmp_path / "t.xlsx").active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)  # not one formula in the workbook
    assert any(c.value == "'" + FORMULA for c in cells)
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][:3] == [
        "Theme",
        "Keywords",
        "Members",
    ]
    numbers = {c.value for c in cells if c.data_type == "n"}
    assert {9, 12} <= numbers  # counts stay numbers


def test_agenda_as_markdown(engine_cli: tuple[CliRunner, Engine], tmp_path: Path) -> None:
    runner, _ = engine_cli
    out = tmp_path / "agenda.md"
    _run(runner, "agenda", "--community", "circle", "--session", "2026-10-08", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Agenda: Admin Circle, Thursday 8 October 2026")
    assert "## 1. Workshop: +defending your calendar, together" in text
    assert "- Scripts for saying no" in text


def _unfold(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")


def test_agenda_as_an_icalendar_event_with_the_brief_attached(
    engine_cli: tuple[CliRunner, Engine], tmp_path: Path
) -> None:
    runner, _ = engine_cli
    out = tmp_path / "session.ics"
    args = ["agenda", "--community", "circle", "--session", "2026-10-08", "--out", str(out)]
    _run(runner, *args, "--start", "14:30", "--minutes", "60")
    raw = out.read_bytes().decode("utf-8")
    assert raw.endswith("\r\n")
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    lines = _unfold(raw)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "UID:circle-session-20261008@peerpulse" in lines
    assert "DTSTART:20261008T143000" in lines
    assert "DTEND:20261008T153000" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "Workshop: +defending your calendar\\, together" in description
    attach = next(line for line in lines if line.startswith("ATTACH;"))
    assert "FMTTYPE=text/markdown" in attach
    markdown = base64.b64decode(attach.rsplit(":", 1)[1]).decode()
    assert "## 1. Workshop: +defending your calendar, together" in markdown


def test_all_day_event_without_a_start_time(
    engine_cli: tuple[CliRunner, Engine], tmp_path: Path
) -> None:
    runner, _ = engine_cli
    out = tmp_path / "session.ics"
    _run(runner, "agenda", "--community", "circle", "--session", "2026-10-08", "--out", str(out))
    lines = _unfold(out.read_bytes().decode("utf-8"))
    assert "DTSTART;VALUE=DATE:20261008" in lines
    assert "DTEND;VALUE=DATE:20261009" in lines


def test_folding_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "é" * 80
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["themes", "--community", "circle", "--out", "t.json"], "not one of .csv, .xlsx"),
        (["agenda", "--community", "circle", "--session", "8 Oct", "--out", "a.md"], "YYYY-MM-DD"),
        (
            ["agenda", "--community", "circle", "--session", "2026-10-08", "--out", "a.pdf"],
            ".md, .ics",
        ),
    ],
)
def test_refusals_exit_2_with_json(
    engine_cli: tuple[CliRunner, Engine], args: list[str], message: str
) -> None:
    runner, _ = engine_cli
    result = runner.invoke(app, ["export", *args])
    assert result.exit_code == 2
    assert message in result.output
