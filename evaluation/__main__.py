"""``python -m evaluation SUITE [options]``: run one suite (or ``all``) and write its report.

Each module in ``evaluation/suites/`` defines ``NAME``, ``add_arguments(parser)`` and
``run(args) -> Path`` (the report it wrote); this file only dispatches.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

import evaluation.suites as suites_package


def _suites() -> dict[str, object]:
    found = {}
    for info in pkgutil.iter_modules(suites_package.__path__):
        module = importlib.import_module(f"evaluation.suites.{info.name}")
        if hasattr(module, "run"):
            found[getattr(module, "NAME", info.name)] = module
    return found


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the chosen suite(s)."""
    suites = _suites()
    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__)
    sub = parser.add_subparsers(dest="suite", required=True)
    for name, module in sorted(suites.items()):
        suite_parser = sub.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0])
        module.add_arguments(suite_parser)  # type: ignore[attr-defined]
    sub.add_parser("all", help="run every suite with its defaults")
    args = parser.parse_args(argv)
    chosen = sorted(suites) if args.suite == "all" else [args.suite]
    for name in chosen:
        if args.suite == "all":
            suite_args = sub.choices[name].parse_args([])
        else:
            suite_args = args
        report: Path = suites[name].run(suite_args)  # type: ignore[attr-defined]
        print(f"{name}: wrote {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
