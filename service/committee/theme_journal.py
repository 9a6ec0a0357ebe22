"""What a theme edit changed, and how to put it back: the journal an edit keeps in its audit
entries (``detail["undo"]``), the snapshot of a theme before and after, the moves of answers
between themes that edits share, and a theme's history as the API and the pages show it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from service.agenda.phrasing import theme_title
from service.storage.repositories import codebook as rows
from service.storage.repositories import suggestions as suggestion_rows
from service.storage.repositories import themes as theme_rows
from service.storage.repositories import units as unit_rows
from service.storage.tables import AnswerTheme, Code, Community, Theme
from service.themes.naming import display_name


@dataclass
class Journal:
    """What an edit changed, so that :func:`undo` can put it back."""

    themes: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> snapshot before
    units: list[tuple[list[int], int | None]] = field(default_factory=list)  # (ids, theme before)
    removed: list[tuple[int, list[dict[str, Any]]]] = field(default_factory=list)  # codes dropped
    added: list[tuple[int, list[int]]] = field(default_factory=list)  # (theme, answers coded)
    created_codes: list[int] = field(default_factory=list)
    created_themes: list[int] = field(default_factory=list)
    pins: list[int] = field(default_factory=list)
    decided: list[int] = field(default_factory=list)  # themes with a new decision

    def as_dict(self) -> dict[str, Any]:
        """JSON form (stored in the audit entry)."""
        return {
            "themes": self.themes,
            "units": [[ids, theme] for ids, theme in self.units],
            "removed": [[theme, codes] for theme, codes in self.removed],
            "added": [[theme, answers] for theme, answers in self.added],
            "created_codes": self.created_codes,
            "created_themes": self.created_themes,
            "pins": self.pins,
            "decided": self.decided,
        }


def _code_state(code: Code | None) -> dict[str, Any] | None:
    if code is None:
        return None
    return {
        "id": code.id,
        "name": code.name,
        "description": code.description,
        "examples": list(code.examples or ()),
        "parent": code.parent,
        "status": code.status,
        "theme_id": code.theme_id,
    }


def snapshot(session: Session, theme: Theme) -> dict[str, Any]:
    """A theme as the audit log shows it before or after an edit."""
    return {
        "name": theme.name,
        "label": theme.label,
        "shown_as": display_name(theme),
        "status": theme.status,
        "code": _code_state(rows.code_of(session, theme.id)),
    }


def move_codes(
    session: Session,
    journal: Journal,
    source: Theme,
    target: Theme | None,
    answer_ids: Sequence[int] | None = None,
) -> list[int]:
    """Answers (all of ``source``'s, or some) leave ``source`` for ``target`` (None: no theme),
    units and codes; the answers moved."""
    codes = (
        rows.answer_codes(session, source.id)
        if answer_ids is None
        else rows.code_rows(session, source.id, answer_ids)
    )
    moved = sorted({c.answer_id for c in codes})
    units = rows.units_of(session, source.id, moved)
    journal.units.append((units, source.id))
    rows.set_unit_theme(session, units, target.id if target is not None else None)
    journal.removed.append((source.id, [_code_row(c) for c in codes]))
    rows.drop_codes(session, source.id, moved)
    if target is not None:
        already = rows.coded_answers(session, target.id)
        new = [c for c in codes if c.answer_id not in already]
        rows.put_codes(
            session,
            source.community_id,
            [{**_code_row(c), "theme_id": target.id} for c in new],
        )
        journal.added.append((target.id, sorted({c.answer_id for c in new})))
    return moved


def _code_row(code: AnswerTheme) -> dict[str, Any]:
    return {
        "answer_id": code.answer_id,
        "theme_id": code.theme_id,
        "score": code.score,
        "evidence_unit_id": code.evidence_unit_id,
    }


def centroid_of(session: Session, answer_ids: Sequence[int], like: bytes | None) -> bytes:
    """The mean of the answers' cached unit embeddings (the model most of them have)."""
    hashes = rows.unit_hashes(session, answer_ids)
    models = Counter(rows.embedding_models(session, hashes))
    size = len(like) if like else 0
    for model, _ in models.most_common():
        blobs = list(unit_rows.vectors(session, model, hashes).values())
        if blobs and (not size or len(blobs[0]) == size):
            vectors = np.stack([np.frombuffer(b, dtype=np.float32) for b in blobs])
            mean = vectors.mean(axis=0)
            return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32).tobytes()
    return like or np.zeros(384, dtype=np.float32).tobytes()


def reverse(session: Session, undo: dict[str, Any]) -> None:
    """Put back what an edit changed (its :class:`Journal`), last change first."""
    for ids, theme in reversed(undo.get("units", [])):
        rows.set_unit_theme(session, ids, theme)
    for theme, answers in undo.get("added", []):
        rows.drop_codes(session, theme, answers)
    for theme, codes in undo.get("removed", []):
        rows.put_codes(session, session.get_one(Theme, theme).community_id, codes)
    for pin in undo.get("pins", []):
        rows.delete_pin(session, pin)
    for theme in undo.get("decided", []):
        rows.delete_decisions(session, theme)
    for code_id in undo.get("created_codes", []):
        code = session.get(Code, code_id)
        if code is not None:
            session.delete(code)
    for theme_id, before in undo.get("themes", {}).items():
        _restore(session, int(theme_id), before)
    session.flush()
    for theme_id in undo.get("created_themes", []):
        theme = session.get(Theme, theme_id)
        if theme is not None:
            session.delete(theme)
    session.flush()


def follow_rename(session: Session, theme: Theme, before: str) -> None:
    """Suggestions made from the theme under its name ``before`` take its name now."""
    suggestion_rows.retitle(
        session, theme.community_id, theme.id, theme_title(before), theme_title(display_name(theme))
    )


def _restore(session: Session, theme_id: int, before: dict[str, Any]) -> None:
    theme = session.get_one(Theme, theme_id)
    shown = display_name(theme)
    theme.name = before.get("name")
    follow_rename(session, theme, shown)
    if theme.status != before.get("status"):
        theme.status = str(before.get("status"))
        theme.lineage = [*(theme.lineage or []), {"job": None, "status": "restored"}]
    state = before.get("code")
    if state is not None:
        code = session.get(Code, state["id"])
        if code is not None:
            fields = {k: v for k, v in state.items() if k != "id"}
            rows.touch(code, **fields)


def history(session: Session, community: Community, theme_id: int) -> list[dict[str, Any]]:
    """A theme's edits, newest first: who, when, what, before and after, and whether undone."""
    theme_rows.get(session, community, theme_id)
    entries = rows.history(session, community.id, theme_id)
    undone = rows.undone_edits(session, community.id)
    return [
        {
            "id": entry.id,
            "action": entry.action.removeprefix("theme."),
            "actor": entry.actor,
            "at": entry.created_at.isoformat(),
            "before": (entry.detail or {}).get("before"),
            "after": (entry.detail or {}).get("after"),
            "themes": (entry.detail or {}).get("themes", [theme_id]),
            "undone": str((entry.detail or {}).get("edit")) in undone,
            **({"undid": entry.detail.get("action")} if entry.action == "theme.undo" else {}),
        }
        for entry in reversed(entries)
    ]
