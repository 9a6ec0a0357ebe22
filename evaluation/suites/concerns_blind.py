"""The blind hand-coded check-in set (``corpora/worry_checkins``) in the concerns report.

Answer-level figures (an answer's level is its most worried unit, units split by the analysis's
splitter and scored by the production code path) for the shipped scorer, today's v1 and a VADER
baseline, on the development split (where v2's choices were made) and the test split (never used
to choose anything). Also the cost of scoring 1,000 units.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from service.concerns.answers import (
    Answers,
    agreement,
    answer_keys,
    answer_levels,
    load_blind,
)
from service.concerns.scorer import ConcernModel, score_units
from service.concerns.train import EmbedFn

TARGETS = {"kappa": 0.65, "precision": 0.75, "recall": 0.75, "dreaddit_f1": 0.81}


def _model_rows(name: str, model: ConcernModel, data: Answers, vectors: np.ndarray) -> dict:
    rows = {}
    modes = [("without answer keys (each unit alone)", None)]
    if model.context_weight > 0:
        modes.insert(0, ("with answer keys (unit read with its answer)", answer_keys(data.owners)))
    for mode, keys in modes:
        scores = score_units(model, data.units, vectors, answers=keys)
        predicted = answer_levels([s.level for s in scores], data.owners, len(data.ids))
        rows[f"{name}, {mode}"] = {**agreement(data.levels, predicted), "levels": predicted}
    return rows


def blind_checkins(
    models: dict[str, ConcernModel],
    embed: EmbedFn,
    nlp: object,
    vader: Callable[[list[str]], np.ndarray],
) -> dict:
    """Per split: figures per system, and the gold/predicted confusion of the first model."""
    from evaluation.suites.concerns import vader_level

    out: dict = {}
    for split in ("dev", "test"):
        data = load_blind(split, nlp)  # type: ignore[arg-type]
        vectors = embed(data.units, f"worry-checkins-{split}-units")
        rows: dict = {}
        for name, model in models.items():
            rows |= _model_rows(name, model, data, vectors)
        units = vader_level(vader(data.units))
        predicted = answer_levels(units, data.owners, len(data.ids))
        rows["VADER negativity as worry, units"] = {
            **agreement(data.levels, predicted),
            "levels": predicted,
        }
        first = next(iter(rows.values()))["levels"]
        confusion = np.zeros((4, 4), dtype=int)
        np.add.at(confusion, (data.levels, first), 1)
        out[split] = {
            "answers": len(data.ids),
            "units": len(data.units),
            "gold_levels": np.bincount(data.levels, minlength=4).tolist(),
            "rows": {k: {m: v for m, v in row.items() if m != "levels"} for k, row in rows.items()},
            "confusion_first": confusion.tolist(),
        }
    return out


def cost_per_1000(
    models: dict[str, ConcernModel], embedder: object, units: list[str], *, repeats: int = 1
) -> dict:
    """Seconds per 1,000 units: embedding (shared with themes), then each model's head."""
    sample = (units * (1000 // max(len(units), 1) + 1))[:1000]
    started = time.perf_counter()
    vectors = embedder.embed(sample)  # type: ignore[attr-defined]
    out = {"MiniLM embedding (shared with the theme model)": time.perf_counter() - started}
    keys = [i // 3 for i in range(len(sample))]  # answers of three units
    for name, model in models.items():
        started = time.perf_counter()
        for _ in range(repeats):
            score_units(model, sample, vectors, answers=keys)
        out[f"{name} head"] = (time.perf_counter() - started) / repeats
    return {k: round(v, 3) for k, v in out.items()}


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def _miss(value: float, target: float) -> str:
    return "met" if value >= target else f"missed by {100 * (target - value):.1f} points"


def section(
    result: dict,
    cost: dict,
    dreaddit_f1: float,
    dreaddit_trained_f1: float,
    *,
    production_trained: bool = False,
) -> list[str]:
    """Markdown for the blind set, the targets and the cost."""
    lines = [
        "## 0. Blind hand-coded check-ins (`corpora/worry_checkins`, answer level)",
        "",
        "An answer's level is its most worried unit; units come from the analysis's sentence "
        "splitter and are scored by the production code path (`score_units`, the body of "
        "`EmbeddingConcernScorer.score_embedded`). The dev split (even ids) chose the corpus "
        "weights, C, context weight and cut points of v2 and v3; the test split (odd ids) chose "
        "nothing.",
        "",
    ]
    for split in ("test", "dev"):
        block = result[split]
        lines += [
            f"### {split} split: {block['answers']} answers, {block['units']} units, gold levels "
            f"0-3: {block['gold_levels']}",
            "",
            "| system | QW kappa | exact % | P (level >= 2) | R (level >= 2) |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {name} | {row['kappa']:.3f} | {_pct(row['exact'])} | {row['precision']:.2f} | "
            f"{row['recall']:.2f} |"
            for name, row in block["rows"].items()
        ]
        lines.append("")
    seen = "trained with Dreaddit train" if production_trained else "not trained on Dreaddit"
    test_rows = result["test"]["rows"]
    first_name, first = next(iter(test_rows.items()))
    lines += [
        "Confusion on the test split of the first row (rows gold 0-3, columns predicted 0-3):",
        "",
        "| gold \\ predicted | 0 | 1 | 2 | 3 |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {level} | " + " | ".join(str(v) for v in row) + " |"
        for level, row in enumerate(result["test"]["confusion_first"])
    ]
    lines += [
        "",
        f"Targets, test split, {first_name}: kappa {first['kappa']:.3f} "
        f"({_miss(first['kappa'], TARGETS['kappa'])}); precision {first['precision']:.2f} "
        f"({_miss(first['precision'], TARGETS['precision'])}), recall {first['recall']:.2f} "
        f"({_miss(first['recall'], TARGETS['recall'])}). Dreaddit F1 (target 81): the "
        f"production scorer, {seen}, {_pct(dreaddit_f1)} "
        f"({_miss(dreaddit_f1, TARGETS['dreaddit_f1'])}); the best head on the same features "
        f"trained on Dreaddit train {_pct(dreaddit_trained_f1)} "
        f"({_miss(dreaddit_trained_f1, TARGETS['dreaddit_f1'])}).",
        "",
        "Every row in the tables above is its own target check; the first row is the path the "
        "analysis job takes (it passes each unit's response as its answer key).",
        "",
        "Cost per 1,000 units (seconds on this 2-core CPU, shared with other work, one run):",
        "",
        "| step | seconds |",
        "|---|---|",
    ]
    lines += [f"| {name} | {value:.2f} |" for name, value in cost.items()]
    return lines
