"""The PII report's comparison with the previous run: the headline figures of the last
``pii.json`` beside this run's, with Presidio from this run as the baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OURS = "PeerPulse (rules + NER + name lexicons + context)"
_SETS = (
    ("unseen", "pii_unseen (test, never tuned on)"),
    ("dev2", "pii_dev2 (dev, tuned on)"),
    ("dev3", "pii_dev3 (dev, tuned on)"),
    ("dev4", "pii_dev4 (dev, tuned on)"),
)
_MEASURES = (
    ("overall recall (ANY)", "ANY", "recall"),
    ("PERSON recall", "PERSON", "recall"),
    ("ID recall", "ID", "recall"),
    ("precision (ANY)", "ANY", "precision"),
    ("precision (typed)", "TYPED", "precision"),
)
_CLEAN = (
    "SemEval-2014 restaurants, train (tuned on)",
    "SemEval-2014 restaurants, test (held out)",
    "Dreaddit, train (tuned on)",
    "Dreaddit, test (held out)",
)


def read_previous(path: Path) -> dict[str, Any] | None:
    """The summary of the previous run (``pii.json``), or None when there is none."""
    if not path.exists():
        return None
    previous: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return previous


def comparison_lines(previous: dict[str, Any] | None, now: dict[str, Any]) -> list[str]:
    """A Markdown table: each headline figure of the previous run, this run, and Presidio."""
    if previous is None:
        return []
    lines = [
        "",
        "## Against the previous report",
        "",
        "The figures of the `pii.json` this run replaced (the previous code, same data) beside "
        "this run's; Presidio is measured in this run.",
        "",
        "| set | measure | previous | now | Presidio (this run) |",
        "|---|---|---|---|---|",
    ]
    for key, name in _SETS:
        before, after = previous.get(key) or {}, now.get(key) or {}
        for label, column, measure in _MEASURES:
            values = [_score(before, OURS, column, measure), _score(after, OURS, column, measure)]
            presidio = next((n for n in after.get("scores", {}) if n != OURS), None)
            values.append(_score(after, presidio, column, measure) if presidio else None)
            lines.append(f"| {name} | {label} | " + " | ".join(map(_number, values)) + " |")
    for corpus in _CLEAN:
        values = [
            _rate(previous, corpus, "PeerPulse"),
            _rate(now, corpus, "PeerPulse"),
            _rate(now, corpus, "Presidio"),
        ]
        row = " | ".join(_percent(v) for v in values)
        lines.append(f"| {corpus} | false-[PERSON] sentences | {row} |")
    for corpus in _CLEAN:
        values = [
            _judged(previous, corpus, "PeerPulse"),
            _judged(now, corpus, "PeerPulse"),
            _judged(now, corpus, "Presidio"),
        ]
        if any(v is not None for v in values):
            row = " | ".join(_percent(v) for v in values)
            lines.append(f"| {corpus} | judged not a person (upper bound) | {row} |")
    return lines


def _score(block: dict[str, Any], system: str | None, column: str, measure: str) -> float | None:
    scores = block.get("scores", {}).get(system or "", {})
    value = scores.get(column, {}).get(measure)
    return float(value) if value is not None else None


def _rate(summary: dict[str, Any], corpus: str, system: str) -> float | None:
    entry = (summary.get("false_person") or {}).get(corpus, {}).get(system)
    return float(entry["rate"]) if entry else None


def _judged(summary: dict[str, Any], corpus: str, system: str) -> float | None:
    entry = (summary.get("false_person") or {}).get(corpus, {}).get("judged", {}).get(system)
    return float(entry["upper"]) if entry else None


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f}%"
