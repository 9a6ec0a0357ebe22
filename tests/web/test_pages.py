"""Pages without a browser: sign-in redirects, sessions, isolation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.auth.roles import Role
from tests.conftest import make_token

PAGES = ["/", "/c/circle", "/c/circle/imports"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_redirect_to_sign_in_without_a_session(app_client: TestClient, path: str) -> None:
    make_token(app_client, Role.VIEWER, "circle")
    response = app_client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=")


def test_sign_in_page_answers_without_a_session(app_client: TestClient) -> None:
    response = app_client.get("/signin")
    assert response.status_code == 200 and 'name="password"' in response.text


def test_wrong_password_is_refused(app_client: TestClient) -> None:
    response = app_client.post("/signin", data={"username": "nobody", "password": "wrong-password"})
    assert response.status_code == 401 and "Wrong user name or password" in response.text


def test_user_signs_in_with_password_and_out_again(app_client: TestClient) -> None:
    from service.storage import db
    from service.storage.repositories import auth, communities

    with db.transaction(app_client.app.state.engine, write=True) as session:  # type: ignore[attr-defined]
        user = auth.create_user(session, "ana", "correct horse battery")
        auth.add_membership(
            session, user, communities.get_or_create(session, "circle"), Role.COMMITTEE
        )
    signed_in = app_client.post(
        "/signin",
        data={"username": "ana", "password": "correct horse battery", "next": "/c/circle"},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/c/circle"
    assert app_client.get("/c/circle").status_code == 200
    app_client.post("/signout", headers={"Origin": "http://testserver"})
    assert app_client.get("/c/circle", follow_redirects=False).status_code == 303


def test_session_of_another_community_gets_404(app_client: TestClient) -> None:
    make_token(app_client, Role.VIEWER, "circle")
    other = make_token(app_client, Role.ADMIN, "elsewhere")
    app_client.post("/signin", data={"token": other}, follow_redirects=False)
    assert app_client.get("/c/circle").status_code == 404
    assert app_client.get("/c/elsewhere").status_code == 200


def test_cookie_post_from_another_site_is_refused(app_client: TestClient) -> None:
    token = make_token(app_client, Role.FACILITATOR, "circle")
    app_client.post("/signin", data={"token": token}, follow_redirects=False)
    response = app_client.post(
        "/api/v1/communities/circle/imports",
        headers={"Origin": "https://evil.example"},
        files={"file": ("a.csv", b"Timestamp,Q\n1/1/2026 1:00:00,x\n")},
    )
    assert response.status_code == 403


def test_viewer_sees_no_imports_page(app_client: TestClient) -> None:
    token = make_token(app_client, Role.VIEWER, "circle")
    app_client.post("/signin", data={"token": token}, follow_redirects=False)
    assert app_client.get("/c/circle/imports").status_code == 404
