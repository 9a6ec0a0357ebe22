"""Pages without a browser: sign-in redirects, sessions, isolation, and page access by role."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.auth.roles import Role
from tests.conftest import make_token

PAGES = [
    "/",
    "/c/circle",
    "/c/circle/imports",
    "/c/circle/suggestions",
    "/c/circle/agenda",
    "/c/circle/goals",
    "/c/circle/digest",
    "/c/circle/settings",
    "/c/circle/themes/1",
]
# Page -> the least role that may open it (the API's rule for the same data).
LEAST_ROLE = {
    "/c/circle": Role.VIEWER,
    "/c/circle/suggestions": Role.VIEWER,
    "/c/circle/agenda": Role.VIEWER,
    "/c/circle/goals": Role.VIEWER,
    "/c/circle/imports": Role.FACILITATOR,
    "/c/circle/digest": Role.FACILITATOR,
    "/c/circle/settings": Role.FACILITATOR,
}
ORIGIN = {"Origin": "http://testserver"}


def sign_in(client: TestClient, role: Role, slug: str = "circle") -> str:
    """Open a web session with a new token of ``role``; returns the token."""
    token = make_token(client, role, slug)
    answer = client.post("/signin", data={"token": token}, follow_redirects=False)
    assert answer.status_code == 303
    return token


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


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "https://evil.example"])
def test_sign_in_never_redirects_off_site(app_client: TestClient, target: str) -> None:
    token = make_token(app_client, Role.VIEWER, "circle")
    answer = app_client.post(
        "/signin", data={"token": token, "next": target}, follow_redirects=False
    )
    assert answer.headers["location"] == "/"


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
    app_client.post("/signout", headers=ORIGIN)
    assert app_client.get("/c/circle", follow_redirects=False).status_code == 303


def test_home_leads_to_the_overview_of_the_users_community(app_client: TestClient) -> None:
    make_token(app_client, Role.ADMIN, "elsewhere")
    sign_in(app_client, Role.COMMITTEE, "circle")
    home = app_client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/c/circle"


def test_home_of_a_global_admin_with_one_community_is_its_overview(
    app_client: TestClient,
) -> None:
    """What ``make run`` relies on: the global admin token opens the sample community."""
    make_token(app_client, Role.VIEWER, "admin-circle")
    token = make_token(app_client, Role.ADMIN, None)
    app_client.post("/signin", data={"token": token}, follow_redirects=False)
    home = app_client.get("/", follow_redirects=False)
    assert home.headers["location"] == "/c/admin-circle"
    make_token(app_client, Role.VIEWER, "second")
    listing = app_client.get("/")
    assert listing.status_code == 200
    assert 'href="/c/admin-circle"' in listing.text and 'href="/c/second"' in listing.text


def test_session_of_another_community_gets_404(app_client: TestClient) -> None:
    make_token(app_client, Role.VIEWER, "circle")
    sign_in(app_client, Role.ADMIN, "elsewhere")
    for path in LEAST_ROLE:
        assert app_client.get(path).status_code == 404, path
    assert app_client.get("/c/elsewhere").status_code == 200


def test_cookie_post_from_another_site_is_refused(app_client: TestClient) -> None:
    sign_in(app_client, Role.FACILITATOR)
    response = app_client.post(
        "/api/v1/communities/circle/imports",
        headers={"Origin": "https://evil.example"},
        files={"file": ("a.csv", b"Timestamp,Q\n1/1/2026 1:00:00,x\n")},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", list(LEAST_ROLE))
def test_pages_answer_by_role_as_the_api_does(
    app_client: TestClient, role: Role, path: str
) -> None:
    sign_in(app_client, role)
    response = app_client.get(path)
    expected = 200 if role.allows(LEAST_ROLE[path]) else 403
    assert response.status_code == expected
    assert response.headers["content-type"].startswith("text/html")
    if expected == 403:
        assert f"This needs the {LEAST_ROLE[path].value} role" in response.text


@pytest.mark.parametrize("role", list(Role))
def test_navigation_shows_only_what_the_role_may_open(app_client: TestClient, role: Role) -> None:
    sign_in(app_client, role)
    page = app_client.get("/c/circle/agenda").text
    for path, least in LEAST_ROLE.items():
        link = f'href="{path}"'
        assert (link in page) == role.allows(least), path
    assert 'aria-current="page">Agenda<' in page


def test_goals_page_shows_the_alignment_within_the_minimum(app_client: TestClient) -> None:
    from service.storage import db
    from service.storage.repositories import communities, goals

    sign_in(app_client, Role.VIEWER)
    with db.transaction(app_client.app.state.engine, write=True) as session:  # type: ignore[attr-defined]
        circle = communities.get_or_create(session, "circle")
        ahead = goals.add(session, circle, "Every member has a quality plan under way", "sponsor")
        ahead.alignment = {
            "gap": "ahead_of_members",
            "members": 9,
            "barrier_share": 0.56,
            "progress_share": 0.11,
            "trend": "steady",
            "themes": [],
            "quotes": [],
            "reason": "Ahead of members' reality: 9 of 30 members write about it, mostly as a "
            "barrier.",
        }
        small = goals.add(session, circle, "Everyone mentors a newcomer", "members")
        small.alignment = {
            "gap": "barely_raised",
            "members": None,
            "barrier_share": None,
            "progress_share": None,
            "trend": None,
            "themes": [],
            "quotes": [],
            "reason": "Members barely raise it.",
        }
        goals.add(session, circle, "A goal set after the last analysis", "staff")
    page = app_client.get("/c/circle/goals").text
    assert "Ahead of members&#39; reality" in page and "56%" in page
    assert "Members barely raise it" in page and "fewer than 5 responses" in page
    assert "Not aligned yet" in page


def test_unknown_theme_is_a_404_page(app_client: TestClient) -> None:
    sign_in(app_client, Role.VIEWER)
    response = app_client.get("/c/circle/themes/99")
    assert response.status_code == 404 and "No theme 99" in response.text


def test_only_facilitators_start_an_analysis_from_the_page(app_client: TestClient) -> None:
    sign_in(app_client, Role.COMMITTEE)
    refused = app_client.post("/c/circle/analyses", headers=ORIGIN)
    assert refused.status_code == 403
    overview = app_client.get("/c/circle").text
    assert "Run an analysis" not in overview


def test_an_analysis_started_without_javascript_shows_its_job(app_client: TestClient) -> None:
    sign_in(app_client, Role.FACILITATOR)
    started = app_client.post("/c/circle/analyses", headers=ORIGIN, follow_redirects=False)
    assert started.status_code == 303
    assert started.headers["location"] == "/c/circle?done=analysis#analysis"
    overview = app_client.get("/c/circle").text
    assert "Latest analysis:" in overview and "No analysis has run yet" not in overview


def test_a_form_post_from_another_site_is_refused(app_client: TestClient) -> None:
    sign_in(app_client, Role.FACILITATOR)
    response = app_client.post(
        "/c/circle/settings/recipients",
        headers={"Origin": "https://evil.example"},
        data={"email": "ana@example.org"},
    )
    assert response.status_code == 403
    assert "ana@example.org" not in app_client.get("/c/circle/settings").text


def test_overview_shows_weekly_signals_from_an_import(app_client: TestClient) -> None:
    from tests.conftest import ROOT

    token = sign_in(app_client, Role.FACILITATOR)
    sample = ROOT / "corpora" / "sample" / "google_forms_weeks_1-2.csv"
    uploaded = app_client.post(
        "/api/v1/communities/circle/imports",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": (sample.name, sample.read_bytes())},
    )
    assert uploaded.status_code == 201, uploaded.text
    figures = app_client.get(
        "/api/v1/communities/circle/metrics", headers={"Authorization": f"Bearer {token}"}
    ).json()
    first = figures["weekly"]["satisfaction"][0]
    page = app_client.get("/c/circle").text
    assert "Program signals" in page
    assert f"<td>{first['week']}</td>" in page and f"<td>{first['value']:.1f}</td>" in page
