"""``peerpulse export answers``: the coded answers as CSV and as XLSX, the same rows in both."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from service.cli import app
from service.coded_answers import COLUMNS
from service.config import get_settings
from service.storage import db
from tests.api.test_answers_export import PEOPLE, cell, export_file, written


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CLI on a throwaway database, with the community ``circle`` imported."""
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", "cli-test-secret-key-long-enough-0123456789")
    get_settings.cache_clear()
    db.engine_for.cache_clear()
    source = tmp_path / "pulse.csv"
    source.write_bytes(export_file(PEOPLE))
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", str(source), "--community", "circle"])
    assert ingested.exit_code == 0, ingested.output
    yield runner
    get_settings.cache_clear()
    db.engine_for.cache_clear()


def test_csv_and_xlsx_hold_the_same_rows(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("answers.csv", "answers.xlsx"):
        result = runner.invoke(
            app, ["export", "answers", "--community", "circle", "--out", str(tmp_path / name)]
        )
        assert result.exit_code == 0, result.output
    with (tmp_path / "answers.csv").open(encoding="utf-8", newline="") as handle:
        from_csv = list(csv.reader(handle))
    sheet = load_workbook(tmp_path / "answers.xlsx", read_only=True).active
    assert sheet is not None
    width = len(COLUMNS)  # a read-only sheet drops trailing empty cells
    from_xlsx = [
        ["" if v is None else str(v) for v in (*row, *[None] * (width - len(row)))]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert tuple(from_csv[0]) == COLUMNS
    assert from_xlsx == from_csv
    shown = [(int(r[1]), r[2], r[4]) for r in from_csv[1:] if "6am" not in r[4]]
    assert shown == [(row, q, cell(t)) for row, q, t in written() if "6am" not in t]


def test_another_suffix_is_refused_with_json_on_stderr(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "answers", "--community", "circle", "--out", str(tmp_path / "a.json")]
    )
    assert result.exit_code == 2
    assert "neither .csv nor .xlsx" in json.loads(result.stderr)["error"]
    assert not (tmp_path / "a.json").exists()


def test_an_unknown_community_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    result = runner.invoke(app, ["export", "answers", "--community", "nobody", "--out", str(out)])
    assert result.exit_code == 2
    assert not out.exists()
    assert "nobody" in json.loads(result.stderr)["error"]
