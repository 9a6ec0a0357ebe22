"""Every layout's fixture is detected and read as its README says."""

from __future__ import annotations

import pytest

from service.config import LimitSettings
from service.ingest.schemas import QuestionKind
from service.ingest.service import parse_export
from tests.conftest import fixture_bytes

LIMITS = LimitSettings()

# file, format, responses, unfinished file rows, free-text questions, a personal column
CASES = [
    ("google_forms/basic.csv", "google_forms", 5, [], 2, "Email Address"),
    ("google_forms/bom_no_email.csv", "google_forms", 4, [], 2, None),
    ("google_forms/responses.xlsx", "google_forms", 4, [], 2, "Email Address"),
    ("google_forms/utf16_tab.csv", "google_forms", 5, [], 2, "Email Address"),
    ("google_forms/cp1252.csv", "google_forms", 3, [], 2, "Email Address"),
    ("surveymonkey/two_header_rows.csv", "surveymonkey", 5, [], 3, "IP Address"),
    ("surveymonkey/legacy_nul.csv", "surveymonkey", 4, [], 3, "LastName"),
    ("surveymonkey/responses.xlsx", "surveymonkey", 5, [], 3, "First Name"),
    ("qualtrics/three_header_rows.csv", "qualtrics", 5, [7], 2, "RecipientEmail"),
    ("qualtrics/tab.tsv", "qualtrics", 5, [7], 2, "LocationLatitude"),
    ("qualtrics/insights_single_quotes.csv", "qualtrics", 4, [6], 2, "IPAddress"),
    ("qualtrics/legacy_v_columns.csv", "qualtrics", 3, [5], 2, "EmailAddress"),
    ("ms_forms/responses.xlsx", "ms_forms", 5, [], 2, "Name"),
    ("ms_forms/quiz.xlsx", "ms_forms", 4, [], 1, "Email"),
    ("ms_forms/converted.csv", "ms_forms", 5, [], 2, "Name"),
    ("typeform/responses.csv", "typeform", 4, [], 4, "Network ID"),
    ("typeform/newer.csv", "typeform", 4, [4], 4, "Network ID"),
    ("checkins/notes.json", "checkins", 4, [], 1, "respondent"),
    ("checkins/notes.jsonl", "checkins", 4, [], 1, "respondent"),
    ("checkins/notes.csv", "checkins", 4, [], 1, "respondent"),
    ("generic/plain.csv", "csv", 5, [], 1, None),
    ("generic/records.jsonl", "jsonl", 5, [], 1, None),
    ("generic/formulas.csv", "google_forms", 4, [], 2, "Email Address"),
]


@pytest.mark.parametrize(
    ("path", "fmt", "responses", "unfinished", "free_text", "personal"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_fixture_is_read_as_documented(
    path: str, fmt: str, responses: int, unfinished: list[int], free_text: int, personal: str | None
) -> None:
    parsed = parse_export(fixture_bytes(path), path.rsplit("/", 1)[-1], limits=LIMITS)
    assert parsed.format == fmt
    assert len(parsed.records) == responses
    assert [r.row for r in parsed.records if not r.finished] == unfinished
    assert sum(q.kind == QuestionKind.FREE_TEXT for q in parsed.questions) == free_text
    if personal is not None:
        assert QuestionKind.PERSONAL in {q.kind for q in parsed.questions if q.text == personal}


def test_utf16_tab_file_reads_like_its_utf8_twin() -> None:
    utf8 = parse_export(fixture_bytes("google_forms/basic.csv"), "basic.csv", limits=LIMITS)
    utf16 = parse_export(fixture_bytes("google_forms/utf16_tab.csv"), "u.csv", limits=LIMITS)
    assert [r.source_key for r in utf8.records] == [r.source_key for r in utf16.records]
    assert utf16.extra["encoding"] == "utf-16"


def test_cp1252_characters_survive() -> None:
    parsed = parse_export(fixture_bytes("google_forms/cp1252.csv"), "c.csv", limits=LIMITS)
    texts = " ".join(a.text or "" for r in parsed.records for a in r.answers)
    assert parsed.extra["encoding"] == "cp1252"
    assert any(word in texts for word in ("café", "naïve", "’", "–"))


def test_google_checkbox_answers_become_choice_lists() -> None:
    parsed = parse_export(fixture_bytes("google_forms/basic.csv"), "b.csv", limits=LIMITS)
    first = parsed.records[0]
    choices = [a.choices for a in first.answers if a.choices]
    assert choices == [["Calendar management", "AI tools"]]


def test_ms_forms_multiselect_with_trailing_semicolon() -> None:
    parsed = parse_export(fixture_bytes("ms_forms/responses.xlsx"), "m.xlsx", limits=LIMITS)
    kinds = {q.text: q.kind for q in parsed.questions}
    multi = [t for t, k in kinds.items() if k == QuestionKind.MULTI_CHOICE]
    assert multi, kinds
    ticked = [a.choices for r in parsed.records for a in r.answers if a.question == multi[0]]
    assert all(c and all(not label.endswith(";") for label in c) for c in ticked)


def test_ms_forms_anonymous_rows_get_distinct_respondents() -> None:
    parsed = parse_export(fixture_bytes("ms_forms/responses.xlsx"), "m.xlsx", limits=LIMITS)
    refs = [r.respondent_ref for r in parsed.records]
    assert len(set(refs)) == len(refs)
    assert not any("anonymous" in ref for ref in refs)


def test_qualtrics_split_multiselect_is_one_question() -> None:
    parsed = parse_export(fixture_bytes("qualtrics/three_header_rows.csv"), "q.csv", limits=LIMITS)
    multi = [q for q in parsed.questions if q.kind == QuestionKind.MULTI_CHOICE]
    assert len(multi) == 1
    assert len(multi[0].choices) == 3


def test_surveymonkey_choice_columns_group_under_their_question() -> None:
    parsed = parse_export(fixture_bytes("surveymonkey/two_header_rows.csv"), "s.csv", limits=LIMITS)
    multi = [q for q in parsed.questions if q.kind == QuestionKind.MULTI_CHOICE]
    assert [q.text for q in multi] == ["Which topics would you like to discuss?"]
    assert len(multi[0].choices) >= 4


def test_typeform_repeated_headers_are_kept_apart() -> None:
    parsed = parse_export(fixture_bytes("typeform/responses.csv"), "t.csv", limits=LIMITS)
    texts = [q.text for q in parsed.questions]
    assert "Other" in texts and "Other (2)" in texts
    assert all("<strong>" not in t and "*" not in t for t in texts)


def test_typeform_contact_question_is_personal() -> None:
    parsed = parse_export(fixture_bytes("typeform/responses.csv"), "t.csv", limits=LIMITS)
    contact = [q for q in parsed.questions if q.text.startswith("What's your email?")]
    assert contact and contact[0].kind == QuestionKind.PERSONAL


def test_xlsx_dates_are_datetimes() -> None:
    parsed = parse_export(fixture_bytes("google_forms/responses.xlsx"), "g.xlsx", limits=LIMITS)
    assert all(r.submitted_at is not None and r.submitted_at.year == 2026 for r in parsed.records)


def test_checkin_channels_are_mapped() -> None:
    parsed = parse_export(fixture_bytes("checkins/notes.json"), "n.json", limits=LIMITS)
    assert {r.channel.value for r in parsed.records} <= {"checkin_phone", "checkin_email"}
    assert len({r.channel for r in parsed.records}) == 2


def test_mapping_overrides_a_column() -> None:
    from service.ingest.service import parse_mapping

    mapping = parse_mapping('{"columns": {"What is your role?": "free_text", "H": "ignore"}}')
    parsed = parse_export(
        fixture_bytes("google_forms/basic.csv"), "b.csv", limits=LIMITS, mapping=mapping
    )
    kinds = {q.text: q.kind for q in parsed.questions}
    assert kinds["What is your role?"] == QuestionKind.FREE_TEXT
    assert (
        len(kinds) == len(fixture_bytes("google_forms/basic.csv").split(b"\r\n")[0].split(b",")) - 1
    )


def test_forced_format_wins_over_detection() -> None:
    parsed = parse_export(
        fixture_bytes("google_forms/basic.csv"), "b.csv", limits=LIMITS, format_name="csv"
    )
    assert parsed.format == "csv"


def test_identifying_columns_are_never_answers() -> None:
    parsed = parse_export(fixture_bytes("surveymonkey/two_header_rows.csv"), "s.csv", limits=LIMITS)
    answer_texts = " ".join(a.text or "" for r in parsed.records for a in r.answers)
    assert "@example.org" not in answer_texts
    assert all(r.respondent_ref for r in parsed.records)
