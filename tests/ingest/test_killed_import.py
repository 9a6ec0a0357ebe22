"""An import killed with SIGKILL while it stages or while it stores leaves no response stored.

The staging area may keep the killed run's chunks (pseudonymised and redacted, never an e-mail
address) until they are idle long enough to be deleted; the rerun stores every response once.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from service.storage import db
from service.storage.repositories import import_staging
from service.storage.tables import (
    Answer,
    Import,
    Question,
    Respondent,
    StagedChunk,
    StagedImport,
    Submission,
    utcnow,
)
from tests.processes import children, still_running

ROWS = 10_000
MEMBERS = 200
STORED = (Submission, Answer, Import, Respondent, Question)


def _export(path: Path) -> None:
    """A Google Forms export without free text (fast to redact), e-mails as respondents."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["Timestamp", "Email Address", "How was your week? (1-5)", "Which areas?", "Role"]
        )
        for number in range(ROWS):
            week, member = divmod(number, MEMBERS)
            writer.writerow(
                [
                    f"{1 + week % 12}/{1 + member % 28}/2025 9:{member % 60:02d}:{week % 60:02d}",
                    f"member.{member}@example.org",
                    1 + number % 5,
                    ["Diary, Travel", "Expenses", "Projects, Diary"][number % 3],
                    ["EA", "Office manager", "PA"][member % 3],
                ]
            )


def _ingest(url: str, export: Path, **settings: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PEERPULSE_DATABASE_URL": url,
        "PEERPULSE_SECRET_KEY": "kill-test-secret-key-0123456789abcdef",
        **settings,
    }
    command = [sys.executable, "-m", "service.cli", "ingest", str(export)]
    return subprocess.Popen(
        [*command, "--community", "circle", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _staged_rows(engine: Engine) -> int | None:
    """Rows staged by the running import (None before its run is open)."""
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.max(StagedImport.rows_staged))).scalar()
    except DBAPIError:  # the child has not migrated the database yet
        return None


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.__tablename__: connection.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
            for table in STORED
        }


def _kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    """SIGKILL the import once ``ready``; the redaction children it had end with it."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None and not ready():
        time.sleep(0.01)
    assert process.poll() is None, "the import finished before it could be killed"
    pool = children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert still_running(pool) == [], "a redaction child outlived it"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database the child processes migrate themselves."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'killed.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.mark.parametrize("moment", ["while staging", "while storing"])
def test_import_killed_stores_nothing_and_rerun_stores_each_response_once(
    database_url: str, tmp_path: Path, moment: str
) -> None:
    export = tmp_path / "checkins.csv"
    _export(export)
    engine = create_engine(database_url)
    process = _ingest(database_url, export)
    if moment == "while staging":
        _kill_when(process, lambda: (_staged_rows(engine) or 0) >= 3_000)
    else:  # everything staged: the one storing transaction is running
        _kill_when(process, lambda: _staged_rows(engine) == ROWS)

    assert _counts(engine) == dict.fromkeys((t.__tablename__ for t in STORED), 0)
    with engine.connect() as connection:
        staged = " ".join(json.dumps(r) for r in connection.scalars(select(StagedChunk.records)))
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert staged and "example.org" not in staged  # what stays is pseudonymised

    rerun = _ingest(database_url, export)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err.decode()[-2000:]
    assert json.loads(out)["responses_added"] == ROWS
    again = _ingest(database_url, export)
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err.decode()[-2000:]
    assert (json.loads(out)["responses_added"], json.loads(out)["duplicates_skipped"]) == (0, ROWS)
    counts = _counts(engine)
    assert (counts["submissions"], counts["imports"], counts["respondents"]) == (ROWS, 2, MEMBERS)
    with engine.connect() as connection:
        distinct = connection.execute(select(func.count(func.distinct(Submission.source_key))))
        assert distinct.scalar_one() == ROWS
    with db.transaction(engine, write=True) as session:  # the killed run's leftovers, once idle
        assert import_staging.drop_idle(session, idle=timedelta(minutes=30)) == 0
        later = utcnow() + timedelta(hours=1)
        assert import_staging.drop_idle(session, idle=timedelta(minutes=30), now=later) == 1
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(StagedChunk)).scalar() == 0
    engine.dispose()


def test_import_killed_while_its_pool_redacts_leaves_no_child_and_nothing_stored(
    tmp_path: Path,
) -> None:
    export = tmp_path / "notes.csv"
    with export.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Timestamp", "Email Address", "What is on your mind this week?"])
        for number in range(6_000):
            writer.writerow(
                [
                    f"{1 + number % 12}/{1 + number % 28}/2025 10:{number % 60:02d}:00",
                    f"member.{number % MEMBERS}@example.org",
                    f"Week {number}: asked Priya Sharma to cover the board pack and the rota",
                ]
            )
    url = f"sqlite:///{tmp_path / 'pool.db'}"
    engine = create_engine(url)
    process = _ingest(url, export, PEERPULSE_REDACTION_PROCESSES="2")
    pool: list[int] = []

    def pool_working() -> bool:
        pool[:] = children(process.pid)
        return len(pool) >= 2 and (_staged_rows(engine) or 0) > 0

    _kill_when(process, pool_working)  # asserts the children end with it

    assert len(pool) >= 2
    assert _counts(engine) == dict.fromkeys((t.__tablename__ for t in STORED), 0)
    with engine.connect() as connection:
        staged = " ".join(json.dumps(r) for r in connection.scalars(select(StagedChunk.records)))
    assert "board pack" in staged and "Priya" not in staged  # staged by the pool, redacted
    engine.dispose()
