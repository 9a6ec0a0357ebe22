"""Answer languages: the answers still to detect, their stamps, and the count per language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, update
from sqlalchemy.orm import Session

from service.storage.tables import Answer, Question

ENGLISH = "en"


def undetected(session: Session, community_id: int) -> list[tuple[int, str]]:
    """``(id, text)`` of the community's answers with text and no language yet, oldest first."""
    rows = session.execute(
        select(Answer.id, Answer.text)
        .where(
            Answer.community_id == community_id,
            Answer.text.is_not(None),
            Answer.language.is_(None),
        )
        .order_by(Answer.id)
    )
    return [(id_, text) for id_, text in rows if text is not None]


def stamp(session: Session, languages: Mapping[int, str]) -> None:
    """Set each answer's language (one bulk UPDATE by primary key)."""
    if languages:
        session.execute(
            update(Answer), [{"id": id_, "language": code} for id_, code in languages.items()]
        )


def in_other_language(community_id: int) -> ColumnElement[bool]:
    """The community's answers detected as written in a language other than English (null
    reads as English)."""
    return and_(
        Answer.community_id == community_id,
        Answer.language.is_not(None),
        Answer.language != ENGLISH,
    )


def _free_text_in_other_languages(community_id: int, *columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .join(Question, Question.id == Answer.question_id)
        .where(Question.kind == "free_text", in_other_language(community_id))
    )


def other_languages(session: Session, community_id: int) -> dict[str, int]:
    """Free-text answers per language other than English."""
    rows = session.execute(
        _free_text_in_other_languages(community_id, Answer.language, func.count())
        .group_by(Answer.language)
        .order_by(Answer.language)
    )
    return {str(language): int(count) for language, count in rows}


def other_language_writers(session: Session, community_id: int) -> tuple[dict[str, int], int]:
    """Respondents who wrote free text in each language other than English, and in any of them
    (a person writing in two languages counts once there)."""
    pairs = session.execute(
        _free_text_in_other_languages(
            community_id, Answer.language, Answer.respondent_id
        ).distinct()
    ).all()
    per_language: dict[str, set[int]] = {}
    for language, respondent in pairs:
        per_language.setdefault(str(language), set()).add(int(respondent))
    everyone = {respondent for _, respondent in pairs}
    return {code: len(people) for code, people in sorted(per_language.items())}, len(everyone)
