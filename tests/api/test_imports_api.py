"""The imports endpoint: 201 with the summary, 4xx with a located error, nothing half-stored."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import fixture_bytes


def _upload(client: TestClient, headers: dict[str, str], path: str, **form: str):
    name = path.rsplit("/", 1)[-1]
    return client.post(
        "/api/v1/communities/circle/imports",
        headers=headers,
        files={"file": (name, fixture_bytes(path))},
        data=form,
    )


def test_upload_answers_201_with_the_summary(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    response = _upload(app_client, facilitator_headers, "surveymonkey/two_header_rows.csv")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["community"] == "circle"
    assert body["format"] == "surveymonkey"
    assert body["responses_added"] == 5
    assert {"text", "kind"} == set(body["questions"][0])


def test_reupload_skips_duplicates(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    _upload(app_client, facilitator_headers, "google_forms/basic.csv")
    again = _upload(app_client, facilitator_headers, "google_forms/basic.csv").json()
    assert (again["responses_added"], again["duplicates_skipped"]) == (0, 5)
    listed = app_client.get("/api/v1/communities/circle/imports", headers=facilitator_headers)
    assert [i["responses_added"] for i in listed.json()] == [0, 5]


def test_bad_file_answers_4xx_with_location(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    response = _upload(app_client, facilitator_headers, "bad/ragged.csv")
    assert response.status_code == 422
    assert response.json()["location"] == {"row": 4, "column": 11}
    community = app_client.get("/api/v1/communities/circle", headers=facilitator_headers).json()
    assert community["responses"] == 0


def test_oversize_upload_is_refused(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    app_client.app.state.settings.max_upload_mb = 0.001  # type: ignore[attr-defined]
    response = _upload(app_client, facilitator_headers, "google_forms/basic.csv")
    assert response.status_code == 413
    assert "PEERPULSE_MAX_UPLOAD_MB" in response.json()["hint"]


def test_forced_format_and_mapping_are_used(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    response = _upload(
        app_client,
        facilitator_headers,
        "google_forms/basic.csv",
        format="csv",
        mapping='{"columns": {"What is your role?": "free_text"}}',
    )
    assert response.status_code == 201
    body = response.json()
    assert body["format"] == "csv"
    assert {"text": "What is your role?", "kind": "free_text"} in body["questions"]


def test_bad_mapping_answers_422(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    response = _upload(app_client, facilitator_headers, "google_forms/basic.csv", mapping="{oops")
    assert response.status_code == 422
    assert response.json()["location"]["row"] == 1


def test_answers_csv_neutralises_formulas(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    _upload(app_client, facilitator_headers, "generic/formulas.csv")
    fifth = (
        b"Timestamp,Email Address,What keeps you up at night?\r\n"
        b"9/18/2026 9:00:00,m5@example.org,x\r\n"
    )
    app_client.post(  # a fifth member: the export shows no row of a community under 5
        "/api/v1/communities/circle/imports",
        headers=facilitator_headers,
        files={"file": ("fifth.csv", fifth)},
    )
    body = app_client.get(
        "/api/v1/communities/circle/answers.csv", headers=facilitator_headers
    ).text
    assert "'=HYPERLINK" in body and "'@SUM(A1)" in body and "'+1+2" in body
    assert "\n=" not in body and ",=" not in body


def test_create_community_needs_admin(
    app_client: TestClient, admin_headers: dict[str, str], facilitator_headers: dict[str, str]
) -> None:
    denied = app_client.post(
        "/api/v1/communities", json={"slug": "other"}, headers=facilitator_headers
    )
    created = app_client.post(
        "/api/v1/communities", json={"slug": "other", "name": "Other"}, headers=admin_headers
    )
    again = app_client.post("/api/v1/communities", json={"slug": "other"}, headers=admin_headers)
    assert denied.status_code == 403
    assert created.status_code == 201 and created.json()["name"] == "Other"
    assert again.status_code == 409


def test_invalid_slug_is_refused(app_client: TestClient, admin_headers: dict[str, str]) -> None:
    response = app_client.post(
        "/api/v1/communities", json={"slug": "Bad Slug!"}, headers=admin_headers
    )
    assert response.status_code == 422
    assert set(response.json()) == {"error", "detail", "location", "hint"}


def test_hostile_workbook_answers_422_with_the_error_shape(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    """Regression: an XLSX with an undefined entity answered a plain-text 500."""
    from tests.ingest.test_xlsx_limits import SHEET, sheet, text_row, workbook_with

    rows = [text_row(1, "Timestamp", "Q"), text_row(2, "2026-09-01", "&undefined;")]
    response = app_client.post(
        "/api/v1/communities/circle/imports",
        headers=facilitator_headers,
        files={"file": ("hostile.xlsx", workbook_with({SHEET: sheet(rows)}))},
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert set(body) == {"error", "detail", "location", "hint"}
    assert "hostile.xlsx" in body["error"]
    assert body["location"] == {"row": 2, "column": 2}


def test_summary_counts_identified_responses(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    anonymous = _upload(app_client, facilitator_headers, "generic/no_identifier.csv").json()
    named = _upload(app_client, facilitator_headers, "google_forms/basic.csv").json()
    assert (anonymous["identified"], named["identified"]) == (0, 5)


def test_upload_holds_no_connection_while_it_parses(
    app_client: TestClient, facilitator_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: each upload kept its request's connection while it parsed and redacted, so
    twenty at once exhausted the pool (500s, and an unrelated viewer's read failed)."""
    from service import intake as importer

    engine = app_client.app.state.engine  # type: ignore[attr-defined]
    held: list[int] = []
    real_parse = importer.plan_export

    def parse_and_count(*args: Any, **kwargs: Any) -> Any:
        held.append(engine.pool.checkedout())
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(importer, "plan_export", parse_and_count)
    response = _upload(app_client, facilitator_headers, "google_forms/basic.csv")
    assert response.status_code == 201, response.text
    assert held == [0]
