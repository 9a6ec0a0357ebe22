"""API fuzzing: schemathesis against the OpenAPI schema with many cases per operation."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from evaluation.datasets import REPORTS, ROOT

NAME = "fuzz"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m evaluation fuzz``."""
    parser.add_argument("--examples", type=int, default=200, help="cases per operation")
    parser.add_argument("--out", default=str(REPORTS / "fuzz.md"))


def run(args: argparse.Namespace) -> Path:
    """Run the schemathesis test with a larger budget and record what it found."""
    env = {**os.environ, "PEERPULSE_FUZZ_EXAMPLES": str(args.examples)}
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/api/test_fuzz.py",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rA",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "no output"
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", summary)) else 0
    failed = int(m.group(1)) if (m := re.search(r"(\d+) failed", summary)) else 0
    from service.main import create_app

    operations = [
        f"{method.upper()} {path}"
        for path, ops in create_app().openapi()["paths"].items()
        for method in ops
    ]
    verdict = "no server error" if result.returncode == 0 else "**server errors found**"
    lines = [
        "# API fuzzing (schemathesis)",
        "",
        f"Up to {args.examples} generated cases per operation against `/openapi.json`, sent with "
        "an admin token of an existing community, checked for server errors (5xx). "
        f"The run took {seconds:.0f} s. `make test` runs the same test with 8 cases per operation.",
        "",
        f"Result: {verdict} ({passed} operation tests passed, {failed} failed).",
        "",
        "Operations covered:",
        "",
        *[f"- `{op}`" for op in operations],
        "",
        "```",
        summary,
        "```",
    ]
    out = Path(args.out)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out
