"""The coded answers export (facilitators): one CSV row per free-text answer."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from service.api.security import FacilitatorCommunity
from service.coded_answers import coded_rows, to_csv
from service.deps import ConfidentialityDep, SessionDep

router = APIRouter(prefix="/api/v1/communities/{slug}", tags=["answers"])


@router.get("/answers.csv", response_class=Response)
def export_answers(
    community: FacilitatorCommunity, session: SessionDep, privacy: ConfidentialityDep
) -> Response:
    """Free-text answers with their file, row, themes and worry level (no respondent column)."""
    body = to_csv(coded_rows(session, community, privacy))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{community.slug}-answers.csv"'},
    )
