"""The codebook as a whole: read it, replace it (``PUT …/codebook``, ``codebook import``), and
the new candidate themes the committee has not decided on yet.

A code is shown with its name, description, examples, question (its text; None: community-wide)
and parent, the theme that carries it (``theme_id``; None until the next analysis makes one for
an imported code) and its status. Replacing the codebook is all or nothing: codes are matched by
scope and name (case aside); a matched code takes the new description, examples and parent, a new
one is added (attached to the active theme of its scope with that name, if there is one), and an
active code not in the new codebook retires. Replacing it with the same codebook changes nothing.

A theme is a **candidate** ("new — not in the codebook") when its scope has a codebook, it
carries no code and the committee has not adopted, merged or ignored it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.codebook.csvfile import check_codebook
from service.codebook.schemas import CodebookIn, CodeIn
from service.committee.theme_edits import Editing
from service.errors import InvalidInput, Location
from service.storage import db
from service.storage.repositories import codebook as rows
from service.storage.tables import Code, Community, Theme
from service.themes.naming import display_name

FLAG_NEW = "new"  # "new — not in the codebook"


def code_entry(code: Code, questions: dict[int, str], *, examples: bool) -> dict[str, Any]:
    """A code as the API shows it (``examples``: False for viewers, who see no answer text)."""
    return {
        "id": code.id,
        "code": code.name,
        "description": code.description or "",
        "examples": list(code.examples or ()) if examples else [],
        "question": questions.get(code.question_id) if code.question_id else None,
        "question_id": code.question_id,
        "parent": code.parent,
        "theme_id": code.theme_id,
        "status": code.status,
    }


def as_inputs(session: Session, community: Community) -> list[CodeIn]:
    """The active codes as the CSV file and ``PUT`` take them."""
    questions = rows.question_texts(session, community.id)
    return [
        CodeIn(
            code=code.name,
            description=code.description or "",
            examples=list(code.examples or ()),
            question=questions.get(code.question_id) if code.question_id else None,
            parent=code.parent,
        )
        for code in rows.codes(session, community.id, every_scope=True)
    ]


def codebook_state(session: Session, community_id: int) -> dict[int, str]:
    """Each theme's place in the codebook by id: ``code``, ``new`` (a candidate), ``adopted``,
    ``merged`` or ``ignored``; themes of a scope without a codebook are not listed."""
    codes = rows.codes(session, community_id, every_scope=True)
    scopes = {code.question_id for code in codes}
    decided = {d.theme_id: d.decision for d in rows.decisions(session, community_id)}
    state: dict[int, str] = {}
    for scope in scopes:
        for theme in rows.scope_themes(session, community_id, scope):
            state[theme.id] = decided.get(theme.id, FLAG_NEW)
    for code in codes:
        if code.theme_id is not None:
            state[code.theme_id] = "code"
    return state


def candidates(session: Session, community: Community) -> list[dict[str, Any]]:
    """The new candidate themes, largest first (figures withheld as everywhere)."""
    state = codebook_state(session, community.id)
    questions = rows.question_texts(session, community.id)
    found = [
        session.get_one(Theme, theme_id) for theme_id, flag in state.items() if flag == FLAG_NEW
    ]
    found.sort(key=lambda t: (t.suppressed, -t.unit_count if not t.suppressed else 0, t.id))
    return [
        {
            "id": theme.id,
            "label": display_name(theme),
            "question": questions.get(theme.question_id) if theme.question_id else None,
            "units": None if theme.suppressed else theme.unit_count,
            "respondents": None if theme.suppressed else theme.member_count,
            "codebook": FLAG_NEW,
        }
        for theme in found
    ]


def shown(session: Session, community: Community, *, examples: bool) -> dict[str, Any]:
    """``GET …/codebook``: the active codes and the candidates."""
    questions = rows.question_texts(session, community.id)
    return {
        "codes": [
            code_entry(code, questions, examples=examples)
            for code in rows.codes(session, community.id, every_scope=True)
        ],
        "candidates": candidates(session, community),
    }


def _scope(questions: dict[str, int], code: CodeIn, row: int) -> int | None:
    if code.question is None:
        return None
    if code.question not in questions:
        raise InvalidInput(
            f"Row {row}: no question {code.question!r} in this community",
            location=Location(row=row, column="question"),
            hint="Copy the question's text exactly as the survey asks it, or leave the cell "
            "empty for a community-wide code.",
        )
    return questions[code.question]


def replace(editing: Editing, body: CodebookIn) -> dict[str, int]:
    """Make the codebook ``body`` (see the module); counts of codes added, updated, retired and
    unchanged."""
    check_codebook(body.codes)

    def work(session: Session) -> dict[str, int]:
        community_id = editing.community.id
        questions = rows.questions_by_text(session, community_id)
        scopes = [_scope(questions, code, i + 2) for i, code in enumerate(body.codes)]
        existing = {
            (c.question_id, c.name.casefold()): c
            for c in rows.codes(session, community_id, every_scope=True)
        }
        counts = {"added": 0, "updated": 0, "retired": 0, "unchanged": 0}
        seen = set()
        for code, scope in zip(body.codes, scopes, strict=True):
            key = (scope, code.code.casefold())
            seen.add(key)
            fields = {
                "name": code.code,
                "description": code.description,
                "examples": list(code.examples),
                "parent": code.parent,
            }
            found = existing.get(key)
            if found is None:
                theme = _theme_named(session, community_id, scope, code.code)
                rows.add_code(
                    session,
                    community_id,
                    question_id=scope,
                    theme_id=theme.id if theme is not None else None,
                    **fields,
                )
                counts["added"] += 1
            elif any(getattr(found, k) != v for k, v in fields.items()):
                rows.touch(found, **fields)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        for key, stored in existing.items():
            if key not in seen:
                rows.touch(stored, status="retired")
                counts["retired"] += 1
        if counts["added"] or counts["updated"] or counts["retired"]:
            rows.audit_codebook(
                session, community_id, actor=editing.actor, action="codebook.replace", detail=counts
            )
        return counts

    return db.write_with_retries(editing.engine, work)


def _theme_named(session: Session, community_id: int, scope: int | None, name: str) -> Theme | None:
    wanted = name.casefold()
    taken = {c.theme_id for c in rows.codes(session, community_id, every_scope=True)}
    for theme in rows.scope_themes(session, community_id, scope):
        if display_name(theme).casefold() == wanted and theme.id not in taken:
            return theme
    return None


def with_state(
    session: Session, community: Community, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Themes with their place in the codebook (``codebook``: ``code``, ``new`` (not in the
    codebook), ``adopted``, ``merged``, ``ignored`` or null without a codebook) and the
    committee's description."""
    state = codebook_state(session, community.id)
    codes = rows.codes_by_theme(session, community.id)
    return [
        {
            **item,
            "codebook": state.get(item["id"]),
            "description": codes[item["id"]].description if item["id"] in codes else "",
        }
        for item in items
    ]
