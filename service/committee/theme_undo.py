"""Undo the last edit of a theme (:mod:`service.committee.theme_edits`), from the journal its
audit entries keep (:mod:`service.committee.theme_journal`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.committee import theme_journal as journal_rows
from service.committee.theme_edits import Editing
from service.errors import Conflict
from service.storage import db
from service.storage.repositories import codebook as rows
from service.storage.repositories import themes as theme_rows


def _last_edit(session: Session, editing: Editing, theme_id: int) -> str | None:
    undone = rows.undone_edits(session, editing.community.id)
    for entry in reversed(rows.history(session, editing.community.id, theme_id)):
        key = str((entry.detail or {}).get("edit"))
        if entry.action != "theme.undo" and key not in undone:
            return key
    return None


def undo(editing: Editing, theme_id: int) -> dict[str, Any]:
    """Undo the last edit of the theme not undone yet; what was undone (``action``, ``themes``).

    An edit that touched two themes is undone only while it is the last edit of both.
    """

    def work(session: Session) -> dict[str, Any]:
        theme_rows.get(session, editing.community, theme_id)
        key = _last_edit(session, editing, theme_id)
        if key is None:
            raise Conflict(f"Theme {theme_id} has no edit to undo", hint="Nothing to undo.")
        entries = rows.edits_of(session, editing.community.id, key)
        themes = sorted({e.target for e in entries})
        for target in themes:
            other = int(target.split(":", 1)[1])
            if _last_edit(session, editing, other) != key:
                raise Conflict(
                    f"Theme {other} was edited after this edit",
                    hint=f"Undo the later edit of theme {other} first.",
                )
        journal_rows.reverse(session, entries[0].detail["undo"])
        action = entries[0].action.removeprefix("theme.")
        for entry in entries:
            rows.audit_theme(
                session,
                editing.community.id,
                actor=editing.actor,
                action="theme.undo",
                theme_id=int(entry.target.split(":", 1)[1]),
                detail={"undid": key, "action": action, "entry": entry.id},
            )
        return {"undid": action, "themes": [int(t.split(":", 1)[1]) for t in themes]}

    return db.write_with_retries(editing.engine, work)
