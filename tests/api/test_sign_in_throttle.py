"""Failed sign-ins are throttled per user name and per client address (issue 16, item 5)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update

from service.auth.roles import Role
from service.config import Settings, SignInSettings
from service.main import create_app
from service.modelstore import ModelStore
from service.storage import db
from service.storage.repositories import auth, communities
from service.storage.tables import SignInFailure

PASSWORD = "correct horse battery"
JSON = {"Accept": "application/json"}


def add_user(client: TestClient, username: str = "ada") -> None:
    """A viewer of ``circle`` with :data:`PASSWORD`."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine, write=True) as session:
        user = auth.create_user(session, username, PASSWORD)
        auth.add_membership(
            session, user, communities.get_or_create(session, "circle"), Role.VIEWER
        )


def limit(client: TestClient, *, per_user: int = 100, per_address: int = 100) -> None:
    client.app.state.settings.sign_in = SignInSettings(  # type: ignore[attr-defined]
        max_failures_per_user=per_user, max_failures_per_address=per_address, window_minutes=15
    )


def attempt(client: TestClient, username: str, password: str, **kwargs: object) -> Response:
    return client.post(
        "/signin",
        data={"username": username, "password": password},
        follow_redirects=False,
        **kwargs,  # type: ignore[arg-type]
    )


def test_wrong_passwords_are_throttled_and_the_right_one_is_refused_while_locked(
    app_client: TestClient,
) -> None:
    add_user(app_client)
    limit(app_client, per_user=3)
    codes = [attempt(app_client, "ada", "wrong password").status_code for _ in range(3)]
    locked = attempt(app_client, "ada", PASSWORD)
    assert codes == [401, 401, 401]
    assert locked.status_code == 429
    assert 14 * 60 < int(locked.headers["retry-after"]) <= 15 * 60
    assert "peerpulse_session" not in locked.cookies
    assert "Too many failed sign-ins" in locked.text and "Try again in 15 minutes" in locked.text


def test_user_name_lock_ignores_case_and_spaces(app_client: TestClient) -> None:
    add_user(app_client)
    limit(app_client, per_user=2)
    attempt(app_client, "ada", "wrong password")
    attempt(app_client, " ADA ", "wrong password")
    assert attempt(app_client, "Ada", PASSWORD).status_code == 429


def test_locked_user_name_is_locked_from_every_address(app_client: TestClient) -> None:
    add_user(app_client)
    limit(app_client, per_user=2)
    for _ in range(2):
        attempt(app_client, "ada", "wrong password")
    elsewhere = TestClient(app_client.app, client=("192.0.2.7", 40000))
    assert attempt(elsewhere, "ada", PASSWORD).status_code == 429


def test_per_address_throttle_covers_user_names_never_tried(app_client: TestClient) -> None:
    add_user(app_client)
    limit(app_client, per_address=4)
    codes = [attempt(app_client, f"guess{i}", "wrong password").status_code for i in range(4)]
    assert codes == [401] * 4
    assert attempt(app_client, "ada", PASSWORD).status_code == 429
    elsewhere = TestClient(app_client.app, client=("192.0.2.8", 40000))
    assert attempt(elsewhere, "ada", PASSWORD).status_code == 303


def test_token_sign_in_from_a_locked_address_is_refused(app_client: TestClient) -> None:
    from tests.conftest import make_token

    token = make_token(app_client, Role.VIEWER, "circle")
    limit(app_client, per_address=2)
    for _ in range(2):
        app_client.post("/signin", data={"token": "pp_guessed"}, follow_redirects=False)
    answer = app_client.post("/signin", data={"token": token}, follow_redirects=False)
    assert answer.status_code == 429 and int(answer.headers["retry-after"]) > 0


def test_success_clears_the_user_name_count(app_client: TestClient) -> None:
    add_user(app_client)
    limit(app_client, per_user=3)
    for _ in range(2):
        attempt(app_client, "ada", "wrong password")
    assert attempt(app_client, "ada", PASSWORD).status_code == 303
    for _ in range(2):
        attempt(app_client, "ada", "wrong password")
    assert attempt(app_client, "ada", PASSWORD).status_code == 303


def test_lock_lifts_when_the_window_has_passed(app_client: TestClient) -> None:
    add_user(app_client)
    limit(app_client, per_user=2)
    for _ in range(2):
        attempt(app_client, "ada", "wrong password")
    assert attempt(app_client, "ada", PASSWORD).status_code == 429
    engine = app_client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine, write=True) as session:
        session.execute(
            update(SignInFailure).values(failed_at=SignInFailure.failed_at - timedelta(minutes=15))
        )
    assert attempt(app_client, "ada", PASSWORD).status_code == 303


def test_api_callers_get_the_json_error_shape(app_client: TestClient) -> None:
    add_user(app_client)
    limit(app_client, per_user=1)
    wrong = attempt(app_client, "ada", "wrong password", headers=JSON)
    locked = attempt(app_client, "ada", PASSWORD, headers=JSON)
    assert wrong.status_code == 401 and wrong.json()["error"] == "Wrong user name or password"
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert set(locked.json()) >= {"error", "detail", "hint"}
    assert "Too many failed sign-ins" in locked.json()["error"]


def test_counters_are_shared_by_server_processes(
    app_client: TestClient, settings: Settings, models: ModelStore
) -> None:
    add_user(app_client)
    limit(app_client, per_user=2)
    for _ in range(2):
        attempt(app_client, "ada", "wrong password")
    other = create_app(
        settings.model_copy(update={"sign_in": SignInSettings(max_failures_per_user=2)}), models
    )
    with TestClient(other) as second_process:
        assert attempt(second_process, "ada", PASSWORD).status_code == 429


def test_parallel_guesses_get_no_more_than_the_limit(any_app_client: TestClient) -> None:
    add_user(any_app_client)
    limit(any_app_client, per_user=3)
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(
            pool.map(lambda _: attempt(any_app_client, "ada", "nope").status_code, range(12))
        )
    assert sorted(codes) == [401] * 3 + [429] * 9
