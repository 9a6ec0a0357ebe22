"""Sign-in with the test OpenID provider: the flow, the refusals, the roles from claims."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc.jwk import RSAKey
from sqlalchemy import select

from service.api.security import SESSION_COOKIE
from service.auth.roles import Role
from service.config import Settings
from service.main import create_app
from service.sso.accounts import NO_PASSWORD
from service.storage import db
from service.storage.repositories import auth
from service.storage.tables import ApiToken, Community, Membership, SsoIdentity, User
from tests.oidc.conftest import oidc_settings, through_provider
from tests.oidc.provider import TestProvider, decode_unverified


def _engine(client: TestClient):  # noqa: ANN202 - the app's engine
    return client.app.state.engine  # type: ignore[attr-defined]


def _signed_in(client: TestClient, next_path: str = "/") -> httpx.Response:
    _, answer = through_provider(client, next_path)
    assert answer.status_code == 200, answer.text
    assert client.cookies.get(SESSION_COOKIE)
    return answer


def _memberships(client: TestClient, username: str) -> dict[str, str]:
    with db.transaction(_engine(client)) as session:
        rows = session.execute(
            select(Community.slug, Membership.role)
            .join(Membership, Membership.community_id == Community.id)
            .join(User, User.id == Membership.user_id)
            .where(User.username == username)
        )
        return {str(slug): str(role) for slug, role in rows}


def test_login_sends_pkce_state_and_nonce(sso_client: TestClient) -> None:
    started = sso_client.get("/auth/oidc/login", follow_redirects=False)
    query = parse_qs(urlsplit(started.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert len(query["state"][0]) >= 40 and len(query["nonce"][0]) >= 40
    assert query["redirect_uri"] == ["http://testserver/auth/oidc/callback"]
    assert "openid" in query["scope"][0].split()
    assert started.cookies.get("peerpulse_oidc_state") == query["state"][0]


def test_full_sign_in_lands_on_the_community_with_the_mapped_role(
    sso_client: TestClient, provider: TestProvider
) -> None:
    answer = _signed_in(sso_client)
    assert 'content="0;url=/c/circle"' in answer.text
    assert sso_client.get("/c/circle").status_code == 200
    # the code was exchanged with the PKCE verifier
    assert provider.token_requests[-1]["code_verifier"]
    with db.transaction(_engine(sso_client)) as session:
        user = session.scalar(select(User).where(User.username == "Jane Doe"))
        assert user is not None and user.password_hash == NO_PASSWORD
        identity = session.scalar(select(SsoIdentity).where(SsoIdentity.user_id == user.id))
        assert identity is not None and identity.subject == "user-1"
        principal = auth.authenticate(session, sso_client.cookies[SESSION_COOKIE])
        assert principal.role == Role.COMMITTEE and principal.user_id == user.id
    assert _memberships(sso_client, "Jane Doe") == {"circle": "committee"}


def test_returns_to_the_page_asked_for(sso_client: TestClient) -> None:
    answer = _signed_in(sso_client, "/c/circle/agenda")
    assert 'content="0;url=/c/circle/agenda"' in answer.text


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/ /evil.example",
        "javascript:x",
    ],
)
def test_no_open_redirect(sso_client: TestClient, target: str) -> None:
    answer = _signed_in(sso_client, target)
    assert "evil.example" not in answer.text and "javascript" not in answer.text
    assert 'content="0;url=/c/circle"' in answer.text


def test_a_second_sign_in_reuses_the_user(sso_client: TestClient, provider: TestProvider) -> None:
    _signed_in(sso_client)
    provider.user = {**provider.user, "name": "Jane Doe-Smith"}
    _signed_in(sso_client)
    with db.transaction(_engine(sso_client)) as session:
        names = list(session.scalars(select(User.username)))
    assert names == ["Jane Doe-Smith"]


def test_tampered_id_token_is_refused(sso_client: TestClient, provider: TestProvider) -> None:
    provider.misbehave = "tampered"
    _, answer = through_provider(sso_client)
    assert answer.status_code == 401
    assert "signature does not match" in answer.text
    assert SESSION_COOKIE not in sso_client.cookies
    with db.transaction(_engine(sso_client)) as session:
        assert session.scalar(select(User.id)) is None


def test_unsigned_id_token_is_refused(sso_client: TestClient, provider: TestProvider) -> None:
    """Even when the provider's discovery lists ``none`` among its algorithms."""
    provider.misbehave = "unsigned"
    _, answer = through_provider(sso_client)
    assert answer.status_code == 401
    assert "ID token was refused" in answer.text
    assert SESSION_COOKIE not in sso_client.cookies


def test_wrong_audience_is_refused(sso_client: TestClient, provider: TestProvider) -> None:
    provider.misbehave = "wrong_audience"
    _, answer = through_provider(sso_client)
    assert answer.status_code == 401
    assert "aud" in answer.text
    assert SESSION_COOKIE not in sso_client.cookies


@pytest.mark.parametrize(("seconds_ago", "status"), [(600, 401), (20, 200)])
def test_expired_token_is_refused_beyond_the_clock_skew(
    sso_client: TestClient, provider: TestProvider, seconds_ago: int, status: int
) -> None:
    """The default skew is 60 seconds: 20 s past expiry passes, 10 minutes does not."""
    provider.misbehave = "expired"
    provider.expired_seconds = seconds_ago
    _, answer = through_provider(sso_client)
    assert answer.status_code == status
    if status == 401:
        assert "expired" in answer.text


def test_replayed_state_is_refused(sso_client: TestClient) -> None:
    callback, first = through_provider(sso_client)
    assert first.status_code == 200
    sso_client.cookies.delete(SESSION_COOKIE)
    again = sso_client.get(callback, follow_redirects=False)
    assert again.status_code == 401
    assert "already used" in again.text
    assert SESSION_COOKIE not in sso_client.cookies


def test_state_from_another_browser_is_refused(
    sso_client: TestClient, provider: TestProvider
) -> None:
    started = sso_client.get("/auth/oidc/login", follow_redirects=False)
    at_provider = httpx.get(started.headers["location"], follow_redirects=False)
    back = urlsplit(at_provider.headers["location"])
    sso_client.cookies.clear()  # another browser: no state cookie
    answer = sso_client.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert answer.status_code == 401
    assert "not started in this browser" in answer.text


def test_provider_error_is_shown(sso_client: TestClient) -> None:
    started = sso_client.get("/auth/oidc/login", follow_redirects=False)
    state = parse_qs(urlsplit(started.headers["location"]).query)["state"][0]
    answer = sso_client.get(
        "/auth/oidc/callback",
        params={"state": state, "error": "access_denied", "error_description": "User said no"},
    )
    assert answer.status_code == 401
    assert "Example Org did not sign you in: User said no" in answer.text


def test_no_mapped_group_gets_a_page_saying_whom_to_ask(
    sso_client: TestClient, provider: TestProvider
) -> None:
    provider.user = {**provider.user, "groups": ["finance"]}
    _, answer = through_provider(sso_client)
    assert answer.status_code == 403
    assert "none of your groups gives access" in answer.text
    assert "finance" in answer.text
    assert "the programme office (programmes@example.org)" in answer.text
    assert SESSION_COOKIE not in sso_client.cookies
    assert _memberships(sso_client, "Jane Doe") == {}


def test_losing_the_group_ends_earlier_sessions(
    sso_client: TestClient, provider: TestProvider
) -> None:
    _signed_in(sso_client)
    earlier = sso_client.cookies[SESSION_COOKIE]
    provider.user = {**provider.user, "groups": []}
    _, answer = through_provider(sso_client)
    assert answer.status_code == 403
    sso_client.cookies.set(SESSION_COOKIE, earlier)
    assert sso_client.get("/c/circle", follow_redirects=False).status_code == 303
    with db.transaction(_engine(sso_client)) as session:
        row = session.scalar(select(ApiToken).where(ApiToken.kind == "session"))
        assert row is not None and row.revoked_at is not None


def test_an_sso_user_has_no_password(sso_client: TestClient) -> None:
    _signed_in(sso_client)
    sso_client.cookies.clear()
    for password in ("", NO_PASSWORD, "!sso"):
        refused = sso_client.post(
            "/signin", data={"username": "Jane Doe", "password": password, "next": "/"}
        )
        assert refused.status_code == 401


def test_password_sign_in_still_works_beside_sso(sso_client: TestClient) -> None:
    with db.transaction(_engine(sso_client), write=True) as session:
        user = auth.create_user(session, "sam", "a-long-password-1")
        circle = session.scalar(select(Community).where(Community.slug == "circle"))
        assert circle is not None
        auth.add_membership(session, user, circle, Role.FACILITATOR)
    page = sso_client.get("/signin")
    assert "Sign in with Example Org" in page.text and 'name="password"' in page.text
    signed = sso_client.post(
        "/signin",
        data={"username": "sam", "password": "a-long-password-1", "next": "/c/circle"},
        follow_redirects=False,
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/c/circle"


def test_id_token_reaches_provider_logout(sso_client: TestClient, provider: TestProvider) -> None:
    _signed_in(sso_client)
    out = sso_client.post("/signout", headers={"origin": "http://testserver"})
    assert out.status_code == 200
    assert "Signing you out of Example Org too" in out.text
    logout = out.text.split('id="continue" href="')[1].split('"')[0].replace("&amp;", "&")
    query = parse_qs(urlsplit(logout).query)
    assert logout.startswith(f"{provider.issuer}/logout?")
    assert query["post_logout_redirect_uri"] == ["http://testserver/signin"]
    assert decode_unverified(query["id_token_hint"][0])["sub"] == "user-1"
    at_provider = httpx.get(logout, follow_redirects=False)
    assert at_provider.status_code == 302
    assert at_provider.headers["location"] == "http://testserver/signin"
    assert provider.ended == ["user-1"]
    assert sso_client.get("/c/circle", follow_redirects=False).status_code == 303


def test_logout_without_end_session_endpoint_just_signs_out(
    sso_client: TestClient, provider: TestProvider
) -> None:
    provider.end_session = False
    _signed_in(sso_client)
    out = sso_client.post(
        "/signout", headers={"origin": "http://testserver"}, follow_redirects=False
    )
    assert out.status_code == 303 and out.headers["location"] == "/signin"


def test_session_cookie_follows_the_password_form_rules(sso_client: TestClient) -> None:
    answer = _signed_in(sso_client)
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Max-Age=43200" in cookie  # PEERPULSE_SESSION_HOURS (12)
    assert answer.headers["cache-control"] == "no-store"


def test_a_rotated_provider_key_is_fetched_again(
    sso_client: TestClient, provider: TestProvider
) -> None:
    _signed_in(sso_client)  # the first key set is cached now
    original = provider.key
    provider.key = RSAKey.generate_key(2048, parameters={"kid": "test-key-2", "use": "sig"})
    try:
        sso_client.cookies.clear()
        answer = _signed_in(sso_client)
        assert 'content="0;url=/c/circle"' in answer.text
    finally:
        provider.key = original


def test_an_issuer_that_discovery_does_not_confirm_is_refused(
    settings: Settings, provider: TestProvider
) -> None:
    wrong = oidc_settings(provider, issuer=provider.issuer.replace("127.0.0.1", "localhost"))
    changed = settings.model_copy(update={"oidc": wrong, "public_url": "http://testserver"})
    with TestClient(create_app(changed)) as client:
        answer = client.get("/auth/oidc/login", follow_redirects=False)
    assert answer.status_code == 502
    assert "names the issuer" in answer.text and "PEERPULSE_OIDC__ISSUER" in answer.text


def test_sign_on_is_off_without_an_issuer(app_client: TestClient) -> None:
    assert "sso-sign-in" not in app_client.get("/signin").text
    assert app_client.get("/auth/oidc/login", follow_redirects=False).status_code == 404


def test_sign_in_and_replay_on_postgresql(
    sso_settings: Settings, provider: TestProvider, postgres_url: str
) -> None:
    """The state is taken ``FOR UPDATE`` and deleted there: once, on PostgreSQL too."""
    db.engine_for.cache_clear()
    on_postgres = sso_settings.model_copy(update={"database_url": postgres_url})
    with TestClient(create_app(on_postgres)) as client:
        with db.transaction(_engine(client), write=True) as session:
            session.add(Community(slug="circle", name="Circle"))
        callback, first = through_provider(client, "/c/circle")
        assert first.status_code == 200
        assert client.get("/c/circle").status_code == 200
        assert _memberships(client, "Jane Doe") == {"circle": "committee"}
        client.cookies.delete(SESSION_COOKIE)
        assert client.get(callback, follow_redirects=False).status_code == 401
    db.engine_for.cache_clear()
