"""The agenda of a session: the suggestions the committee accepted for it, its facilitator brief
(HTML to print, or PDF) and, after the session, what it did with each topic ("you said, we did").
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from service.committee import brief as briefs
from service.committee import outcomes as recording
from service.committee.actions import actor_of
from service.deps import EngineDep, SessionDep, SettingsDep
from service.polls import service as polls
from service.privacy.thresholds import without_answer_text
from service.storage.repositories import outcomes, reviews, suggestions
from service.web.common import (
    FacilitatorForm,
    FacilitatorPage,
    PageActor,
    PageCommunity,
    PagePrincipal,
    PageRoute,
    render,
)
from service.web.queries import next_session

router = APIRouter(include_in_schema=False, route_class=PageRoute)
DONE = {"outcome": "Recorded: the next digest and the next poll tell members."}


@router.get("/c/{slug}/agenda", response_class=HTMLResponse)
def agenda_page(
    request: Request,
    community: PageCommunity,
    session: SessionDep,
    principal: PagePrincipal,
    session_date: date | None = None,
    done: str | None = None,
) -> HTMLResponse:
    """The next session's agenda (or ``?session_date=``), as the agenda route builds it, with
    what the session did with its topics once a facilitator recorded it."""
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
        outcomes=outcomes.of_session(session, community, chosen) if chosen else [],
        notice=DONE.get(done or ""),
    )


@router.get("/c/{slug}/agenda/brief", response_model=None)
def brief(
    community: FacilitatorPage,
    session: SessionDep,
    settings: SettingsDep,
    session_date: date,
    format: Literal["html", "pdf"] = "html",  # noqa: A002 - the query parameter's name
) -> Response:
    """The session's one-page facilitator brief: HTML to print, or a PDF (facilitator)."""
    made = briefs.session_brief(
        session,
        community,
        session_date,
        polls=polls.brief_lines(session, community, min_group=settings.min_group_size),
    )
    if format == "pdf":
        name = f"brief-{community.slug}-{session_date.isoformat()}.pdf"
        return Response(
            briefs.brief_pdf(made),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return HTMLResponse(briefs.brief_html(made))


@router.post("/c/{slug}/agenda/outcomes")
def record_outcome(
    community: FacilitatorForm,
    engine: EngineDep,
    principal: PageActor,
    session_date: Annotated[date, Form()],
    discussed: Annotated[str, Form()],
    action: Annotated[str, Form()] = "",
    suggestion_id: Annotated[str, Form()] = "",
    said: Annotated[str, Form()] = "",
) -> Response:
    """After a session: what was discussed of a topic and what will happen (facilitator)."""
    recording.record(
        engine,
        community,
        recording.OutcomeIn(
            session_date=session_date,
            suggestion_id=int(suggestion_id) if suggestion_id.isdigit() else None,
            said=said,
            discussed=discussed,
            action=action,
        ),
        author=actor_of(principal),
    )
    target = f"/c/{community.slug}/agenda?session_date={session_date.isoformat()}&done=outcome"
    return RedirectResponse(f"{target}#outcomes", status_code=303)
