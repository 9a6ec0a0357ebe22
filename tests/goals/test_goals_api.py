"""Goals: add, list, edit, through the API and the CLI."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_goal_lifecycle(app_client: TestClient, facilitator_headers: dict[str, str]) -> None:
    created = app_client.post(
        "/api/v1/communities/circle/goals",
        headers=facilitator_headers,
        json={
            "text": "Every member implements a quality plan",
            "owner": "sponsor",
            "target_date": "2027-03-31",
        },
    )
    assert created.status_code == 201
    goal = created.json()
    assert goal["owner"] == "sponsor" and goal["target_date"] == "2027-03-31"
    patched = app_client.patch(
        f"/api/v1/communities/circle/goals/{goal['id']}",
        headers=facilitator_headers,
        json={"owner": "staff"},
    )
    assert patched.json()["owner"] == "staff"
    listed = app_client.get("/api/v1/communities/circle/goals", headers=facilitator_headers).json()
    assert [g["id"] for g in listed] == [goal["id"]]
    archived = app_client.patch(
        f"/api/v1/communities/circle/goals/{goal['id']}",
        headers=facilitator_headers,
        json={"status": "archived"},
    )
    assert archived.json()["status"] == "archived"
    assert (
        app_client.get("/api/v1/communities/circle/goals", headers=facilitator_headers).json() == []
    )


def test_bad_owner_is_refused(app_client: TestClient, facilitator_headers: dict[str, str]) -> None:
    response = app_client.post(
        "/api/v1/communities/circle/goals",
        headers=facilitator_headers,
        json={"text": "Grow", "owner": "ceo"},
    )
    assert response.status_code == 422


def test_unknown_goal_is_404(app_client: TestClient, facilitator_headers: dict[str, str]) -> None:
    response = app_client.patch(
        "/api/v1/communities/circle/goals/999", headers=facilitator_headers, json={"owner": "staff"}
    )
    assert response.status_code == 404
