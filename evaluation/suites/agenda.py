"""Agenda suggestions on the labelled multi-week corpus in corpora/agenda, beside a size baseline.

``python -m evaluation agenda [--corpus DIR] [--top 5] [--gold-only]`` writes
``evaluation/reports/agenda.md`` and ``agenda.json``.

Four conditions: themes from the gold labels or from the production theme model
(``build_theme_model`` on the bundled MiniLM embeddings), each with the gold concern levels or
with no concern data at all (as before the concerns model runs). Theme summaries (trend, weekly
counts, quotes) come from the analysis job's own ``_summaries``. For each condition: whether the
top suggestions contain every gold worry theme (at least half its units at concern level 2 or
more) and not the fading theme, where the rising theme ranks, and the share of quotes whose unit
belongs to the suggestion's gold theme (a model theme's gold theme is the majority of its units).
The baseline ranks themes by size (units) and quotes the analysis's representative quotes.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.datasets import REPORTS, project_corpus
from service.agenda.schemas import ChoiceAnswer
from service.agenda.service import suggest
from service.config import Settings
from service.modelstore import ModelStore
from service.privacy.thresholds import NARROWING, Confidentiality
from service.themes.schemas import UNASSIGNED, Theme, ThemeResult

NAME = "agenda"
PRIVACY = Confidentiality(min_group=5, min_quote_group=10)
QUESTION = "Which topics would you like to discuss at the next session?"
#: Gold themes as a facilitator would name them, with key phrases (the gold-theme conditions).
GOLD = {
    "reorg": ("Job security and the reorganisation", ("reorganisation", "restructure", "role")),
    "workload": ("Workload and burnout", ("workload", "burnout", "overtime")),
    "calendar": ("Calendar conflicts and double bookings", ("calendar", "double booking")),
    "expenses": ("Expense system rollout", ("expense", "receipt", "claim")),
    "ai": ("AI assistants", ("copilot", "chatgpt", "meeting minutes")),
    "career": ("Career growth and recognition", ("career", "promotion", "development")),
    "offsite": ("Leadership offsite planning", ("offsite", "venue")),
    "travel": ("Travel policy", ("travel policy", "approval")),
    "hybrid": ("Hybrid office and desk booking", ("desk booking", "meeting room")),
    "onboarding": ("Onboarding new executives", ("onboarding", "new executive")),
}
OPTIONS = {
    "Calendar management": "calendar",
    "AI tools": "ai",
    "Expense system": "expenses",
    "Career growth": "career",
    "Events and offsites": "offsite",
    "Wellbeing and workload": "workload",
    "Travel policy": "travel",
}
FADING, RISING = "expenses", "reorg"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m evaluation agenda``."""
    parser.add_argument("--corpus", default=str(project_corpus("agenda")))
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--gold-only", action="store_true", help="skip the theme model")
    parser.add_argument("--out", default=str(REPORTS / "agenda.md"))


def load(folder: Path) -> tuple[list[dict[str, Any]], list[ChoiceAnswer], dict[int, dict]]:
    """Units, topic answers and segments from the corpus (respondent ``m07`` becomes 7)."""
    with (folder / "units.csv").open(encoding="utf-8", newline="") as handle:
        units = [
            {
                "id": int(r["unit_id"]),
                "text": r["text"],
                "week": r["week"],
                "respondent_id": int(r["respondent"][1:]),
                "role": r["role"],
                "gold": r["gold_theme"],
                "level": int(r["gold_concern"]),
            }
            for r in csv.DictReader(handle)
        ]
    with (folder / "requests.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    answers = [
        ChoiceAnswer(
            int(r["respondent"][1:]),
            QUESTION,
            tuple(t for t in r["topics"].split(";") if t),
            r["week"],
        )
        for r in rows
    ]
    segments = {u["respondent_id"]: {"role": u["role"]} for u in units}
    segments.update({int(r["respondent"][1:]): {"role": r["role"]} for r in rows})
    return units, answers, segments


def gold_worry(units: list[dict[str, Any]]) -> set[str]:
    """Gold themes with at least half their units at concern level 2 or more."""
    levels: dict[str, list[int]] = defaultdict(list)
    for unit in units:
        levels[unit["gold"]].append(unit["level"])
    return {g for g, v in levels.items() if np.mean([lv >= 2 for lv in v]) >= 0.5}


def _centroid(vectors: np.ndarray) -> np.ndarray:
    mean = vectors.mean(axis=0)
    return (mean / (np.linalg.norm(mean) or 1.0)).astype(np.float32)


def gold_result(units: list[dict[str, Any]], vectors: np.ndarray) -> ThemeResult:
    """The gold assignment as a theme run (themes numbered by size, largest first)."""
    order = [g for g, _ in Counter(u["gold"] for u in units).most_common()]
    index = {g: i for i, g in enumerate(order)}
    assignments = np.array([index[u["gold"]] for u in units])
    themes = tuple(
        Theme(
            i,
            GOLD[g][0],
            GOLD[g][1],
            int((assignments == i).sum()),
            _centroid(vectors[assignments == i]),
        )
        for g, i in index.items()
    )
    return ThemeResult(assignments, themes, {"source": "gold"})


def model_result(
    units: list[dict[str, Any]], vectors: np.ndarray, models: ModelStore
) -> ThemeResult:
    """The production theme model's run on the corpus (theme seed 42)."""
    from service.themes.build import build_theme_model

    settings = models.settings.model_copy(update={"theme_seed": 42})
    return build_theme_model(settings, models).fit([u["text"] for u in units], vectors)


def _majority(units: list[dict[str, Any]], result: ThemeResult) -> dict[int, str]:
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    for unit, theme in zip(units, result.assignments, strict=True):
        if theme != UNASSIGNED:
            votes[int(theme) + 1][unit["gold"]] += 1
    return {t: c.most_common(1)[0][0] for t, c in votes.items()}


def _purity(quotes: list[dict[str, str]], gold: str | None, text_gold: dict[str, str]) -> list:
    return [text_gold.get(q["text"]) == gold for q in quotes]


def _scores(top_gold: list[str | None], worry: set[str], quotes_ok: list[bool]) -> dict[str, Any]:
    rank = next((i + 1 for i, g in enumerate(top_gold) if g == RISING), None)
    return {
        "top": top_gold,
        "worry_recall": len(worry & set(top_gold)) / len(worry),
        "all_worry_in_top": worry <= set(top_gold),
        "fading_in_top": FADING in top_gold,
        "rising_rank": rank,
        "quotes": len(quotes_ok),
        "quote_purity": float(np.mean(quotes_ok)) if quotes_ok else None,
    }


def condition(
    units: list[dict[str, Any]],
    vectors: np.ndarray,
    result: ThemeResult,
    *,
    answers: list[ChoiceAnswer],
    segments: dict[int, dict],
    concern: bool,
    top: int,
) -> dict[str, Any]:
    """Suggestions and baseline for one theme source and concern setting."""
    from service.analysis.context import Embedded, UnitRow
    from service.analysis.trends import theme_figures

    rows = [UnitRow(u["id"], u["id"], u["text"], "", u["week"], u["respondent_id"]) for u in units]
    figures = theme_figures(Embedded(rows, vectors), result, PRIVACY, seed=42)
    themes = [
        {
            "id": f.index + 1,
            "label": f.label,
            "keywords": list(f.keywords),
            "units": f.units,
            "respondents": f.respondents,
            "share": f.share,
            "trend": f.trend,
            "weekly": [{"week": w, "count": c} for w, c in f.weekly],
            "quotes": [{"text": t, "week": w} for t, w in f.quotes],
            "suppressed": f.suppressed,
            "concern": None,
        }
        for f in figures
    ]
    feed = [
        {
            "id": u["id"],
            "text": u["text"],
            "respondent_id": u["respondent_id"],
            "week": u["week"],
            "theme_id": int(a) + 1 if a != UNASSIGNED else None,
            "concern_level": u["level"] if concern else None,
            "sentiment": None,
        }
        for u, a in zip(units, result.assignments, strict=True)
    ]
    started = time.perf_counter()
    drafts = suggest(
        themes, feed, privacy=PRIVACY, segments=segments, answers=answers, limit=10, seed=42
    )
    seconds = time.perf_counter() - started
    majority = _majority(units, result)
    text_gold = {u["text"]: u["gold"] for u in units}
    worry = gold_worry(units)
    gold_of = [
        majority.get(d.theme_ids[0])
        if d.theme_ids
        else OPTIONS.get(d.evidence.get("requests", [""])[0])
        for d in drafts
    ]
    ours_quotes = [
        ok
        for d, g in zip(drafts[:top], gold_of, strict=False)
        for ok in _purity(d.quotes, g, text_gold)
    ]
    by_id = {t["id"]: t for t in themes}
    as_given = [
        ok
        for d, g in zip(drafts[:top], gold_of, strict=False)
        if d.theme_ids
        for ok in _purity(by_id[d.theme_ids[0]]["quotes"], g, text_gold)
    ]
    by_size = sorted(themes, key=lambda t: (-t["units"], t["id"]))[:top]
    base_quotes = [
        ok for t in by_size for ok in _purity(t["quotes"], majority.get(t["id"]), text_gold)
    ]
    shown = [q["text"] for d in drafts for q in d.quotes]
    return {
        "themes": len(themes),
        "suggestions": len(drafts),
        "seconds": round(seconds, 3),
        "trends": dict(Counter(t["trend"] for t in themes)),
        "split": {g: n for g, n in Counter(majority.values()).most_common() if n > 1},
        "ours": _scores(gold_of[:top], worry, ours_quotes),
        "analysis_quotes_purity": float(np.mean(as_given)) if as_given else None,
        "baseline": _scores([majority.get(t["id"]) for t in by_size], worry, base_quotes),
        "narrowing_quotes_shown": sum(bool(NARROWING.search(t)) for t in shown),
        "drafts": [
            {
                "title": d.title,
                "gold": g,
                "score": d.score,
                "format": d.format,
                "why": d.why,
                "angles": d.angles,
                "quotes": d.quotes,
                "format_reason": d.format_reason,
                "segments": d.segments,
                "divergences": d.evidence.get("divergences", []),
            }
            for d, g in zip(drafts, gold_of, strict=True)
        ],
    }


def run(args: argparse.Namespace) -> Path:
    """Run every condition and write the report."""
    started = time.perf_counter()
    units, answers, segments = load(Path(args.corpus))
    models = ModelStore(Settings(environment="test"))
    vectors = np.asarray(models.embedder.embed([u["text"] for u in units]), dtype=np.float32)
    results = {"gold themes": gold_result(units, vectors)}
    if not args.gold_only:
        results["theme model"] = model_result(units, vectors, models)
    report: dict[str, Any] = {
        "date": date.today().isoformat(),
        "units": len(units),
        "members": len({u["respondent_id"] for u in units}),
        "weeks": len({u["week"] for u in units}),
        "gold_worry": sorted(gold_worry(units)),
        "top": args.top,
        "conditions": {},
    }
    for source, result in results.items():
        for concern in (True, False):
            name = f"{source}, {'gold concern' if concern else 'no concern data'}"
            report["conditions"][name] = condition(
                units,
                vectors,
                result,
                answers=answers,
                segments=segments,
                concern=concern,
                top=args.top,
            )
    report["seconds"] = round(time.perf_counter() - started, 1)
    out = Path(args.out)
    out.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    out.write_text(render(report), encoding="utf-8")
    return out


def _cell(scores: dict[str, Any]) -> str:
    purity = "–" if scores["quote_purity"] is None else f"{scores['quote_purity']:.2f}"
    return (
        f"{scores['worry_recall']:.2f} | {'yes' if scores['fading_in_top'] else 'no'} | "
        f"{scores['rising_rank'] or '–'} | {purity} ({scores['quotes']})"
    )


def notes(report: dict[str, Any]) -> list[str]:
    """What the figures mean and what they do not."""
    lines = [
        "## Reading the figures",
        "",
        "- The corpus was written to contain exactly these cases (see "
        "`corpora/agenda/README.md`): the figures show the ranking does what it was "
        "designed to do, not that it generalises to real communities.",
        "- Gold-theme conditions measure the ranking alone. Their quote purity is 1.00 by "
        "construction (every quote comes from the theme's own units).",
    ]
    for name, result in report["conditions"].items():
        if not name.startswith("theme model") or not name.endswith("gold concern"):
            continue
        split = ", ".join(f"{g} into {n}" for g, n in result["split"].items()) or "none"
        trends = ", ".join(f"{n} {t}" for t, n in sorted(result["trends"].items()))
        lines.append(
            f"- The theme model found {result['themes']} themes where the gold has 10, and split "
            f"gold themes (by majority) as follows: {split}. Parts of one gold theme can fill "
            "several of the top places; the committee merges them "
            "(`POST .../suggestions/merge`), and the worry and fading figures above count a "
            "gold theme once however many parts it has."
        )
        lines.append(
            f"- Its trends: {trends}, from the analysis's slope test (a quasi-Poisson slope "
            "with each week's units as exposure, `service/agenda/timing.py`). Every theme's "
            "score also weighs recent weeks most (half-life two weeks); the two strongest "
            "rising worries come first, and a theme past its own peak is listed only as a "
            '"follow up?" note after the others.'
        )
    lines.append(
        "- “No concern data” is how the service runs until the concerns model "
        "scores units: the ranking then rests on members, momentum, requests and "
        "breadth, and the fireside format only on sensitive subjects."
    )
    return lines


def render(report: dict[str, Any]) -> str:
    """The Markdown report."""
    k = report["top"]
    lines = [
        "# Agenda suggestions: evaluation report",
        "",
        f"Generated by `python -m evaluation agenda` on {report['date']} ({platform.machine()}, "
        f"Python {platform.python_version()}) in {report['seconds']} s, on `corpora/agenda`: "
        f"{report['units']} units from {report['members']} members over {report['weeks']} "
        f"weeks. Gold worry themes: {', '.join(report['gold_worry'])}; rising theme: "
        f"{RISING}; fading theme: {FADING}.",
        "",
        f"Columns: share of gold worry themes in the top {k}; whether the fading theme is in "
        f"the top {k}; rank of the rising theme; share of the top {k}'s quotes whose unit "
        "belongs to the suggestion's gold theme (number of quotes).",
        "",
        f"| condition | method | worry themes in top {k} | fading in top {k} | rising rank | "
        "quote purity (n) |",
        "|---|---|---|---|---|---|",
    ]
    for name, result in report["conditions"].items():
        lines.append(f"| {name} | PeerPulse | {_cell(result['ours'])} |")
        lines.append(f"| {name} | size baseline | {_cell(result['baseline'])} |")
    lines += [
        "",
        "Quote selection alone: for the same top suggestions, the analysis's "
        "representative quotes (before PeerPulse drops those that share no word with the "
        "theme's label and key phrases and tops up with on-topic units) have a purity of "
        + "; ".join(
            f"{r['analysis_quotes_purity']:.2f} ({n})"
            for n, r in report["conditions"].items()
            if r["analysis_quotes_purity"] is not None
        )
        + ".",
        "",
        *notes(report),
        "",
        "## Top suggestions per condition",
        "",
    ]
    for name, result in report["conditions"].items():
        lines += [
            f"### {name} ({result['themes']} themes, {result['suggestions']} "
            f"suggestions, ranked in {result['seconds']} s; narrowing quotes shown: "
            f"{result['narrowing_quotes_shown']})",
            "",
            "| # | title | gold theme | format | score |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {i} | {d['title']} | {d['gold']} | {d['format']} | {d['score']:.3f} |"
            for i, d in enumerate(result["drafts"][: k + 2], start=1)
        ]
        lines += ["", f"Size baseline: {', '.join(str(g) for g in result['baseline']['top'])}", ""]
        split = [(d["title"], v) for d in result["drafts"] for v in d["divergences"]]
        for title, v in split:
            lines.append(
                f"Divergence in \u201c{title}\u201d: {v['group']} vs "
                f"{v['other'] or 'the other ' + v['dimension'] + 's'} on "
                f"{v['measure']} (means {v['group_mean']} vs {v['others_mean']}, "
                f"q = {v['q_value']:.2g})."
            )
        lines.append("")
    example = next(iter(report["conditions"].values()))["drafts"][0]
    lines += [
        "## Example suggestion (first condition, first place)",
        "",
        "```json",
        json.dumps(
            {
                k2: example[k2]
                for k2 in (
                    "title",
                    "why",
                    "angles",
                    "quotes",
                    "format",
                    "format_reason",
                    "segments",
                )
            },
            indent=2,
            ensure_ascii=False,
        ),
        "```",
        "",
    ]
    return "\n".join(lines)
