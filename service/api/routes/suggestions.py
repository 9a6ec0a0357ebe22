"""Agenda suggestions and the advisory committee's review; the agenda of a session."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from service.agenda.schemas import CommentIn, DecisionIn, MergeIn, SuggestionPatch, VoteIn
from service.agenda.service import agenda_markdown
from service.api.params import RowId
from service.api.security import CommitteeCommunity, PrincipalDep, ViewerCommunity
from service.committee import actions
from service.committee.actions import actor_of
from service.deps import EngineDep, SessionDep, SettingsDep
from service.privacy.thresholds import without_answer_text
from service.storage.repositories import suggestions

router = APIRouter(prefix="/api/v1/communities/{slug}", tags=["suggestions"])
SuggestionId = RowId
Status = Literal["open", "accepted", "rejected", "deferred", "merged"]


def committee_acting(
    community: CommitteeCommunity,
    engine: EngineDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> actions.Acting:
    """A committee member (or above) acting on the community's suggestions."""
    return actions.acting_as(engine, community, principal, min_votes=settings.accept_min_votes)


CommitteeActing = Annotated[actions.Acting, Depends(committee_acting)]


def _detail(session: Session, acting: actions.Acting, suggestion_id: int) -> dict[str, Any]:
    """The suggestion as a committee action answers it (read after the action committed)."""
    row = suggestions.get(session, acting.community, suggestion_id)
    return suggestions.detail(session, row, acting.actor)


@router.get("/suggestions")
def list_suggestions(
    community: ViewerCommunity,
    session: SessionDep,
    principal: PrincipalDep,
    status: Status | None = None,
) -> list[dict[str, Any]]:
    """Suggestions, best first, with votes, the caller's vote and status (viewer; quotes only
    for the committee and up)."""
    items = suggestions.list_for(session, community, status=status, voter=actor_of(principal))
    return without_answer_text(items, principal.role)


@router.get("/suggestions/{suggestion_id}")
def get_suggestion(
    suggestion_id: SuggestionId,
    community: ViewerCommunity,
    session: SessionDep,
    principal: PrincipalDep,
) -> dict[str, Any]:
    """One suggestion with its comments and history (viewer; quotes only for the committee)."""
    row = suggestions.get(session, community, suggestion_id)
    return without_answer_text(
        suggestions.detail(session, row, actor_of(principal)), principal.role
    )


@router.post("/suggestions/merge")
def merge_suggestions(
    body: MergeIn, acting: CommitteeActing, session: SessionDep
) -> dict[str, Any]:
    """Merge the second suggestion into the first, which keeps its id (committee)."""
    return _detail(session, acting, actions.merge(acting, body))


@router.post("/suggestions/{suggestion_id}/votes")
def vote(
    suggestion_id: SuggestionId, body: VoteIn, acting: CommitteeActing, session: SessionDep
) -> dict[str, Any]:
    """Vote +1 or -1; voting again replaces your vote (committee)."""
    actions.vote(acting, suggestion_id, body)
    return _detail(session, acting, suggestion_id)


@router.post("/suggestions/{suggestion_id}/decision")
def decide(
    suggestion_id: SuggestionId, body: DecisionIn, acting: CommitteeActing, session: SessionDep
) -> dict[str, Any]:
    """Accept (with ``session_date``), reject (with ``reason``) or defer (committee)."""
    actions.decide(acting, suggestion_id, body)
    return _detail(session, acting, suggestion_id)


@router.post("/suggestions/{suggestion_id}/comments", status_code=status.HTTP_201_CREATED)
def add_comment(
    suggestion_id: SuggestionId, body: CommentIn, acting: CommitteeActing
) -> dict[str, Any]:
    """Comment on a suggestion (committee)."""
    return actions.comment(acting, suggestion_id, body)


@router.patch("/suggestions/{suggestion_id}")
def edit_suggestion(
    suggestion_id: SuggestionId, body: SuggestionPatch, acting: CommitteeActing, session: SessionDep
) -> dict[str, Any]:
    """Rename and/or rewrite the discussion angles (committee); later analyses keep them."""
    actions.edit(acting, suggestion_id, body)
    return _detail(session, acting, suggestion_id)


@router.get(
    "/agenda",
    response_model=None,
    responses={200: {"content": {"application/json": {}, "text/markdown": {}}}},
)
def session_agenda(
    community: ViewerCommunity,
    session: SessionDep,
    principal: PrincipalDep,
    session_date: Annotated[date, Query(alias="session")],
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """The suggestions accepted for a session: JSON, or Markdown with ``Accept: text/markdown``
    (members' quotes only for the committee and up)."""
    items = without_answer_text(
        suggestions.agenda(session, community, session_date), principal.role
    )
    if accept and "text/markdown" in accept.lower():
        text = agenda_markdown(community.name or community.slug, session_date, items)
        return Response(text, media_type="text/markdown; charset=utf-8")
    return JSONResponse(
        {"community": community.slug, "session": session_date.isoformat(), "items": items}
    )
