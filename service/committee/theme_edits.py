"""The committee's theme editor: rename, describe, merge, split, move, create, retire, undo.

Each action is written once, here, and called by the API (``service/api/routes/codebook.py``,
``service/api/routes/themes.py``) and the dashboard (``service/web/pages/codebook.py``) with
the same typed input (:mod:`service.codebook.schemas`) and the same actor, so the audit log
cannot tell them apart. Each action is one all-or-nothing write unit
(:func:`service.storage.db.write_with_retries`) and leaves one audit entry per theme it touches
(``theme.rename``, ``theme.merge``...) with who, when, the theme before and after, and what undo
needs (``detail["undo"]``, see :mod:`~service.committee.theme_journal`);
:func:`service.committee.theme_undo.undo` reverses the last edit of a theme not undone yet.

How a theme becomes a code of the codebook: every theme the committee edits (renames,
describes, merges into, splits, moves answers into or out of, creates, adopts) carries a code
from then on (:func:`ensure_code`), named as the theme is named, with the committee's
description and up to :data:`EXAMPLES` example answers (those it picked, else the theme's
best-coded answers). A merged-away or retired theme's code retires with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.codebook.schemas import (
    CreateIn,
    DecisionIn,
    DescribeIn,
    MergeIn,
    MoveIn,
    RenameIn,
    SplitIn,
)
from service.committee import theme_journal as journal_rows
from service.committee.actions import actor_of
from service.errors import Conflict, InvalidInput, NotFound
from service.storage import db
from service.storage.repositories import codebook as rows
from service.storage.repositories import themes as theme_rows
from service.storage.repositories.auth import Principal
from service.storage.tables import Code, Community, Theme, utcnow
from service.themes.naming import display_name

EXAMPLES = 5  # example answers a code keeps
T = TypeVar("T")


@dataclass(frozen=True)
class Editing:
    """Who edits which community's themes, and the engine the edit writes through."""

    engine: Engine
    community: Community
    actor: str


def editing_as(engine: Engine, community: Community, principal: Principal) -> Editing:
    """How the API, the pages and the CLI build :class:`Editing` after their role check."""
    return Editing(engine=engine, community=community, actor=actor_of(principal))


def _theme(session: Session, editing: Editing, theme_id: int, *, active: bool = True) -> Theme:
    theme = theme_rows.get(session, editing.community, theme_id)
    if active and theme.status != "active":
        raise Conflict(
            f"Theme {theme_id} is {theme.status}",
            hint="Only active themes can be edited; undo the edit that ended it first.",
        )
    if theme.level != "fine":
        raise InvalidInput(
            f"Theme {theme_id} is a parent theme",
            hint="Edit the themes it gathers; parent themes follow them at the next analysis.",
        )
    return theme


def ensure_code(session: Session, theme: Theme, journal: journal_rows.Journal) -> Code:
    """The theme's code, made now if it has none (see the module)."""
    code = rows.code_of(session, theme.id)
    if code is not None:
        return code
    parent = session.get(Theme, theme.parent_id) if theme.parent_id else None
    examples = [a["text"] for a in rows.answers_of(session, theme.id, limit=EXAMPLES)]
    code = rows.add_code(
        session,
        theme.community_id,
        question_id=theme.question_id,
        theme_id=theme.id,
        name=display_name(theme),
        description="",
        examples=examples,
        parent=display_name(parent) if parent is not None else None,
    )
    journal.created_codes.append(code.id)
    return code


def _before(session: Session, journal: journal_rows.Journal, *themes: Theme) -> None:
    for theme in themes:
        journal.themes.setdefault(str(theme.id), journal_rows.snapshot(session, theme))


def _log(
    session: Session,
    editing: Editing,
    action: str,
    journal: journal_rows.Journal,
    themes: Sequence[Theme],
    extra: dict[str, Any] | None = None,
) -> str:
    """One audit entry per theme touched, with the same edit key; the key."""
    edit = uuid.uuid4().hex
    after = {str(t.id): journal_rows.snapshot(session, t) for t in themes}
    for theme in themes:
        rows.audit_theme(
            session,
            editing.community.id,
            actor=editing.actor,
            action=f"theme.{action}",
            theme_id=theme.id,
            detail={
                "edit": edit,
                "themes": [t.id for t in themes],
                "before": journal.themes.get(str(theme.id)),
                "after": after[str(theme.id)],
                **(extra or {}),
                "undo": journal.as_dict(),
            },
        )
    return edit


def _write(editing: Editing, work: Callable[[Session], T]) -> T:
    return db.write_with_retries(editing.engine, work)


def rename(editing: Editing, theme_id: int, body: RenameIn) -> None:
    """Give a theme a name (None: back to the generated label); its code takes the name."""

    def work(session: Session) -> None:
        theme = _theme(session, editing, theme_id)
        journal = journal_rows.Journal()
        _before(session, journal, theme)
        shown = display_name(theme)
        theme.name = body.name
        journal_rows.follow_rename(session, theme, shown)
        rows.touch(ensure_code(session, theme, journal), name=display_name(theme))
        _log(session, editing, "rename", journal, [theme])

    _write(editing, work)


def describe(editing: Editing, theme_id: int, body: DescribeIn) -> None:
    """Say in the committee's words what a theme is about (its code's description)."""

    def work(session: Session) -> None:
        theme = _theme(session, editing, theme_id)
        journal = journal_rows.Journal()
        _before(session, journal, theme)
        rows.touch(ensure_code(session, theme, journal), description=body.description)
        _log(session, editing, "describe", journal, [theme])

    _write(editing, work)


def _same_scope(first: Theme, second: Theme) -> None:
    if first.question_id != second.question_id:
        raise InvalidInput(
            "The two themes belong to different scopes",
            hint="Merge or move within the community-wide themes, or within one question's.",
        )


def merge(editing: Editing, theme_id: int, body: MergeIn) -> int:
    """``body.other`` joins the theme, which keeps its id and name; the other's code retires
    (a candidate merged away is remembered as merged). The kept theme's id."""

    def work(session: Session) -> int:
        if body.other == theme_id:
            raise InvalidInput("A theme cannot be merged into itself", hint="Pick another.")
        kept = _theme(session, editing, theme_id)
        other = _theme(session, editing, body.other)
        _same_scope(kept, other)
        journal = journal_rows.Journal()
        _before(session, journal, kept, other)
        ensure_code(session, kept, journal)
        journal_rows.move_codes(session, journal, other, kept)
        _end(session, other, "merged", merged_into=kept.id)
        _decide(session, editing, journal, other, "merged")
        _log(session, editing, "merge", journal, [kept, other], {"merged": other.id})
        return kept.id

    return _write(editing, work)


def _end(session: Session, theme: Theme, status: str, **event: Any) -> None:
    theme.status = status
    theme.lineage = [
        *(theme.lineage or []),
        {"job": None, "status": status, "by": "committee", "at": utcnow().isoformat(), **event},
    ]
    code = rows.code_of(session, theme.id)
    if code is not None:
        rows.touch(code, status="retired")


def _decide(
    session: Session, editing: Editing, journal: journal_rows.Journal, theme: Theme, decision: str
) -> None:
    rows.add_decision(
        session,
        editing.community.id,
        theme_id=theme.id,
        question_id=theme.question_id,
        decision=decision,
        label=display_name(theme),
        centroid=theme.centroid,
        actor=editing.actor,
    )
    journal.decided.append(theme.id)


def _new_theme(
    session: Session, editing: Editing, name: str, question_id: int | None, centroid: bytes
) -> Theme:
    theme = Theme(
        community_id=editing.community.id,
        question_id=question_id,
        level="fine",
        label=name,
        name=name,
        keywords=[],
        centroid=centroid,
        status="active",
        lineage=[{"job": None, "status": "created", "by": "committee", "at": utcnow().isoformat()}],
        suppressed=True,  # no figure until an analysis counts it against the minimum group
    )
    session.add(theme)
    session.flush()
    return theme


def _picked(session: Session, editing: Editing, answer_ids: Sequence[int]) -> dict[int, str]:
    texts = rows.answer_texts(session, editing.community.id, answer_ids)
    missing = sorted(set(answer_ids) - set(texts))
    if missing:
        raise NotFound(
            f"No answer {missing[0]} in this community",
            hint="Pick answers listed on the theme's page.",
        )
    return texts


def split(editing: Editing, theme_id: int, body: SplitIn) -> int:
    """The picked answers leave the theme for a new theme named by the committee; both carry
    codes from then on. The new theme's id."""

    def work(session: Session) -> int:
        source = _theme(session, editing, theme_id)
        texts = _picked(session, editing, body.answer_ids)
        coded = rows.coded_answers(session, source.id)
        outside = sorted(set(body.answer_ids) - coded)
        if outside:
            raise InvalidInput(
                f"Answer {outside[0]} is not coded to theme {theme_id}",
                hint="Split off answers of the theme itself.",
            )
        journal = journal_rows.Journal()
        _before(session, journal, source)
        centroid = journal_rows.centroid_of(session, body.answer_ids, source.centroid)
        new = _new_theme(session, editing, body.name, source.question_id, centroid)
        journal.created_themes.append(new.id)
        ensure_code(session, source, journal)
        journal_rows.move_codes(session, journal, source, new, body.answer_ids)
        code = ensure_code(session, new, journal)
        rows.touch(code, description=body.description, examples=_examples(texts, body.answer_ids))
        _log(session, editing, "split", journal, [source, new], {"new_theme": new.id})
        return new.id

    return _write(editing, work)


def _examples(texts: dict[int, str], answer_ids: Sequence[int]) -> list[str]:
    return [texts[a] for a in answer_ids if texts.get(a)][:EXAMPLES]


def create(editing: Editing, body: CreateIn) -> int:
    """A new theme from a name, a description and example answers, which are coded to it (and
    keep their other themes). The new theme's id."""

    def work(session: Session) -> int:
        texts = _picked(session, editing, body.answer_ids)
        if body.question_id is not None and body.question_id not in rows.question_texts(
            session, editing.community.id
        ):
            raise NotFound(
                f"No question {body.question_id} in this community",
                hint="Leave question_id out for a community-wide theme.",
            )
        centroid = journal_rows.centroid_of(session, body.answer_ids, None)
        journal = journal_rows.Journal()
        new = _new_theme(session, editing, body.name, body.question_id, centroid)
        journal.created_themes.append(new.id)
        code = ensure_code(session, new, journal)
        rows.touch(code, description=body.description, examples=_examples(texts, body.answer_ids))
        rows.put_codes(
            session,
            editing.community.id,
            [
                {"answer_id": a, "theme_id": new.id, "score": 1.0, "evidence_unit_id": None}
                for a in body.answer_ids
            ],
        )
        journal.added.append((new.id, sorted(set(body.answer_ids))))
        _log(session, editing, "create", journal, [new])
        return new.id

    return _write(editing, work)


def move(editing: Editing, theme_id: int, body: MoveIn) -> None:
    """One answer leaves the theme for another theme of its scope, or for none; later analyses
    keep the move (an answer pin)."""

    def work(session: Session) -> None:
        source = _theme(session, editing, theme_id)
        if body.answer_id not in rows.coded_answers(session, source.id):
            raise InvalidInput(
                f"Answer {body.answer_id} is not coded to theme {theme_id}",
                hint="Move an answer listed on the theme's page.",
            )
        target = None
        if body.to_theme_id is not None:
            target = _theme(session, editing, body.to_theme_id)
            _same_scope(source, target)
        journal = journal_rows.Journal()
        _before(session, journal, *(t for t in (source, target) if t is not None))
        ensure_code(session, source, journal)
        if target is not None:
            ensure_code(session, target, journal)
        journal_rows.move_codes(session, journal, source, target, [body.answer_id])
        pin = rows.add_pin(
            session,
            editing.community.id,
            answer_id=body.answer_id,
            from_theme_id=source.id,
            to_theme_id=target.id if target is not None else None,
        )
        journal.pins.append(pin.id)
        touched = [source] + ([target] if target is not None else [])
        _log(session, editing, "move", journal, touched, {"answer_id": body.answer_id})

    _write(editing, work)


def retire(editing: Editing, theme_id: int) -> None:
    """The theme ends (status ``retired``) and its code with it; its answers keep their other
    themes."""

    def work(session: Session) -> None:
        theme = _theme(session, editing, theme_id)
        journal = journal_rows.Journal()
        _before(session, journal, theme)
        _end(session, theme, "retired")
        _log(session, editing, "retire", journal, [theme])

    _write(editing, work)


def decide(editing: Editing, theme_id: int, body: DecisionIn) -> None:
    """Adopt a new candidate into the codebook, or ignore it (it will not come back as new)."""

    def work(session: Session) -> None:
        theme = _theme(session, editing, theme_id)
        journal = journal_rows.Journal()
        _before(session, journal, theme)
        if body.decision == "adopt":
            ensure_code(session, theme, journal)
            _decide(session, editing, journal, theme, "adopted")
        else:
            if rows.code_of(session, theme.id) is not None:
                raise Conflict(
                    f"Theme {theme_id} is in the codebook",
                    hint="Retire it to take it out of the codebook.",
                )
            _decide(session, editing, journal, theme, "ignored")
        _log(session, editing, body.decision, journal, [theme])

    _write(editing, work)
