"""Span scoring for the PII evaluation sets (JSONL: ``{"id", "text", "spans"}``)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from service.privacy.patterns import Span
from service.privacy.redactor import LABELS

SPLITS = ("dev", "test", "all")


@dataclass
class Example:
    """One annotated sentence."""

    id: str
    text: str
    spans: list[Span]


def load(path: Path) -> list[Example]:
    """Read a JSONL evaluation set."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            spans = [Span(s["start"], s["end"], s["label"]) for s in row["spans"]]
            examples.append(Example(row["id"], row["text"], spans))
    return examples


def overlaps(a: Span, b: Span) -> bool:
    """Whether two spans share a character."""
    return a.start < b.end and b.start < a.end


def score(gold: list[list[Span]], predicted: list[list[Span]]) -> dict[str, dict[str, float]]:
    """Span-level scores: a gold span is found by an overlapping predicted span of the same type.

    ``ANY`` ignores the type: it is the share of personal data that ends up hidden at all.
    ``TYPED`` pools every type's counts (micro average), so a wrong placeholder counts as a miss.
    """
    tp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        for span in gold_spans:
            same = any(p.label == span.label and overlaps(p, span) for p in predicted_spans)
            tp[span.label] += same
            fn[span.label] += not same
            hidden = any(overlaps(p, span) for p in predicted_spans)
            tp["ANY"] += hidden
            fn["ANY"] += not hidden
        for span in predicted_spans:
            if not any(g.label == span.label and overlaps(g, span) for g in gold_spans):
                fp[span.label] += 1
            if not any(overlaps(g, span) for g in gold_spans):
                fp["ANY"] += 1
    for counts in (tp, fn, fp):
        counts["TYPED"] = sum(counts[label] for label in LABELS)
    table = {}
    for label in (*LABELS, "TYPED", "ANY"):
        t, n, p = tp[label], fn[label], fp[label]
        precision = t / (t + p) if t + p else 1.0
        recall = t / (t + n) if t + n else 1.0
        f2 = 5 * precision * recall / (4 * precision + recall) if precision + recall else 0.0
        table[label] = {"precision": precision, "recall": recall, "f2": f2, "support": t + n}
    return table


def split_of(example_id: str) -> str:
    """``dev`` for even ids, ``test`` for odd ones: rules are tuned on dev misses only."""
    return "dev" if int(example_id.rsplit("-", 1)[-1]) % 2 == 0 else "test"
