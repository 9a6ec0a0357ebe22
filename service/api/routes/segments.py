"""Who takes part: members per segment and per week, through the confidentiality rules."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from service.api.security import ViewerCommunity
from service.deps import ConfidentialityDep, SessionDep
from service.storage.repositories import communities, segments

router = APIRouter(prefix="/api/v1/communities/{slug}", tags=["segments"])


@router.get("/segments")
def get_segments(
    community: ViewerCommunity, session: SessionDep, privacy: ConfidentialityDep
) -> dict[str, Any]:
    """Members per role, level, experience and function; small groups say so instead."""
    counts = segments.segment_counts(session, community)
    members = communities.stats(session, community)["respondents"]
    return {
        "min_group_size": privacy.min_group,
        "dimensions": {
            name: [cell.as_dict() for cell in privacy.cells(values, total=members)]
            for name, values in counts.items()
        },
    }


@router.get("/participation")
def get_participation(
    community: ViewerCommunity, session: SessionDep, privacy: ConfidentialityDep
) -> dict[str, Any]:
    """Responses and active members per ISO week; weeks with few members are suppressed."""
    weeks = segments.weekly_participation(session, community)
    rows = []
    for week, (responses, members) in weeks.items():
        cell = privacy.figure(members, float(responses), label=week)
        rows.append(
            {
                "week": week,
                "members": cell.count,
                "responses": cell.value,
                "suppressed": cell.suppressed,
                "note": cell.note,
            }
        )
    return {"min_group_size": privacy.min_group, "weeks": rows}
