"""PATCH of a theme changes only what the body names: an empty body never clears its name."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.auth.roles import Role
from service.storage import db
from service.storage.tables import Theme
from tests.conftest import make_token, stored_theme

BASE = "/api/v1/communities/circle"
ERROR_KEYS = {"error", "detail", "location", "hint"}


@pytest.fixture
def committee(app_client: TestClient) -> dict[str, str]:
    """A committee member of the community ``circle``."""
    return {"Authorization": f"Bearer {make_token(app_client, Role.COMMITTEE, 'circle')}"}


def _name(client: TestClient, theme_id: int) -> str | None:
    with db.transaction(client.app.state.engine) as session:  # type: ignore[attr-defined]
        theme = session.get(Theme, theme_id)
        assert theme is not None
        return theme.name


def test_an_empty_theme_patch_is_refused_and_keeps_the_committees_name(
    app_client: TestClient, committee: dict[str, str]
) -> None:
    theme_id = stored_theme(app_client, "Calendar chaos")
    answer = app_client.patch(f"{BASE}/themes/{theme_id}", headers=committee, json={})
    assert answer.status_code == 422
    assert set(answer.json()) == ERROR_KEYS and "name" in answer.json()["hint"]
    assert _name(app_client, theme_id) == "Calendar chaos"


@pytest.mark.parametrize(
    ("body", "stored", "label"),
    [
        ({"name": "  Double bookings "}, "Double bookings", "Double bookings"),
        ({"name": None}, None, "calendar"),
    ],
    ids=["rename", "null-clears"],
)
def test_a_theme_patch_with_a_name_renames_or_clears(
    app_client: TestClient,
    committee: dict[str, str],
    body: dict[str, str | None],
    stored: str | None,
    label: str,
) -> None:
    theme_id = stored_theme(app_client, "Calendar chaos")
    answer = app_client.patch(f"{BASE}/themes/{theme_id}", headers=committee, json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["label"] == label
    assert _name(app_client, theme_id) == stored
