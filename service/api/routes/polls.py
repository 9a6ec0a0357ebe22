"""Member polls of the shortlist (members answer on the web page ``/p/{token}``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict

from service.api.security import FacilitatorCommunity, PrincipalDep
from service.auth.roles import Role
from service.committee.actions import actor_of
from service.deps import EngineDep, SessionDep, SettingsDep
from service.errors import NotFound
from service.polls import service as polls

router = APIRouter(prefix="/api/v1/communities/{slug}", tags=["suggestions"])


class PollIn(BaseModel):
    """When the poll closes (optional)."""

    model_config = ConfigDict(extra="forbid")

    closes_at: datetime | None = None


@router.post("/polls", status_code=status.HTTP_201_CREATED)
def open_poll(
    body: PollIn,
    community: FacilitatorCommunity,
    engine: EngineDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """Open a member poll of the best open suggestions; its ``url`` is the shared link
    (facilitator)."""
    made = polls.create(engine, community, author=actor_of(principal), closes_at=body.closes_at)
    return {**made, "url": polls.poll_url(settings, made["token"])}


@router.get("/polls/latest")
def latest_poll(
    community: FacilitatorCommunity,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """The latest poll with its tally per suggestion, angles and volunteers (facilitator)."""
    view = polls.board_view(
        session,
        community,
        role=principal.role,
        min_group=settings.min_group_size,
        min_quote_group=settings.min_quote_group_size,
        facilitator=principal.role.allows(Role.FACILITATOR),
    )
    if view is None:
        raise NotFound("No poll yet", hint="POST …/polls opens one.")
    return {**view, "url": polls.poll_url(settings, view["token"])}
