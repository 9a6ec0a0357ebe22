"""The test provider on a local port, and a PeerPulse app configured to sign in with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from service.config import OidcMapping, OidcSettings, Settings
from service.main import create_app
from service.modelstore import ModelStore
from service.storage import db
from service.storage.repositories import communities
from tests.conftest import _from_template
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, TestProvider

APP = "http://testserver"


@pytest.fixture(scope="session")
def running_provider() -> Iterator[TestProvider]:
    """One provider (uvicorn in a thread) for the whole run."""
    started = TestProvider().start()
    yield started
    started.stop()


@pytest.fixture
def provider(running_provider: TestProvider) -> TestProvider:
    """The provider, back to a well-behaved state with Jane in the circle's committee group."""
    running_provider.user = {
        "sub": "user-1",
        "name": "Jane Doe",
        "email": "jane@example.org",
        "groups": ["circle-committee"],
    }
    running_provider.misbehave = None
    running_provider.auto_approve = True
    running_provider.end_session = True
    running_provider.ended.clear()
    running_provider.token_requests.clear()
    running_provider.register(f"{APP}/auth/oidc/callback", f"{APP}/signin")
    return running_provider


def oidc_settings(provider: TestProvider, **changes: object) -> OidcSettings:
    """Sign-on with the test provider; the circle's committee group maps to committee."""
    values: dict[str, object] = {
        "issuer": provider.issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "scopes": "openid profile email groups",
        "display_name": "Example Org",
        "contact": "the programme office (programmes@example.org)",
        "mappings": (
            OidcMapping(claim_value="circle-committee", community="circle", role="committee"),
        ),
    }
    values.update(changes)
    return OidcSettings.model_validate(values)


@pytest.fixture
def sso_settings(settings: Settings, provider: TestProvider) -> Settings:
    """The test settings with sign-on configured and PeerPulse at http://testserver."""
    return settings.model_copy(update={"oidc": oidc_settings(provider), "public_url": APP})


@pytest.fixture
def sso_client(
    sso_settings: Settings, models: ModelStore, migrated_sqlite: Path
) -> Iterator[TestClient]:
    """A TestClient over an app that signs in with the test provider; community ``circle``."""
    _from_template(sso_settings, migrated_sqlite)
    db.engine_for.cache_clear()
    with TestClient(create_app(sso_settings, models)) as client:
        with db.transaction(client.app.state.engine, write=True) as session:  # type: ignore[attr-defined]
            communities.get_or_create(session, "circle")
            communities.get_or_create(session, "garden")
        yield client
    db.engine_for.cache_clear()


def through_provider(client: TestClient, next_path: str = "/") -> tuple[str, httpx.Response]:
    """Start at /auth/oidc/login, pass the real provider, and return the callback URL (path and
    query) with PeerPulse's answer to it."""
    started = client.get("/auth/oidc/login", params={"next": next_path}, follow_redirects=False)
    assert started.status_code == 303, started.text
    at_provider = httpx.get(started.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["location"])
    assert f"{back.scheme}://{back.netloc}" == APP
    callback = f"{back.path}?{back.query}"
    return callback, client.get(callback, follow_redirects=False)
