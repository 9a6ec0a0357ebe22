"""Analyses run as jobs; their progress is at /api/v1/jobs/{id}."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from service.api.security import FacilitatorCommunity, PrincipalDep
from service.deps import EngineDep, SessionDep
from service.errors import NotFound
from service.jobs import store
from service.privacy.thresholds import without_answer_text
from service.storage.repositories import themes
from service.storage.tables import Community

router = APIRouter(tags=["analyses"])


@router.post("/api/v1/communities/{slug}/analyses", status_code=status.HTTP_202_ACCEPTED)
def start_analysis(
    request: Request, response: Response, community: FacilitatorCommunity, engine: EngineDep
) -> dict[str, Any]:
    """Queue an analysis (or return the one already queued or running); answers 202."""
    job_id, created = store.create(engine, community.id, "analysis")
    if created:
        request.app.state.runner.submit(job_id)
    response.headers["Location"] = f"/api/v1/jobs/{job_id}"
    return {"job_id": job_id, "status_url": f"/api/v1/jobs/{job_id}", "created": created}


@router.get("/api/v1/jobs/{job_id}")
def get_job(
    job_id: str, engine: EngineDep, session: SessionDep, principal: PrincipalDep
) -> dict[str, Any]:
    """A job's status, progress and, when finished, its result (quotes for the committee and up)."""
    job = store.get(engine, job_id)
    community = session.get(Community, job.community_id)
    if community is None or not principal.can_reach(community.id):
        raise NotFound(f"No job {job_id!r}")
    shown = themes.without_small_theme_figures(store.as_dict(job))
    return without_answer_text(shown, principal.role)
