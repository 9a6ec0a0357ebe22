"""Queries about a community's goals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from service.errors import InvalidInput, NotFound
from service.goals.align import normalise
from service.goals.schemas import Alignment, GoalView, ThemeInput, UnitInput
from service.goals.service import align
from service.privacy.thresholds import Confidentiality
from service.storage import db
from service.storage.tables import Community, EmbeddingCache, Goal, Theme, Unit, utcnow

OWNERS = ("sponsor", "staff", "members", "partner")


def check_owner(owner: str) -> str:
    """Refuse an unknown owner with the list of valid ones."""
    if owner not in OWNERS:
        raise InvalidInput(
            f"Unknown goal owner {owner!r}", hint=f"Use one of: {', '.join(OWNERS)}."
        )
    return owner


def add(
    session: Session,
    community: Community,
    text: str,
    owner: str,
    target_date: datetime | None = None,
) -> Goal:
    """Add a goal."""
    if not text.strip():
        raise InvalidInput("A goal needs text", hint="Describe the goal in a sentence.")
    goal = Goal(
        community_id=community.id,
        text=text.strip(),
        owner=check_owner(owner),
        target_date=target_date,
    )
    session.add(goal)
    session.flush()
    return goal


def add_missing(
    session: Session, community: Community, items: list[tuple[str, str, datetime | None]]
) -> tuple[int, int]:
    """Add each ``(text, owner, target_date)`` unless the community already has that goal.

    Returns ``(added, already_there)``; importing the same file twice adds nothing.
    """
    existing = {
        (goal.text.casefold(), goal.owner)
        for goal in list_for(session, community, include_archived=True)
    }
    added = 0
    for text, owner, target_date in items:
        key = (text.strip().casefold(), owner)
        if key in existing:
            continue
        add(session, community, text, owner, target_date)
        existing.add(key)
        added += 1
    return added, len(items) - added


def list_for(
    session: Session, community: Community, *, include_archived: bool = False
) -> list[Goal]:
    """The community's goals, oldest first."""
    query = select(Goal).where(Goal.community_id == community.id).order_by(Goal.id)
    if not include_archived:
        query = query.where(Goal.status == "active")
    return list(session.scalars(query))


def get(session: Session, community: Community, goal_id: int) -> Goal:
    """One goal of the community, or :class:`NotFound`."""
    goal = session.get(Goal, goal_id)
    if goal is None or goal.community_id != community.id:
        raise NotFound(f"No goal {goal_id}")
    return goal


# --- alignment with members' themes (the end of an analysis) -----------------------------------


def _coherence(session: Session, model: str, hashes: dict[int, list[str]]) -> dict[int, np.ndarray]:
    """The cached unit vectors of each theme, by theme id."""
    wanted = sorted({h for hs in hashes.values() for h in hs})
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(wanted), 500):
        for hash_, blob in session.execute(
            select(EmbeddingCache.text_hash, EmbeddingCache.vector).where(
                EmbeddingCache.model == model,
                EmbeddingCache.text_hash.in_(wanted[start : start + 500]),
            )
        ):
            found[hash_] = np.frombuffer(blob, dtype=np.float32)
    return {
        theme: np.stack([found[h] for h in hs if h in found])
        for theme, hs in hashes.items()
        if any(h in found for h in hs)
    }


def _inputs(session: Session, community_id: int) -> tuple[list[Any], ...]:
    """The active goals, active themes and units as the core reads them, and each theme's
    units' text hashes."""
    goals = list(
        session.scalars(
            select(Goal)
            .where(Goal.community_id == community_id, Goal.status == "active")
            .order_by(Goal.id)
        )
    )
    themes = list(
        session.scalars(
            select(Theme)
            .where(Theme.community_id == community_id, Theme.status == "active")
            .order_by(Theme.id)
        )
    )
    rows = session.execute(
        select(
            Unit.text,
            Unit.respondent_id,
            Unit.theme_id,
            Unit.week,
            Unit.concern_level,
            Unit.text_hash,
        )
        .where(Unit.community_id == community_id, Unit.non_answer.is_(False))
        .order_by(Unit.id)
    )
    units, hashes = [], defaultdict(list)
    for r in rows:
        units.append(UnitInput(r.text, r.respondent_id, r.theme_id, r.week or "", r.concern_level))
        if r.theme_id is not None:
            hashes[r.theme_id].append(r.text_hash)
    return goals, themes, units, dict(hashes)


def _theme_input(theme: Theme, vectors: np.ndarray | None) -> ThemeInput:
    centroid = np.frombuffer(theme.centroid, dtype=np.float32)
    read = ThemeInput.from_summary(
        theme.id, theme.name or theme.label, centroid, theme.keywords, theme.summary
    )
    if vectors is None or not len(vectors):
        return read
    coherence = float((normalise(vectors) @ normalise(centroid)[0]).mean())
    return replace(read, coherence=round(coherence, 4))


def _theme_notes(alignment: Alignment) -> dict[int, dict[str, Any]]:
    """What each theme's summary carries about goals: the goals it speaks to, or its gap."""
    notes: dict[int, dict[str, Any]] = {}
    for aligned in alignment.goals:
        for link in aligned.themes:
            notes.setdefault(link.theme_id, {"goals": []})["goals"].append(
                {
                    "id": aligned.goal.id,
                    "text": aligned.goal.text,
                    "owner": aligned.goal.owner,
                    "gap": aligned.gap,
                    "similarity": round(link.similarity, 3),
                    "shared": list(link.shared),
                    "barriers": list(aligned.barriers),
                    "progress": list(aligned.progress),
                }
            )
    for theme in alignment.uncovered:
        notes.setdefault(theme.theme_id, {"goals": []})["goal_gap"] = theme.as_dict()
    return notes


def store_alignment(
    engine: Engine,
    community_id: int,
    *,
    models: Any,
    privacy: Confidentiality,
    job_id: str | None = None,
) -> list[dict[str, Any]]:
    """Align the active goals with the active themes and store it; the ``"goals"`` list.

    Call it after the themes and their concerns are stored and before the agenda is built
    (the agenda reads each theme's goals from ``Theme.summary["goals"]``). Each goal keeps its
    latest alignment (``Goal.alignment``); each theme's summary gets the goals it speaks to and,
    for a strong theme no goal covers, ``"goal_gap"``. Running it again replaces both.
    """
    with db.transaction(engine) as session:
        goals, themes, units, hashes = _inputs(session, community_id)
        vectors = _coherence(session, models.embedder.name, hashes)
        views = [
            GoalView(
                g.id, g.text, g.owner, g.target_date.date().isoformat() if g.target_date else None
            )
            for g in goals
        ]
        inputs = [_theme_input(t, vectors.get(t.id)) for t in themes]
    goal_vectors = (
        models.embedder.embed([g.text for g in views])
        if views
        else np.zeros((0, 1), dtype=np.float32)
    )
    alignment = align(views, inputs, units, goal_vectors=goal_vectors, privacy=privacy)
    notes = _theme_notes(alignment) if views else {}
    with db.transaction(engine, write=True) as session:
        now = utcnow()
        for aligned in alignment.goals:
            goal = session.get(Goal, aligned.goal.id)
            if goal is not None:
                goal.alignment, goal.aligned_at, goal.aligned_job_id = (
                    aligned.as_dict(),
                    now,
                    job_id,
                )
        for theme in session.scalars(select(Theme).where(Theme.community_id == community_id)):
            summary = {
                k: v for k, v in (theme.summary or {}).items() if k not in ("goals", "goal_gap")
            }
            theme.summary = {**summary, **notes.get(theme.id, {})}
    return [a.public() for a in alignment.goals]


def alignment_of(goal: Goal) -> dict[str, Any] | None:
    """The goal's latest alignment, with when it was computed."""
    if goal.alignment is None:
        return None
    return {
        **goal.alignment,
        "aligned_at": goal.aligned_at.isoformat() if goal.aligned_at else None,
        "job_id": goal.aligned_job_id,
    }


def gaps(session: Session, community: Community) -> dict[str, Any]:
    """Gaps both ways: goals members barely raise or are not ready for, and uncovered themes."""
    goals = [alignment_of(g) for g in list_for(session, community)]
    themes = session.scalars(
        select(Theme)
        .where(Theme.community_id == community.id, Theme.status == "active")
        .order_by(Theme.id)
    )
    uncovered = [t.summary["goal_gap"] for t in themes if (t.summary or {}).get("goal_gap")]
    return {
        "goals": [g for g in goals if g is not None and g.get("gap")],
        "uncovered_themes": sorted(uncovered, key=lambda u: (-u["members"], u["label"])),
        "not_aligned_yet": sum(g is None for g in goals),
    }


def digest_goals(session: Session, community: Community) -> list[dict[str, Any]]:
    """The active goals' latest alignments, for the digest."""
    return [a for a in (alignment_of(g) for g in list_for(session, community)) if a is not None]
