"""The theme editor's forms and the codebook page (committee and up to act; viewers read).

Every form calls the use case its API route calls (:mod:`service.committee.theme_edits`), with
the same typed input, the same role (committee or above, checked by :data:`CommitteeForm`) and
the same actor, so the audit log cannot tell a page from the API apart. Each action redirects
back to the theme (post/redirect/get) with a notice.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from service.codebook.schemas import (
    CreateIn,
    DecisionIn,
    DescribeIn,
    MergeIn,
    MoveIn,
    RenameIn,
    SplitIn,
)
from service.committee import codebook, theme_edits, theme_undo
from service.deps import EngineDep, SessionDep
from service.errors import InvalidInput
from service.privacy.thresholds import may_read_answers, without_answer_text
from service.storage.repositories import themes
from service.storage.tables import Theme
from service.web.common import CommitteeForm, PageActor, PageCommunity, PagePrincipal, PageRoute
from service.web.common import render as render_page

router = APIRouter(include_in_schema=False, route_class=PageRoute)
ThemeId = Annotated[int, Path(ge=1, le=2**31 - 1)]
DONE = {
    "rename": "Renamed. The new name shows everywhere the theme is named.",
    "describe": "Description saved in the codebook.",
    "merge": "Merged: the other theme's answers are in this one now.",
    "split": "Split: the picked answers form this new theme.",
    "create": "Created from the picked answers; they keep their other themes too.",
    "move": "Answer moved. Later analyses keep the move.",
    "retire": "Retired. Undo brings it back.",
    "undo": "Undone.",
    "adopt": "Adopted into the codebook.",
    "ignore": "Ignored: it will not come back as new.",
}


def page_editing(
    community: CommitteeForm, engine: EngineDep, principal: PageActor
) -> theme_edits.Editing:
    """A committee member (or above) editing from a page: the same actor as in the API."""
    return theme_edits.editing_as(engine, community, principal)


PageEditing = Annotated[theme_edits.Editing, Depends(page_editing)]


def _back(edit: theme_edits.Editing, theme_id: int, done: str) -> Response:
    slug = edit.community.slug
    return RedirectResponse(f"/c/{slug}/themes/{theme_id}?done={done}#editor", status_code=303)


@router.post("/c/{slug}/themes/{theme_id}/rename")
def rename(theme_id: ThemeId, edit: PageEditing, name: Annotated[str, Form()] = "") -> Response:
    """Give the theme a name (empty: back to the generated label)."""
    theme_edits.rename(edit, theme_id, RenameIn(name=name or None))
    return _back(edit, theme_id, "rename")


@router.post("/c/{slug}/themes/{theme_id}/describe")
def describe(
    theme_id: ThemeId, edit: PageEditing, description: Annotated[str, Form()] = ""
) -> Response:
    """Say what the theme is about, in the committee's words."""
    theme_edits.describe(edit, theme_id, DescribeIn(description=description))
    return _back(edit, theme_id, "describe")


@router.post("/c/{slug}/themes/{theme_id}/merge")
def merge(
    theme_id: ThemeId,
    edit: PageEditing,
    other: Annotated[int, Form()],
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """The other theme joins this one (confirmed)."""
    if confirm != "yes":
        raise InvalidInput(
            "Confirm the merge", hint="Tick the box that confirms which theme joins which."
        )
    kept = theme_edits.merge(edit, theme_id, MergeIn(other=other))
    return _back(edit, kept, "merge")


@router.post("/c/{slug}/themes/{theme_id}/pick")
def picked(
    theme_id: ThemeId,
    edit: PageEditing,
    session: SessionDep,
    action: Annotated[Literal["split", "create"], Form()],
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    answer_ids: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """The picked answers leave the theme for a new one (split), or form a new theme and keep
    this one too (create)."""
    if not answer_ids:
        raise InvalidInput("Pick at least one answer", hint="Tick the answers, then name them.")
    if not name.strip():
        raise InvalidInput("Name the new theme", hint="Write the new theme's name.")
    fields = {"answer_ids": answer_ids, "name": name, "description": description}
    if action == "split":
        new = theme_edits.split(edit, theme_id, SplitIn.model_validate(fields))
    else:
        question = themes.get(session, edit.community, theme_id).question_id
        new = theme_edits.create(edit, CreateIn.model_validate({**fields, "question_id": question}))
    return _back(edit, new, action)


@router.post("/c/{slug}/themes/{theme_id}/move")
def move(
    theme_id: ThemeId,
    edit: PageEditing,
    answer_id: Annotated[int, Form()],
    to_theme_id: Annotated[str, Form()] = "",
) -> Response:
    """One answer leaves the theme for another, or for none (empty)."""
    target = int(to_theme_id) if to_theme_id.strip() else None
    theme_edits.move(edit, theme_id, MoveIn(answer_id=answer_id, to_theme_id=target))
    return _back(edit, theme_id, "move")


@router.post("/c/{slug}/themes/{theme_id}/retire")
def retire(theme_id: ThemeId, edit: PageEditing, confirm: Annotated[str, Form()] = "") -> Response:
    """The theme ends, and its code (confirmed)."""
    if confirm != "yes":
        raise InvalidInput("Confirm retiring the theme", hint="Tick the box, then retire.")
    theme_edits.retire(edit, theme_id)
    return _back(edit, theme_id, "retire")


@router.post("/c/{slug}/themes/{theme_id}/decision")
def decide(
    theme_id: ThemeId, edit: PageEditing, decision: Annotated[Literal["adopt", "ignore"], Form()]
) -> Response:
    """Adopt a new candidate into the codebook, or ignore it."""
    theme_edits.decide(edit, theme_id, DecisionIn(decision=decision))
    return _back(edit, theme_id, decision)


@router.post("/c/{slug}/themes/{theme_id}/undo")
def undo(theme_id: ThemeId, edit: PageEditing, session: SessionDep) -> Response:
    """Undo the theme's last edit; a theme the edit created is gone, so back to the codebook."""
    theme_undo.undo(edit, theme_id)
    if session.get(Theme, theme_id) is None:  # an undone split or create
        slug = edit.community.slug
        return RedirectResponse(f"/c/{slug}/codebook?done=undo", status_code=303)
    return _back(edit, theme_id, "undo")


@router.post("/c/{slug}/codebook/merge")
def merge_candidate(
    edit: PageEditing, into: Annotated[int, Form()], other: Annotated[int, Form()]
) -> Response:
    """A new candidate joins a code's theme (remembered as merged)."""
    theme_edits.merge(edit, into, MergeIn(other=other))
    return RedirectResponse(f"/c/{edit.community.slug}/codebook?done=merge", status_code=303)


@router.get("/c/{slug}/codebook", response_class=HTMLResponse)
def codebook_page(
    request: Request,
    community: PageCommunity,
    session: SessionDep,
    principal: PagePrincipal,
    done: str | None = None,
) -> HTMLResponse:
    """The codebook: the committee's codes, and the candidates to adopt, merge or ignore."""
    shown = codebook.shown(session, community, examples=may_read_answers(principal.role))
    codes = [c for c in shown["codes"] if c["theme_id"] is not None]
    return render_page(
        request,
        "codebook.html",
        community=community,
        principal=principal,
        current="codebook",
        codes=without_answer_text(shown["codes"], principal.role),
        candidates=shown["candidates"],
        targets=codes,
        notice=DONE.get(done or ""),
    )
