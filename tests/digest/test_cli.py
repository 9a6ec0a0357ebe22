"""``peerpulse recipients ...`` and ``peerpulse digest ...``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

from service.config import get_settings
from service.digest.cli import digest_app, recipients_app
from service.storage import db
from tests.digest.conftest import QUOTE, Inbox, make_community, sample_community

# The same wiring as service/cli.py: `app.add_typer(recipients_app, name="recipients")` ...
app = typer.Typer()
app.add_typer(recipients_app, name="recipients")
app.add_typer(digest_app, name="digest")


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inbox: Inbox) -> Iterator[CliRunner]:
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", "cli-test-secret-key-long-enough-0123456789")
    monkeypatch.setenv("PEERPULSE_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("PEERPULSE_SMTP__PORT", str(inbox.port))
    monkeypatch.setenv("PEERPULSE_SMTP__FROM", "PeerPulse <digest@peerpulse.example>")
    get_settings.cache_clear()
    db.engine_for.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
    db.engine_for.cache_clear()


@pytest.fixture
def cli_engine(runner: CliRunner) -> Engine:
    engine = db.engine_for(get_settings().database_url)
    db.upgrade(engine)
    return engine


def test_recipients_add_and_list(runner: CliRunner, cli_engine: Engine) -> None:
    make_community(cli_engine)
    added = runner.invoke(
        app,
        ["recipients", "add", "--community", "circle", "--email", "ana@example.org"]
        + ["--role", "committee", "--weekday", "2", "--hour", "17", "--timezone", "Europe/London"],
    )
    assert added.exit_code == 0, added.output
    assert "Wednesdays at 17:00 (Europe/London)" in added.stdout

    listed = runner.invoke(app, ["recipients", "list", "--community", "circle"])
    assert listed.exit_code == 0
    assert listed.stdout.splitlines() == [
        "ana@example.org\tcommittee\tWednesdays at 17:00 (Europe/London)\tactive\tnever sent"
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--timezone", "Mars/Olympus"], "Unknown time zone"),
        (["--role", "boss"], "Unknown recipient role"),
        (["--hour", "24"], "Hour 24 is out of range"),
        (["--weekday", "7"], "Weekday 7 is out of range"),
        (["--email", "not-an-address"], "Not an e-mail address"),
    ],
)
def test_recipients_add_refuses_bad_values(
    runner: CliRunner, cli_engine: Engine, extra: list[str], message: str
) -> None:
    make_community(cli_engine)
    args = ["recipients", "add", "--community", "circle", "--email", "ana@example.org", *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in json.loads(result.stderr)["error"]


def test_recipients_add_twice_is_a_conflict(runner: CliRunner, cli_engine: Engine) -> None:
    make_community(cli_engine)
    args = ["recipients", "add", "--community", "circle", "--email", "ana@example.org"]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, [*args[:-1], "ANA@example.org"])
    assert again.exit_code == 2
    assert "already receives" in json.loads(again.stderr)["error"]


def test_send_without_recipients_says_so(runner: CliRunner, cli_engine: Engine) -> None:
    make_community(cli_engine)
    result = runner.invoke(app, ["digest", "--community", "circle", "--send"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert json.loads(result.stderr)["error"] == "Community 'circle' has no digest recipients"


def test_send_prints_one_line_per_recipient_and_never_twice(
    runner: CliRunner, cli_engine: Engine, inbox: Inbox
) -> None:
    sample_community(cli_engine)
    for email in ("ana@example.org", "bo@example.org"):
        add = ["recipients", "add", "--community", "circle", "--email", email]
        assert runner.invoke(app, add).exit_code == 0

    first = runner.invoke(app, ["digest", "--community", "circle", "--send"])
    assert first.exit_code == 0, first.output
    assert [line.split("\t")[:2] for line in first.stdout.splitlines()] == [
        ["sent", "ana@example.org"],
        ["sent", "bo@example.org"],
    ]
    second = runner.invoke(app, ["digest", "--community", "circle", "--send"])
    assert [line.split("\t")[0] for line in second.stdout.splitlines()] == ["skipped", "skipped"]
    assert sorted(r.rcpt_tos[0] for r in inbox.received) == ["ana@example.org", "bo@example.org"]


def test_preview_prints_text_or_writes_html(
    runner: CliRunner, cli_engine: Engine, tmp_path: Path
) -> None:
    sample_community(cli_engine)
    text = runner.invoke(app, ["digest", "--community", "circle", "--preview"])
    assert text.exit_code == 0, text.output
    assert text.stdout.startswith("Subject: Admin Circle \u2014 PeerPulse week ")
    assert "PEERPULSE WEEKLY DIGEST" in text.stdout and QUOTE in text.stdout

    out = tmp_path / "digest.html"
    written = runner.invoke(
        app, ["digest", "--community", "circle", "--preview", "--out", str(out), "--role", "viewer"]
    )
    assert written.exit_code == 0, written.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "Calendar conflicts" in html
    assert QUOTE not in html


@pytest.mark.parametrize("flags", [[], ["--preview", "--send"]])
def test_digest_needs_exactly_one_action(
    runner: CliRunner, cli_engine: Engine, flags: list[str]
) -> None:
    make_community(cli_engine)
    result = runner.invoke(app, ["digest", "--community", "circle", *flags])
    assert result.exit_code == 2
    assert "Choose one of --preview and --send" in json.loads(result.stderr)["error"]


def test_unknown_community_exits_2(runner: CliRunner, cli_engine: Engine) -> None:
    result = runner.invoke(app, ["digest", "--community", "nowhere", "--preview"])
    assert result.exit_code == 2
    assert "No community 'nowhere'" in json.loads(result.stderr)["error"]
