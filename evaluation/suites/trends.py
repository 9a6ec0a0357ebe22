"""Trend tests on simulated weekly series: is a rising theme flagged early, a flat one not?

``python -m evaluation trends [--communities 400] [--seed 20]`` writes
``evaluation/reports/trends.md`` and ``trends.json``.

Each simulated community has 6 to 12 weeks of answers with changing volume (a base of 40 to 160
answer units a week, each week 0.6 to 1.4 times the base), :data:`FLAT_THEMES` flat themes and
one rising theme. A flat theme's share of the units is fixed (2 to 10 %); a rising theme's share
grows geometrically by 20 to 60 % a week (:data:`GROWTH`) up to its peak in the last week, where
it reaches 8 to 20 % of the units (:data:`PEAK_SHARE`): a concern that emerges and builds, as
job security does in the sample community (2, 1, 0, 4, 10 mentions in weeks of 110 to 140
units). A power curve over the weekly growth shows where detection stops. Counts are
overdispersed (negative binomial: a gamma-distributed weekly rate with shape :data:`SHAPE`, so
a theme comes in bursts as in real communities).

A rising theme counts as found when the analysis run **two weeks before its peak** (on the weeks
up to then) flags it ``rising``; a flat theme is a false alarm when the run on all its weeks
flags it ``rising``. The criteria of issue 20: found in at least 80 % of rising series, false
alarms in at most 5 % of flat ones. Beside the new test (:func:`service.agenda.timing.classify`):
the earlier test of the analysis (Fisher's exact test of the latest week against the earlier
ones, Benjamini-Hochberg across the community's themes), and the new test with plain Poisson
variance and with each theme's own dispersion (ablations).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Callable, Hashable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.datasets import REPORTS
from service.agenda import timing
from service.themes.trends import WeekCount, classify_trends

NAME = "trends"
FLAT_THEMES = 12
SHAPE = 8.0
GROWTH = (1.2, 1.6)
"""Weekly growth of a rising theme's share (per week, up to its peak)."""
PEAK_SHARE = (0.08, 0.20)
"""A rising theme's share of the week's units at its peak."""
GRID = (1.1, 1.15, 1.2, 1.3, 1.4, 1.6)
"""Weekly growth factors of the power curve."""
Series = list[tuple[list[int], list[int]]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The suite's options."""
    parser.add_argument("--communities", type=int, default=400)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--out", type=Path, default=REPORTS / "trends.md")


def _counts(rng: np.random.Generator, means: np.ndarray) -> list[int]:
    rates = rng.gamma(SHAPE, means / SHAPE)
    return [int(c) for c in rng.poisson(rates)]


def community(rng: np.random.Generator, growth: float | None = None) -> dict[str, Any]:
    """One simulated community: weeks, units per week, flat themes' and the rising theme's
    counts (module docstring)."""
    weeks = int(rng.integers(6, 13))
    base = rng.uniform(40, 160)
    exposure = np.maximum(1, np.round(base * rng.uniform(0.6, 1.4, weeks))).astype(int)
    flat = [_counts(rng, exposure * rng.uniform(0.02, 0.10)) for _ in range(FLAT_THEMES)]
    growth = rng.uniform(*GROWTH) if growth is None else growth
    peak = rng.uniform(*PEAK_SHARE)
    share = peak * growth ** (np.arange(weeks) - (weeks - 1.0))
    rising = _counts(rng, exposure * share)
    return {"weeks": weeks, "exposure": [int(e) for e in exposure], "flat": flat, "rising": rising}


def _old(series: Series) -> list[str]:
    as_weeks: dict[Hashable, list[WeekCount]] = {
        i: [WeekCount(f"w{t:02d}", c, e) for t, (c, e) in enumerate(zip(*s, strict=True))]
        for i, s in enumerate(series)
    }
    tests = classify_trends(as_weeks)
    return [tests[i].trend for i in range(len(series))]


def _new(series: Series) -> list[str]:
    return [t.trend for t in timing.classify(series)]


def _poisson(series: Series) -> list[str]:
    return [t.trend for t in timing.classify(series, overdispersed=False)]


def _own(series: Series) -> list[str]:
    return [timing.slope_test(c, e).trend for c, e in series]


METHODS: dict[str, Callable[[Series], list[str]]] = {
    "new: quasi-Poisson slope, pooled dispersion": _new,
    "old: Fisher latest week vs earlier, BH": _old,
    "ablation: Poisson slope, no dispersion": _poisson,
    "ablation: quasi-Poisson slope, own dispersion": _own,
}


def evaluate(communities: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per method: share of rising themes found two weeks before the peak, share of flat themes
    flagged rising, and the same by series length."""
    results = {}
    for name, method in METHODS.items():
        found, alarms, flats = 0, 0, 0
        by_weeks: dict[int, list[int]] = {}
        for c in communities:
            cut = c["weeks"] - 2
            early = [(f[:cut], c["exposure"][:cut]) for f in c["flat"]]
            early.append((c["rising"][:cut], c["exposure"][:cut]))
            hit = method(early)[-1] == "rising"
            found += hit
            by_weeks.setdefault(c["weeks"], []).append(int(hit))
            final = method([(f, c["exposure"]) for f in c["flat"]])
            alarms += sum(t == "rising" for t in final)
            flats += len(final)
        results[name] = {
            "rising_found": found / len(communities),
            "flat_flagged_rising": alarms / max(flats, 1),
            "found_by_weeks": {w: sum(v) / len(v) for w, v in sorted(by_weeks.items())},
        }
    return results


def power_curve(rng: np.random.Generator, per_point: int) -> dict[str, dict[str, float]]:
    """Per method and weekly growth factor: share of rising themes found (flat themes unused)."""
    curve: dict[str, dict[str, float]] = {name: {} for name in METHODS}
    for growth in GRID:
        sims = [community(rng, growth) for _ in range(per_point)]
        for name, method in METHODS.items():
            found = 0
            for c in sims:
                cut = c["weeks"] - 2
                early = [(f[:cut], c["exposure"][:cut]) for f in c["flat"]]
                early.append((c["rising"][:cut], c["exposure"][:cut]))
                found += method(early)[-1] == "rising"
            curve[name][f"{growth:g}"] = found / per_point
    return curve


def _markdown(results: dict[str, dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = [
        "# Trend tests on simulated weekly series",
        "",
        f"Generated by `python -m evaluation trends` on {meta['date']} ({meta['machine']}) in "
        f"{meta['seconds']:.1f} s: {meta['communities']} simulated communities (seed "
        f"{meta['seed']}), each with {FLAT_THEMES} flat themes and one rising theme over 6 to "
        "12 weeks with changing volume and overdispersed counts (see "
        "`evaluation/suites/trends.py`).",
        "",
        "Criteria (issue 20): a rising theme flagged `rising` in the analysis two weeks before "
        "its peak in at least 80 % of series; a flat theme flagged `rising` in at most 5 %.",
        "",
        "| method | rising found 2 weeks before peak | flat flagged rising | meets both |",
        "|---|---|---|---|",
    ]
    for name, r in results.items():
        ok = r["rising_found"] >= 0.8 and r["flat_flagged_rising"] <= 0.05
        lines.append(
            f"| {name} | {r['rising_found']:.3f} | {r['flat_flagged_rising']:.3f} | "
            f"{'yes' if ok else 'no'} |"
        )
    lines += [
        "",
        "Rising themes found, by length of the series (the run two weeks before the peak sees "
        "two weeks fewer):",
        "",
        "| method | " + " | ".join(f"{w} weeks" for w in meta["lengths"]) + " |",
        "|---|" + "---|" * len(meta["lengths"]),
    ]
    for name, r in results.items():
        cells = [f"{r['found_by_weeks'].get(w, float('nan')):.2f}" for w in meta["lengths"]]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    grid = [f"{g:g}" for g in GRID]
    lines += [
        "",
        f"Power curve ({meta['per_point']} communities per point): rising themes found two "
        "weeks before the peak, by weekly growth of the theme's share:",
        "",
        "| method | " + " | ".join(f"x{g} a week" for g in grid) + " |",
        "|---|" + "---|" * len(grid),
    ]
    for name, row in meta["curve"].items():
        lines.append(f"| {name} | " + " | ".join(f"{row[g]:.2f}" for g in grid) + " |")
    lines += [
        "",
        "## Reading the figures",
        "",
        "- Issue 20's criteria are not both met. The new test keeps false alarms under 5 % "
        "(its one-sided level, 0.04, was chosen on another simulation seed, 7: at 0.05 flat "
        "themes rose in 5.5 %) and finds twice as many rising themes early as the old test, "
        "but reaches 80 % only on the longest series: the run two weeks before the peak of a "
        "6 to 9-week series sees 4 to 7 weeks, too few to separate a rise of this size from "
        "bursty counts at this level. Ignoring overdispersion finds more and raises three "
        "times the false alarms allowed.",
        "- The old test compares only the latest week with the weeks before, so a theme that "
        "grows a little every week never shows a large enough jump in one week, and with a "
        "dozen themes corrected together it rarely passes.",
        "- The new test fits the whole (up to 12-week) series with the week's answer units as "
        "exposure, so a week with more answers does not look like a rise. Pooling the "
        "dispersion over the community's themes gives it many degrees of freedom; a theme's "
        "own dispersion from 2 to 6 degrees of freedom costs most of the power on short "
        "series, and ignoring overdispersion raises false alarms.",
        "- The simulation is ours: growth factors, volumes and burstiness were chosen to look "
        "like the sample community (a theme going from 2 to 10 mentions in six weeks among "
        "110 to 140 weekly units). Slower growth is harder: these are not guarantees for "
        "every community.",
        "",
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> Path:
    """Simulate, evaluate every method and write the report."""
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    communities = [community(rng) for _ in range(args.communities)]
    results = evaluate(communities)
    per_point = max(50, args.communities // 4)
    curve = power_curve(rng, per_point)
    meta = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "seconds": time.perf_counter() - started,
        "communities": args.communities,
        "seed": args.seed,
        "lengths": sorted({c["weeks"] for c in communities}),
        "per_point": per_point,
        "curve": curve,
    }
    args.out.write_text(_markdown(results, meta))
    args.out.with_suffix(".json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=2) + "\n"
    )
    return args.out
