"""The committee's suggestion board: vote, comment, accept, reject, defer, rename, merge.

Every action calls the use case its API route calls (:mod:`service.committee.actions`), with
the same typed input, the same role (committee or above, checked by the :data:`CommitteeForm`
dependency) and the same actor, so the audit log cannot tell a page from the API apart.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from service.agenda.schemas import CommentIn, DecisionIn, MergeIn, SuggestionPatch, VoteIn
from service.auth.roles import Role
from service.committee import actions
from service.committee.actions import actor_of
from service.deps import EngineDep, SessionDep, SettingsDep
from service.errors import InvalidInput
from service.polls import service as polls
from service.privacy.thresholds import without_answer_text
from service.storage.repositories import reviews, suggestions
from service.web.common import (
    CommitteeForm,
    PageActor,
    PageCommunity,
    PagePrincipal,
    PageRoute,
)
from service.web.common import render as render_page

router = APIRouter(include_in_schema=False, route_class=PageRoute)
SuggestionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
RenameForm = Annotated[str, Form()]
DONE = {
    "vote": "Your vote is counted.",
    "comment": "Your comment is added.",
    "accept": "Accepted for the session.",
    "reject": "Rejected; the reason is kept.",
    "defer": "Deferred.",
    "reopen": "Reopened: it is open again for votes and a decision.",
    "rename": "Renamed.",
    "merge": "Merged.",
    "poll": "Poll opened: share its address with members.",
}
STATUSES = ("open", "deferred", "accepted", "rejected")


@router.get("/c/{slug}/suggestions", response_class=HTMLResponse)
def board(
    request: Request,
    community: PageCommunity,
    session: SessionDep,
    principal: PagePrincipal,
    settings: SettingsDep,
    done: str | None = None,
    at: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    """Every suggestion, best first, grouped by status (viewer); the notice of an action shows
    on the suggestion it was taken on (``at``)."""
    items = without_answer_text(
        suggestions.list_for(session, community, voter=actor_of(principal)), principal.role
    )
    notes = reviews.comments_for(session, [item["id"] for item in items])
    for listed in notes.values():
        names = reviews.actor_names(session, [c["author"] for c in listed])
        for note in listed:
            note["author"] = names.get(note["author"], "a committee member")
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
        at=at,
        quorum=settings.accept_min_votes,
        is_admin=principal.role == Role.ADMIN,
        today=date.today().isoformat(),
        poll=polls.board_view(
            session,
            community,
            role=principal.role,
            min_group=settings.min_group_size,
            min_quote_group=settings.min_quote_group_size,
            facilitator=principal.role.allows(Role.FACILITATOR),
        ),
        public_url=settings.public_url.rstrip("/"),
    )


def board_acting(
    community: CommitteeForm, engine: EngineDep, principal: PageActor, settings: SettingsDep
) -> actions.Acting:
    """A committee member (or above) acting from the board: the same actor as in the API."""
    return actions.acting_as(engine, community, principal, min_votes=settings.accept_min_votes)


BoardActing = Annotated[actions.Acting, Depends(board_acting)]


def _board(acting: actions.Acting, done: str, suggestion_id: int) -> Response:
    """Back to the board, at the suggestion acted on (its notice shows there)."""
    slug = acting.community.slug
    return RedirectResponse(
        f"/c/{slug}/suggestions?done={done}&at={suggestion_id}#s-{suggestion_id}", status_code=303
    )


@router.post("/c/{slug}/suggestions/{suggestion_id}/vote")
def vote(
    suggestion_id: SuggestionId, acting: BoardActing, value: Annotated[int, Form()]
) -> Response:
    """Vote +1 or -1; voting again replaces your vote (committee)."""
    actions.vote(acting, suggestion_id, VoteIn.model_validate({"value": value}))
    return _board(acting, "vote", suggestion_id)


@router.post("/c/{slug}/suggestions/{suggestion_id}/comment")
def comment(
    suggestion_id: SuggestionId, acting: BoardActing, note: Annotated[CommentIn, Form()]
) -> Response:
    """Comment on a suggestion (committee): the API's input, from the form."""
    actions.comment(acting, suggestion_id, note)
    return _board(acting, "comment", suggestion_id)


@router.post("/c/{slug}/suggestions/{suggestion_id}/decision")
def decide(
    suggestion_id: SuggestionId,
    acting: BoardActing,
    decision: Annotated[Literal["accept", "reject", "defer", "reopen"], Form()],
    session_date: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
    override: Annotated[str, Form()] = "",
) -> Response:
    """Accept (a session date chosen on purpose, confirmed, with the quorum of votes unless an
    admin overrides), reject (with a reason), defer or reopen (committee)."""
    if decision == "accept" and confirm != "yes":
        raise InvalidInput(
            "Confirm the session date to accept",
            hint="Tick the box that confirms the date you chose.",
        )
    body = DecisionIn.model_validate(
        {
            "decision": decision,
            "session_date": session_date or None,
            "reason": reason or None,
            "override": override == "yes",
        }
    )
    actions.decide(acting, suggestion_id, body)
    return _board(acting, body.decision, suggestion_id)


@router.post("/c/{slug}/suggestions/{suggestion_id}/rename")
def rename(suggestion_id: SuggestionId, acting: BoardActing, title: RenameForm) -> Response:
    """Give a suggestion a new title; later analyses keep it (committee)."""
    actions.edit(acting, suggestion_id, SuggestionPatch(title=title))
    return _board(acting, "rename", suggestion_id)


@router.post("/c/{slug}/suggestions/merge")
def merge(
    acting: BoardActing,
    first: Annotated[int, Form()],
    second: Annotated[int, Form()],
    title: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """The second suggestion joins the first, which keeps its id (committee, confirmed)."""
    if confirm != "yes":
        raise InvalidInput(
            "Confirm the merge", hint="Tick the box that confirms which suggestion joins which."
        )
    kept = actions.merge(acting, MergeIn(ids=[first, second], title=title or None))
    return _board(acting, "merge", kept)
