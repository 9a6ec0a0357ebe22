"""Short-answer columns that are not open questions (issue 18, item 1): only answers are themed.

The fixture ``google_forms/short_answers.csv`` is a Google Forms export with a "Job title" column,
a "Years in role" column written as people type it ("7", "12 yrs", "<1", "10+", "5 años") and an
open question whose answers are short but varied ("Budgets.", "Workload", "The reorg").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import LimitSettings
from service.ingest import classify
from service.ingest.schemas import QuestionKind
from service.ingest.service import parse_export, parse_mapping
from tests.conftest import fixture_bytes

LIMITS = LimitSettings()
FIXTURE = "google_forms/short_answers.csv"
CHALLENGE = "What is the biggest challenge for you at the moment?"
NIGHT = "What keeps you up at night?"
SAMPLE = Path(__file__).resolve().parents[2] / "corpora" / "sample"


def _parse(data: bytes | None = None, mapping: str | None = None):  # noqa: ANN202
    return parse_export(
        data if data is not None else fixture_bytes(FIXTURE),
        "short_answers.csv",
        limits=LIMITS,
        mapping=parse_mapping(mapping) if mapping else None,
    )


def _free_text(parsed) -> set[str]:  # noqa: ANN001
    return {q.text for q in parsed.questions if q.kind == QuestionKind.FREE_TEXT}


def test_years_in_role_column_is_numeric_not_free_text() -> None:
    spec = next(q for q in _parse().questions if q.text == "Years in role")
    assert spec.kind == QuestionKind.NUMERIC
    assert spec.segment == "experience"


def test_job_title_column_is_a_role_choice_not_free_text() -> None:
    spec = next(q for q in _parse().questions if q.text == "Job title")
    assert spec.kind == QuestionKind.SINGLE_CHOICE
    assert spec.segment == "role"
    assert "EA to CFO" in spec.choices and "office manager" in spec.choices


def test_only_open_questions_are_free_text() -> None:
    parsed = _parse()
    assert _free_text(parsed) == {CHALLENGE, NIGHT}
    segments = parsed.records[1].segments
    assert segments == {"role": "EA to CFO", "experience": "12 yrs"}


@pytest.mark.parametrize(
    "header", [CHALLENGE, "Biggest challenge for your team", "Challenges", "Your biggest worry"]
)
def test_open_question_with_short_varied_answers_stays_free_text(header: str) -> None:
    data = fixture_bytes(FIXTURE).replace(CHALLENGE.encode(), header.encode(), 1)
    assert header in _free_text(_parse(data))


def test_mapping_can_include_or_exclude_any_question() -> None:
    mapping = (
        '{"columns": {"Years in role": "free_text", "Job title": "free_text", '
        f'"{NIGHT}": "ignore", "E": "single_choice"}}}}'
    )
    kinds = {q.text: q.kind for q in _parse(mapping=mapping).questions}
    assert _free_text(_parse(mapping=mapping)) == {"Years in role", "Job title"}
    assert NIGHT not in kinds
    assert kinds[CHALLENGE] == QuestionKind.SINGLE_CHOICE


@pytest.mark.parametrize(
    "value",
    [
        "7",
        "7 yrs",
        "<1",
        "10+",
        "19 years",
        "2-3",
        "about 3",
        "5 años",
        "8 ans",
        "6 months",
        "1 year 6 months",
        "less than a year",
        "~2",
        "3 Jahre",
        "two years",
    ],
)
def test_amounts_as_people_type_them_are_quantities(value: str) -> None:
    assert classify.is_quantity(value)


@pytest.mark.parametrize(
    "value",
    ["Budgets.", "The reorg", "Just me", "a", "2026-12-31", "9/8/2026 14:18", "Seven dwarfs"],
)
def test_words_and_dates_are_not_quantities(value: str) -> None:
    assert not classify.is_quantity(value)


@pytest.mark.parametrize(
    ("repeat", "kind"), [(1, QuestionKind.NUMERIC), (3, QuestionKind.SINGLE_CHOICE)]
)
def test_years_column_whose_header_names_the_role_is_experience(
    repeat: int, kind: QuestionKind
) -> None:
    """Regression: "...years ... in your current role?" was free text, or segment "role"."""
    values = ["7", "12 yrs", "<1", "10+", "19 years", "2-3", "about 3", "5 años", "8 ans", "6"]
    header = "How many years have you been in your current role?"
    assert classify.infer_kind(header, values * repeat) == kind
    assert classify.segment_of(header, values * repeat) == "experience"


@pytest.mark.parametrize("header", [CHALLENGE, "What would help your team most?"])
def test_bare_noun_phrases_to_an_open_question_are_not_titles(header: str) -> None:
    values = ["Workload", "Calendar clashes", "Hiring freeze", "Office move", "AI tools"] + [
        "New expense system",
        "Travel bookings",
        "Budget cuts",
        "Covering reception",
        "Month end",
    ]
    assert not classify.looks_like_titles(header, values)
    assert classify.infer_kind(header, values) == QuestionKind.FREE_TEXT


@pytest.mark.parametrize(
    "name",
    ["google_forms_weeks_1-2.csv", "surveymonkey_weeks_3-4.csv", "qualtrics_weeks_5-6.csv"],
)
def test_sample_community_open_questions_are_unchanged(name: str) -> None:
    parsed = parse_export((SAMPLE / name).read_bytes(), name, limits=LIMITS)
    assert _free_text(parsed) == {"What's top of mind for you this week?", NIGHT}
