"""Storing a parsed import: respondents, questions, submissions and answers, exactly once."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from service.ingest.schemas import ParsedImport, ParsedRecord, QuestionKind, QuestionSpec
from service.privacy.pseudonyms import respondent_key, submission_key
from service.storage.tables import Answer, Community, Import, Question, Respondent, Submission

_NOT_STORED = {QuestionKind.PERSONAL, QuestionKind.METADATA}
_CHUNK = 500
# Batches go to the tables themselves: one executemany (the ORM's insert ran one per row).
_SUBMISSIONS = cast(Table, Submission.__table__)
_ANSWERS = cast(Table, Answer.__table__)


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def existing_submission_keys(session: Session, community_id: int, keys: list[str]) -> set[str]:
    """Which of ``keys`` are already stored for the community."""
    found: set[str] = set()
    for chunk in _chunks(keys):
        found.update(
            session.scalars(
                select(Submission.source_key).where(
                    Submission.community_id == community_id, Submission.source_key.in_(chunk)
                )
            )
        )
    return found


def _respondents(
    session: Session, community: Community, records: list[tuple[str, ParsedRecord]]
) -> dict[str, Respondent]:
    keys = sorted({key for key, _ in records})
    known: dict[str, Respondent] = {}
    for chunk in _chunks(keys):
        for respondent in session.scalars(
            select(Respondent).where(
                Respondent.community_id == community.id, Respondent.key.in_(chunk)
            )
        ):
            known[respondent.key] = respondent
    for key, record in sorted(records, key=lambda kr: kr[1].submitted_at or datetime.min):
        found = known.get(key)
        if found is None:
            respondent = Respondent(
                community_id=community.id,
                key=key,
                attributes={},
                first_seen=record.submitted_at,
                identified=record.identified,
            )
            session.add(respondent)
            known[key] = respondent
        else:
            respondent = found
        for name, value in record.segments.items():
            setattr(respondent, name, value[:200])
        if record.submitted_at and (
            respondent.first_seen is None or record.submitted_at < respondent.first_seen
        ):
            respondent.first_seen = record.submitted_at
    session.flush()
    return known


def _questions(
    session: Session, community: Community, specs: list[QuestionSpec]
) -> dict[str, Question]:
    stored: dict[str, Question] = {}
    for spec in specs:
        if spec.kind in _NOT_STORED:
            continue
        text_hash = hashlib.sha256(spec.text.encode()).hexdigest()
        question = session.scalar(
            select(Question).where(
                Question.community_id == community.id, Question.text_hash == text_hash
            )
        )
        if question is None:
            question = Question(
                community_id=community.id,
                text=spec.text,
                text_hash=text_hash,
                kind=spec.kind.value,
                segment=spec.segment,
                choices=list(spec.choices),
            )
            session.add(question)
        else:
            question.choices = list(dict.fromkeys([*question.choices, *spec.choices]))
        stored[spec.text] = question
    session.flush()
    return stored


def store(
    session: Session,
    community: Community,
    parsed: ParsedImport,
    *,
    secret_key: str,
    file_info: dict[str, object],
) -> Import:
    """Add the new responses of ``parsed``; skip the ones already stored (or repeated)."""
    return store_chunks(
        session,
        community,
        lambda: iter([parsed.records]),
        questions=parsed.questions,
        summary={"format": parsed.format, "warnings": list(parsed.warnings)},
        secret_key=secret_key,
        file_info=file_info,
    )


def store_chunks(
    session: Session,
    community: Community,
    chunks: Callable[[], Iterable[list[ParsedRecord]]],
    *,
    questions: list[QuestionSpec],
    summary: dict[str, Any],
    secret_key: str,
    file_info: dict[str, object],
    keyed: bool = False,
) -> Import:
    """Add the new responses of an import read twice, a chunk at a time, from ``chunks()``.

    The first reading gathers who answered (respondents are created in order of their first
    response, as one whole-file pass would); the second inserts submissions and answers in
    batches, skipping keys already stored or repeated. ``summary`` gives the format and warnings.
    With ``keyed`` the records' ``respondent_ref`` and ``source_key`` are already the stored
    keys (the import's staging writes them so).
    """
    person_key, source_key = _keys(secret_key, keyed=keyed)
    people = [(person_key(r.respondent_ref), _person(r)) for c in chunks() for r in c]
    respondent_ids = {k: r.id for k, r in _respondents(session, community, people).items()}
    question_ids = {t: q.id for t, q in _questions(session, community, questions).items()}
    batch = Import(
        community_id=community.id,
        format=summary["format"],
        rows_read=len(people),
        responses_added=0,
        duplicates_skipped=0,
        respondents=len(respondent_ids),
        warnings=list(summary["warnings"]),
        **file_info,
    )
    session.add(batch)
    session.flush()
    seen: set[str] = set()
    for records in chunks():
        pairs = [(source_key(r.source_key), r) for r in records]
        seen |= existing_submission_keys(session, community.id, [k for k, _ in pairs])
        fresh: list[tuple[str, ParsedRecord]] = []
        for key, record in pairs:
            if key not in seen:
                seen.add(key)
                fresh.append((key, record))
        ids = [respondent_ids[person_key(r.respondent_ref)] for _, r in fresh]
        _insert_submissions(session, batch, fresh, ids, question_ids)
        batch.responses_added += len(fresh)
    batch.duplicates_skipped = batch.rows_read - batch.responses_added
    session.flush()
    return batch


def _keys(secret_key: str, *, keyed: bool) -> tuple[Callable[[str], str], Callable[[str], str]]:
    if keyed:
        return str, str
    return partial(respondent_key, secret_key), partial(submission_key, secret_key)


def _person(record: ParsedRecord) -> ParsedRecord:
    """What respondents need of a record (its answers left out, so that all fit in memory)."""
    return ParsedRecord(
        row=record.row,
        source_key="",
        respondent_ref="",
        submitted_at=record.submitted_at,
        identified=record.identified,
        segments=dict(record.segments),
    )


def _insert_submissions(
    session: Session,
    batch: Import,
    fresh: list[tuple[str, ParsedRecord]],
    respondent_ids: list[int],
    question_ids: dict[str, int],
) -> None:
    """Insert a batch of submissions, then their answers (two multi-row statements)."""
    if not fresh:
        return
    submission_ids = session.scalars(
        insert(_SUBMISSIONS).returning(_SUBMISSIONS.c.id, sort_by_parameter_order=True),
        [
            {
                "community_id": batch.community_id,
                "respondent_id": respondent_id,
                "import_id": batch.id,
                "source_key": key,
                "submitted_at": record.submitted_at,
                "channel": record.channel.value,
                "finished": record.finished,
                "source_row": record.source_row,
            }
            for (key, record), respondent_id in zip(fresh, respondent_ids, strict=True)
        ],
    ).all()
    answers = [
        {
            "community_id": batch.community_id,
            "submission_id": submission_id,
            "respondent_id": respondent_id,
            "question_id": question_ids[answer.question],
            "submitted_at": record.submitted_at,
            "channel": record.channel.value,
            "text": answer.text,
            "value_number": answer.number,
            "value_choices": answer.choices,
            "value_date": answer.when,
            "finished": record.finished,
        }
        for submission_id, respondent_id, (_, record) in zip(
            submission_ids, respondent_ids, fresh, strict=True
        )
        for answer in record.answers
        if answer.question in question_ids
    ]
    if answers:
        session.execute(insert(_ANSWERS), answers)


def list_for(session: Session, community: Community) -> list[Import]:
    """A community's imports, newest first."""
    return list(
        session.scalars(
            select(Import).where(Import.community_id == community.id).order_by(Import.id.desc())
        )
    )


def store_roster(
    session: Session, community: Community, members: list, *, secret_key: str
) -> dict[str, int]:
    """Upsert roster members as respondents (hashed keys), with segments and join dates."""
    added = updated = 0
    for member in members:
        key = respondent_key(secret_key, member.ref)
        respondent = session.scalar(
            select(Respondent).where(Respondent.community_id == community.id, Respondent.key == key)
        )
        if respondent is None:
            respondent = Respondent(community_id=community.id, key=key, attributes={})
            session.add(respondent)
            added += 1
        else:
            updated += 1
        respondent.in_roster = True
        respondent.joined = member.joined
        for name, value in member.segments.items():
            setattr(respondent, name, value[:200])
    session.flush()
    return {"members_added": added, "members_updated": updated}
