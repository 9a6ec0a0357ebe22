"""Themes of the latest analysis, with trends, quotes and the segment heat map; the committee's
theme editor (rename, describe, merge, split, move, create, retire, adopt or ignore, undo,
history), each edit through :mod:`service.committee.theme_edits`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from service.api.params import RowId
from service.api.security import CommitteeCommunity, PrincipalDep, ViewerCommunity
from service.codebook.schemas import (
    CreateIn,
    DecisionIn,
    DescribeIn,
    MergeIn,
    MoveIn,
    RenameIn,
    SplitIn,
)
from service.committee import codebook, theme_edits, theme_journal, theme_undo
from service.deps import ConfidentialityDep, EngineDep, SessionDep
from service.errors import InvalidInput
from service.privacy.thresholds import without_answer_text
from service.storage.repositories import codebook as codebook_rows
from service.storage.repositories import themes
from service.storage.tables import Community

router = APIRouter(prefix="/api/v1/communities/{slug}/themes", tags=["themes"])
concerns_router = APIRouter(prefix="/api/v1/communities/{slug}", tags=["concerns"])


class ThemePatch(BaseModel):
    """A human-given name (null clears it) and/or a description; later analyses keep them."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=2000)


def editing(
    community: CommitteeCommunity, engine: EngineDep, principal: PrincipalDep
) -> theme_edits.Editing:
    """A committee member (or above) editing the community's themes."""
    return theme_edits.editing_as(engine, community, principal)


Editing = Annotated[theme_edits.Editing, Depends(editing)]


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
    return without_answer_text(codebook.with_state(session, community, listed), principal.role)


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
        **codebook.with_state(session, community, [themes.shown(session, community, theme)])[0],
        "segments": themes.heatmap(session, community, theme, privacy),
    }
    return without_answer_text(shown, principal.role)


def _shown(session: Session, community: Community, theme_id: int) -> dict[str, Any]:
    """A theme as an edit answers it (read after the edit committed)."""
    theme = themes.get(session, community, theme_id)
    return codebook.with_state(session, community, [themes.shown(session, community, theme)])[0]


@router.patch("/{theme_id}")
def edit_theme(
    theme_id: RowId, body: ThemePatch, edit: Editing, session: SessionDep
) -> dict[str, Any]:
    """Rename a theme (``name``; null clears it) and/or describe it (``description``), with
    their audit entries; later analyses keep them (committee).

    A body with neither is refused: it would otherwise clear the committee's name.
    """
    given = body.model_fields_set & {"name", "description"}
    if not given:
        raise InvalidInput(
            "Nothing to change",
            hint='Send "name": a new name, or null to clear it; or "description".',
        )
    if "name" in given:
        theme_edits.rename(edit, theme_id, RenameIn(name=body.name))
    if "description" in given:
        theme_edits.describe(edit, theme_id, DescribeIn(description=body.description or ""))
    return _shown(session, edit.community, theme_id)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_theme(body: CreateIn, edit: Editing, session: SessionDep) -> dict[str, Any]:
    """A new theme from a name, a description and example answers (committee)."""
    return _shown(session, edit.community, theme_edits.create(edit, body))


@router.post("/{theme_id}/merge")
def merge_themes(
    theme_id: RowId, body: MergeIn, edit: Editing, session: SessionDep
) -> dict[str, Any]:
    """``other`` joins this theme, which keeps its id and name (committee)."""
    return _shown(session, edit.community, theme_edits.merge(edit, theme_id, body))


@router.post("/{theme_id}/split", status_code=status.HTTP_201_CREATED)
def split_theme(
    theme_id: RowId, body: SplitIn, edit: Editing, session: SessionDep
) -> dict[str, Any]:
    """The picked answers leave this theme for a new one; the new theme (committee)."""
    return _shown(session, edit.community, theme_edits.split(edit, theme_id, body))


@router.post("/{theme_id}/move")
def move_answer(
    theme_id: RowId, body: MoveIn, edit: Editing, session: SessionDep
) -> dict[str, Any]:
    """One answer leaves this theme for ``to_theme_id`` or for none (committee)."""
    theme_edits.move(edit, theme_id, body)
    return _shown(session, edit.community, theme_id)


@router.post("/{theme_id}/retire")
def retire_theme(theme_id: RowId, edit: Editing, session: SessionDep) -> dict[str, Any]:
    """The theme and its code end (committee); undo brings them back."""
    theme_edits.retire(edit, theme_id)
    return _shown(session, edit.community, theme_id)


@router.post("/{theme_id}/decision")
def decide_candidate(
    theme_id: RowId, body: DecisionIn, edit: Editing, session: SessionDep
) -> dict[str, Any]:
    """Adopt a new candidate into the codebook or ignore it (committee); remembered."""
    theme_edits.decide(edit, theme_id, body)
    return _shown(session, edit.community, theme_id)


@router.post("/{theme_id}/undo")
def undo_edit(theme_id: RowId, edit: Editing) -> dict[str, Any]:
    """Undo the last edit of this theme (committee): what was undone and the themes it
    touched."""
    return theme_undo.undo(edit, theme_id)


@router.get("/{theme_id}/history")
def theme_history(
    theme_id: RowId, community: ViewerCommunity, session: SessionDep, principal: PrincipalDep
) -> list[dict[str, Any]]:
    """The theme's edits, newest first: who, when, what, before and after (viewer; example
    answers only for the committee and up)."""
    return without_answer_text(theme_journal.history(session, community, theme_id), principal.role)


@router.get("/{theme_id}/answers")
def theme_answers(
    theme_id: RowId, community: CommitteeCommunity, session: SessionDep
) -> list[dict[str, Any]]:
    """The answers coded to the theme, best evidence first (committee: members' words), to
    pick from for a split, a move or a new theme."""
    theme = themes.get(session, community, theme_id)
    return codebook_rows.answers_of(session, theme.id)
