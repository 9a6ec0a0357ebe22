"""One theme: its trend, key phrases, quotes, the segment heat map and its worry line; for the
committee, the theme editor (forms in :mod:`service.web.pages.codebook`) and its history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from service.committee import codebook, theme_journal
from service.deps import ConfidentialityDep, SessionDep
from service.privacy.thresholds import may_read_answers, without_answer_text
from service.storage.repositories import codebook as codebook_rows
from service.storage.repositories import themes
from service.themes.naming import display_name
from service.web.common import PageCommunity, PagePrincipal, PageRoute, render
from service.web.pages.codebook import DONE
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
    done: str | None = None,
) -> HTMLResponse:
    """The theme as ``GET /api/v1/communities/{slug}/themes/{id}`` shows it, as a page."""
    theme = themes.get(session, community, theme_id)
    shown = without_answer_text(
        codebook.with_state(session, community, [themes.shown(session, community, theme)])[0],
        principal.role,
    )
    reader = may_read_answers(principal.role)
    history = without_answer_text(
        theme_journal.history(session, community, theme_id), principal.role
    )
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
        may_read_answers=reader,
        history=history,
        undoable=any(h["action"] != "undo" and not h["undone"] for h in history),
        answers=codebook_rows.answers_of(session, theme.id, limit=60) if reader else [],
        others=[
            {"id": t.id, "label": display_name(t)}
            for t in codebook_rows.scope_themes(session, community.id, theme.question_id)
            if t.id != theme.id
        ],
        notice=DONE.get(done or ""),
    )
