"""What a session did with the topics members raised ("you said, we did")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from service.api.params import MAX_ROW_ID
from service.api.security import FacilitatorCommunity, PrincipalDep, ViewerCommunity
from service.committee import outcomes as recording
from service.committee.actions import actor_of
from service.deps import EngineDep, SessionDep
from service.storage.repositories import outcomes

router = APIRouter(prefix="/api/v1/communities/{slug}", tags=["suggestions"])


class OutcomeBody(BaseModel):
    """One topic of the session: a suggestion id (or ``said``), what was discussed, what next.

    The bounds are :class:`recording.OutcomeIn`'s, so that a value past them is a 422 here."""

    model_config = ConfigDict(extra="forbid")

    suggestion_id: Annotated[int, Field(ge=1, le=MAX_ROW_ID)] | None = None
    said: Annotated[str, Field(max_length=300)] = ""
    discussed: Annotated[str, Field(max_length=4000)]
    action: Annotated[str, Field(max_length=4000)] = ""


@router.post("/sessions/{session_date}/outcomes", status_code=status.HTTP_201_CREATED)
def record_outcome(
    session_date: date,
    body: OutcomeBody,
    community: FacilitatorCommunity,
    engine: EngineDep,
    principal: PrincipalDep,
) -> dict[str, Any]:
    """Record what the session on ``session_date`` did with a topic (facilitator); the next
    digest and the next member poll show it."""
    given = recording.OutcomeIn.model_validate({"session_date": session_date, **body.model_dump()})
    return recording.record(engine, community, given, author=actor_of(principal))


@router.get("/sessions/{session_date}/outcomes")
def session_outcomes(
    session_date: date, community: ViewerCommunity, session: SessionDep
) -> list[dict[str, Any]]:
    """What the session on ``session_date`` did with its topics (viewer)."""
    return outcomes.of_session(session, community, session_date)
