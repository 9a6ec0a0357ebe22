"""The goals page: what members raise against the goals sponsors and staff set."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from service.deps import ConfidentialityDep, SessionDep
from service.privacy.thresholds import without_answer_text
from service.storage.repositories import goals
from service.web.common import PageCommunity, PagePrincipal, PageRoute, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)

GAP_LABELS = {
    "ahead_of_members": "Ahead of members' reality",
    "barely_raised": "Members barely raise it",
    None: "Members are working on it",
}


@router.get("/c/{slug}/goals", response_class=HTMLResponse)
def goals_page(
    request: Request,
    community: PageCommunity,
    session: SessionDep,
    principal: PagePrincipal,
    privacy: ConfidentialityDep,
) -> HTMLResponse:
    """Each goal with its latest alignment, and the member themes no goal covers (viewer)."""
    rows = []
    for goal in goals.list_for(session, community):
        alignment = without_answer_text(goals.alignment_of(goal), principal.role)
        rows.append(
            {
                "goal": goal,
                "alignment": alignment,
                "gap_label": GAP_LABELS.get(alignment.get("gap"), alignment.get("gap"))
                if alignment
                else None,
            }
        )
    return render(
        request,
        "goals.html",
        community=community,
        principal=principal,
        current="goals",
        rows=rows,
        min_group=privacy.min_group,
        uncovered=without_answer_text(goals.gaps(session, community), principal.role)[
            "uncovered_themes"
        ],
    )
