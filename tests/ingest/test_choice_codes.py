"""Qualtrics' numeric-values export: choice codes read as choices, or a warning naming the
mapping to write (issue 20, item 2)."""

from __future__ import annotations

import json

import pytest

from service.config import LimitSettings
from service.errors import InvalidInput
from service.ingest.schemas import QuestionKind
from service.ingest.service import parse_export, parse_mapping
from service.metrics.quantitative import TypedAnswer, weekly

ATTEND = "Did you attend this week's session?"
SATISFIED = "How satisfied were you with the session?"
TEAM = "Which team are you in?"
HOURS = "How many hours did you spend on admin?"
HEADER = [
    "StartDate,EndDate,Status,Finished,RecordedDate,ResponseId,Q1,Q2,Q3,Q4,Q5",
    f'Start Date,End Date,Response Type,Finished,Recorded Date,Response ID,"{ATTEND}",'
    f"{SATISFIED},{TEAM},{HOURS},What keeps you up at night?",
    '"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}","{""ImportId"":""status""}",'
    '"{""ImportId"":""finished""}","{""ImportId"":""recordedDate""}","{""ImportId"":""_recordId""}",'
    '"{""ImportId"":""QID1""}","{""ImportId"":""QID2""}","{""ImportId"":""QID3""}",'
    '"{""ImportId"":""QID4""}","{""ImportId"":""QID5_TEXT""}"',
]
# attended: yes, yes, no, yes, no, yes, yes, yes (1 = Yes, 2 = No in Qualtrics' order)
ROWS = [
    (1, 4, 1, 3, "The reorg."),
    (1, 5, 2, 2, "Budgets for next year."),
    (2, 2, 3, 4, "Nothing much."),
    (1, 4, 1, 1, "The new expense tool."),
    (2, 3, 4, 5, "Hiring freeze."),
    (1, 5, 2, 2, "My manager leaving."),
    (1, 4, 3, 3, "Workload."),
    (1, 3, 1, 2, "Board pack deadlines."),
]


def _export() -> bytes:
    lines = list(HEADER)
    for n, (attended, rating, team, hours, text) in enumerate(ROWS, start=1):
        when = f"2026-10-0{1 + n % 5} 09:00:00"
        lines.append(
            f"{when},{when},0,1,{when},R_{n:04d},{attended},{rating},{team},{hours},{text}"
        )
    return ("\n".join(lines) + "\n").encode()


def _parse(mapping: dict | None = None):  # noqa: ANN202 - a ParsedImport
    return parse_export(
        _export(), "numeric.csv", limits=LimitSettings(), format_name="qualtrics", mapping=mapping
    )


def _numbers(parsed, question: str) -> list[float | None]:  # noqa: ANN001
    return [a.number for r in parsed.records for a in r.answers if a.question == question]


def test_a_yes_no_question_coded_1_and_2_reads_as_attendance_not_1_12() -> None:
    parsed = _parse()
    kinds = {q.text: q.kind for q in parsed.questions}
    assert kinds[ATTEND] == QuestionKind.YES_NO
    assert _numbers(parsed, ATTEND) == [1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0]
    figures = weekly(
        TypedAnswer(n, "2026-W40", ATTEND, "yes_no", v)
        for n, v in enumerate(_numbers(parsed, ATTEND))
        if v is not None
    )
    assert figures["attendance"]["2026-W40"]["value"] == 0.75  # was 1.25 read as numbers
    assert any("read as 1 = Yes, 2 = No" in w for w in parsed.warnings)


def test_codes_whose_meaning_cannot_be_inferred_warn_and_name_the_mapping() -> None:
    parsed = _parse()
    kinds = {q.text: q.kind for q in parsed.questions}
    assert kinds[SATISFIED] == QuestionKind.LIKERT and kinds[TEAM] == QuestionKind.NUMERIC
    rating = next(w for w in parsed.warnings if SATISFIED in w)
    assert "read as a rating where 5 is best" in rating
    written = json.loads(rating[rating.index("{") :])
    assert written == {"codes": {SATISFIED: {"1": "5", "2": "4", "3": "3", "4": "2", "5": "1"}}}
    team = next(w for w in parsed.warnings if TEAM in w)
    assert "without their labels" in team and '"1": "<choice 1>"' in team
    assert not any(HOURS in w for w in parsed.warnings)  # an amount, not a choice


def test_the_mapping_named_in_the_warning_reads_the_codes() -> None:
    mapping = parse_mapping(
        json.dumps(
            {
                "codes": {
                    SATISFIED: {"1": "5", "2": "4", "3": "3", "4": "2", "5": "1"},
                    TEAM: {"1": "Finance", "2": "People", "3": "Legal", "4": "Sales"},
                }
            }
        )
    )
    parsed = _parse(mapping)
    specs = {q.text: q for q in parsed.questions}
    assert specs[TEAM].kind == QuestionKind.SINGLE_CHOICE
    assert specs[TEAM].choices == ["Finance", "People", "Legal", "Sales"]
    teams = [a.text for r in parsed.records for a in r.answers if a.question == TEAM]
    assert teams[:3] == ["Finance", "People", "Legal"]
    assert _numbers(parsed, SATISFIED)[:3] == [2.0, 1.0, 4.0]
    assert not any(TEAM in w or SATISFIED in w for w in parsed.warnings)


def test_codes_for_a_question_the_file_lacks_are_refused() -> None:
    with pytest.raises(InvalidInput, match="does not have"):
        _parse({"columns": {}, "codes": {"Not a question": {"1": "Yes"}}})
