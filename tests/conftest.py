"""Shared fixtures: settings, a fresh database per test (SQLite and PostgreSQL), an API client."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from service.auth.roles import Role
from service.config import Settings
from service.main import create_app
from service.modelstore import ModelStore
from service.privacy.redactor import Redactor
from service.storage import db
from service.storage.repositories import auth, communities
from service.storage.tables import Theme

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "exports"
SHARED = Path(os.environ.get("PEERPULSE_SHARED", ROOT.parent / "shared"))
POSTGRES_ADMIN_URL = os.environ.get(
    "PEERPULSE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def fixture_bytes(relative: str) -> bytes:
    """The bytes of a fixture file under tests/fixtures/exports."""
    return (FIXTURES / relative).read_bytes()


@pytest.fixture(scope="session")
def models() -> ModelStore:
    """One model store for the whole run: the real spaCy pipeline and encoder load once."""
    return ModelStore(Settings(environment="test"))


@pytest.fixture(scope="session")
def redactor(models: ModelStore) -> Redactor:
    """The real PII redactor (spaCy NER + rules)."""
    return models.redactor


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a throwaway SQLite database."""
    return Settings(
        environment="test",
        database_url=f"sqlite:///{tmp_path / 'peerpulse.db'}",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        data_dir=tmp_path,
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """A migrated SQLite engine."""
    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database on the local server, dropped afterwards."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"pp_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure means no server
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable: {exc}")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    db.engine_for.cache_clear()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Engine]:
    """A migrated engine on SQLite and on PostgreSQL in turn."""
    url = settings.database_url
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
    engine = db.make_engine(url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def app_client(settings: Settings, models: ModelStore) -> Iterator[TestClient]:
    """A TestClient over an app on the test settings (lifespan runs migrations)."""
    db.engine_for.cache_clear()
    with TestClient(create_app(settings, models)) as client:
        yield client
    db.engine_for.cache_clear()


def make_token(client: TestClient, role: Role, slug: str | None) -> str:
    """Create a token directly in the app's database (and the community if needed)."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine, write=True) as session:
        community = communities.get_or_create(session, slug) if slug else None
        return auth.create_token(session, role=role, community=community)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app_client(
    request: pytest.FixtureRequest, settings: Settings, models: ModelStore
) -> Iterator[TestClient]:
    """A TestClient over an app on SQLite and on PostgreSQL in turn."""
    url = settings.database_url
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
    db.engine_for.cache_clear()
    app = create_app(settings.model_copy(update={"database_url": url}), models)
    with TestClient(app) as client:
        yield client
    db.engine_for.cache_clear()


def stored_theme(client: TestClient, name: str | None, slug: str = "circle") -> int:
    """Store a bare theme (label ``calendar``, committee name ``name``) in the app's database."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine, write=True) as session:
        community = communities.get_or_create(session, slug)
        theme = Theme(community_id=community.id, label="calendar", name=name, centroid=b"\0" * 8)
        session.add(theme)
        session.flush()
        return theme.id


@pytest.fixture
def admin_headers(app_client: TestClient) -> dict[str, str]:
    """Headers of a global admin token."""
    return {"Authorization": f"Bearer {make_token(app_client, Role.ADMIN, None)}"}


@pytest.fixture
def facilitator_headers(app_client: TestClient) -> dict[str, str]:
    """Headers of a facilitator token of the community ``circle``."""
    return {"Authorization": f"Bearer {make_token(app_client, Role.FACILITATOR, 'circle')}"}
