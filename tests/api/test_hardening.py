"""HTTP hardening: strict bodies, bounded IDs, early refusal, one error shape, security headers."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.auth.roles import Role
from service.config import Settings
from service.main import create_app
from service.modelstore import ModelStore
from service.storage import db
from service.storage.tables import Goal, Theme
from tests.conftest import ROOT, make_token, stored_theme

BASE = "/api/v1/communities/circle"
ERROR_KEYS = {"error", "detail", "location", "hint"}
UPLOAD = f"{BASE}/imports"
MEGABYTE = 1 << 20


@pytest.fixture
def admin(app_client: TestClient) -> dict[str, str]:
    """An admin of the community ``circle``."""
    return {"Authorization": f"Bearer {make_token(app_client, Role.ADMIN, 'circle')}"}


# --- strict bodies ------------------------------------------------------------------------------


def test_theme_patch_with_an_unknown_field_keeps_the_committees_name(
    app_client: TestClient, admin: dict[str, str]
) -> None:
    theme_id = stored_theme(app_client, "Calendar chaos")
    answer = app_client.patch(f"{BASE}/themes/{theme_id}", headers=admin, json={"label": "x"})
    assert answer.status_code == 422
    assert set(answer.json()) == ERROR_KEYS and "label" in answer.json()["detail"]
    with db.transaction(app_client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.get(Theme, theme_id).name == "Calendar chaos"


@pytest.mark.parametrize(
    ("method", "path", "body", "unknown"),
    [
        ("post", "", {"slug": "other-circle", "colour": "red"}, "colour"),
        ("post", "/circle/tokens", {"role": "viewer", "scope": "all"}, "scope"),
        ("post", "/circle/goals", {"text": "Grow", "owner": "staff", "priority": 1}, "priority"),
        ("post", "/circle/suggestions/1/votes", {"value": 1, "weight": 5}, "weight"),
        ("post", "/circle/suggestions/1/decision", {"decision": "defer", "by": "me"}, "by"),
        ("post", "/circle/suggestions/1/comments", {"text": "Yes", "author": "me"}, "author"),
        ("patch", "/circle/suggestions/1", {"title": "New", "status": "accepted"}, "status"),
        ("post", "/circle/suggestions/merge", {"ids": [1, 2], "keep": 2}, "keep"),
    ],
    ids=["community", "token", "goal", "vote", "decision", "comment", "suggestion", "merge"],
)
def test_every_body_refuses_unknown_fields(
    app_client: TestClient,
    admin: dict[str, str],
    method: str,
    path: str,
    body: dict[str, Any],
    unknown: str,
) -> None:
    answer = app_client.request(method, f"/api/v1/communities{path}", headers=admin, json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith(f"body.{unknown}: Extra inputs")


def test_goal_patch_with_null_text_is_422_and_keeps_the_text(
    app_client: TestClient, admin: dict[str, str]
) -> None:
    made = app_client.post(
        f"{BASE}/goals", headers=admin, json={"text": "Members mentor each other", "owner": "staff"}
    )
    assert made.status_code == 201
    goal_id = made.json()["id"]
    for field in ("text", "owner", "status"):
        answer = app_client.patch(f"{BASE}/goals/{goal_id}", headers=admin, json={field: None})
        assert answer.status_code == 422, answer.text
        assert answer.json()["location"]["column"] == f"body.{field}"
    cleared = app_client.patch(f"{BASE}/goals/{goal_id}", headers=admin, json={"target_date": None})
    assert cleared.status_code == 200
    with db.transaction(app_client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.get(Goal, goal_id).text == "Members mentor each other"


def test_suggestion_patch_with_null_title_is_422(
    app_client: TestClient, admin: dict[str, str]
) -> None:
    answer = app_client.patch(f"{BASE}/suggestions/1", headers=admin, json={"title": None})
    assert answer.status_code == 422 and answer.json()["location"]["column"] == "body.title"


# --- bounded IDs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/themes/{id}"),
        ("patch", "/themes/{id}"),
        ("get", "/goals/{id}"),
        ("get", "/suggestions/{id}"),
    ],
)
@pytest.mark.parametrize("number", ["99999999999999999999", str(2**31), "0", "-1"])
def test_an_id_out_of_range_is_422_not_500(
    app_client: TestClient, admin: dict[str, str], method: str, path: str, number: str
) -> None:
    url = BASE + path.replace("{id}", number)
    answer = app_client.request(method, url, headers=admin, json={"name": "x"})
    assert answer.status_code == 422
    assert set(answer.json()) == ERROR_KEYS


# --- one error shape ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/nowhere", 404),
        ("get", "/api/v1/nowhere", 404),
        ("delete", "/healthz", 405),
        ("put", "/healthz", 405),
    ],
)
def test_unknown_routes_and_methods_answer_in_the_error_shape(
    app_client: TestClient, method: str, path: str, status: int
) -> None:
    answer = app_client.request(method, path)
    assert answer.status_code == status
    assert set(answer.json()) == ERROR_KEYS
    assert path in answer.json()["detail"]
    if status == 405:
        assert "GET" in answer.headers["allow"]


def test_an_unknown_dashboard_page_is_the_html_error_page(app_client: TestClient) -> None:
    answer = app_client.get("/nowhere/at/all", headers={"Accept": "text/html"})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "Not found" in answer.text


def test_an_unexpected_failure_answers_in_the_error_shape(settings: Settings) -> None:
    app = create_app(settings, ModelStore(settings))

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/api/v1/boom")
    assert answer.status_code == 500
    assert set(answer.json()) == ERROR_KEYS and "secret" not in answer.text
    assert answer.headers["x-frame-options"] == "DENY"


# --- security headers, gzip, favicon, offline docs ----------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/healthz", 200),
        ("/signin", 200),
        ("/static/app.css", 200),
        ("/docs", 200),
        ("/nowhere", 404),
        (BASE, 401),
    ],
)
def test_every_response_carries_the_security_headers(
    app_client: TestClient, path: str, status: int
) -> None:
    answer = app_client.get(path)
    assert answer.status_code == status
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"


def test_templates_hold_no_inline_script_or_handler() -> None:
    folder = ROOT / "service" / "web" / "templates"
    for template in folder.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in text.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            assert "src=" in opening or 'type="application/json"' in opening, template.name
        assert " onclick=" not in text and " onload=" not in text and " onsubmit=" not in text


def test_plotly_bundle_is_sent_compressed(app_client: TestClient) -> None:
    answer = app_client.get("/static/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.num_bytes_downloaded < len(answer.content) / 3


def test_favicon_is_served_and_linked(app_client: TestClient) -> None:
    icon = app_client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.content[:4] == b"\0\0\1\0"
    assert app_client.get("/static/favicon.svg").headers["content-type"].startswith("image/svg")
    assert 'rel="icon"' in app_client.get("/signin").text


def test_docs_load_nothing_from_another_host(app_client: TestClient) -> None:
    page = app_client.get("/docs")
    assert page.status_code == 200
    assert (
        "http://" not in page.text and "https://" not in page.text and "<script>" not in page.text
    )
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
        assert app_client.get(asset).status_code == 200
    assert app_client.get("/static/swagger-init.js").status_code == 200


def test_agenda_markdown_escapes_html_in_titles() -> None:
    from datetime import date

    from service.agenda.service import agenda_markdown

    text = agenda_markdown(
        "<b>Circle</b>",
        date(2026, 10, 20),
        [{"title": "<script>alert(1)</script>", "angles": ["<img src=x onerror=y>"]}],
    )
    assert re.search(r"(?<!\\)<", text) is None
    assert "\\<script\\>" in text and "\\<img" in text


# --- early refusal ------------------------------------------------------------------------------


class _Stream:
    """An ASGI ``receive`` sending a ``total``-byte file upload in 64 KB chunks, counting them."""

    HEAD = (
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n"
    )

    def __init__(self, total: int) -> None:
        self.total = total
        self.taken = 0

    async def __call__(self) -> dict[str, Any]:
        size = min(1 << 16, self.total - self.taken)
        chunk = (self.HEAD + b"x" * size)[:size] if self.taken == 0 else b"x" * size
        self.taken += size
        return {"type": "http.request", "body": chunk, "more_body": self.taken < self.total}


def _post(
    app: FastAPI, path: str, headers: dict[str, str], stream: _Stream, *, root_path: str = ""
) -> int:
    """Send a multipart POST straight to the ASGI app (mounted under ``root_path``); its status."""
    path = root_path + path
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw.append((b"content-type", b"multipart/form-data; boundary=xyz"))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": root_path,
        "headers": raw,
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "app": app,
    }
    answers: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        answers.append(message)

    asyncio.run(app(scope, stream, send))
    return next(m["status"] for m in answers if m["type"] == "http.response.start")


@pytest.fixture
def small_uploads(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """An app with a 0.5 MB upload limit, and an admin token of ``circle``."""
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{tmp_path / 'small.db'}",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        data_dir=tmp_path,
        max_upload_mb=0.5,
    )
    db.engine_for.cache_clear()
    with TestClient(create_app(settings, ModelStore(settings))) as client:
        yield client, make_token(client, Role.ADMIN, "circle")
    db.engine_for.cache_clear()


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Cookie": "peerpulse_session=forged"}],
    ids=["anonymous", "bad-token", "bad-cookie"],
)
def test_anonymous_upload_is_refused_before_the_body_is_read(
    small_uploads: tuple[TestClient, str], headers: dict[str, str]
) -> None:
    client, _token = small_uploads
    stream = _Stream(8 * MEGABYTE)
    assert _post(client.app, UPLOAD, headers, stream) == 401  # type: ignore[arg-type]
    assert stream.taken <= MEGABYTE


def test_anonymous_upload_behind_a_sub_path_proxy_is_refused_unread(
    small_uploads: tuple[TestClient, str],
) -> None:
    """Regression: the guard matched the raw path, which carries uvicorn's ``--root-path``."""
    client, _token = small_uploads
    stream = _Stream(8 * MEGABYTE)
    assert _post(client.app, UPLOAD, {}, stream, root_path="/peerpulse") == 401  # type: ignore[arg-type]
    assert stream.taken <= MEGABYTE


def test_declared_oversize_upload_is_refused_unread(small_uploads: tuple[TestClient, str]) -> None:
    client, token = small_uploads
    stream = _Stream(8 * MEGABYTE)
    headers = {"Authorization": f"Bearer {token}", "Content-Length": str(3 << 30)}
    assert _post(client.app, UPLOAD, headers, stream) == 413  # type: ignore[arg-type]
    assert stream.taken == 0


def test_chunked_oversize_upload_is_cut_at_the_limit(small_uploads: tuple[TestClient, str]) -> None:
    client, token = small_uploads
    stream = _Stream(8 * MEGABYTE)
    headers = {"Authorization": f"Bearer {token}"}
    assert _post(client.app, UPLOAD, headers, stream) == 413  # type: ignore[arg-type]
    assert stream.taken <= MEGABYTE


def test_a_json_body_over_the_limit_is_413(app_client: TestClient, admin: dict[str, str]) -> None:
    body = json.dumps({"text": "x" * 2 * MEGABYTE, "owner": "staff"})
    answer = app_client.post(
        f"{BASE}/goals", headers={**admin, "Content-Type": "application/json"}, content=body
    )
    assert answer.status_code == 413 and set(answer.json()) == ERROR_KEYS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """``uvicorn service.main:app`` on a free port; its port."""
    folder = tmp_path_factory.mktemp("live")
    port = _free_port()
    env = {
        **os.environ,
        "PEERPULSE_DATABASE_URL": f"sqlite:///{folder / 'live.db'}",
        "PEERPULSE_SECRET_KEY": "live-server-secret-key-0123456789abcdef",
        "PEERPULSE_DATA_DIR": str(folder),
        "PEERPULSE_ENVIRONMENT": "test",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "service.main:app", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.3)
    yield port
    server.terminate()
    server.wait(timeout=20)


def test_live_server_answers_an_anonymous_3_gb_upload_before_reading_it(live: int) -> None:
    with socket.create_connection(("127.0.0.1", live), timeout=10) as connection:
        connection.sendall(
            b"POST /api/v1/communities/circle/imports HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=xyz\r\n"
            + f"Content-Length: {3 << 30}\r\n\r\n".encode()
            + b"x" * 65536
        )
        answer = _read_answer(connection)
    status_line, _, rest = answer.partition("\r\n")
    assert status_line == "HTTP/1.1 401 Unauthorized"
    assert json.loads(rest.split("\r\n\r\n", 1)[1])["error"] == "Authentication required"


def _read_answer(connection: socket.socket) -> str:
    """One HTTP answer: its head, then as many body bytes as its ``Content-Length`` says (the
    server may send them in a second packet)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return (head + b"\r\n\r\n" + body).decode("latin-1")


def test_live_server_compresses_the_plotly_bundle(live: int) -> None:
    answer = httpx.get(
        f"http://127.0.0.1:{live}/static/plotly.min.js", headers={"Accept-Encoding": "gzip"}
    )
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.num_bytes_downloaded < len(answer.content) / 3


# --- values PostgreSQL cannot store ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", f"{BASE}/goals", {"text": "Mentor\u0000ing", "owner": "staff"}),
        ("post", f"{BASE}/tokens", {"role": "viewer", "name": "a\u0000b"}),
        ("get", "/api/v1/jobs/a%00b", None),
        ("get", "/api/v1/communities/ci%00rcle", None),
        ("delete", f"{BASE}/respondents/a%00b", None),
    ],
    ids=["goal-text", "token-name", "job-id", "slug", "respondent-key"],
)
def test_a_nul_character_on_postgresql_is_422_not_500(
    postgres_url: str, tmp_path: Path, method: str, path: str, body: dict[str, Any] | None
) -> None:
    settings = Settings(
        environment="test",
        database_url=postgres_url,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        data_dir=tmp_path,
    )
    db.engine_for.cache_clear()
    with TestClient(create_app(settings, ModelStore(settings))) as client:
        headers = {"Authorization": f"Bearer {make_token(client, Role.ADMIN, 'circle')}"}
        answer = client.request(method, path, headers=headers, json=body)
    assert answer.status_code == 422
    assert answer.json()["error"] == "The request holds a value that cannot be stored"
