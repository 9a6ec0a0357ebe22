"""An API client with the suggestions routes, and a community with suggestions in it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.analysis.suggestions import build_suggestions
from service.api.routes import suggestions as suggestion_routes
from service.auth.roles import Role
from service.storage import db
from service.storage.repositories import communities
from tests.agenda.builders import segments, worry_and_size
from tests.conftest import make_token


@pytest.fixture
def client(app_client: TestClient) -> TestClient:
    """``app_client`` with the suggestions router (included once, whether wired or not)."""
    app = app_client.app
    wired = {getattr(r, "path", "") for r in app.routes}  # type: ignore[attr-defined]
    if "/api/v1/communities/{slug}/suggestions" not in wired:
        app.include_router(suggestion_routes.router)  # type: ignore[attr-defined]
    return app_client


def headers(client: TestClient, role: Role, slug: str = "circle") -> dict[str, str]:
    """Headers of a new token of ``role`` in ``slug``."""
    return {"Authorization": f"Bearer {make_token(client, role, slug)}"}


def run_analysis(
    client: TestClient,
    themes: list[dict[str, Any]] | None = None,
    units: list[dict[str, Any]] | None = None,
    *,
    job_id: str = "job-1",
    slug: str = "circle",
) -> list[dict[str, Any]]:
    """What the analysis job does at its end: build and store the suggestions."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine, write=True) as session:
        community_id = communities.get_or_create(session, slug).id
    if themes is None or units is None:
        themes, units = worry_and_size()
    return build_suggestions(
        engine,
        community_id,
        job_id,
        themes=themes,
        units=units,
        settings=client.app.state.settings,  # type: ignore[attr-defined]
        segments=segments(),
    )


@pytest.fixture
def committee(client: TestClient) -> dict[str, str]:
    """A committee member's headers."""
    return headers(client, Role.COMMITTEE)


@pytest.fixture
def viewer(client: TestClient) -> dict[str, str]:
    """A viewer's headers."""
    return headers(client, Role.VIEWER)
