"""Themes that segments see differently: a rank test per theme, measure, dimension and group.

For each theme, each member who raised it gets one value per measure: ``concern`` is their
highest concern level in the theme (0-3) and ``sentiment`` their mean sentiment (-1..1). Within a
segment dimension (role, level, experience, function), each group is compared with the other
groups of that dimension by a two-sided Mann-Whitney U test (one value per member, so the samples
are independent). A difference is reported when, after Benjamini-Hochberg correction across every
test of the run, ``q < alpha``, the rank-biserial effect is at least ``min_effect`` and the group
means differ by at least :data:`MIN_DIFFERENCE` (half a concern level, 0.2 of sentiment), so a
perfectly separated but trivial difference is not a topic.

Confidentiality: groups with fewer than ``min_group`` members with a value are dropped from the
dimension before anything is computed: they are neither tested nor part of "the other groups",
so no figure (not even by differencing two published means) can describe them. A test also needs
``min_group`` members on the other side. Members without a value for the dimension are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import mannwhitneyu

from service.agenda.schemas import Divergence, UnitView
from service.ingest.schemas import SEGMENT_NAMES
from service.themes.trends import benjamini_hochberg

MEASURES = ("concern", "sentiment")
#: Smallest difference of group means worth a discussion angle, per measure.
MIN_DIFFERENCE = {"concern": 0.5, "sentiment": 0.2}


@dataclass(frozen=True)
class _Test:
    theme_id: int
    dimension: str
    group: str
    other: str
    measure: str
    ours: np.ndarray
    others: np.ndarray
    p_value: float
    effect: float


def member_values(units: Sequence[UnitView]) -> dict[str, dict[int, dict[int, float]]]:
    """``measure -> theme -> respondent -> value`` (see the module docstring)."""
    concern: dict[int, dict[int, float]] = defaultdict(dict)
    sentiments: dict[tuple[int, int], list[float]] = defaultdict(list)
    for unit in units:
        if unit.theme_id is None:
            continue
        if unit.concern_level is not None:
            held = concern[unit.theme_id].get(unit.respondent_id, -1.0)
            concern[unit.theme_id][unit.respondent_id] = max(held, float(unit.concern_level))
        if unit.sentiment is not None:
            sentiments[(unit.theme_id, unit.respondent_id)].append(float(unit.sentiment))
    sentiment: dict[int, dict[int, float]] = defaultdict(dict)
    for (theme_id, respondent), values in sentiments.items():
        sentiment[theme_id][respondent] = float(np.mean(values))
    return {"concern": dict(concern), "sentiment": dict(sentiment)}


def _tests_for(
    theme_id: int,
    measure: str,
    values: Mapping[int, float],
    *,
    segments: Mapping[int, Mapping[str, str | None]],
    min_group: int,
    dimensions: Sequence[str],
) -> list[_Test]:
    tests = []
    for dimension in dimensions:
        groups: dict[str, list[float]] = defaultdict(list)
        for respondent, value in values.items():
            group = (segments.get(respondent) or {}).get(dimension)
            if group:
                groups[str(group)].append(value)
        large = {g: v for g, v in groups.items() if len(v) >= min_group}
        for group in sorted(large):
            ours = np.array(large[group])
            others = np.array([v for g, vs in large.items() if g != group for v in vs])
            if len(others) < min_group or np.ptp(np.concatenate([ours, others])) == 0:
                continue
            result = mannwhitneyu(ours, others, alternative="two-sided")
            effect = 2 * float(result.statistic) / (len(ours) * len(others)) - 1
            other = next((g for g in large if g != group), "") if len(large) == 2 else ""
            tests.append(
                _Test(
                    theme_id,
                    dimension,
                    group,
                    other,
                    measure,
                    ours,
                    others,
                    float(result.pvalue),
                    effect,
                )
            )
            if len(large) == 2:  # the other group's test is the same test, mirrored
                break
    return tests


def find_divergences(
    units: Sequence[UnitView],
    segments: Mapping[int, Mapping[str, str | None]],
    *,
    min_group: int,
    alpha: float = 0.05,
    min_effect: float = 0.4,
    dimensions: Sequence[str] = SEGMENT_NAMES,
) -> list[Divergence]:
    """Significant, large-enough segment differences, strongest first (see the module docstring).

    Args:
        units: Units with their theme, respondent and (when known) concern level and sentiment.
        segments: Each respondent's groups by dimension (``{"role": "Office Manager", ...}``).
        min_group: The smallest group a figure may describe (both sides of every test).
        alpha: False-discovery rate across all tests of the call.
        min_effect: Smallest absolute rank-biserial effect reported.
        dimensions: Segment dimensions to test.
    """
    tests: list[_Test] = []
    for measure, by_theme in member_values(units).items():
        for theme_id, values in sorted(by_theme.items()):
            tests += _tests_for(
                theme_id,
                measure,
                values,
                segments=segments,
                min_group=min_group,
                dimensions=dimensions,
            )
    adjusted = benjamini_hochberg([t.p_value for t in tests])
    found = [
        Divergence(
            t.theme_id,
            t.dimension,
            t.group,
            t.other,
            t.measure,
            float(t.ours.mean()),
            float(t.others.mean()),
            len(t.ours),
            len(t.others),
            t.p_value,
            float(q),
            t.effect,
        )
        for t, q in zip(tests, adjusted, strict=True)
        if q < alpha
        and abs(t.effect) >= min_effect
        and abs(t.ours.mean() - t.others.mean()) >= MIN_DIFFERENCE[t.measure]
    ]
    return sorted(found, key=lambda d: (d.q_value, -abs(d.effect), d.theme_id))
