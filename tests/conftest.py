"""Shared fixtures: settings, a fresh database per test (SQLite and PostgreSQL), an API client."""

from __future__ import annotations

import os
import shutil
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

# One headless Chromium for the whole run, whichever folder's tests ask for it.
pytest_plugins = ["tests.browser"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "exports"
SHARED = Path(os.environ.get("PEERPULSE_SHARED", ROOT.parent / "shared"))
POSTGRES_ADMIN_URL = os.environ.get(
    "PEERPULSE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


# Markers are applied here and nowhere else (`make test-fast` deselects all four), from the
# fixtures a test uses, closure included (a fixture that needs ``redactor`` counts as
# ``redactor``):
# - a fixture named below;
# - a fixture parametrized "postgresql" (``any_engine``, ``any_app_client``, a live server): it
#   reaches PostgreSQL through ``request.getfixturevalue``, which the closure cannot see;
# - ``models`` taken by the test itself, or by a module- or session-scoped fixture (a prepared
#   analysis, embeddings): the store loads lazily, so ``app_client`` taking it loads nothing, but
#   these use it;
# - for the few tests whose need goes through no fixture (a subprocess, an analysis started
#   through the API), their node ID below.
# Tests that post an import through ``app_client`` use the session's spaCy redactor, loaded once
# (a few seconds), and stay in the fast set.
MARKER_FIXTURES: dict[str, frozenset[str]] = {
    "postgres": frozenset({"postgres_url", "new_database"}),
    "redis": frozenset({"redis_url", "workers"}),
    "browser": frozenset({"browser", "page"}),
    "models": frozenset(
        {
            "redactor",  # spaCy pipeline
            "embedder",  # MiniLM
            "scorer",
            "lexicon",  # spaCy lemmas
            "sentence_nlp",
            "workplace_embeddings",
            "workplace_result",  # BERTopic
            "aligned",  # goals: a whole analysis through the API
            "onnx_store",  # ONNX export of the bundled weights
            "int8_store",
        }
    ),
}
MARKER_TESTS: dict[str, frozenset[str]] = {
    "tests/api/test_concurrency.py": frozenset({"models"}),  # uploads to a live server
    "tests/api/test_fuzz.py": frozenset({"models"}),  # fuzzed POST .../analyses run analyses
    "tests/jobs/test_analysis_api.py": frozenset({"models"}),
    "tests/scaleout/test_killed_worker.py": frozenset({"models"}),  # real workers analyse
    "tests/storage/test_crash_safety.py::test_sigkill_during_import": frozenset({"models"}),
}
_WIDE_SCOPES = frozenset({"session", "package", "module"})


def markers_for(item: pytest.Item) -> list[str]:
    """The markers ``item`` carries, from the fixtures (closure) and parameters it uses."""
    fixtures = set(getattr(item, "fixturenames", ()))
    found = [marker for marker, names in MARKER_FIXTURES.items() if fixtures & names]
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "postgresql" in callspec.params.values():
        found.append("postgres")
    definitions = getattr(item, "_fixtureinfo", None)
    if definitions is not None and (
        "models" in definitions.argnames
        or any(
            d.scope in _WIDE_SCOPES and "models" in d.argnames
            for name in fixtures - {"models"}
            for d in definitions.name2fixturedefs.get(name, ())
        )
    ):
        found.append("models")
    for prefix, markers in MARKER_TESTS.items():
        if item.nodeid.startswith(prefix):
            found.extend(markers)
    return sorted(set(found))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test ``postgres``, ``redis``, ``browser`` or ``models`` by what it needs."""
    for item in items:
        for marker in markers_for(item):
            item.add_marker(marker)


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
        # most tests accept a suggestion without voting first; the quorum's own tests set it
        accept_min_votes=0,
    )


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head, once per worker: a test's database starts as a copy (a
    copy takes 0.02 s, migrating 0.25 s). ``any_engine`` still migrates from nothing."""
    path = tmp_path_factory.mktemp("template") / "peerpulse.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    engine.dispose()
    return path


def _from_template(settings: Settings, template: Path) -> None:
    """Start the test's SQLite database as a copy of the migrated template, unless a fixture
    already made it."""
    path = Path(settings.database_url.removeprefix("sqlite:///"))
    if not path.exists():
        shutil.copyfile(template, path)


@pytest.fixture
def engine(settings: Settings, migrated_sqlite: Path) -> Iterator[Engine]:
    """A migrated SQLite engine (``db.upgrade`` finds it at head and checks that)."""
    _from_template(settings, migrated_sqlite)
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
def app_client(
    settings: Settings, models: ModelStore, migrated_sqlite: Path
) -> Iterator[TestClient]:
    """A TestClient over an app on the test settings (lifespan runs migrations, from the
    migrated template)."""
    _from_template(settings, migrated_sqlite)
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
