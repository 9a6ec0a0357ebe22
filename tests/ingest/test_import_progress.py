"""``GET .../imports/{id}``: an import's progress while it runs, its summary once stored."""

from __future__ import annotations

import uuid
from typing import Any

from service.config import Settings
from service.intake import run_import
from service.privacy.redactor import Redactor
from tests.factories import google_forms_csv
from tests.ingest.test_chunked_import import ANSWERS, RAW


def test_the_run_tells_its_progress_then_its_summary(
    settings: Settings,
    redactor: Redactor,
    app_client,
    facilitator_headers: dict[str, str],
    monkeypatch,
) -> None:
    import service.intake as intake

    monkeypatch.setattr(intake, "CHUNK_ROWS", 3)
    engine = app_client.app.state.engine
    token = uuid.uuid4().hex
    url = f"/api/v1/communities/circle/imports/{token}"
    seen: list[tuple[str, int, int]] = []

    def progress(done: int, total: int) -> None:
        view = app_client.get(url, headers=facilitator_headers).json()
        seen.append((view["status"], view["rows_done"], view["rows_total"]))
        assert view["result"] is None

    result = run_import(
        engine,
        settings,
        slug="circle",
        data=google_forms_csv(ANSWERS),
        filename="checkins.csv",
        redactor=redactor,
        progress=progress,
        token=token,
    )
    assert seen == [("reading", 3, 7), ("reading", 6, 7), ("reading", 7, 7)]
    done = app_client.get(url, headers=facilitator_headers).json()
    assert done["status"] == "done" and done["rows_done"] == done["rows_total"] == 7
    assert done["result"] == result and result["id"] == token
    assert done["result"]["responses_added"] == 7
    listed = app_client.get(
        "/api/v1/communities/circle/imports/in-progress", headers=facilitator_headers
    )
    assert listed.json() == []  # a stored run is no longer in progress


def test_an_upload_with_an_id_is_found_by_it_and_a_bad_id_is_refused(
    app_client, facilitator_headers: dict[str, str]
) -> None:
    token = uuid.uuid4().hex
    files = {"file": ("checkins.csv", google_forms_csv(ANSWERS), "text/csv")}
    posted = app_client.post(
        "/api/v1/communities/circle/imports",
        files=files,
        data={"import_id": token},
        headers=facilitator_headers,
    )
    assert posted.status_code == 201, posted.text
    assert posted.json()["id"] == token
    view: dict[str, Any] = app_client.get(
        f"/api/v1/communities/circle/imports/{token}", headers=facilitator_headers
    ).json()
    assert view["status"] == "done" and view["result"]["responses_added"] == 7
    assert not [raw for raw in RAW if raw in str(view)]
    refused = app_client.post(
        "/api/v1/communities/circle/imports",
        files=files,
        data={"import_id": "../../etc"},
        headers=facilitator_headers,
    )
    assert refused.status_code == 422, refused.text
    missing = app_client.get(
        f"/api/v1/communities/circle/imports/{uuid.uuid4().hex}", headers=facilitator_headers
    )
    assert missing.status_code == 404


def test_another_community_cannot_read_the_run(
    app_client, facilitator_headers: dict[str, str], settings: Settings, redactor: Redactor
) -> None:
    token = uuid.uuid4().hex
    run_import(
        app_client.app.state.engine,
        settings,
        slug="other",
        data=google_forms_csv(ANSWERS),
        filename="checkins.csv",
        redactor=redactor,
        create_community=True,
        token=token,
    )
    seen = app_client.get(
        f"/api/v1/communities/circle/imports/{token}", headers=facilitator_headers
    )
    assert seen.status_code == 404
