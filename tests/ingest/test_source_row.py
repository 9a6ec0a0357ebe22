"""Each response keeps the data row it came from (1-based, header rows not counted)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from service.config import LimitSettings
from service.ingest.service import parse_export
from service.storage import db
from service.storage.repositories import communities, imports
from service.storage.tables import Submission

# A SurveyMonkey export: two header rows, a quoted answer over two lines, a blank row.
SURVEYMONKEY = (
    b"Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,"
    b"Last Name,Custom Data 1,What keeps you up at night?\r\n"
    b",,,,,,,,,Open-Ended Response\r\n"
    b"1001,77,09/07/2026 08:00:00 AM,09/07/2026 08:05:00 AM,10.0.0.1,,,,,Month end\r\n"
    b"1002,77,09/07/2026 09:00:00 AM,09/07/2026 09:05:00 AM,10.0.0.2,,,,,"
    b'"Two lines\r\nof worry"\r\n'
    b",,,,,,,,,\r\n"
    b"1003,77,09/08/2026 10:00:00 AM,09/08/2026 10:05:00 AM,10.0.0.3,,,,,The reorg\r\n"
)


def test_source_rows_count_data_rows_and_survive_a_blank_row() -> None:
    parsed = parse_export(SURVEYMONKEY, "sm.csv", limits=LimitSettings())
    assert parsed.format == "surveymonkey"
    by_text = {r.answers[0].text: (r.source_row, r.row) for r in parsed.records}
    # The blank fourth data row is skipped but still counted, as the file numbers it.
    assert by_text == {"Month end": (1, 3), "Two lines\r\nof worry": (2, 4), "The reorg": (4, 6)}


def test_the_source_row_is_stored_with_the_submission(engine: Engine) -> None:
    parsed = parse_export(SURVEYMONKEY, "sm.csv", limits=LimitSettings())
    with db.transaction(engine, write=True) as session:
        community = communities.get_or_create(session, "circle")
        info: dict[str, object] = {"filename": "sm.csv", "sha256": "0" * 64, "size_bytes": 1}
        imports.store(session, community, parsed, secret_key="k" * 40, file_info=info)
    with db.transaction(engine) as session:
        rows = sorted(row or 0 for row in session.scalars(select(Submission.source_row)))
    assert rows == [1, 2, 4]
