"""Roles from claims: the mapping rules, ``peerpulse sso``, and sessions ending with a role."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from service.api.security import SESSION_COOKIE
from service.auth.oidc import claim_values, grants
from service.auth.roles import Role
from service.cli import app
from service.config import OidcMapping, Settings, get_settings
from service.main import create_app
from service.modelstore import ModelStore
from service.storage import db
from service.storage.repositories import auth
from service.storage.tables import SsoMapping
from tests.oidc.conftest import through_provider
from tests.oidc.provider import TestProvider

MAPPINGS = [
    ("circle-committee", "circle", Role.COMMITTEE),
    ("circle-facilitators", "circle", Role.FACILITATOR),
    ("garden-viewers", "garden", Role.VIEWER),
    ("it-admins", "*", Role.ADMIN),
    ("everyone", "*", Role.VIEWER),  # "*" is for admins only: ignored
]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["circle-committee"], {"circle": Role.COMMITTEE}),
        (["circle-committee", "circle-facilitators"], {"circle": Role.FACILITATOR}),
        (["circle-facilitators", "circle-committee"], {"circle": Role.FACILITATOR}),
        (["garden-viewers", "circle-committee"], {"circle": Role.COMMITTEE, "garden": Role.VIEWER}),
        (["it-admins"], {"*": Role.ADMIN}),
        (["everyone"], {}),
        (["Circle-Committee"], {}),  # claim values match exactly
        ([], {}),
    ],
)
def test_grants(values: list[str], expected: dict[str, Role]) -> None:
    assert grants(values, MAPPINGS) == expected


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        (["a", "b"], ("a", "b")),
        ("a", ("a",)),
        (None, ()),
        ({"a": 1}, ()),
        ([1, "b", {"x": 1}], ("1", "b")),
    ],
)
def test_claim_values(claim: object, expected: tuple[str, ...]) -> None:
    assert claim_values(claim) == expected


@pytest.fixture
def cli(
    sso_client: TestClient, sso_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliRunner]:
    """``peerpulse`` on the same database and sign-on settings as ``sso_client``."""
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", sso_settings.database_url)
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", sso_settings.secret_key)
    monkeypatch.setenv("PEERPULSE_OIDC__ISSUER", str(sso_settings.oidc.issuer))
    monkeypatch.setenv("PEERPULSE_OIDC__CLIENT_ID", str(sso_settings.oidc.client_id))
    mappings = [m.model_dump() for m in sso_settings.oidc.mappings]
    monkeypatch.setenv("PEERPULSE_OIDC__MAPPINGS", json.dumps(mappings))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _session_role(client: TestClient) -> Role:
    with db.transaction(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return auth.authenticate(session, client.cookies[SESSION_COOKIE]).role


def test_settings_mapping_parses_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "PEERPULSE_OIDC__MAPPINGS",
        '[{"claim_value": "g1", "community": "circle", "role": "facilitator"}]',
    )
    monkeypatch.setenv("PEERPULSE_OIDC__ROLE_CLAIM", "roles")
    loaded = Settings()
    assert loaded.oidc.mappings == (
        OidcMapping(claim_value="g1", community="circle", role="facilitator"),
    )
    assert loaded.oidc.role_claim == "roles"


def test_sso_map_gives_the_role_at_the_next_sign_in(
    sso_client: TestClient, provider: TestProvider, cli: CliRunner
) -> None:
    provider.user = {**provider.user, "groups": ["garden-committee"]}
    _, refused = through_provider(sso_client)
    assert refused.status_code == 403
    mapped = cli.invoke(
        app,
        [
            "sso",
            "map",
            "--community",
            "garden",
            "--claim-value",
            "garden-committee",
            "--role",
            "committee",
        ],
    )
    assert mapped.exit_code == 0, mapped.output
    assert "garden-committee -> committee in garden" in mapped.output
    listed = cli.invoke(app, ["sso", "list"])
    assert "circle-committee\tcircle\tcommittee" in listed.output
    assert "garden-committee\tgarden\tcommittee" in listed.output
    _, answer = through_provider(sso_client)
    assert answer.status_code == 200
    assert 'content="0;url=/c/garden"' in answer.text
    assert _session_role(sso_client) == Role.COMMITTEE


def test_sso_unmap_ends_the_sessions_it_allowed(
    sso_client: TestClient, provider: TestProvider, cli: CliRunner
) -> None:
    provider.user = {**provider.user, "groups": ["garden-committee"]}
    cli.invoke(
        app,
        [
            "sso",
            "map",
            "--community",
            "garden",
            "--claim-value",
            "garden-committee",
            "--role",
            "committee",
        ],
    )
    _, answer = through_provider(sso_client)
    assert answer.status_code == 200
    assert sso_client.get("/c/garden").status_code == 200
    unmapped = cli.invoke(
        app, ["sso", "unmap", "--community", "garden", "--claim-value", "garden-committee"]
    )
    assert unmapped.exit_code == 0, unmapped.output
    assert "1 session(s) ended" in unmapped.output
    assert sso_client.get("/c/garden", follow_redirects=False).status_code == 303


def test_lowering_a_role_ends_the_higher_session(
    sso_client: TestClient, provider: TestProvider, cli: CliRunner
) -> None:
    cli.invoke(
        app,
        [
            "sso",
            "map",
            "--community",
            "circle",
            "--claim-value",
            "circle-committee",
            "--role",
            "facilitator",
        ],
    )
    _, answer = through_provider(sso_client)
    assert answer.status_code == 200 and _session_role(sso_client) == Role.FACILITATOR
    lowered = cli.invoke(
        app,
        [
            "sso",
            "map",
            "--community",
            "circle",
            "--claim-value",
            "circle-committee",
            "--role",
            "viewer",
        ],
    )
    assert "1 session(s) ended" in lowered.output
    assert sso_client.get("/c/circle", follow_redirects=False).status_code == 303
    with db.transaction(sso_client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert len(list(session.scalars(select(SsoMapping)))) == 1


def test_sso_map_refuses_an_unknown_community_and_a_wide_non_admin(cli: CliRunner) -> None:
    unknown = cli.invoke(
        app, ["sso", "map", "--community", "nowhere", "--claim-value", "g", "--role", "viewer"]
    )
    assert unknown.exit_code == 2 and "No community 'nowhere'" in unknown.output
    wide = cli.invoke(
        app, ["sso", "map", "--community", "*", "--claim-value", "g", "--role", "viewer"]
    )
    assert wide.exit_code == 2 and "Only the admin role" in wide.output


def test_a_global_admin_group_reaches_every_community(
    sso_client: TestClient, provider: TestProvider, cli: CliRunner
) -> None:
    cli.invoke(app, ["sso", "map", "--community", "*", "--claim-value", "it", "--role", "admin"])
    provider.user = {**provider.user, "groups": ["it"]}
    _, answer = through_provider(sso_client)
    assert answer.status_code == 200
    assert _session_role(sso_client) == Role.ADMIN
    assert sso_client.get("/c/garden").status_code == 200
    assert sso_client.get("/c/circle").status_code == 200


def test_a_mapping_removed_from_the_settings_ends_its_sessions_at_the_next_start(
    sso_client: TestClient, sso_settings: Settings, models: ModelStore
) -> None:
    """The environment's mappings are applied when the server starts, as ``sso apply`` does."""
    _, answer = through_provider(sso_client)
    assert answer.status_code == 200 and _session_role(sso_client) == Role.COMMITTEE
    assert sso_client.get("/c/circle", follow_redirects=False).status_code == 200
    changed = sso_settings.model_copy(
        update={"oidc": sso_settings.oidc.model_copy(update={"mappings": ()})}
    )
    with TestClient(create_app(changed, models)):  # the server restarted with the new settings
        pass
    assert sso_client.get("/c/circle", follow_redirects=False).status_code == 303
