"""Storing a parsed import: respondents, questions, submissions and answers, exactly once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.ingest.schemas import ParsedImport, ParsedRecord, QuestionKind, QuestionSpec
from service.privacy.pseudonyms import respondent_key, submission_key
from service.storage.tables import Answer, Community, Import, Question, Respondent, Submission

_NOT_STORED = {QuestionKind.PERSONAL, QuestionKind.METADATA}
_CHUNK = 500


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
    keyed = [(submission_key(secret_key, r.source_key), r) for r in parsed.records]
    existing = existing_submission_keys(session, community.id, [k for k, _ in keyed])
    fresh: list[tuple[str, ParsedRecord]] = []
    for key, record in keyed:
        if key not in existing:
            existing.add(key)
            fresh.append((key, record))
    people = [(respondent_key(secret_key, r.respondent_ref), r) for _, r in keyed]
    respondents = _respondents(session, community, people)
    questions = _questions(session, community, parsed.questions)
    batch = Import(
        community_id=community.id,
        format=parsed.format,
        rows_read=len(parsed.records),
        responses_added=len(fresh),
        duplicates_skipped=len(keyed) - len(fresh),
        respondents=len({k for k, _ in people}),
        warnings=list(parsed.warnings),
        **file_info,
    )
    session.add(batch)
    session.flush()
    for key, record in fresh:
        respondent = respondents[respondent_key(secret_key, record.respondent_ref)]
        _add_submission(session, batch, respondent, key, record, questions)
    session.flush()
    return batch


def _add_submission(
    session: Session,
    batch: Import,
    respondent: Respondent,
    key: str,
    record: ParsedRecord,
    questions: dict[str, Question],
) -> None:
    submission = Submission(
        community_id=batch.community_id,
        respondent_id=respondent.id,
        import_id=batch.id,
        source_key=key,
        submitted_at=record.submitted_at,
        channel=record.channel.value,
        finished=record.finished,
        source_row=record.source_row,
    )
    session.add(submission)
    for answer in record.answers:
        question = questions.get(answer.question)
        if question is None:
            continue
        submission.answers.append(
            Answer(
                community_id=batch.community_id,
                respondent_id=respondent.id,
                question_id=question.id,
                submitted_at=record.submitted_at,
                channel=record.channel.value,
                text=answer.text,
                value_number=answer.number,
                value_choices=answer.choices,
                value_date=answer.when,
                finished=record.finished,
            )
        )


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
