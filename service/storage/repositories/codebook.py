"""Queries about the codebook and the theme editor: codes, decisions, moves, audit, answers.

Rows only: what an edit decides is worked out by :mod:`service.committee.theme_edits` and
:mod:`service.committee.codebook`, which write through these functions in one write unit.
They flush; the write unit commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from service.storage.repositories import themes as theme_rows
from service.storage.tables import (
    Answer,
    AnswerPin,
    AnswerTheme,
    AuditEntry,
    Code,
    CodebookDecision,
    EmbeddingCache,
    Question,
    Theme,
    Unit,
    utcnow,
)

THEME_TARGET = "theme:{}"


def codes(
    session: Session,
    community_id: int,
    *,
    question_id: int | None = None,
    every_scope: bool = False,
    status: str | None = "active",
) -> list[Code]:
    """The community's codes by id: of one scope (``question_id`` None: community-wide), or of
    every scope; ``status`` None: retired ones too."""
    query = select(Code).where(Code.community_id == community_id).order_by(Code.id)
    if not every_scope:
        query = query.where(
            Code.question_id.is_(None) if question_id is None else Code.question_id == question_id
        )
    if status is not None:
        query = query.where(Code.status == status)
    return list(session.scalars(query))


def code_of(session: Session, theme_id: int) -> Code | None:
    """The active code a theme carries, if any."""
    return session.scalar(
        select(Code).where(Code.theme_id == theme_id, Code.status == "active").order_by(Code.id)
    )


def codes_by_theme(session: Session, community_id: int) -> dict[int, Code]:
    """The active codes of the community by the theme that carries each."""
    rows = codes(session, community_id, every_scope=True)
    return {code.theme_id: code for code in rows if code.theme_id is not None}


def add_code(session: Session, community_id: int, **fields: Any) -> Code:
    """Store a new code (with its id)."""
    code = Code(community_id=community_id, **fields)
    session.add(code)
    session.flush()
    return code


def touch(code: Code, **fields: Any) -> None:
    """Change a code's fields and its ``updated_at``."""
    for name, value in fields.items():
        setattr(code, name, value)
    code.updated_at = utcnow()


def decisions(session: Session, community_id: int) -> list[CodebookDecision]:
    """The committee's decisions on candidate themes, oldest first."""
    return list(
        session.scalars(
            select(CodebookDecision)
            .where(CodebookDecision.community_id == community_id)
            .order_by(CodebookDecision.id)
        )
    )


def add_decision(session: Session, community_id: int, **fields: Any) -> CodebookDecision:
    """Store a decision on a candidate theme."""
    row = CodebookDecision(community_id=community_id, **fields)
    session.add(row)
    session.flush()
    return row


def delete_decisions(session: Session, theme_id: int) -> None:
    """Forget the decisions on a theme (an undone adopt or ignore)."""
    session.execute(delete(CodebookDecision).where(CodebookDecision.theme_id == theme_id))


def pins(session: Session, community_id: int) -> list[AnswerPin]:
    """The committee's moves of single answers, oldest first."""
    return list(
        session.scalars(
            select(AnswerPin).where(AnswerPin.community_id == community_id).order_by(AnswerPin.id)
        )
    )


def add_pin(session: Session, community_id: int, **fields: Any) -> AnswerPin:
    """Store a move of an answer (with its id)."""
    pin = AnswerPin(community_id=community_id, **fields)
    session.add(pin)
    session.flush()
    return pin


def delete_pin(session: Session, pin_id: int) -> None:
    """Forget a move (an undone move)."""
    session.execute(delete(AnswerPin).where(AnswerPin.id == pin_id))


def audit_theme(
    session: Session,
    community_id: int,
    *,
    actor: str,
    action: str,
    theme_id: int,
    detail: dict[str, Any],
) -> AuditEntry:
    """One audit-log entry about a theme (``created_at`` says when)."""
    entry = AuditEntry(
        community_id=community_id,
        actor=actor[:64],
        action=action,
        target=THEME_TARGET.format(theme_id),
        detail=detail,
    )
    session.add(entry)
    session.flush()
    return entry


def history(session: Session, community_id: int, theme_id: int) -> list[AuditEntry]:
    """Every audit entry about a theme, oldest first."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.community_id == community_id,
                AuditEntry.target == THEME_TARGET.format(theme_id),
            )
            .order_by(AuditEntry.id)
        )
    )


def edits_of(session: Session, community_id: int, edit: str) -> list[AuditEntry]:
    """The audit entries of one edit (an edit touching two themes logs on each)."""
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.community_id == community_id, AuditEntry.action.like("theme.%"))
        .order_by(AuditEntry.id)
    )
    return [row for row in rows if (row.detail or {}).get("edit") == edit]


def undone_edits(session: Session, community_id: int) -> set[str]:
    """The edits that were undone."""
    rows = session.scalars(
        select(AuditEntry.detail).where(
            AuditEntry.community_id == community_id, AuditEntry.action == "theme.undo"
        )
    )
    return {str(detail.get("undid")) for detail in rows if detail}


def answer_codes(session: Session, theme_id: int) -> list[AnswerTheme]:
    """The answers coded to a theme, best evidence first."""
    return list(
        session.scalars(
            select(AnswerTheme)
            .where(AnswerTheme.theme_id == theme_id)
            .order_by(AnswerTheme.score.desc(), AnswerTheme.answer_id)
        )
    )


def answers_of(session: Session, theme_id: int, *, limit: int = 200) -> list[dict[str, Any]]:
    """The answers coded to a theme with their text, best evidence first."""
    rows = session.execute(
        select(Answer.id, Answer.text, AnswerTheme.score, Question.text)
        .join(AnswerTheme, AnswerTheme.answer_id == Answer.id)
        .join(Question, Question.id == Answer.question_id)
        .where(AnswerTheme.theme_id == theme_id)
        .order_by(AnswerTheme.score.desc(), Answer.id)
        .limit(limit)
    )
    return [
        {"id": answer, "text": text or "", "score": round(float(score), 3), "question": question}
        for answer, text, score, question in rows
    ]


def answer_texts(session: Session, community_id: int, answer_ids: Sequence[int]) -> dict[int, str]:
    """The (redacted) text of each of the community's answers, by id."""
    if not answer_ids:
        return {}
    rows = session.execute(
        select(Answer.id, Answer.text).where(
            Answer.community_id == community_id, Answer.id.in_(sorted(set(answer_ids)))
        )
    )
    return {answer: text or "" for answer, text in rows}


def answer_text_ids(session: Session, community_id: int, texts: Sequence[str]) -> dict[str, int]:
    """The first answer of the community with each of ``texts``, by text."""
    if not texts:
        return {}
    rows = session.execute(
        select(Answer.text, Answer.id)
        .where(Answer.community_id == community_id, Answer.text.in_(sorted(set(texts))))
        .order_by(Answer.id)
    )
    found: dict[str, int] = {}
    for text, answer in rows:
        found.setdefault(str(text), int(answer))
    return found


def code_rows(session: Session, theme_id: int, answer_ids: Sequence[int]) -> list[AnswerTheme]:
    """A theme's codes of some answers."""
    return list(
        session.scalars(
            select(AnswerTheme).where(
                AnswerTheme.theme_id == theme_id, AnswerTheme.answer_id.in_(list(answer_ids))
            )
        )
    )


def coded_answers(session: Session, theme_id: int) -> set[int]:
    """The answers coded to a theme."""
    return set(
        session.scalars(select(AnswerTheme.answer_id).where(AnswerTheme.theme_id == theme_id))
    )


def put_codes(session: Session, community_id: int, rows: Sequence[dict[str, Any]]) -> None:
    """Code answers to themes (``answer_id``, ``theme_id``, ``score``, ``evidence_unit_id``),
    skipping pairs already coded (one query for the themes involved, one insert)."""
    if not rows:
        return
    themes = sorted({int(row["theme_id"]) for row in rows})
    existing = set(
        session.execute(
            select(AnswerTheme.answer_id, AnswerTheme.theme_id).where(
                AnswerTheme.theme_id.in_(themes)
            )
        )
        .tuples()
        .all()
    )
    new, seen = [], set()
    for row in rows:
        key = (int(row["answer_id"]), int(row["theme_id"]))
        if key not in existing and key not in seen:
            seen.add(key)
            new.append({"community_id": community_id, **row})
    if new:
        session.execute(insert(AnswerTheme), new)
    session.flush()


def drop_codes(session: Session, theme_id: int, answer_ids: Sequence[int]) -> None:
    """Uncode answers from a theme."""
    session.execute(
        delete(AnswerTheme).where(
            AnswerTheme.theme_id == theme_id, AnswerTheme.answer_id.in_(list(answer_ids))
        )
    )


def units_of(session: Session, theme_id: int, answer_ids: Sequence[int] | None = None) -> list[int]:
    """The units assigned to a theme (of some answers only, when given)."""
    query = select(Unit.id).where(Unit.theme_id == theme_id)
    if answer_ids is not None:
        query = query.where(Unit.response_id.in_(list(answer_ids)))
    return list(session.scalars(query.order_by(Unit.id)))


def set_unit_theme(session: Session, unit_ids: Sequence[int], theme_id: int | None) -> None:
    """Assign units to a theme (None: to no theme)."""
    if unit_ids:
        session.execute(update(Unit).where(Unit.id.in_(list(unit_ids))).values(theme_id=theme_id))


def unit_hashes(session: Session, answer_ids: Sequence[int]) -> list[str]:
    """The text hashes of the answers' units (their cached embeddings' keys)."""
    if not answer_ids:
        return []
    return list(session.scalars(select(Unit.text_hash).where(Unit.response_id.in_(answer_ids))))


def scope_themes(session: Session, community_id: int, question_id: int | None) -> list[Theme]:
    """Active fine themes of a scope (community-wide, or one question's)."""
    return theme_rows.active(session, community_id, question_id=question_id)


def questions_by_text(session: Session, community_id: int) -> dict[str, int]:
    """The community's questions' ids by text."""
    rows = session.execute(
        select(Question.text, Question.id).where(Question.community_id == community_id)
    )
    return {str(text): int(id_) for text, id_ in rows.tuples()}


def question_texts(session: Session, community_id: int) -> dict[int, str]:
    """The community's questions' texts by id."""
    return {id_: text for text, id_ in questions_by_text(session, community_id).items()}


def embedding_models(session: Session, text_hashes: Sequence[str]) -> list[str]:
    """The model of every cached embedding of ``text_hashes`` (one entry per embedding)."""
    if not text_hashes:
        return []
    return list(
        session.scalars(
            select(EmbeddingCache.model).where(EmbeddingCache.text_hash.in_(list(text_hashes)))
        )
    )


def audit_codebook(
    session: Session, community_id: int, *, actor: str, action: str, detail: dict[str, Any]
) -> None:
    """One audit-log entry about the codebook as a whole (an import, a replacement)."""
    session.add(
        AuditEntry(
            community_id=community_id,
            actor=actor[:64],
            action=action,
            target="codebook",
            detail=detail,
        )
    )
    session.flush()


def question_codes_of(session: Session, community_id: int) -> tuple[dict[int, int], dict[int, int]]:
    """The questions' own themes the community's answers are coded to: by evidence unit (the
    theme whose best evidence a unit is, best score first) and by answer (the best-coded
    theme)."""
    by_unit: dict[int, tuple[float, int]] = {}
    by_answer: dict[int, tuple[float, int]] = {}
    rows = session.execute(
        select(
            AnswerTheme.answer_id,
            AnswerTheme.evidence_unit_id,
            AnswerTheme.theme_id,
            AnswerTheme.score,
        )
        .join(Theme, Theme.id == AnswerTheme.theme_id)
        .where(AnswerTheme.community_id == community_id, Theme.question_id.is_not(None))
    )
    for answer, unit, theme, score in rows:
        for found, key in ((by_answer, answer), (by_unit, unit)):
            if key is not None and (key not in found or score > found[key][0]):
                found[key] = (float(score), int(theme))
    return (
        {unit: theme for unit, (_, theme) in by_unit.items()},
        {answer: theme for answer, (_, theme) in by_answer.items()},
    )
