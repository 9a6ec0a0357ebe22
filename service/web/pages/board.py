"""The committee's suggestion board: vote, comment, accept, reject, defer, rename, merge.

Every action calls the function its API route calls (one write unit in
:mod:`service.storage.committee`), with the same role (committee or above)
and the same actor, so the audit log cannot tell a page from the API apart.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from service.agenda.schemas import CommentIn, DecisionIn, MergeIn, SuggestionPatch, VoteIn
from service.api.routes.suggestions import actor_of
from service.auth.roles import Role
from service.deps import EngineDep, SessionDep
from service.privacy.thresholds import without_answer_text
from service.storage import committee
from service.storage.repositories import suggestions
from service.web.common import PageActor, PageCommunity, PagePrincipal, PageRoute, back_to, need
from service.web.common import render as render_page
from service.web.queries import comments_for

router = APIRouter(include_in_schema=False, route_class=PageRoute)
SuggestionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
DONE = {
    "vote": "Your vote is counted.",
    "comment": "Your comment is added.",
    "accept": "Accepted for the session.",
    "reject": "Rejected; the reason is kept.",
    "defer": "Deferred.",
    "rename": "Renamed.",
    "merge": "Merged.",
}
STATUSES = ("open", "deferred", "accepted", "rejected")


@router.get("/c/{slug}/suggestions", response_class=HTMLResponse)
def board(
    request: Request,
    community: PageCommunity,
    session: SessionDep,
    principal: PagePrincipal,
    done: str | None = None,
) -> HTMLResponse:
    """Every suggestion, best first, grouped by status (viewer)."""
    items = without_answer_text(
        suggestions.list_for(session, community, voter=actor_of(principal)), principal.role
    )
    notes = comments_for(session, [item["id"] for item in items])
    groups = {status: [i for i in items if i["status"] == status] for status in STATUSES}
    return render_page(
        request,
        "suggestions.html",
        community=community,
        principal=principal,
        current="suggestions",
        groups=groups,
        comments=notes,
        live=[i for i in items if i["status"] in ("open", "deferred")],
        notice=DONE.get(done or ""),
        today=date.today().isoformat(),
    )


def _board(slug: str, done: str, suggestion_id: int | None = None) -> Response:
    return back_to(
        f"/c/{slug}/suggestions", done=done, anchor=f"s-{suggestion_id}" if suggestion_id else None
    )


@router.post("/c/{slug}/suggestions/{suggestion_id}/vote")
def vote(
    suggestion_id: SuggestionId,
    community: PageCommunity,
    engine: EngineDep,
    principal: PageActor,
    value: Annotated[int, Form()],
) -> Response:
    """Vote +1 or -1; voting again replaces your vote (committee)."""
    need(principal, Role.COMMITTEE)
    body = VoteIn(value=value)  # type: ignore[arg-type]
    committee.vote(engine, community, suggestion_id, voter=actor_of(principal), value=body.value)
    return _board(community.slug, "vote", suggestion_id)


@router.post("/c/{slug}/suggestions/{suggestion_id}/comment")
def comment(
    suggestion_id: SuggestionId,
    community: PageCommunity,
    engine: EngineDep,
    principal: PageActor,
    text: Annotated[str, Form()],
) -> Response:
    """Comment on a suggestion (committee)."""
    need(principal, Role.COMMITTEE)
    body = CommentIn(text=text)
    committee.comment(engine, community, suggestion_id, author=actor_of(principal), text=body.text)
    return _board(community.slug, "comment", suggestion_id)


@router.post("/c/{slug}/suggestions/{suggestion_id}/decision")
def decide(
    suggestion_id: SuggestionId,
    community: PageCommunity,
    engine: EngineDep,
    principal: PageActor,
    decision: Annotated[Literal["accept", "reject", "defer"], Form()],
    session_date: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Accept (with the session date), reject (with a reason) or defer (committee)."""
    need(principal, Role.COMMITTEE)
    body = DecisionIn(decision=decision, session_date=session_date or None, reason=reason or None)  # type: ignore[arg-type]
    committee.decide(
        engine,
        community,
        suggestion_id,
        actor=actor_of(principal),
        decision=body.decision,
        session_date=body.session_date,
        reason=body.reason,
    )
    return _board(community.slug, body.decision, suggestion_id)


@router.post("/c/{slug}/suggestions/{suggestion_id}/rename")
def rename(
    suggestion_id: SuggestionId,
    community: PageCommunity,
    engine: EngineDep,
    principal: PageActor,
    title: Annotated[str, Form()],
) -> Response:
    """Give a suggestion a new title; later analyses keep it (committee)."""
    need(principal, Role.COMMITTEE)
    body = SuggestionPatch(title=title)
    committee.edit(engine, community, suggestion_id, actor=actor_of(principal), title=body.title)
    return _board(community.slug, "rename", suggestion_id)


@router.post("/c/{slug}/suggestions/merge")
def merge(
    community: PageCommunity,
    engine: EngineDep,
    principal: PageActor,
    first: Annotated[int, Form()],
    second: Annotated[int, Form()],
    title: Annotated[str, Form()] = "",
) -> Response:
    """The second suggestion joins the first, which keeps its id (committee)."""
    need(principal, Role.COMMITTEE)
    body = MergeIn(ids=[first, second], title=title or None)
    kept = committee.merge(engine, community, body.ids, actor=actor_of(principal), title=body.title)
    return _board(community.slug, "merge", kept)
