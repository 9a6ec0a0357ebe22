"""The coded answers export: each free-text answer with its file, row, themes and worry level."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.storage.tables import Answer, AnswerTheme, Import, Question, Submission, Theme, Unit
from service.themes.naming import display_name


@dataclass(frozen=True)
class CodedAnswer:
    """One free-text answer as stored (redacted), with the themes it carries."""

    answer_id: int
    filename: str
    source_row: int | None
    question: str
    submitted_at: datetime | None
    text: str
    theme_ids: tuple[int, ...] = ()
    concern_level: int | None = None


def free_text_answers(session: Session, community_id: int) -> list[CodedAnswer]:
    """The community's free-text answers by file, row and question (no respondent)."""
    rows = session.execute(
        select(
            Answer.id,
            Import.filename,
            Submission.source_row,
            Question.text,
            Answer.submitted_at,
            Answer.text,
        )
        .join(Question, Question.id == Answer.question_id)
        .join(Submission, Submission.id == Answer.submission_id)
        .join(Import, Import.id == Submission.import_id)
        .where(
            Answer.community_id == community_id,
            Question.kind == "free_text",
            Answer.text.is_not(None),
        )
        .order_by(Import.id, Submission.source_row, Submission.id, Question.id, Answer.id)
    )
    return [
        CodedAnswer(id_, filename, row, question, when, text or "")
        for id_, filename, row, question, when, text in rows
    ]


def answer_themes(session: Session, community_id: int) -> dict[int, list[int]]:
    """Theme ids per answer from ``answer_themes``, strongest first (empty until coded): its
    question's own themes where the question has them, else the community-wide ones."""
    found: dict[int, dict[bool, list[int]]] = {}
    for answer_id, theme_id, question_id in session.execute(
        select(AnswerTheme.answer_id, AnswerTheme.theme_id, Theme.question_id)
        .join(Theme, Theme.id == AnswerTheme.theme_id)
        .where(AnswerTheme.community_id == community_id, Theme.status == "active")
        .order_by(AnswerTheme.answer_id, AnswerTheme.score.desc(), AnswerTheme.theme_id)
    ):
        found.setdefault(answer_id, {True: [], False: []})[question_id is not None].append(theme_id)
    return {answer: scoped[True] or scoped[False] for answer, scoped in found.items()}


def unit_themes(session: Session, community_id: int) -> dict[int, list[int]]:
    """Theme ids per answer from its sentence units, in sentence order (the older coding)."""
    found: dict[int, list[int]] = {}
    for answer_id, theme_id in session.execute(
        select(Unit.response_id, Unit.theme_id)
        .where(Unit.community_id == community_id, Unit.theme_id.is_not(None))
        .order_by(Unit.response_id, Unit.position)
    ):
        themes = found.setdefault(answer_id, [])
        if theme_id is not None and theme_id not in themes:
            themes.append(theme_id)
    return found


def concern_levels(session: Session, community_id: int) -> dict[int, int]:
    """The highest worry level of each answer's units."""
    rows = session.execute(
        select(Unit.response_id, func.max(Unit.concern_level))
        .where(Unit.community_id == community_id, Unit.concern_level.is_not(None))
        .group_by(Unit.response_id)
    )
    return {int(answer_id): int(level) for answer_id, level in rows if level is not None}


def theme_names(session: Session, theme_ids: set[int]) -> Mapping[int, str]:
    """Each theme's name as shown: the committee's name wins over the label."""
    if not theme_ids:
        return {}
    themes = session.scalars(select(Theme).where(Theme.id.in_(sorted(theme_ids))))
    return {theme.id: display_name(theme) for theme in themes}
