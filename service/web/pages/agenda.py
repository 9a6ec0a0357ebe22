"""The agenda of a session: the suggestions the committee accepted for it."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from service.deps import SessionDep
from service.privacy.thresholds import without_answer_text
from service.storage.repositories import reviews, suggestions
from service.web.common import PageCommunity, PagePrincipal, PageRoute, render
from service.web.queries import next_session

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/c/{slug}/agenda", response_class=HTMLResponse)
def agenda_page(
    request: Request,
    community: PageCommunity,
    session: SessionDep,
    principal: PagePrincipal,
    session_date: date | None = None,
) -> HTMLResponse:
    """The next session's agenda (or ``?session_date=``), as the agenda route builds it."""
    dates = reviews.session_dates(session, community)
    chosen = session_date or next_session(dates, date.today())
    items = suggestions.agenda(session, community, chosen) if chosen else []
    items = without_answer_text(items, principal.role)
    return render(
        request,
        "agenda.html",
        community=community,
        principal=principal,
        current="agenda",
        dates=dates,
        chosen=chosen,
        items=items,
    )
