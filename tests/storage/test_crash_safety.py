"""A process killed with SIGKILL mid-import leaves the database consistent; a rerun completes."""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROWS = 20_000


def _big_export(path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["respondent_id", "submitted_at", "role", "department", "satisfaction", "attended"]
    )
    for number in range(ROWS):
        writer.writerow(
            [
                f"R-{number}",
                f"2026-09-{1 + number % 28:02d}T10:00:00",
                ["EA", "Office Manager", "Receptionist"][number % 3],
                ["Finance", "Legal", "Sales", "IT"][number % 4],
                1 + number % 5,
                "Yes" if number % 2 else "No",
            ]
        )
    path.write_text(buffer.getvalue())


def _ingest(db_path: Path, export: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PEERPULSE_DATABASE_URL": f"sqlite:///{db_path}",
        "PEERPULSE_SECRET_KEY": "crash-test-secret-key-0123456789abcdef",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service.cli",
            "ingest",
            str(export),
            "--community",
            "circle",
            "--json",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _counts(db_path: Path) -> tuple[str, int, int, int]:
    with sqlite3.connect(db_path) as connection:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        submissions = connection.execute("SELECT count(*) FROM submissions").fetchone()[0]
        distinct = connection.execute(
            "SELECT count(DISTINCT source_key) FROM submissions"
        ).fetchone()[0]
        imports = connection.execute("SELECT count(*) FROM imports").fetchone()[0]
    return check, submissions, distinct, imports


def test_sigkill_during_import_leaves_nothing_half_done(tmp_path: Path) -> None:
    export, db_path = tmp_path / "big.csv", tmp_path / "crash.db"
    _big_export(export)
    process = _ingest(db_path, export)
    wal = Path(f"{db_path}-wal")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size > 2_000_000:  # the import transaction is writing
            break
        time.sleep(0.02)
    assert process.poll() is None, "the import finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    check, submissions, distinct, imports = _counts(db_path)
    assert check == "ok"
    assert (submissions, imports) == (0, 0)
    rerun = _ingest(db_path, export)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    check, submissions, distinct, imports = _counts(db_path)
    assert (check, submissions, distinct, imports) == ("ok", ROWS, ROWS, 1)
