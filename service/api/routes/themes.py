"""Themes of the latest analysis, with trends, quotes and the segment heat map."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from service.api.params import RowId
from service.api.security import CommitteeCommunity, PrincipalDep, ViewerCommunity
from service.deps import ConfidentialityDep, SessionDep
from service.errors import InvalidInput
from service.privacy.thresholds import without_answer_text
from service.storage.repositories import themes

router = APIRouter(prefix="/api/v1/communities/{slug}/themes", tags=["themes"])
concerns_router = APIRouter(prefix="/api/v1/communities/{slug}", tags=["concerns"])


class ThemeRename(BaseModel):
    """A human-given name; it survives later analyses."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=300)


@router.get("")
def list_themes(
    community: ViewerCommunity,
    session: SessionDep,
    principal: PrincipalDep,
    question_id: Annotated[int | None, Query(ge=1)] = None,
    level: Literal["fine", "parent"] = "fine",
) -> list[dict[str, Any]]:
    """The community's current themes, largest first (quotes only for the committee and up);
    ``?question_id=`` keeps one question's themes; ``?level=parent`` lists the parent themes
    that gather the fine ones (at most about 12 per scope)."""
    listed = themes.listed(session, community, question_id=question_id, level=level)
    return without_answer_text(listed, principal.role)


@concerns_router.get("/concerns")
def list_concerns(community: ViewerCommunity, session: SessionDep) -> list[dict[str, Any]]:
    """Themes ranked by the worry they carry, best first; small groups' figures are withheld."""
    return themes.concerns(session, community)


@router.get("/{theme_id}")
def get_theme(
    theme_id: RowId,
    community: ViewerCommunity,
    session: SessionDep,
    privacy: ConfidentialityDep,
    principal: PrincipalDep,
) -> dict[str, Any]:
    """One theme, with how it differs across segments (small groups suppressed)."""
    theme = themes.get(session, community, theme_id)
    shown = {
        **themes.shown(session, community, theme),
        "segments": themes.heatmap(session, community, theme, privacy),
    }
    return without_answer_text(shown, principal.role)


@router.patch("/{theme_id}")
def rename_theme(
    theme_id: RowId, body: ThemeRename, community: CommitteeCommunity, session: SessionDep
) -> dict[str, Any]:
    """Give a theme a name (or clear it with null); later analyses keep it.

    A body without ``name`` is refused: it would otherwise clear the committee's name.
    """
    if "name" not in body.model_fields_set:
        raise InvalidInput(
            "Nothing to change", hint='Send "name": a new name, or null to clear it.'
        )
    theme = themes.get(session, community, theme_id)
    theme.name = body.name.strip() if body.name else None
    return themes.shown(session, community, theme)
