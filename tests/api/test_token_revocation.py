"""Token sessions share the token's limit and end with it; admins list and revoke tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from service.auth.roles import Role
from service.storage import db
from service.storage.repositories import auth, communities
from service.storage.tables import ApiToken, utcnow
from tests.conftest import make_token

CIRCLE = "/api/v1/communities/circle"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_id(client: TestClient, token: str) -> int:
    from service.auth.credentials import token_hash

    with db.transaction(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return session.scalar(select(ApiToken.id).where(ApiToken.token_hash == token_hash(token)))


def open_session(client: TestClient, token: str) -> None:
    answer = client.post("/signin", data={"token": token}, follow_redirects=False)
    assert answer.status_code == 303 and "peerpulse_session" in client.cookies


def set_token(client: TestClient, token: str, **values: object) -> None:
    """Change a stored token behind the app's back (as another process or time would)."""
    with db.transaction(client.app.state.engine, write=True) as session:  # type: ignore[attr-defined]
        session.execute(
            update(ApiToken).where(ApiToken.id == token_id(client, token)).values(**values)
        )


def test_session_opened_with_a_token_points_at_it(app_client: TestClient) -> None:
    token = make_token(app_client, Role.VIEWER, "circle")
    open_session(app_client, token)
    with db.transaction(app_client.app.state.engine) as session:  # type: ignore[attr-defined]
        sessions = list(session.scalars(select(ApiToken).where(ApiToken.kind == "session")))
    assert [s.parent_id for s in sessions] == [token_id(app_client, token)]


def test_token_session_shares_the_tokens_rate_limit(app_client: TestClient) -> None:
    app_client.app.state.settings.rate_limit_per_minute = 3  # type: ignore[attr-defined]
    token = make_token(app_client, Role.VIEWER, "circle")
    open_session(app_client, token)  # 1
    codes = [
        app_client.get(CIRCLE, headers=bearer(token)).status_code,  # 2
        app_client.get(CIRCLE).status_code,  # 3, with the session cookie
        app_client.get(CIRCLE).status_code,
        app_client.get(CIRCLE, headers=bearer(token)).status_code,
    ]
    assert codes == [200, 200, 429, 429]


def test_rate_limited_token_cannot_open_a_fresh_session(app_client: TestClient) -> None:
    app_client.app.state.settings.rate_limit_per_minute = 2  # type: ignore[attr-defined]
    token = make_token(app_client, Role.VIEWER, "circle")
    for _ in range(2):
        app_client.get(CIRCLE, headers=bearer(token))
    answer = app_client.post("/signin", data={"token": token}, follow_redirects=False)
    assert answer.status_code == 429 and answer.headers["retry-after"] == "60"
    assert "peerpulse_session" not in app_client.cookies


def test_token_session_pages_count_against_the_token(app_client: TestClient) -> None:
    app_client.app.state.settings.rate_limit_per_minute = 3  # type: ignore[attr-defined]
    token = make_token(app_client, Role.VIEWER, "circle")
    open_session(app_client, token)
    assert app_client.get("/c/circle").status_code == 200
    app_client.get(CIRCLE, headers=bearer(token))
    assert app_client.get("/c/circle").status_code == 429


def test_revoked_token_ends_its_session(app_client: TestClient, admin_headers: dict) -> None:
    token = make_token(app_client, Role.VIEWER, "circle")
    open_session(app_client, token)
    assert app_client.get("/c/circle").status_code == 200
    revoked = app_client.delete(
        f"/api/v1/tokens/{token_id(app_client, token)}", headers=admin_headers
    )
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    page = app_client.get("/c/circle", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/signin")
    assert app_client.get(CIRCLE).status_code == 401
    assert app_client.get(CIRCLE, headers=bearer(token)).status_code == 401


@pytest.mark.parametrize(
    "change",
    [
        {"revoked_at": utcnow()},
        {"expires_at": utcnow() - timedelta(minutes=1)},
    ],
    ids=["revoked", "expired"],
)
def test_session_is_refused_once_its_token_ends(app_client: TestClient, change: dict) -> None:
    token = make_token(app_client, Role.VIEWER, "circle")
    open_session(app_client, token)
    set_token(app_client, token, **change)  # the session row itself is untouched
    answer = app_client.get(CIRCLE)
    assert answer.status_code == 401 and "session has ended" in answer.json()["error"]


def test_session_never_outlives_an_expiring_token(app_client: TestClient) -> None:
    engine = app_client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine, write=True) as session:
        circle = communities.get_or_create(session, "circle")
        token = auth.create_token(
            session, role=Role.VIEWER, community=circle, lifetime=timedelta(hours=1)
        )
    open_session(app_client, token)
    with db.transaction(engine) as session:
        rows = {row.kind: row.expires_at for row in session.scalars(select(ApiToken))}
    assert rows["session"] <= rows["api"]


def test_global_admin_lists_every_token_but_never_the_secret(
    app_client: TestClient, admin_headers: dict
) -> None:
    viewer = make_token(app_client, Role.VIEWER, "circle")
    make_token(app_client, Role.ADMIN, "elsewhere")
    listed = app_client.get("/api/v1/tokens", headers=admin_headers)
    assert listed.status_code == 200
    rows = listed.json()
    assert sorted(r["community"] or "*" for r in rows) == ["*", "circle", "elsewhere"]
    assert viewer not in listed.text and "token_hash" not in listed.text
    first = next(r for r in rows if r["community"] == "circle")
    assert first["prefix"] == viewer[:10] and first["role"] == "viewer" and first["kind"] == "api"
    assert first["created_at"] and first["expires_at"] is None and first["revoked_at"] is None


def test_community_admin_sees_and_revokes_only_its_community(app_client: TestClient) -> None:
    circle_admin = bearer(make_token(app_client, Role.ADMIN, "circle"))
    viewer = make_token(app_client, Role.VIEWER, "circle")
    outsider = make_token(app_client, Role.VIEWER, "elsewhere")
    listed = app_client.get("/api/v1/tokens", headers=circle_admin).json()
    assert {r["community"] for r in listed} == {"circle"} and len(listed) == 2
    assert (
        app_client.get("/api/v1/tokens?community=elsewhere", headers=circle_admin).status_code
        == 404
    )
    outsider_id = token_id(app_client, outsider)
    for path in (f"/api/v1/tokens/{outsider_id}", f"{CIRCLE}/tokens/{outsider_id}"):
        assert app_client.delete(path, headers=circle_admin).status_code == 404
    assert (
        app_client.get("/api/v1/communities/elsewhere", headers=bearer(outsider)).status_code == 200
    )
    gone = app_client.delete(
        f"{CIRCLE}/tokens/{token_id(app_client, viewer)}", headers=circle_admin
    )
    assert gone.status_code == 200 and gone.json()["revoked_at"]
    assert app_client.get(CIRCLE, headers=bearer(viewer)).status_code == 401


def test_community_token_list_follows_the_create_pattern(app_client: TestClient) -> None:
    circle_admin = bearer(make_token(app_client, Role.ADMIN, "circle"))
    created = app_client.post(f"{CIRCLE}/tokens", json={"role": "committee"}, headers=circle_admin)
    listed = app_client.get(f"{CIRCLE}/tokens", headers=circle_admin).json()
    assert [r["role"] for r in listed] == ["admin", "committee"]
    assert created.json()["token"][:10] == listed[1]["prefix"]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMMITTEE, Role.FACILITATOR])
def test_only_admins_list_and_revoke(app_client: TestClient, role: Role) -> None:
    caller = bearer(make_token(app_client, role, "circle"))
    victim = make_token(app_client, Role.VIEWER, "circle")
    victim_id = token_id(app_client, victim)
    assert app_client.get("/api/v1/tokens", headers=caller).status_code == 403
    assert app_client.get(f"{CIRCLE}/tokens", headers=caller).status_code == 403
    assert app_client.delete(f"/api/v1/tokens/{victim_id}", headers=caller).status_code == 403
    assert app_client.delete(f"{CIRCLE}/tokens/{victim_id}", headers=caller).status_code == 403
    assert app_client.get(CIRCLE, headers=bearer(victim)).status_code == 200


def test_revoking_an_unknown_token_is_404(app_client: TestClient, admin_headers: dict) -> None:
    answer = app_client.delete("/api/v1/tokens/9999", headers=admin_headers)
    assert answer.status_code == 404 and "No token with id 9999" in answer.json()["error"]


def test_sign_out_of_a_token_session_keeps_the_token(app_client: TestClient) -> None:
    token = make_token(app_client, Role.VIEWER, "circle")
    open_session(app_client, token)
    app_client.post("/signout", headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert app_client.get(CIRCLE, headers=bearer(token)).status_code == 200
