"""The ``peerpulse`` command line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from service.cli import app
from service.config import get_settings
from service.storage import db
from tests.conftest import FIXTURES, ROOT


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", "cli-test-secret-key-long-enough-0123456789")
    get_settings.cache_clear()
    db.engine_for.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
    db.engine_for.cache_clear()


def test_ingest_json_prints_exactly_one_object(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["ingest", str(FIXTURES / "qualtrics/tab.tsv"), "--community", "circle", "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert list(body) == [
        "id",
        "community",
        "format",
        "responses_added",
        "duplicates_skipped",
        "respondents",
        "identified",
        "questions",
        "warnings",
    ]
    assert body["format"] == "qualtrics" and body["responses_added"] == 5
    assert isinstance(body["id"], str) and body["id"]


def test_ingest_bad_file_exits_2_with_json_on_stderr(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["ingest", str(FIXTURES / "bad/truncated.csv"), "--community", "circle", "--json"]
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    error = json.loads(result.stderr)
    assert error["location"]["row"] == 5 and error["hint"]


def test_ingest_missing_file_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["ingest", "/no/such/file.csv", "--community", "circle"])
    assert result.exit_code == 2
    assert "No file" in json.loads(result.stderr)["error"]


def test_ingest_with_mapping_file(runner: CliRunner, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"columns": {"What is your role?": "ignore"}}')
    result = runner.invoke(
        app,
        [
            "ingest",
            str(FIXTURES / "google_forms/basic.csv"),
            "--community",
            "circle",
            "--mapping",
            str(mapping),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    texts = [q["text"] for q in json.loads(result.stdout)["questions"]]
    assert "What is your role?" not in texts


def test_tokens_create_prints_the_token_alone(runner: CliRunner) -> None:
    result = runner.invoke(app, ["tokens", "create", "--community", "circle", "--role", "viewer"])
    assert result.exit_code == 0
    assert result.stdout.startswith("pp_") and result.stdout.count("\n") == 1


def test_tokens_create_refuses_unknown_role(runner: CliRunner) -> None:
    result = runner.invoke(app, ["tokens", "create", "--community", "circle", "--role", "boss"])
    assert result.exit_code == 2
    assert "Unknown role" in result.stderr


def _token(runner: CliRunner, community: str, role: str = "viewer") -> str:
    created = runner.invoke(app, ["tokens", "create", "--community", community, "--role", role])
    assert created.exit_code == 0, created.output
    return created.stdout.strip()


def test_tokens_list_shows_ids_and_prefixes_never_the_token(runner: CliRunner) -> None:
    circle = _token(runner, "circle")
    elsewhere = _token(runner, "elsewhere", "committee")
    listed = runner.invoke(app, ["tokens", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [(r["prefix"], r["community"], r["role"]) for r in rows] == [
        (circle[:10], "circle", "viewer"),
        (elsewhere[:10], "elsewhere", "committee"),
    ]
    assert circle not in listed.stdout and elsewhere not in listed.stdout
    assert rows[0]["kind"] == "api" and rows[0]["revoked_at"] is None
    only = json.loads(
        runner.invoke(app, ["tokens", "list", "--community", "elsewhere", "--json"]).stdout
    )
    assert [r["prefix"] for r in only] == [elsewhere[:10]]
    table = runner.invoke(app, ["tokens", "list"]).stdout.splitlines()
    assert table[0].split("\t")[:4] == ["id", "prefix", "kind", "role"] and len(table) == 3


def test_tokens_list_unknown_community_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["tokens", "list", "--community", "nowhere"])
    assert result.exit_code == 2 and "No community 'nowhere'" in json.loads(result.stderr)["error"]


def test_tokens_revoke_refuses_the_token_at_once(runner: CliRunner) -> None:
    from service.errors import Unauthorized
    from service.storage.repositories import auth

    token = _token(runner, "circle")
    token_id = json.loads(runner.invoke(app, ["tokens", "list", "--json"]).stdout)[0]["id"]
    result = runner.invoke(app, ["tokens", "revoke", str(token_id)])
    assert result.exit_code == 0 and f"revoked token {token_id}" in result.stdout
    listed = json.loads(runner.invoke(app, ["tokens", "list", "--json"]).stdout)
    assert listed[0]["revoked_at"] is not None
    with db.transaction(db.engine_for(get_settings().database_url)) as session:
        with pytest.raises(Unauthorized):
            auth.authenticate(session, token)


def test_tokens_revoke_unknown_id_exits_2_with_a_message(runner: CliRunner) -> None:
    result = runner.invoke(app, ["tokens", "revoke", "4242"])
    assert result.exit_code == 2 and result.stdout == ""
    assert json.loads(result.stderr)["error"] == "No token with id 4242"


def test_users_create_then_duplicate_is_refused(runner: CliRunner) -> None:
    args = [
        "users",
        "create",
        "--username",
        "ana",
        "--password",
        "correct horse battery",
        "--role",
        "committee",
        "--community",
        "circle",
    ]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == 0 and "created user ana" in first.stdout
    assert second.exit_code == 2 and "already exists" in second.stderr


def test_db_upgrade_reports_up_to_date(runner: CliRunner) -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0 and "up to date" in result.stdout


def test_roster_import_links_members_to_their_answers(runner: CliRunner) -> None:
    roster = runner.invoke(
        app,
        [
            "roster",
            "import",
            str(FIXTURES.parent.parent.parent / "corpora" / "sample" / "members.csv"),
            "--community",
            "circle",
            "--json",
        ],
    )
    assert roster.exit_code == 0, roster.stderr
    body = json.loads(roster.stdout)
    assert body["members"] == body["members_added"] > 30
    again = json.loads(
        runner.invoke(
            app,
            [
                "roster",
                "import",
                str(FIXTURES.parent.parent.parent / "corpora" / "sample" / "members.csv"),
                "--community",
                "circle",
                "--json",
            ],
        ).stdout
    )
    assert again["members_added"] == 0 and again["members_updated"] == body["members"]


def test_goals_import_is_idempotent(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "goals.csv"
    path.write_text(
        "owner,text,target_date\n"
        "sponsor,Every member has a quality plan under way,2027-03-31\n"
        "members,Support each other through the restructure,\n",
        encoding="utf-8",
    )
    first = runner.invoke(app, ["goals", "import", str(path), "--community", "circle"])
    assert first.exit_code == 0, first.stderr
    assert "2 goal(s) added, 0 already there" in first.stdout
    again = runner.invoke(app, ["goals", "import", str(path), "--community", "circle"])
    assert "0 goal(s) added, 2 already there" in again.stdout
    listed = runner.invoke(app, ["goals", "list", "--community", "circle"]).stdout.splitlines()
    assert [line.split("\t")[1] for line in listed] == ["sponsor", "members"]


def test_goals_import_bad_row_says_where_and_adds_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "goals.csv"
    path.write_text(
        "owner,text,target_date\nsponsor,A fine goal,\nboard,A goal of an unknown owner,\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["goals", "import", str(path), "--community", "circle"])
    assert result.exit_code == 2
    error = json.loads(result.stderr)
    assert error["location"] == {"row": 3, "column": 1} and "sponsor" in error["hint"]
    listed = runner.invoke(app, ["goals", "list", "--community", "circle"])
    assert "A fine goal" not in listed.stdout


def test_goals_import_refuses_a_row_without_text(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "goals.csv"
    path.write_text("owner,text\nstaff,\n", encoding="utf-8")
    result = runner.invoke(app, ["goals", "import", str(path), "--community", "circle"])
    assert result.exit_code == 2
    assert json.loads(result.stderr)["location"] == {"row": 2, "column": 2}


# Every command and option the README documents, in the order `peerpulse --help` lists them: the
# split of service/cli.py into service/cli/ (one module per command group) must keep them all.
COMMAND_TREE = [
    ("ingest", ["--community", "--format", "--mapping", "--json"]),
    ("analyze", ["--community", "--json"]),
    (
        "worker",
        ["--concurrency", "-c", "--queues", "-Q", "--loglevel", "-l", "--threads", "--pool"]
        + ["--beat"],
    ),
    ("serve", ["--host", "--port"]),
    ("report", ["--community", "--from", "--to", "--out", "--role"]),
    ("db upgrade", []),
    ("communities create", ["--name"]),
    ("communities list", []),
    ("users create", ["--username", "--password", "--role", "--community"]),
    ("tokens create", ["--role", "--community", "--name"]),
    ("tokens list", ["--community", "--all", "--json"]),
    ("tokens revoke", []),
    ("respondents forget", ["--community"]),
    (
        "recipients add",
        ["--community", "--email", "--role", "--weekday", "--hour", "--timezone"]
        + ["--resubscribe", "--slack-webhook", "--teams-webhook"],
    ),
    ("recipients list", ["--community"]),
    ("digest", ["--community", "--preview", "--send", "--out", "--role"]),
    ("goals add", ["--community", "--owner"]),
    ("goals import", ["--community"]),
    ("goals list", ["--community"]),
    ("roster import", ["--community", "--json"]),
    ("export answers", ["--community", "--out"]),
    ("export themes", ["--community", "--out"]),
    ("export agenda", ["--community", "--session", "--out", "--start", "--minutes", "--role"]),
    ("webhooks secret", ["--community", "--tool"]),
    ("agenda brief", ["--community", "--session", "--out"]),
    (
        "agenda outcome",
        ["--community", "--session", "--discussed", "--action", "--suggestion", "--said"],
    ),
    ("poll create", ["--community", "--closes"]),
    ("poll send", ["--roster"]),
    ("sso map", ["--community", "--claim-value", "--role"]),
    ("sso unmap", ["--community", "--claim-value"]),
    ("sso list", []),
    ("sso apply", []),
    ("codebook import", ["--community", "--json"]),
    ("codebook export", ["--community", "--out"]),
]


def test_command_tree_after_the_split_into_a_package() -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    tree = []
    for name, command in root.commands.items():
        subcommands = getattr(command, "commands", None) or {None: command}
        for sub, leaf in subcommands.items():
            options = [o for p in leaf.params for o in p.opts if o.startswith("-")]
            tree.append((f"{name} {sub}" if sub else name, options))
    assert tree == COMMAND_TREE


def test_python_dash_m_service_cli_runs_the_same_app() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "service.cli", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        timeout=120,
        check=True,
    )
    listed = re.findall(r"^│ (\w+) ", shown.stdout, flags=re.MULTILINE)
    assert listed == list(dict.fromkeys(path.split()[0] for path, _ in COMMAND_TREE))


def test_the_analysis_summary_withholds_figures_of_a_small_group(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from service.cli.analyze import _print_summary

    shown = {"label": "Workload", "trend": "rising", "units": 9, "respondents": 6}
    hidden = {"label": "Night shifts", "trend": None, "units": None, "respondents": None}
    _print_summary({"themes": [shown, hidden], "suggestions": []})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2 themes"
    assert lines[1] == "  [ rising] Workload — 9 units, 6 members"
    assert lines[2] == "  [      —] Night shifts — few units, few members"
