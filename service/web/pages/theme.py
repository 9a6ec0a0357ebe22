"""One theme: its trend, key phrases, quotes, the segment heat map and its worry line."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from service.deps import ConfidentialityDep, SessionDep
from service.privacy.thresholds import may_read_answers, without_answer_text
from service.storage.repositories import themes
from service.web.common import PageCommunity, PagePrincipal, PageRoute, render
from service.web.pages.overview import SEGMENT_TITLES

router = APIRouter(include_in_schema=False, route_class=PageRoute)
ThemeId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/c/{slug}/themes/{theme_id}", response_class=HTMLResponse)
def theme_page(
    request: Request,
    theme_id: ThemeId,
    community: PageCommunity,
    session: SessionDep,
    principal: PagePrincipal,
    privacy: ConfidentialityDep,
) -> HTMLResponse:
    """The theme as ``GET /api/v1/communities/{slug}/themes/{id}`` shows it, as a page."""
    theme = themes.get(session, community, theme_id)
    shown = without_answer_text(themes.shown(session, community, theme), principal.role)
    weekly = shown["weekly"] or []
    chart = {
        "x": [w["week"] for w in weekly if w.get("count") is not None],
        "y": [w["count"] for w in weekly if w.get("count") is not None],
    }
    return render(
        request,
        "theme.html",
        community=community,
        principal=principal,
        theme=shown,
        weekly=weekly,
        trend_chart=chart,
        heatmap=themes.heatmap(session, community, theme, privacy),
        segment_titles=SEGMENT_TITLES,
        min_group=privacy.min_group,
        may_read_answers=may_read_answers(principal.role),
    )
