"""Member polls on the web: members answer at ``/p/{token}`` without an account; facilitators
open a poll from the board.

The member's page is public (no sign-in): it only shows the poll's topics (suggestion titles)
and what the last session did; answering it is rate-limited per address, and a personal link
takes one answer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from service.api.security import RateLimiter, same_origin
from service.committee.actions import actor_of
from service.deps import EngineDep, ModelsDep, SessionDep, SettingsDep
from service.errors import Forbidden, InvalidInput, RateLimited
from service.polls import service as polls
from service.polls.schemas import VOLUNTEER_KINDS, parse_ballot
from service.web.common import FacilitatorForm, PageActor, PageRoute, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Token = Annotated[str, Path(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
ANSWERS_PER_MINUTE = 10  # per address, on every poll link together


def _limit(request: Request) -> None:
    """At most :data:`ANSWERS_PER_MINUTE` answers a minute from one address (429 beyond)."""
    limiter = getattr(request.app.state, "poll_limiter", None)
    if limiter is None:
        limiter = request.app.state.poll_limiter = RateLimiter()
    address = request.client.host if request.client else "unknown"
    try:
        limiter.check(hash(("poll", address)), ANSWERS_PER_MINUTE)
    except RateLimited as exc:
        raise RateLimited(
            "Too many answers from this network in a minute", hint="Wait a minute and send again."
        ) from exc


def _page(request: Request, token: str, session: SessionDep, **extra: object) -> HTMLResponse:
    view = polls.page_view(session, token, today=date.today())
    return render(request, "poll.html", view=view, token=token, kinds=VOLUNTEER_KINDS, **extra)


@router.get("/p/{token}", response_class=HTMLResponse)
def poll_page(request: Request, token: Token, session: SessionDep) -> HTMLResponse:
    """The poll as a member sees it (no account needed)."""
    return _page(request, token, session)


@router.post("/p/{token}", response_class=HTMLResponse)
async def answer_poll(
    request: Request,
    token: Token,
    engine: EngineDep,
    settings: SettingsDep,
    models: ModelsDep,
    session: SessionDep,
) -> HTMLResponse:
    """Store a member's answer (redacted) and thank them."""
    if not same_origin(request):
        raise Forbidden("Cross-site request refused", hint="Answer from the poll's own page.")
    _limit(request)
    form = await request.form()
    view = polls.page_view(session, token, today=date.today())
    topics = [int(t["suggestion_id"]) for t in view["poll"]["topics"]]
    ballot = parse_ballot(dict(form), topics)
    await run_in_threadpool(polls.answer, engine, settings, models.redactor, token, ballot)
    return _page(request, token, session, thanks=True)


@router.post("/c/{slug}/polls")
def open_poll(
    community: FacilitatorForm,
    engine: EngineDep,
    principal: PageActor,
    closes: Annotated[str, Form()] = "",
) -> Response:
    """Open a member poll of the board's best open suggestions (facilitator)."""
    try:
        closes_at = datetime.fromisoformat(closes) if closes else None
    except ValueError as exc:
        raise InvalidInput("The closing date is not a date", hint="Pick a date.") from exc
    polls.create(engine, community, author=actor_of(principal), closes_at=closes_at)
    return RedirectResponse(f"/c/{community.slug}/suggestions?done=poll#poll", status_code=303)
