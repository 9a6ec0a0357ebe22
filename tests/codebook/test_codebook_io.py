"""``peerpulse codebook import/export`` and ``GET``/``PUT …/codebook`` (issue 19, item 3)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from service.cli import app
from service.config import get_settings
from service.storage import db
from service.storage.tables import AuditEntry, Code
from tests.codebook.conftest import LABELS, Shaped

FILE = (
    "code,description,examples,question,parent\r\n"
    "Workload,Long hours and too much to do,=SUM(A1) | Working till 9,,\r\n"
    "Weekend work,Work spilling into weekends,I answer emails on Sunday,,Workload\r\n"
    "Calendars,Double bookings,My calendar is double booked,What's top of mind?,\r\n"
)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", "cli-test-secret-key-long-enough-0123456789")
    get_settings.cache_clear()
    db.engine_for.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
    db.engine_for.cache_clear()


def _codes(tmp_path: Path) -> list[tuple[str, str, str, str | None, int | None]]:
    engine = db.engine_for(f"sqlite:///{tmp_path / 'cli.db'}")
    with db.transaction(engine) as session:
        rows = session.scalars(select(Code).order_by(Code.id))
        return [(c.name, c.description, c.status, c.parent, c.question_id) for c in rows]


def test_import_twice_changes_nothing_and_export_gives_the_file_back(
    cli: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "codebook.csv"
    path.write_text(FILE.replace("What's top of mind?", ""), encoding="utf-8")
    first = cli.invoke(app, ["codebook", "import", str(path), "--community", "circle", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {
        "community": "circle",
        "codes": 3,
        "added": 3,
        "updated": 0,
        "retired": 0,
        "unchanged": 0,
    }
    stored = _codes(tmp_path)
    again = cli.invoke(app, ["codebook", "import", str(path), "--community", "circle", "--json"])
    assert json.loads(again.output)["unchanged"] == 3
    assert _codes(tmp_path) == stored  # nothing changed, nothing added
    out = tmp_path / "out.csv"
    exported = cli.invoke(app, ["codebook", "export", "--community", "circle", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "code,description,examples,question,parent"
    assert "'=SUM(A1) | Working till 9" in text  # the formula cell is neutralised
    out_again = cli.invoke(app, ["codebook", "import", str(out), "--community", "circle"])
    assert "3 unchanged" in out_again.output
    assert _codes(tmp_path) == stored


def test_import_is_all_or_nothing_with_a_located_error(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "codebook.csv"
    path.write_text(FILE, encoding="utf-8")  # row 4 names a question the community lacks
    result = cli.invoke(app, ["codebook", "import", str(path), "--community", "circle"])
    assert result.exit_code == 2
    error = json.loads(result.stderr)
    assert error["location"] == {"row": 4, "column": "question"}
    assert "question" in error["hint"]
    assert _codes(tmp_path) == []


BASE = "/api/v1/communities/circle/codebook"


def test_put_then_get_and_the_same_put_changes_nothing(shaped: Shaped) -> None:
    body = {
        "codes": [
            {"code": LABELS["calendar"], "description": "Clashes", "examples": ["a"]},
            {"code": "Brand new", "description": "", "examples": [], "parent": LABELS["calendar"]},
        ]
    }
    put = shaped.client.put(BASE, json=body, headers=shaped.committee)
    assert put.status_code == 200, put.text
    assert put.json()["changes"] == {"added": 2, "updated": 0, "retired": 0, "unchanged": 0}
    codes = {c["code"]: c for c in put.json()["codes"]}
    assert codes[LABELS["calendar"]]["theme_id"] == shaped.themes["calendar"]  # by its name
    assert codes["Brand new"]["theme_id"] is None  # a theme comes with the next analysis
    again = shaped.client.put(BASE, json=body, headers=shaped.committee)
    assert again.json()["changes"] == {"added": 0, "updated": 0, "retired": 0, "unchanged": 2}
    engine = shaped.client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine) as session:
        logged = session.scalar(select(func.count()).where(AuditEntry.action == "codebook.replace"))
    assert logged == 1
    shown = shaped.client.get(BASE, headers=shaped.viewer).json()
    assert {c["code"] for c in shown["codes"]} == {LABELS["calendar"], "Brand new"}
    assert all(c["examples"] == [] for c in shown["codes"])
    assert {c["id"] for c in shown["candidates"]} == {
        shaped.themes["expenses"],
        shaped.themes["ai"],
    }
    smaller = shaped.client.put(BASE, json={"codes": body["codes"][:1]}, headers=shaped.committee)
    assert smaller.json()["changes"]["retired"] == 1


def test_put_needs_the_committee(shaped: Shaped) -> None:
    refused = shaped.client.put(BASE, json={"codes": []}, headers=shaped.viewer)
    assert refused.status_code == 403
