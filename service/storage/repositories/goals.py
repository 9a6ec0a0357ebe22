"""Queries about a community's goals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import InvalidInput, NotFound
from service.storage.tables import Community, Goal

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
