"""Timestamps as the tools write them: the standard library reads them as dateutil does."""

from __future__ import annotations

from datetime import datetime

import pytest

from service.ingest.dates import parse_datetime

CASES = [
    ("1/8/2025 23:50:00", datetime(2025, 1, 8, 23, 50)),  # Google Forms (US locale)
    ("12/31/2024 0:05:00", datetime(2024, 12, 31, 0, 5)),
    ("1/8/2025 9:05", datetime(2025, 1, 8, 9, 5)),
    ("1/8/2025", datetime(2025, 1, 8)),
    ("2025-01-08 23:50:00", datetime(2025, 1, 8, 23, 50)),  # Qualtrics, SurveyMonkey
    ("2025-01-08T23:50:00Z", datetime(2025, 1, 8, 23, 50)),  # Typeform, in UTC
    ("2025-01-08T23:50:00+02:00", datetime(2025, 1, 8, 21, 50)),  # converted to UTC
    ("2024-12-31 10:00:00.123", datetime(2024, 12, 31, 10, 0, 0, 123000)),
    ("2025/01/08 11:00:00 PM GMT", datetime(2025, 1, 8, 23, 0)),  # dateutil reads the rest
    ("13/1/2025 10:00:00", datetime(2025, 1, 13, 10, 0)),  # day first where it cannot be a month
    ("2025-1-8", datetime(2025, 1, 8)),  # not ISO: dateutil
    ("45665.5", datetime(2025, 1, 8, 12, 0)),  # an Excel serial number
]


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_timestamps_read_as_written(value: str, expected: datetime) -> None:
    assert parse_datetime(value) == expected


@pytest.mark.parametrize("value", ["2/30/2025 10:00:00", "", "soon", "12"])
def test_what_is_no_timestamp_reads_as_none(value: str) -> None:
    assert parse_datetime(value) is None
