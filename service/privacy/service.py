"""Redact an import before anything of it is stored."""

from __future__ import annotations

from service.ingest.schemas import ParsedImport, QuestionKind
from service.privacy.redactor import Redactor, gazetteer_from

_TEXT_KINDS = {QuestionKind.FREE_TEXT}


def redact_import(parsed: ParsedImport, redactor: Redactor) -> int:
    """Replace personal data in every free-text answer; return how many spans were replaced.

    The import's own personal-data cells (names, e-mails) form the gazetteer, so a colleague named
    in a respondent column is also caught when another member mentions them in free text.
    """
    free_text = {q.text for q in parsed.questions if q.kind in _TEXT_KINDS}
    personal: list[str] = []
    for record in parsed.records:
        personal.extend(record.personal_values)
        if record.respondent_ref.startswith("email:"):
            personal.append(record.respondent_ref.removeprefix("email:"))
    gazetteer = gazetteer_from(personal)
    answers = [a for r in parsed.records for a in r.answers if a.question in free_text and a.text]
    results = redactor.redact([a.text or "" for a in answers], gazetteer)
    for answer, result in zip(answers, results, strict=True):
        answer.text = result.text
    replaced = sum(len(r.spans) for r in results) + _redact_short_values(
        parsed, redactor, gazetteer, skip=free_text
    )
    for record in parsed.records:
        record.personal_values.clear()
    return replaced


def _redact_short_values(
    parsed: ParsedImport, redactor: Redactor, gazetteer: frozenset[str], *, skip: set[str]
) -> int:
    """Redact typed short answers and segment values too ("EA to Sarah Jones" as a role).

    A column read as a choice, a number or a segment can still hold words a member typed, so its
    distinct values go through the redactor once each.
    """
    values = {
        a.text for r in parsed.records for a in r.answers if a.question not in skip and a.text
    }
    values |= {v for r in parsed.records for v in r.segments.values() if v}
    distinct = sorted(values)
    results = redactor.redact(distinct, gazetteer)
    changed = {v: res.text for v, res in zip(distinct, results, strict=True) if res.spans}
    if not changed:
        return 0
    for record in parsed.records:
        for answer in record.answers:
            if answer.question not in skip and answer.text in changed:
                answer.text = changed[answer.text]
        for key, value in record.segments.items():
            if value in changed:
                record.segments[key] = changed[value]
    return sum(len(res.spans) for res in results)
