"""The real exports in ../shared/exports are read without error, in the right layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import LimitSettings
from service.ingest.schemas import QuestionKind
from service.ingest.service import parse_export
from tests.conftest import SHARED

EXPORTS = SHARED / "exports"
pytestmark = pytest.mark.skipif(
    not EXPORTS.is_dir(), reason=f"the shared export samples are not at {EXPORTS}"
)

EXPECTED = {
    "google_forms/UVADS-DS-4002_HotDogClassification_Responses-Form_Responses_1.csv": (
        "google_forms"
    ),
    "google_forms/UVADS-DS-4002_HotDogClassification_Responses.xlsx": "google_forms",
    "google_forms/UVADS-DS-4002_fa25_Is_hotdog_a_sandwich_Responses_BOM.csv": "google_forms",
    "google_forms/mauriciobranda-cs50_week7_favorites.csv": "google_forms",
    "google_forms/tongsantan-Mental-Health-Modelling_OSMI_2014.csv": "google_forms",
    "microsoft_forms/UVADS-DS-4002_Hot-Dog-Form-Fa24.csv": "ms_forms",
    "microsoft_forms/skoofer-ms-forms-quiz-calculator_Category-1.xlsx": "ms_forms",
    "qualtrics/ropensci-qualtRics_tests_sample.csv": "qualtrics",
    "qualtrics/ropensci-qualtRics_tests_sample_legacy.csv": "qualtrics",
    "qualtrics/tufts-oir-QualtricsTools_Multiple_Answer_MC_Questions_Insights.csv": "qualtrics",
    "qualtrics/tufts-oir-QualtricsTools_Single_Answer_MC_Questions_Insights.csv": "qualtrics",
    "qualtrics/tufts-oir-QualtricsTools_Single_Answer_MC_Questions_Legacy_BOM.csv": "qualtrics",
    "surveymonkey/ajturner-dc-elections_2022_anc_HEADER-ROWS-plus-1-redacted-row.csv": (
        "surveymonkey"
    ),
    "typeform/tongsantan-Mental-Health-Modelling_OSMI_2018.csv": "typeform",
    "typeform/tongsantan-Mental-Health-Modelling_OSMI_2020.csv": "typeform",
}


def _data_rows(path: Path) -> int | None:
    if path.suffix != ".csv":
        return None
    import csv
    import io

    text = path.read_bytes().replace(b"\x00", b"").decode("utf-8-sig", errors="replace")
    return sum(1 for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row))


@pytest.mark.parametrize("relative", sorted(EXPECTED), ids=lambda p: p.split("/")[-1][:40])
def test_real_export_is_detected_and_read(relative: str) -> None:
    path = EXPORTS / relative
    parsed = parse_export(path.read_bytes(), path.name, limits=LimitSettings())
    assert parsed.format == EXPECTED[relative]
    assert parsed.records
    rows = _data_rows(path)
    header_rows = {"surveymonkey": 2, "qualtrics": 3}.get(parsed.format, 1)
    if rows is not None and "legacy" not in relative.lower():
        assert len(parsed.records) == rows - header_rows


def test_qualtrics_personal_columns_are_marked() -> None:
    path = EXPORTS / "qualtrics/ropensci-qualtRics_tests_sample.csv"
    parsed = parse_export(path.read_bytes(), path.name, limits=LimitSettings())
    personal = {q.text for q in parsed.questions if q.kind == QuestionKind.PERSONAL}
    assert {"IPAddress", "RecipientEmail", "LocationLatitude", "LocationLongitude"} <= personal


def test_surveymonkey_contact_information_is_personal() -> None:
    path = (
        EXPORTS / "surveymonkey/ajturner-dc-elections_2022_anc_HEADER-ROWS-plus-1-redacted-row.csv"
    )
    parsed = parse_export(path.read_bytes(), path.name, limits=LimitSettings())
    contact = [q for q in parsed.questions if q.text.startswith("Contact information")]
    assert contact and all(q.kind == QuestionKind.PERSONAL for q in contact)
