"""A generic file's response-id column keeps rows apart; rows without a respondent say so."""

from __future__ import annotations

import json

import pytest

from service.config import LimitSettings
from service.ingest.formats.generic import role_of
from service.ingest.schemas import ColumnRole
from service.ingest.service import parse_export
from tests.conftest import fixture_bytes

LIMITS = LimitSettings()
ID_HEADERS = ["ResponseId", "Response ID", "response_id", "id", "ID", "Submission ID"]
ID_HEADERS += ["submission_id", "Entry ID", "Row ID", "record-id"]


@pytest.mark.parametrize("header", ID_HEADERS)
def test_response_id_headers_are_the_row_key(header: str) -> None:
    assert role_of(header) is ColumnRole.RESPONSE_ID


@pytest.mark.parametrize("header", ["Respondent ID", "member_id", "User ID", "email"])
def test_respondent_headers_name_the_person(header: str) -> None:
    assert role_of(header) is ColumnRole.RESPONDENT_ID


def test_rows_with_different_response_ids_and_the_same_answers_stay_distinct() -> None:
    """Regression: `ResponseId` was read as metadata, so the three rows hashed to one key."""
    parsed = parse_export(fixture_bytes("generic/response_ids.csv"), "r.csv", limits=LIMITS)
    assert [r.source_key for r in parsed.records] == ["csv:R_1", "csv:R_2", "csv:R_3"]


def test_json_records_with_submission_ids_stay_distinct() -> None:
    records = [{"Submission ID": n, "note": "Same words every time"} for n in (7, 8, 9)]
    data = "\n".join(json.dumps(r) for r in records).encode()
    parsed = parse_export(data, "notes.jsonl", limits=LIMITS)
    assert len({r.source_key for r in parsed.records}) == 3


def test_rows_without_a_respondent_are_unidentified() -> None:
    parsed = parse_export(fixture_bytes("generic/no_identifier.csv"), "n.csv", limits=LIMITS)
    assert [r.identified for r in parsed.records] == [False, False, False]
    assert all(r.respondent_ref.startswith("response:") for r in parsed.records)
    assert parsed.identified == 0


def test_rows_with_a_respondent_are_identified() -> None:
    parsed = parse_export(fixture_bytes("google_forms/basic.csv"), "b.csv", limits=LIMITS)
    assert parsed.identified == len(parsed.records) == 5
