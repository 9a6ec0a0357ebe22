"""Goals set by sponsors, staff, members and partners."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.api.params import RowId
from service.api.security import FacilitatorCommunity, PrincipalDep, ViewerCommunity
from service.deps import SessionDep
from service.privacy.thresholds import without_answer_text
from service.storage.repositories import goals
from service.storage.tables import Goal

router = APIRouter(prefix="/api/v1/communities/{slug}/goals", tags=["goals"])
Owner = Literal["sponsor", "staff", "members", "partner"]
GoalId = RowId


class GoalIn(BaseModel):
    """A goal to add."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=3, max_length=2000)
    owner: Owner
    target_date: date | None = None


class GoalPatch(BaseModel):
    """Fields of a goal to change (leave a field out to keep it; only the date may be null)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, min_length=3, max_length=2000)
    owner: Owner | None = None
    target_date: date | None = None
    status: Literal["active", "archived"] | None = None

    @field_validator("text", "owner", "status", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null; leave the field out to keep it")
        return value


def _out(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.id,
        "text": goal.text,
        "owner": goal.owner,
        "status": goal.status,
        "target_date": goal.target_date.date().isoformat() if goal.target_date else None,
        "created_at": goal.created_at.isoformat(),
        "alignment": goals.alignment_of(goal),
    }


def _when(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day) if day else None


@router.post("", status_code=status.HTTP_201_CREATED)
def add_goal(body: GoalIn, community: FacilitatorCommunity, session: SessionDep) -> dict[str, Any]:
    """Add a goal (facilitator)."""
    return _out(goals.add(session, community, body.text, body.owner, _when(body.target_date)))


@router.get("")
def list_goals(
    community: ViewerCommunity, session: SessionDep, principal: PrincipalDep
) -> list[dict[str, Any]]:
    """The community's active goals, each with its latest alignment (None before an analysis)."""
    return without_answer_text(
        [_out(g) for g in goals.list_for(session, community)], principal.role
    )


@router.get("/gaps")
def goal_gaps(
    community: ViewerCommunity, session: SessionDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Gaps both ways, from the latest analysis: goals members barely raise or raise mostly as
    barriers, and strong member themes that no goal covers; each with its reason."""
    return without_answer_text(goals.gaps(session, community), principal.role)


@router.get("/{goal_id}")
def get_goal(
    goal_id: GoalId, community: ViewerCommunity, session: SessionDep, principal: PrincipalDep
) -> dict[str, Any]:
    """One goal with its latest alignment (themes, readiness signals, weekly progress)."""
    return without_answer_text(_out(goals.get(session, community, goal_id)), principal.role)


@router.patch("/{goal_id}")
def edit_goal(
    goal_id: GoalId, body: GoalPatch, community: FacilitatorCommunity, session: SessionDep
) -> dict[str, Any]:
    """Change a goal's text, owner, target date or status (facilitator)."""
    goal = goals.get(session, community, goal_id)
    changes = body.model_dump(exclude_unset=True)
    for field, value in changes.items():
        setattr(goal, field, _when(value) if field == "target_date" else value)
    return _out(goal)
