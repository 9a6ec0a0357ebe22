"""Corpora location: ``--corpora``, ``PEERPULSE_EVAL_CORPORA``, ../shared/corpora."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "evaluation" / "reports"


def corpora_dir(argument: str | None = None) -> Path:
    """Resolve the public corpora folder, with a clear message when it is absent."""
    candidates = [
        argument,
        os.environ.get("PEERPULSE_EVAL_CORPORA"),
        str(ROOT.parent / "shared" / "corpora"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    raise SystemExit(
        "The public evaluation corpora were not found. Pass --corpora PATH or set "
        "PEERPULSE_EVAL_CORPORA to the folder that holds stackoverflow/, dreaddit/, ... "
        f"(looked in: {', '.join(c for c in candidates if c)})."
    )


def project_corpus(name: str) -> Path:
    """A corpus this project wrote, under corpora/."""
    return ROOT / "corpora" / name
