"""Right to erasure (admin)."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.security import AdminCommunity
from service.deps import SessionDep, SettingsDep
from service.storage.repositories import respondents

router = APIRouter(prefix="/api/v1/communities/{slug}/respondents", tags=["respondents"])


@router.delete("/{key}")
def forget_respondent(
    key: str, community: AdminCommunity, session: SessionDep, settings: SettingsDep
) -> dict[str, object]:
    """Remove a respondent's responses and everything derived from them."""
    removed = respondents.forget(
        session, community, respondents.resolve_key(settings.secret_key, key)
    )
    return {"forgotten": True, "removed": removed}
