"""Program metrics: satisfaction, NPS, attendance, participation and drivers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from service.analysis import metrics
from service.api.security import ViewerCommunity
from service.deps import ConfidentialityDep, SessionDep

router = APIRouter(prefix="/api/v1/communities/{slug}", tags=["metrics"])


@router.get("/metrics")
def get_metrics(
    community: ViewerCommunity, session: SessionDep, privacy: ConfidentialityDep
) -> dict[str, Any]:
    """Weekly quantitative figures, participation, turnover, and what goes with low satisfaction."""
    return metrics.community_metrics(session, community, privacy)
