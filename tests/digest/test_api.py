"""The unsubscribe flow (no sign-in; the signed token is the credential) and the preview API."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.api.routes import digest as digest_routes
from service.auth.roles import Role
from service.config import Settings
from service.digest.schedule import send_due_digests
from service.digest.send import unsubscribe_token
from tests.conftest import make_token
from tests.digest.conftest import (
    NOW,
    QUOTE,
    Inbox,
    make_recipient,
    recipient,
    sample_community,
    with_smtp,
)


@pytest.fixture
def client(app_client: TestClient) -> TestClient:
    """The app with the digest routes (included here too until the app includes them)."""
    if "/unsubscribe" not in {getattr(r, "path", None) for r in app_client.app.routes}:
        app_client.app.include_router(digest_routes.router)
    return app_client


@pytest.fixture
def app_engine(client: TestClient) -> Engine:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    sample_community(engine)
    return engine


@pytest.fixture
def app_settings(client: TestClient) -> Settings:
    return client.app.state.settings  # type: ignore[attr-defined]


def _link_path(url: str) -> str:
    parts = urlsplit(url.strip("<>"))
    return f"{parts.path}?{parts.query}"


def test_unsubscribe_link_stops_the_next_digest(
    client: TestClient, app_engine: Engine, app_settings: Settings, inbox: Inbox
) -> None:
    ana = make_recipient(app_engine, "ana@example.org")
    mail = with_smtp(app_settings, port=inbox.port)
    assert send_due_digests(app_engine, mail, NOW) == 1
    link = _link_path(inbox.received[0].message["List-Unsubscribe"])

    page = client.get(link)  # no Authorization header: the token is the credential
    assert page.status_code == 200 and "Stop the weekly digest?" in page.text
    assert "a\u2026@example.org" in page.text and "ana@example.org" not in page.text
    assert f'action="{link}"' in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert recipient(app_engine, ana).unsubscribed_at is None  # opening the link changes nothing

    done = client.post(link)
    assert done.status_code == 200 and "Unsubscribed" in done.text
    assert recipient(app_engine, ana).unsubscribed_at is not None
    assert "Already unsubscribed" in client.get(link).text

    assert send_due_digests(app_engine, mail, NOW.replace(day=12)) == 0
    assert len(inbox.received) == 1


def test_one_click_unsubscribe_from_the_mail_client(
    client: TestClient, app_engine: Engine, app_settings: Settings
) -> None:
    ana = make_recipient(app_engine, "ana@example.org")
    token = unsubscribe_token(app_settings.secret_key, ana, "ana@example.org")

    response = client.post(
        f"/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"}
    )  # RFC 8058

    assert response.status_code == 200
    assert recipient(app_engine, ana).unsubscribed_at is not None


def _tampered(secret: str, ana: int, bo: int) -> dict[str, str]:
    good = unsubscribe_token(secret, ana, "ana@example.org")
    signature = good.split(".", 1)[1]
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    return {
        "altered signature": f"{ana}.{flipped}",
        "another recipient's id": f"{bo}.{signature}",
        "signed with another key": unsubscribe_token("another-secret-" * 3, ana, "ana@example.org"),
        "signed for another address": unsubscribe_token(secret, ana, "eve@example.org"),
        "no signature": f"{ana}",
        "garbage": "not-a-token",
        "empty": "",
    }


TAMPERINGS = list(_tampered("s", 1, 2))


@pytest.mark.parametrize("kind", TAMPERINGS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_tampered_token_is_refused(
    client: TestClient, app_engine: Engine, app_settings: Settings, kind: str, method: str
) -> None:
    ana = make_recipient(app_engine, "ana@example.org")
    bo = make_recipient(app_engine, "bo@example.org")
    token = _tampered(app_settings.secret_key, ana, bo)[kind]

    response = client.request(method, "/unsubscribe", params={"token": token})

    assert response.status_code == 400
    assert "This link does not work" in response.text
    assert recipient(app_engine, ana).unsubscribed_at is None
    assert recipient(app_engine, bo).unsubscribed_at is None


Headers = Callable[[Role], dict[str, str]]


@pytest.fixture
def headers(client: TestClient) -> Headers:
    def make(role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {make_token(client, role, 'circle')}"}

    return make


def test_preview_returns_subject_html_and_text(
    client: TestClient, app_engine: Engine, headers: Headers
) -> None:
    response = client.get(
        "/api/v1/communities/circle/digest/preview", headers=headers(Role.FACILITATOR)
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"subject", "html", "text"}
    assert body["subject"].startswith("Admin Circle \u2014 PeerPulse week ")
    assert QUOTE in body["text"] and "as facilitator of Admin Circle" in body["text"]
    assert body["html"].startswith("<!doctype html>")


def test_preview_as_html_and_as_a_lower_role(
    client: TestClient, app_engine: Engine, headers: Headers
) -> None:
    url = "/api/v1/communities/circle/digest/preview"
    page = client.get(url, params={"format": "html"}, headers=headers(Role.ADMIN))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Calendar conflicts" in page.text and QUOTE in page.text

    viewer_copy = client.get(url, params={"role": "viewer"}, headers=headers(Role.FACILITATOR))
    assert viewer_copy.status_code == 200 and QUOTE not in viewer_copy.json()["text"]


@pytest.mark.parametrize(("role", "status"), [(Role.COMMITTEE, 403), (Role.VIEWER, 403)])
def test_preview_needs_the_facilitator_role(
    client: TestClient, app_engine: Engine, headers: Headers, role: Role, status: int
) -> None:
    response = client.get("/api/v1/communities/circle/digest/preview", headers=headers(role))
    assert response.status_code == status
    assert client.get("/api/v1/communities/circle/digest/preview").status_code == 401
