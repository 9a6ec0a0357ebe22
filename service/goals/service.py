"""The goals use case: hold what members raise against the goals the program set.

:func:`align` takes the goals, the active themes (with centroids), the units and the goals'
embeddings, and gives each goal its themes (:mod:`service.goals.align`), the members who raise
it, their concern, momentum, readiness signals (:mod:`service.goals.readiness`), its weekly
progress against barriers, and its gap (:mod:`service.goals.gaps`); plus the strong member
themes that no goal covers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from service.goals import gaps
from service.goals.align import THRESHOLD, match
from service.goals.readiness import classify
from service.goals.schemas import (
    Alignment,
    GoalAlignment,
    GoalView,
    ThemeInput,
    ThemeLink,
    UnitInput,
)
from service.privacy.thresholds import Confidentiality

MAX_QUOTES = 2


def _top(phrases: Counter[str], most: int = 3) -> tuple[str, ...]:
    return tuple(p for p, _ in phrases.most_common(most))


def _quotes(
    texts: Sequence[tuple[str, str]], members: int, privacy: Confidentiality
) -> tuple[dict[str, str], ...]:
    """Barrier quotes, only when the goal's group is large enough to quote from."""
    if members < privacy.min_quote_group:
        return ()
    short = [(t, w) for t, w in texts if 5 <= len(t.split()) <= 45 and "[" not in t]
    kept = privacy.quotes([(t, None) for t, _ in short], seed=0)[:MAX_QUOTES]
    weeks = dict(short)
    return tuple({"text": q.text, "week": weeks.get(q.text, "")} for q in kept)


def goal_alignment(
    goal: GoalView,
    links: tuple[ThemeLink, ...],
    units: Sequence[UnitInput],
    *,
    total: int,
    totals: Counter[str],
    privacy: Confidentiality,
    noun: str = "members",
) -> GoalAlignment:
    """One goal's alignment from the units of its themes."""
    ids = {link.theme_id for link in links}
    own = [u for u in units if u.theme_id in ids]
    members = {u.respondent_id for u in own}
    by_week: dict[str, set[int]] = defaultdict(set)
    barrier_week: dict[str, set[int]] = defaultdict(set)
    progress_week: dict[str, set[int]] = defaultdict(set)
    barrier_members: set[int] = set()
    progress_members: set[int] = set()
    phrases: dict[str, Counter[str]] = {"barrier": Counter(), "progress": Counter()}
    barrier_texts: list[tuple[str, str]] = []
    worried: dict[int, int] = {}
    weekly: Counter[str] = Counter()
    for unit in own:
        by_week[unit.week].add(unit.respondent_id)
        weekly[unit.week] += 1
        if unit.concern_level is not None:
            worried[unit.respondent_id] = max(
                worried.get(unit.respondent_id, 0), int(unit.concern_level)
            )
        signal = classify(unit.text)
        if signal.kind == "barrier":
            barrier_members.add(unit.respondent_id)
            barrier_week[unit.week].add(unit.respondent_id)
            phrases["barrier"][signal.phrase] += 1
            barrier_texts.append((unit.text, unit.week))
        elif signal.kind == "progress":
            progress_members.add(unit.respondent_id)
            progress_week[unit.week].add(unit.respondent_id)
            phrases["progress"][signal.phrase] += 1
    count = len(members)
    gap = (
        gaps.classify_gap(
            count, total, len(barrier_members), len(progress_members), min_group=privacy.min_group
        )
        if links
        else "barely_raised"
    )
    visible = count >= privacy.min_group
    # Shares and phrases only about groups (and their complements) of at least the minimum.
    shares = (
        gaps.shown_share(len(barrier_members), count, privacy),
        gaps.shown_share(len(progress_members), count, privacy),
    )
    barriers = _top(phrases["barrier"]) if len(barrier_members) >= privacy.min_group else ()
    progress = _top(phrases["progress"]) if len(progress_members) >= privacy.min_group else ()
    reason = gaps.goal_reason(
        goal,
        links,
        gap=gap,
        members=count,
        total=total,
        shares=shares,
        phrases=(barriers, progress),
        privacy=privacy,
        noun=noun,
    )
    concern = (
        gaps.shown_share(sum(level >= 2 for level in worried.values()), len(worried), privacy)
        if worried and visible
        else None
    )
    return GoalAlignment(
        goal=goal,
        themes=links,
        members=count if visible else None,
        barrier_share=shares[0] if visible else None,
        progress_share=shares[1] if visible else None,
        concern_share=concern,
        trend=gaps.goal_trend(weekly, totals) if visible else None,
        gap=gap,
        reason=reason,
        barriers=barriers if visible else (),
        progress=progress if visible else (),
        quotes=_quotes(barrier_texts, count, privacy) if gap == "ahead_of_members" else (),
        weekly=tuple(gaps.weekly_signals(by_week, barrier_week, progress_week, privacy)),
        evidence={
            "total": total if total >= privacy.min_group else None,
            "units": len(own) if visible else None,
            "suppressed": not visible and count > 0,
        },
    )


def align(
    goals: Sequence[GoalView],
    themes: Sequence[ThemeInput],
    units: Sequence[UnitInput],
    *,
    goal_vectors: np.ndarray,
    privacy: Confidentiality,
    threshold: float = THRESHOLD,
    noun: str = "members",
) -> Alignment:
    """Every goal's alignment, and the strong themes no goal covers.

    Args:
        goals: The community's active goals.
        themes: The active themes with their centroids.
        units: The community's units (redacted text, respondent, theme, week, concern level).
        goal_vectors: The embedder's vectors of the goals' texts, in the order of ``goals``.
        privacy: The confidentiality rules.
        threshold: The similarity from which a theme speaks to a goal.
        noun: What the reasons count: "members", or "responses" where some responses carry
            no respondent identifier (one person may have written several of them).
    """
    texts: dict[int, list[str]] = defaultdict(list)
    for unit in units:
        if unit.theme_id is not None:
            texts[unit.theme_id].append(unit.text)
    links, scores = match(goals, themes, goal_vectors, texts=texts, threshold=threshold)
    total = len({u.respondent_id for u in units})
    totals = Counter(u.week for u in units)
    aligned = tuple(
        goal_alignment(
            g, links[g.id], units, total=total, totals=totals, privacy=privacy, noun=noun
        )
        for g in goals
    )
    best: dict[int, tuple[int | None, float]] = {}
    for column, theme in enumerate(themes):
        if goals:
            row = int(np.argmax(scores[:, column]))
            best[theme.id] = (goals[row].id, float(scores[row, column]))
    uncovered = (
        gaps.uncovered_themes(
            themes,
            best,
            total=total,
            threshold=threshold,
            privacy=privacy,
            goal_text={g.id: g.text for g in goals},
            noun=noun,
        )
        if goals
        else []
    )
    return Alignment(aligned, tuple(uncovered), threshold)
