"""Sentence units and the embedding cache: the queries the analysis stages store through."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Row, Select, select, update
from sqlalchemy.orm import Session

from service.storage.repositories.languages import in_other_language
from service.storage.tables import Answer, EmbeddingCache, Question, Unit

CHUNK = 500


def unsplit_answers(session: Session, community_id: int) -> list[Row[Any]]:
    """Free-text answers of the community that have no units yet, oldest first."""
    return list(
        session.execute(
            select(Answer.id, Answer.respondent_id, Answer.text, Answer.submitted_at)
            .join(Question, Question.id == Answer.question_id)
            .outerjoin(Unit, Unit.response_id == Answer.id)
            .where(
                Answer.community_id == community_id,
                Question.kind == "free_text",
                Answer.text.is_not(None),
                Unit.id.is_(None),
            )
            .order_by(Answer.id)
        ).all()
    )


def add(session: Session, rows: Iterable[Mapping[str, Any]]) -> None:
    """Store units (each mapping holds a :class:`Unit`'s columns)."""
    session.add_all(Unit(**row) for row in rows)


def _other_language_answers(community_id: int) -> Select[tuple[int]]:
    """Ids of the community's answers detected as written in a language other than English."""
    return select(Answer.id).where(in_other_language(community_id))


def to_theme(session: Session, community_id: int) -> list[Row[Any]]:
    """The community's units that are answers (not non-answers) in English (or of no detected
    language), in a stable order: answers in other languages would form themes of their
    language, not their subject (they are counted apart, ``repositories.languages``)."""
    return list(
        session.execute(
            select(
                Unit.id,
                Unit.response_id,
                Unit.text,
                Unit.text_hash,
                Unit.week,
                Unit.respondent_id,
                Unit.theme_id,
                Unit.concern_level,
                Unit.concern_probability,
                Unit.sentiment,
            )
            .where(
                Unit.community_id == community_id,
                Unit.non_answer.is_(False),
                Unit.response_id.not_in(_other_language_answers(community_id)),
            )
            .order_by(Unit.id)
        ).all()
    )


def set_scores(session: Session, changes: Sequence[Mapping[str, Any]]) -> None:
    """Worry scores by unit id (one bulk UPDATE by primary key)."""
    if changes:
        session.execute(update(Unit), list(changes))


def unassign_other_languages(session: Session, community_id: int) -> None:
    """Take the units of answers in other languages out of their themes (an earlier run, before
    languages were detected, may have themed them)."""
    session.execute(
        update(Unit)
        .where(
            Unit.community_id == community_id,
            Unit.response_id.in_(_other_language_answers(community_id)),
        )
        .values(theme_id=None)
        .execution_options(synchronize_session=False)
    )


def assign(session: Session, by_theme: Mapping[int | None, Sequence[int]]) -> None:
    """Set each unit's theme (None: unassigned)."""
    for theme_id, unit_ids in by_theme.items():
        for start in range(0, len(unit_ids), CHUNK):
            session.execute(
                Unit.__table__.update()
                .where(Unit.id.in_(list(unit_ids[start : start + CHUNK])))
                .values(theme_id=theme_id)
            )


def scored_in_themes(session: Session, community_id: int) -> list[Row[Any]]:
    """Theme, respondent, worry level and probability, week and sentiment of each scored unit."""
    return list(
        session.execute(
            select(
                Unit.theme_id,
                Unit.respondent_id,
                Unit.concern_level,
                Unit.concern_probability,
                Unit.week,
                Unit.sentiment,
            ).where(
                Unit.community_id == community_id,
                Unit.theme_id.is_not(None),
                Unit.concern_level.is_not(None),
            )
        ).all()
    )


def missing_embeddings(session: Session, model: str, community_id: int) -> list[str]:
    """Text hashes of the community's units that have no cached embedding for ``model``."""
    rows = session.execute(
        select(Unit.text_hash)
        .distinct()
        .outerjoin(
            EmbeddingCache,
            (EmbeddingCache.text_hash == Unit.text_hash) & (EmbeddingCache.model == model),
        )
        .where(
            Unit.community_id == community_id,
            Unit.non_answer.is_(False),
            EmbeddingCache.id.is_(None),
        )
        .order_by(Unit.text_hash)
    )
    return [h for (h,) in rows]


def cached_hashes(session: Session, model: str, text_hashes: Sequence[str]) -> set[str]:
    """Which of ``text_hashes`` already have a vector for ``model``."""
    return set(
        session.scalars(
            select(EmbeddingCache.text_hash).where(
                EmbeddingCache.model == model, EmbeddingCache.text_hash.in_(list(text_hashes))
            )
        )
    )


def texts(session: Session, text_hashes: Sequence[str]) -> dict[str, str]:
    """A unit text for each hash."""
    found: dict[str, str] = {}
    for hash_, text in session.execute(
        select(Unit.text_hash, Unit.text).where(Unit.text_hash.in_(list(text_hashes)))
    ):
        found.setdefault(hash_, text)
    return found


def store_vectors(session: Session, rows: list[dict[str, Any]]) -> int:
    """``INSERT ... ON CONFLICT DO NOTHING`` into the cache; how many rows were new.

    Another worker may store some of the same texts first: those rows are skipped.
    """
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = EmbeddingCache.__table__
    statement = (
        insert(table)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["model", "text_hash"])
        .returning(table.c.text_hash)
    )
    return len(session.execute(statement).scalars().all())


def vectors(session: Session, model: str, text_hashes: Sequence[str]) -> dict[str, bytes]:
    """Cached vectors (raw float32 bytes) by text hash."""
    found: dict[str, bytes] = {}
    for start in range(0, len(text_hashes), CHUNK):
        chunk = list(text_hashes[start : start + CHUNK])
        for hash_, blob in session.execute(
            select(EmbeddingCache.text_hash, EmbeddingCache.vector).where(
                EmbeddingCache.model == model, EmbeddingCache.text_hash.in_(chunk)
            )
        ):
            found[hash_] = blob
    return found


def questions_of(session: Session, answer_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """Each answer's question: its id and text, by answer id."""
    found: dict[int, tuple[int, str]] = {}
    ids = sorted(set(answer_ids))
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Answer.id, Question.id, Question.text)
            .join(Question, Question.id == Answer.question_id)
            .where(Answer.id.in_(ids[start : start + 500]))
        )
        found.update({answer: (question, text) for answer, question, text in rows})
    return found
