"""API fuzzing: schemathesis over every operation on SQLite and PostgreSQL; 5xx answers counted."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from evaluation.datasets import REPORTS, ROOT

NAME = "fuzz"
POSTGRES_ADMIN_URL = os.environ.get(
    "PEERPULSE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m evaluation fuzz``."""
    parser.add_argument("--examples", type=int, default=60, help="cases per operation")
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="comma-separated: sqlite, postgresql (a fresh database on the local server)",
    )
    parser.add_argument("--out", default=str(REPORTS / "fuzz.md"))


def _run_once(database: str, examples: int) -> dict[str, Any]:
    """One pytest run of tests/api/test_fuzz.py; its summary, time and answers per operation."""
    stats = Path(tempfile.mkdtemp(prefix="peerpulse-fuzz-")) / "stats.json"
    env = {
        **os.environ,
        "PEERPULSE_FUZZ_EXAMPLES": str(examples),
        "PEERPULSE_FUZZ_STATS": str(stats),
    }
    cleanup = None
    if database == "postgresql":
        url, cleanup = _fresh_postgres()
        env["PEERPULSE_FUZZ_DATABASE_URL"] = url
    started = time.perf_counter()
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "tests/api/test_fuzz.py",
                "-q",
                "-p",
                "no:cacheprovider",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        if cleanup is not None:
            cleanup()
    lines = result.stdout.strip().splitlines()
    summary = lines[-1] if lines else "no output"
    calls = json.loads(stats.read_text(encoding="utf-8")) if stats.exists() else {}
    return {
        "database": database,
        "seconds": time.perf_counter() - started,
        "summary": summary,
        "passed": int(m.group(1)) if (m := re.search(r"(\d+) passed", summary)) else 0,
        "failed": int(m.group(1)) if (m := re.search(r"(\d+) failed", summary)) else 0,
        "returncode": result.returncode,
        "calls": calls,
        "failures": [line for line in lines if line.startswith(("FAILED", "E   "))][:40],
    }


def _fresh_postgres() -> tuple[str, Any]:
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"pp_fuzz_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", drop


def _table(calls: dict[str, dict[str, int]]) -> list[str]:
    lines = [
        "| operation | cases | 2xx | 4xx | 5xx | answers |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for operation, statuses in sorted(calls.items()):
        classes: Counter[str] = Counter()
        for code, n in statuses.items():
            classes[code[0]] += n
        answers = ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
        lines.append(
            f"| `{operation}` | {sum(statuses.values())} | {classes['2']} | {classes['4']} "
            f"| {classes['5']} | {answers} |"
        )
    return lines


def run(args: argparse.Namespace) -> Path:
    """Run the schemathesis test with a larger budget on each database and record what it found."""
    runs = [_run_once(name.strip(), args.examples) for name in args.databases.split(",") if name]
    lines = [
        "# API fuzzing (schemathesis)",
        "",
        f"`python -m evaluation fuzz --examples {args.examples}`: schemathesis generates up to "
        f"{args.examples} cases per operation of `/openapi.json` (valid and invalid ones, NUL "
        "characters and huge numbers included) and sends each with an admin token of a community "
        "that holds an import, a theme, two suggestions, a goal, a job and a spare token; three in "
        "four generated slugs and two in three IDs are swapped for those rows', so the cases reach "
        "the handlers, not only the 404. Each answer is checked for a server error (5xx). "
        "`make test` runs the same test with 8 cases per operation on SQLite.",
        "",
    ]
    for result in runs:
        calls = result["calls"]
        cases = sum(sum(s.values()) for s in calls.values())
        errors = sum(n for s in calls.values() for code, n in s.items() if code.startswith("5"))
        verdict = "no server error" if result["returncode"] == 0 else "**server errors found**"
        lines += [
            f"## {result['database']}",
            "",
            f"Result: {verdict}: {cases} cases over {len(calls)} operations, {errors} answered 5xx "
            f"({result['passed']} tests passed, {result['failed']} failed, "
            f"{result['seconds']:.0f} s).",
            "",
            *_table(calls),
            "",
            "```",
            result["summary"],
            *result["failures"],
            "```",
            "",
        ]
    out = Path(args.out)
    out.write_text("\n".join(lines), encoding="utf-8")
    return out
