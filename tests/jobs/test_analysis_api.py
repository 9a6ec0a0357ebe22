"""An analysis end to end through the API: 202, job progress, themes, stable identity."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from tests.factories import themed_export


def _analyse(client: TestClient, headers: dict[str, str]) -> dict:
    started = client.post("/api/v1/communities/circle/analyses", headers=headers)
    assert started.status_code == 202, started.text
    job_url = started.json()["status_url"]
    assert started.headers["location"] == job_url
    deadline = time.monotonic() + 240
    seen_progress = set()
    while time.monotonic() < deadline:
        job = client.get(job_url, headers=headers).json()
        seen_progress.add(job["progress"])
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.2)
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0
    return job["result"]


def test_analysis_finds_themes_and_keeps_their_identity(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    uploaded = app_client.post(
        "/api/v1/communities/circle/imports",
        headers=facilitator_headers,
        files={"file": ("pulse.csv", themed_export())},
    )
    assert uploaded.status_code == 201, uploaded.text
    first = _analyse(app_client, facilitator_headers)
    assert set(first["themes"][0]) >= {
        "id",
        "label",
        "keywords",
        "units",
        "respondents",
        "share",
        "trend",
        "weekly",
        "quotes",
    }
    assert len(first["themes"]) >= 3
    assert first["goals"] == [] and isinstance(first["suggestions"], list) and "metrics" in first
    listed = app_client.get("/api/v1/communities/circle/themes", headers=facilitator_headers).json()
    # the list without ?question_id= or ?level= holds the community-wide fine themes
    assert {t["id"] for t in listed} == {
        t["id"] for t in first["themes"] if t["question"] is None and t["level"] == "fine"
    }
    # the theme that speaks most of the reorg (its key words, strongest cue first)
    reorg = max(
        listed,
        key=lambda t: [
            sum(k in word for word in t["keywords"]) for k in ("reorg", "restructur", "job", "role")
        ],
    )
    renamed = app_client.patch(
        f"/api/v1/communities/circle/themes/{reorg['id']}",
        headers=facilitator_headers,
        json={"name": "Job security"},
    )
    assert renamed.json()["label"] == "Job security"
    second = _analyse(app_client, facilitator_headers)
    assert {t["id"] for t in second["themes"]} == {t["id"] for t in first["themes"]}
    assert any(t["label"] == "Job security" for t in second["themes"])
    detail = app_client.get(
        f"/api/v1/communities/circle/themes/{reorg['id']}", headers=facilitator_headers
    ).json()
    assert detail["segments"]["role"] and all(
        c["suppressed"] == (c["share"] is None) for c in detail["segments"]["role"]
    )
    assert detail["lineage"][-1]["status"] == "continued"
    _check_concerns(app_client, facilitator_headers, second, reorg["id"])


def _check_concerns(
    client: TestClient, headers: dict[str, str], result: dict, reorg_id: int
) -> None:
    """Issue 5's contract: the worry ranking, in the result and at /concerns."""
    concerns = result["concerns"]
    assert concerns and set(concerns[0]) >= {
        "theme_id",
        "label",
        "score",
        "concerned_respondents",
        "intensity",
        "trend",
        "reason",
    }
    scores = [c["score"] for c in concerns if c["score"] is not None]
    assert scores == sorted(scores, reverse=True)
    # the reorg theme (members afraid for their jobs, every week) carries the most worry
    assert concerns[0]["theme_id"] == reorg_id
    assert "worry" in concerns[0]["reason"]
    for theme in result["themes"]:
        assert "concern_share" in theme and "sentiment" in theme
        assert theme["concern_share"] is None or 0.0 <= theme["concern_share"] <= 1.0
    assert [c["rank"] for c in concerns] == list(range(1, len(concerns) + 1))
    for concern in concerns:  # nothing about fewer than the minimum group is shown
        assert (
            concern["concerned_respondents"] in (None, 0) or concern["concerned_respondents"] >= 5
        )
        if concern["concerned_respondents"] is None:
            assert concern["intensity"] is None and "fewer than 5" in concern["reason"]
            assert concern["score"] is None and concern["concern_share"] is None
    listed = client.get("/api/v1/communities/circle/concerns", headers=headers).json()
    assert [c["theme_id"] for c in listed] == [c["theme_id"] for c in concerns]


def test_second_request_returns_the_running_job(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    app_client.post(
        "/api/v1/communities/circle/imports",
        headers=facilitator_headers,
        files={"file": ("pulse.csv", themed_export(1))},
    )
    first = app_client.post(
        "/api/v1/communities/circle/analyses", headers=facilitator_headers
    ).json()
    second = app_client.post(
        "/api/v1/communities/circle/analyses", headers=facilitator_headers
    ).json()
    if second["created"]:  # the first one had already finished
        assert second["job_id"] != first["job_id"]
    else:
        assert second["job_id"] == first["job_id"]


def test_job_of_another_community_is_hidden(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    from service.auth.roles import Role
    from tests.conftest import make_token

    job = app_client.post("/api/v1/communities/circle/analyses", headers=facilitator_headers).json()
    other = make_token(app_client, Role.ADMIN, "elsewhere")
    response = app_client.get(job["status_url"], headers={"Authorization": f"Bearer {other}"})
    assert response.status_code == 404
