"""The community overview: participation, top themes, the "up at night" list, analyses."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.analysis import metrics
from service.committee import brief as briefs
from service.deps import ConfidentialityDep, EngineDep, SessionDep
from service.jobs import store
from service.privacy.thresholds import Confidentiality
from service.storage.repositories import communities, segments, themes
from service.storage.tables import Community
from service.web.common import (
    FacilitatorForm,
    PageActor,
    PageCommunity,
    PagePrincipal,
    PageRoute,
    back_to,
)
from service.web.common import render as render_page
from service.web.queries import latest_job

TOP_THEMES = 8
SEGMENT_TITLES = {
    "role": "Role",
    "level": "Level",
    "experience": "Experience",
    "function": "Function / department",
}

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def participation(session: Any, community: Community, privacy: Confidentiality) -> list[dict]:
    """Responses and members per week; weeks with few members suppressed (as the API)."""
    weeks = []
    for week, (responses, members) in segments.weekly_participation(session, community).items():
        cell = privacy.figure(members, float(responses), label=week)
        weeks.append(
            {
                "week": week,
                "members": cell.count,
                "responses": cell.value,
                "suppressed": cell.suppressed,
                "note": cell.note,
            }
        )
    return weeks


TOP_DRIVERS = 3
SIGNALS = ("satisfaction", "nps", "attendance")


def signal_rows(figures: dict) -> list[dict]:
    """One row per week: satisfaction, NPS, attendance (cells carry their suppression) and the
    response rate from the roster."""
    weeks: dict[str, dict] = {}
    for name in SIGNALS:
        for cell in figures["weekly"].get(name, []):
            weeks.setdefault(cell["week"], {"week": cell["week"]})[name] = cell
    for row in figures["participation"]:
        if row["week"] in weeks:
            weeks[row["week"]]["response_rate"] = row.get("response_rate")
    return [weeks[week] for week in sorted(weeks)]


@router.get("/c/{slug}", response_class=HTMLResponse)
def overview(
    request: Request,
    community: PageCommunity,
    session: SessionDep,
    principal: PagePrincipal,
    privacy: ConfidentialityDep,
    question: str = "",
) -> HTMLResponse:
    """What members talk about and worry about, and who takes part, week by week; ``?question=``
    lists that question's own themes instead of the community-wide ones."""
    scopes = themes.question_texts(session, community)
    picked = int(question) if question.isdigit() and int(question) in scopes else None
    stats = communities.summary(session, community, privacy)
    weeks = participation(session, community, privacy)
    counts = segments.segment_counts(session, community)
    total = communities.stats(session, community)["respondents"]
    cells = {name: privacy.cells(values, total=total) for name, values in counts.items()}
    chart = {
        "x": [w["week"] for w in weeks if not w["suppressed"]],
        "y": [w["responses"] for w in weeks if not w["suppressed"]],
        "members": [w["members"] for w in weeks if not w["suppressed"]],
    }
    job = latest_job(session, community, "analysis")
    figures = metrics.community_metrics(session, community, privacy)
    return render_page(
        request,
        "overview.html",
        community=community,
        principal=principal,
        current="",
        stats=stats,
        participation=weeks,
        participation_chart=chart,
        segments=cells,
        segment_titles=SEGMENT_TITLES,
        min_group=privacy.min_group,
        themes=themes.listed(session, community, TOP_THEMES, question_id=picked),
        questions=scopes,
        question=picked,
        concerns=[
            c
            for c in themes.concerns(session, community)
            if c.get("suppressed") or c.get("concerned_respondents")
        ][:TOP_THEMES],
        job=store.as_dict(job) if job is not None else None,
        signals=signal_rows(figures),
        drivers=figures.get("drivers", [])[:TOP_DRIVERS],
        next_up=briefs.next_session(session, community, principal.role, today=date.today()),
    )


@router.post("/c/{slug}/analyses")
def start_analysis(
    request: Request, community: FacilitatorForm, principal: PageActor, engine: EngineDep
) -> Response:
    """Start an analysis as ``POST /api/v1/communities/{slug}/analyses`` does (facilitator).

    Without JavaScript the form lands back on the overview, which shows the job's state; the
    page's script posts to the API instead and polls ``/api/v1/jobs/{id}``.
    """
    job_id, created = store.create(engine, community.id, "analysis")
    if created:
        request.app.state.runner.submit(job_id)
    return back_to(f"/c/{community.slug}", done="analysis", anchor="analysis")
