"""Schemathesis against the app's own OpenAPI schema: no input makes the server fail (5xx)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from service.auth.roles import Role
from service.config import Settings
from service.main import create_app
from service.modelstore import ModelStore
from service.storage import db
from service.storage.repositories import auth, communities

_FOLDER = tempfile.mkdtemp(prefix="peerpulse-fuzz-")
_SETTINGS = Settings(
    environment="test",
    database_url=f"sqlite:///{Path(_FOLDER) / 'fuzz.db'}",
    secret_key="fuzz-secret-key-0123456789abcdef0123456789",
    rate_limit_per_minute=100_000,
)
APP = create_app(_SETTINGS, ModelStore(_SETTINGS))
APP.state.engine = db.make_engine(_SETTINGS.database_url)  # what the lifespan would do
db.upgrade(APP.state.engine)
with db.transaction(APP.state.engine, write=True) as _session:
    TOKEN = auth.create_token(
        _session, role=Role.ADMIN, community=communities.get_or_create(_session, "circle")
    )

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("PEERPULSE_FUZZ_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_error(case: schemathesis.Case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code < 500
