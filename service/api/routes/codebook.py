"""The community's codebook: its codes and the new candidate themes; replaced as a whole."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from service.api.routes.themes import Editing
from service.api.security import PrincipalDep, ViewerCommunity
from service.codebook.schemas import CodebookIn
from service.committee import codebook
from service.deps import SessionDep
from service.privacy.thresholds import may_read_answers

router = APIRouter(prefix="/api/v1/communities/{slug}/codebook", tags=["codebook"])


@router.get("")
def get_codebook(
    community: ViewerCommunity, session: SessionDep, principal: PrincipalDep
) -> dict[str, Any]:
    """The active codes (``code``, ``description``, ``examples``, ``question``, ``parent``,
    ``theme_id``) and the candidates "new — not in the codebook" (viewer; example answers only
    for the committee and up)."""
    return codebook.shown(session, community, examples=may_read_answers(principal.role))


@router.put("")
def put_codebook(body: CodebookIn, edit: Editing, session: SessionDep) -> dict[str, Any]:
    """Replace the codebook, all or nothing (committee): codes matched by question and name are
    updated, new ones added, the others retired; the same codebook again changes nothing."""
    counts = codebook.replace(edit, body)
    return {"changes": counts, **codebook.shown(session, edit.community, examples=True)}
