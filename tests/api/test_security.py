"""Every endpoint refuses anonymous callers and callers from another community."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from service.auth.roles import Role
from service.main import create_app
from tests.conftest import make_token

_PUBLIC = {"/healthz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
# Survey tools sign the body instead of sending a token (tests/integrations checks them all).
_SIGNED = {"/api/v1/communities/{slug}/webhooks/{tool}"}


def _routes() -> list[tuple[str, str]]:
    """Every operation of the app, read from the OpenAPI document FastAPI builds from its routes."""
    schema = create_app().openapi()
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        if path not in _PUBLIC | _SIGNED
        for method in operations
    ]


ROUTES = _routes()


def _fill(path: str, slug: str) -> str:
    path = path.replace("{slug}", slug)
    return re.sub(r"\{[^}]+\}", "1", path)


def test_the_route_table_is_not_empty() -> None:
    assert len(ROUTES) >= 6


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_anonymous_call_is_refused(app_client: TestClient, method: str, path: str) -> None:
    response = app_client.request(method, _fill(path, "circle"))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("method", "path"),
    [r for r in ROUTES if "{slug}" in r[1]],
    ids=[f"{m} {p}" for m, p in ROUTES if "{slug}" in p],
)
def test_other_communitys_admin_token_is_refused(
    app_client: TestClient, method: str, path: str
) -> None:
    make_token(app_client, Role.VIEWER, "circle")
    intruder = make_token(app_client, Role.ADMIN, "elsewhere")
    response = app_client.request(
        method, _fill(path, "circle"), headers={"Authorization": f"Bearer {intruder}"}
    )
    assert response.status_code in (403, 404)


@pytest.mark.parametrize("tool", ["typeform", "surveymonkey", "generic"])
def test_signed_webhooks_refuse_an_unsigned_call(app_client: TestClient, tool: str) -> None:
    response = app_client.post(f"/api/v1/communities/circle/webhooks/{tool}", content=b"{}")
    assert response.status_code == 401


def test_healthz_answers_without_a_token(app_client: TestClient) -> None:
    assert app_client.get("/healthz").json() == {"status": "ok"}


def test_garbage_token_is_refused(app_client: TestClient) -> None:
    response = app_client.get("/api/v1/communities", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_list_shows_only_reachable_communities(app_client: TestClient) -> None:
    mine = make_token(app_client, Role.VIEWER, "circle")
    make_token(app_client, Role.VIEWER, "elsewhere")
    listed = app_client.get("/api/v1/communities", headers={"Authorization": f"Bearer {mine}"})
    assert [c["slug"] for c in listed.json()] == ["circle"]


def test_viewer_cannot_upload(app_client: TestClient) -> None:
    viewer = make_token(app_client, Role.VIEWER, "circle")
    response = app_client.post(
        "/api/v1/communities/circle/imports",
        headers={"Authorization": f"Bearer {viewer}"},
        files={"file": ("a.csv", b"Timestamp,Q\n1/1/2026 1:00:00,x\n")},
    )
    assert response.status_code == 403


def test_rate_limit_answers_429(app_client: TestClient) -> None:
    app_client.app.state.settings.rate_limit_per_minute = 3  # type: ignore[attr-defined]
    token = make_token(app_client, Role.VIEWER, "circle")
    codes = [
        app_client.get(
            "/api/v1/communities/circle", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        for _ in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


def test_tokens_are_stored_hashed(app_client: TestClient) -> None:
    from sqlalchemy import select

    from service.storage import db
    from service.storage.tables import ApiToken

    token = make_token(app_client, Role.FACILITATOR, "circle")
    with db.transaction(app_client.app.state.engine) as session:  # type: ignore[attr-defined]
        stored = list(session.scalars(select(ApiToken.token_hash)))
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_admin_creates_a_community_token(app_client: TestClient, admin_headers: dict) -> None:
    make_token(app_client, Role.VIEWER, "circle")
    created = app_client.post(
        "/api/v1/communities/circle/tokens", json={"role": "committee"}, headers=admin_headers
    )
    assert created.status_code == 201
    token = created.json()["token"]
    response = app_client.get(
        "/api/v1/communities/circle", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
