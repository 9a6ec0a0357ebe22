"""Property: members' words reach the committee and facilitators, never a viewer, on any route.

One analysis with the real models runs per module on a small themed export (the sentences of
``tests.factories.SUBJECTS``, each distinctive). Then every route of the app, API and pages
alike, taken from ``app.routes`` with its path parameters filled from the seeded data, is
called with a viewer's token: no body may carry a run of six words of any answer. The same
GET routes called by the committee and a facilitator must show at least one, so the test can
fail.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from service.api.security import SESSION_COOKIE
from service.auth.roles import Role
from service.config import Settings
from service.main import create_app
from service.modelstore import ModelStore
from service.storage import db
from tests.conftest import make_token
from tests.factories import SUBJECTS, themed_export

SLUG = "circle"
SESSION = "2026-12-31"
WINDOW = 6
SKIPPED = {"/signin", "/signout"}  # signing out would revoke the token under test
GOALS = [
    ("sponsor", "Every assistant is self-sufficient on the new expense system"),
    ("staff", "Members use AI tools to save time on minutes and first drafts"),
]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", html.unescape(text).lower())


def _fragments() -> set[str]:
    """Every run of :data:`WINDOW` words of every seeded answer."""
    runs = set()
    for texts in SUBJECTS.values():
        for text in texts:
            words = _words(text)
            runs |= {" ".join(words[i : i + WINDOW]) for i in range(len(words) - WINDOW + 1)}
    return runs


FRAGMENTS = _fragments()


def _leaks(body: str) -> set[str]:
    flat = " ".join(_words(body))
    return {fragment for fragment in FRAGMENTS if fragment in flat}


def _wait(client: TestClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        job = client.get(url, headers=headers).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"the analysis did not finish: {job}")


@pytest.fixture(scope="module")
def seeded(
    models: ModelStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """A community with an analysis, goals, an accepted suggestion and a token per role."""
    folder: Path = tmp_path_factory.mktemp("answer-text")
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{folder / 'p.db'}",
        secret_key="answer-text-secret-key-0123456789abcdef",
        data_dir=folder,
        accept_min_votes=0,  # one committee token accepts below, without a vote
    )
    db.engine_for.cache_clear()
    with TestClient(create_app(settings, models)) as client:
        tokens = {role: make_token(client, role, SLUG) for role in Role}
        facilitator = {"Authorization": f"Bearer {tokens[Role.FACILITATOR]}"}
        base = f"/api/v1/communities/{SLUG}"
        uploaded = client.post(
            f"{base}/imports", headers=facilitator, files={"file": ("p.csv", themed_export(2))}
        )
        assert uploaded.status_code == 201, uploaded.text
        for owner, text in GOALS:
            added = client.post(
                f"{base}/goals", headers=facilitator, json={"text": text, "owner": owner}
            )
            assert added.status_code == 201, added.text
        started = client.post(f"{base}/analyses", headers=facilitator).json()
        job = _wait(client, started["status_url"], facilitator)
        assert job["status"] == "succeeded", job
        suggestions = client.get(f"{base}/suggestions", headers=facilitator).json()
        assert suggestions, "the analysis made no suggestion"
        decided = client.post(
            f"{base}/suggestions/{suggestions[0]['id']}/decision",
            headers={"Authorization": f"Bearer {tokens[Role.COMMITTEE]}"},
            json={"decision": "accept", "session_date": SESSION},
        )
        assert decided.status_code == 200, decided.text
        themes = client.get(f"{base}/themes", headers=facilitator).json()
        goals = client.get(f"{base}/goals", headers=facilitator).json()
        params = {
            "slug": SLUG,
            "theme_id": str(themes[0]["id"]),
            "suggestion_id": str(suggestions[0]["id"]),
            "goal_id": str(goals[0]["id"]),
            "job_id": started["job_id"],
            "import_id": uploaded.json()["id"],
            "session_date": SESSION,
            "tool": "typeform",
            "token": "no-such-poll",
            "recipient_id": "1",
            "token_id": "999999",
        }
        yield {"client": client, "tokens": tokens, "params": params}
    db.engine_for.cache_clear()


def _routes(client: TestClient, methods: set[str]) -> list[tuple[str, str]]:
    """Every (method, path) of the app's own routes, API and pages, except static files."""
    found = []
    for route in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        path = route.path or ""
        if not isinstance(route.original_route, APIRoute) or path in SKIPPED:
            continue
        if path.startswith("/static/"):
            continue
        found += [(method, path) for method in sorted((route.methods or set()) & methods)]
    return found


def _call(seeded: dict[str, Any], role: Role, method: str, path: str) -> tuple[int, str]:
    token = seeded["tokens"][role]
    url = path.format(**seeded["params"])
    query = {"session": SESSION, "session_date": SESSION, "role": role.value}
    headers = {
        "Authorization": f"Bearer {token}",
        "Cookie": f"{SESSION_COOKIE}={token}",
        "Origin": "http://testserver",
    }
    client: TestClient = seeded["client"]
    if method == "GET":
        answer = client.get(url, params=query, headers=headers, follow_redirects=False)
    else:
        answer = client.request(method, url, headers=headers, json={}, follow_redirects=False)
    return answer.status_code, answer.text


def test_the_route_list_covers_api_pages_and_forms(seeded: dict[str, Any]) -> None:
    paths = {path for _, path in _routes(seeded["client"], {"GET", "POST"})}
    assert {
        "/api/v1/communities/{slug}/themes/{theme_id}",
        "/api/v1/communities/{slug}/suggestions",
        "/api/v1/communities/{slug}/agenda",
        "/api/v1/communities/{slug}/goals/gaps",
        "/api/v1/jobs/{job_id}",
        "/c/{slug}/themes/{theme_id}",
        "/c/{slug}/suggestions",
        "/c/{slug}/suggestions/{suggestion_id}/comment",
        "/c/{slug}/goals",
    } <= paths


def test_a_viewer_never_receives_members_words(seeded: dict[str, Any]) -> None:
    methods = {"GET", "POST", "PUT", "PATCH"}  # DELETE (erasure, revocation) carries no text
    leaked = {}
    answered = 0
    for method, path in _routes(seeded["client"], methods):
        status, body = _call(seeded, Role.VIEWER, method, path)
        answered += status == 200
        if found := _leaks(body):
            leaked[f"{method} {path} ({status})"] = sorted(found)[:2]
    assert leaked == {}
    assert answered >= 15  # the viewer did read the pages and endpoints it may open


@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.FACILITATOR, Role.ADMIN])
def test_the_committee_and_up_read_quotes(seeded: dict[str, Any], role: Role) -> None:
    quoting = []
    for method, path in _routes(seeded["client"], {"GET"}):
        status, body = _call(seeded, role, method, path)
        if status == 200 and _leaks(body):
            quoting.append(path)
    assert "/api/v1/communities/{slug}/themes/{theme_id}" in quoting
    assert "/c/{slug}/themes/{theme_id}" in quoting
    assert "/c/{slug}/suggestions" in quoting
