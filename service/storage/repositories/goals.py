"""Queries about a community's goals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import InvalidInput, NotFound
from service.storage.repositories import themes as theme_rows
from service.storage.tables import Community, Goal, Theme, ThemeGoal, ThemeGoalGap, Unit, utcnow
from service.themes.naming import renamed_in

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


# --- alignment with members' themes (stored by the goals stage of an analysis) -----------------


def alignment_inputs(
    session: Session, community_id: int
) -> tuple[list[Goal], list[Theme], list[Any]]:
    """The active goals, the active themes and the community's answer units."""
    goals = list(
        session.scalars(
            select(Goal)
            .where(Goal.community_id == community_id, Goal.status == "active")
            .order_by(Goal.id)
        )
    )
    themes = theme_rows.active(session, community_id)
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
    ).all()
    return goals, themes, list(rows)


def store_alignment(
    session: Session,
    community_id: int,
    *,
    alignments: Mapping[int, dict[str, Any]],
    links: Mapping[int, Sequence[Mapping[str, Any]]],
    gaps: Mapping[int, Mapping[str, Any]],
    job_id: str | None,
) -> None:
    """Store each goal's alignment, and replace every theme's goal links and goal gap."""
    now = utcnow()
    for goal_id, alignment in alignments.items():
        goal = session.get(Goal, goal_id)
        if goal is not None:
            goal.alignment, goal.aligned_at, goal.aligned_job_id = alignment, now, job_id
    for theme in session.scalars(select(Theme).where(Theme.community_id == community_id)):
        theme.goal_links = [
            ThemeGoal(position=i, **link) for i, link in enumerate(links.get(theme.id, ()))
        ]
        gap = gaps.get(theme.id)
        theme.goal_gap = ThemeGoalGap(**gap) if gap is not None else None
    session.flush()


def alignment_of(goal: Goal) -> dict[str, Any] | None:
    """The goal's latest alignment, with when it was computed."""
    if goal.alignment is None:
        return None
    session = Session.object_session(goal)
    names = theme_rows.display_names(session, goal.community_id) if session else {}
    return {
        **named(goal.alignment, names),
        "aligned_at": goal.aligned_at.isoformat() if goal.aligned_at else None,
        "job_id": goal.aligned_job_id,
    }


def named(alignment: Mapping[str, Any], names: Mapping[int, str]) -> dict[str, Any]:
    """An alignment with its themes under their names today (``names``: by theme id), in its
    list and in its reason (:func:`~service.themes.naming.renamed_in`)."""
    reason = str(alignment.get("reason") or "")
    themes = []
    for link in alignment.get("themes") or ():
        name = names.get(int(link.get("id") or 0)) or link.get("label")
        reason = renamed_in(reason, str(link.get("label") or ""), str(name))
        themes.append({**link, "label": name})
    renamed = {**alignment, "themes": themes}
    if "reason" in alignment:
        renamed["reason"] = reason
    return renamed


def gaps(session: Session, community: Community) -> dict[str, Any]:
    """Gaps both ways: goals members barely raise or are not ready for, and uncovered themes."""
    goals = [alignment_of(g) for g in list_for(session, community)]
    themes = session.scalars(
        select(Theme)
        .where(Theme.community_id == community.id, Theme.status == "active")
        .order_by(Theme.id)
    )
    uncovered = [gap for gap in map(theme_rows.goal_gap, themes) if gap is not None]
    return {
        "goals": [g for g in goals if g is not None and g.get("gap")],
        "uncovered_themes": sorted(uncovered, key=lambda u: (-u["members"], u["label"])),
        "not_aligned_yet": sum(g is None for g in goals),
    }


def digest_goals(session: Session, community: Community) -> list[dict[str, Any]]:
    """The active goals' latest alignments, for the digest."""
    return [a for a in (alignment_of(g) for g in list_for(session, community)) if a is not None]
