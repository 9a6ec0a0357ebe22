"""Stage: hold the members' themes against the goals sponsors and staff set.

Each goal gets its alignment (the themes that speak to it, barriers, progress, readiness); each
theme gets the goals it speaks to and, for a strong theme no goal covers, a goal gap. The agenda
stage reads both. Running it again replaces both.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from service.analysis.context import Analysis, Context, Progress
from service.analysis.embeddings import load_embeddings
from service.goals.align import normalise
from service.goals.schemas import Alignment, GoalView, ThemeInput, UnitInput
from service.goals.service import align
from service.storage import db
from service.storage.repositories import communities
from service.storage.repositories import goals as goal_rows
from service.storage.tables import Community, Theme


def theme_input(theme: Theme, vectors: np.ndarray | None) -> ThemeInput:
    """A stored theme as the alignment reads it, with the coherence of its units' vectors."""
    centroid = np.frombuffer(theme.centroid, dtype=np.float32)
    coherence = None
    if vectors is not None and len(vectors):
        coherence = round(float((normalise(vectors) @ normalise(centroid)[0]).mean()), 4)
    return ThemeInput(
        id=theme.id,
        label=theme.name or theme.label,
        centroid=centroid,
        keywords=tuple(str(k) for k in theme.keywords or ()),
        respondents=theme.member_count,
        suppressed=theme.suppressed,
        trend=theme.trend,
        share=theme.share,
        quotes=tuple({"text": q.text, "week": q.week} for q in theme.quotes),
        coherence=coherence,
    )


def theme_notes(alignment: Alignment) -> tuple[dict[int, list[dict[str, Any]]], dict[int, Any]]:
    """What each theme carries about goals: the goals it speaks to, and its gap."""
    links: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for aligned in alignment.goals:
        for link in aligned.themes:
            links[link.theme_id].append(
                {
                    "goal_id": aligned.goal.id,
                    "text": aligned.goal.text,
                    "owner": aligned.goal.owner,
                    "gap": aligned.gap,
                    "similarity": round(link.similarity, 3),
                    "shared": list(link.shared),
                    "barriers": list(aligned.barriers),
                    "progress": list(aligned.progress),
                }
            )
    gaps = {}
    for theme in alignment.uncovered:
        gap = theme.as_dict()
        gaps[theme.theme_id] = {k: v for k, v in gap.items() if k != "gap"}
    return dict(links), gaps


def align_goals(context: Context) -> list[dict[str, Any]]:
    """Align the active goals with the active themes and store it; the ``"goals"`` list."""
    embedder = context.models.embedder
    with db.transaction(context.engine) as session:
        goals, themes, rows = goal_rows.alignment_inputs(session, context.community_id)
        community = session.get(Community, context.community_id)
        noun = (
            communities.headcount(session, community, context.privacy).noun
            if community is not None
            else "members"
        )
        views = [
            GoalView(
                g.id, g.text, g.owner, g.target_date.date().isoformat() if g.target_date else None
            )
            for g in goals
        ]
        units = [
            UnitInput(r.text, r.respondent_id, r.theme_id, r.week or "", r.concern_level)
            for r in rows
        ]
        hashes: dict[int, list[str]] = defaultdict(list)
        for r in rows:
            if r.theme_id is not None:
                hashes[r.theme_id].append(r.text_hash)
        cached = load_embeddings(
            context.engine, embedder.name, sorted({h for hs in hashes.values() for h in hs})
        )
        inputs = []
        for theme in themes:
            found = [cached[h] for h in hashes.get(theme.id, ()) if h in cached]
            inputs.append(theme_input(theme, np.stack(found) if found else None))
    goal_vectors = (
        embedder.embed([g.text for g in views]) if views else np.zeros((0, 1), dtype=np.float32)
    )
    alignment = align(
        views, inputs, units, goal_vectors=goal_vectors, privacy=context.privacy, noun=noun
    )
    links, gaps = theme_notes(alignment) if views else ({}, {})
    with db.transaction(context.engine, write=True) as session:
        goal_rows.store_alignment(
            session,
            context.community_id,
            alignments={a.goal.id: a.as_dict() for a in alignment.goals},
            links=links,
            gaps=gaps,
            job_id=context.job_id,
        )
    return [a.public() for a in alignment.goals]


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.goals``."""
    analysis.goals = align_goals(context)
