"""OpenID Connect sign-in: the authorization code flow with PKCE, state and nonce (framework-free).

:class:`OidcClient` reads the provider's discovery document
(``{issuer}/.well-known/openid-configuration``), builds the authorization URL with Authlib's
OAuth 2 client (PKCE S256), exchanges the code at the token endpoint, and checks the ID token:
signature against the provider's JWKS (fetched again once when a key ID is unknown, for key
rotation), ``iss``, ``aud`` (and ``azp`` when there are several audiences), ``exp``, ``iat``
and ``nonce``, with a bounded clock skew. :func:`grants` turns the role claim's values into a
role per community. Nothing here touches the database or the web framework.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.integrations.httpx_client import OAuth2Client  # type: ignore[import-untyped]
from authlib.integrations.httpx_client import OAuthError as AuthlibOAuthError
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from service.auth.roles import Role
from service.config import OidcSettings
from service.errors import PeerPulseError, Unauthorized

DISCOVERY_PATH = "/.well-known/openid-configuration"
METADATA_SECONDS = 3600  # discovery and keys are read again after an hour
ALL_COMMUNITIES = "*"  # a mapping's community that means every community (admin only)


class SignInRefused(Unauthorized):
    """The provider's answer cannot open a session (a bad token, a replayed state...)."""


class ProviderUnavailable(PeerPulseError):
    """The identity provider could not be reached or answered something unusable."""

    status_code = 502
    code = "provider_unavailable"


@dataclass(frozen=True)
class ProviderMetadata:
    """What discovery says about the provider."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    algorithms: tuple[str, ...]


@dataclass(frozen=True)
class LoginStart:
    """A sign-in sent to the provider: the URL, and what the callback must find again."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class VerifiedIdentity:
    """Who the provider says signed in (from a checked ID token)."""

    issuer: str
    subject: str
    name: str
    email: str | None
    claim_values: tuple[str, ...]
    id_token: str


class OidcClient:
    """The relying party of one provider; safe to share between threads."""

    def __init__(
        self,
        settings: OidcSettings,
        *,
        redirect_uri: str,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not settings.enabled:
            raise PeerPulseError("Single sign-on is not configured")
        self.settings = settings
        self.redirect_uri = redirect_uri
        self._transport = transport
        self._lock = threading.Lock()
        self._metadata: tuple[float, ProviderMetadata] | None = None
        self._keys: tuple[float, KeySet] | None = None

    def metadata(self) -> ProviderMetadata:
        """The provider's discovery document (cached for an hour)."""
        with self._lock:
            if self._metadata and time.monotonic() - self._metadata[0] < METADATA_SECONDS:
                return self._metadata[1]
        issuer = str(self.settings.issuer).rstrip("/")
        found = self._get_json(issuer + DISCOVERY_PATH)
        try:
            metadata = ProviderMetadata(
                issuer=str(found["issuer"]),
                authorization_endpoint=str(found["authorization_endpoint"]),
                token_endpoint=str(found["token_endpoint"]),
                jwks_uri=str(found["jwks_uri"]),
                end_session_endpoint=found.get("end_session_endpoint"),
                algorithms=_signing_algorithms(found.get("id_token_signing_alg_values_supported")),
            )
        except KeyError as exc:
            raise ProviderUnavailable(
                f"The provider's discovery document has no {exc.args[0]!r}",
                hint="Check PEERPULSE_OIDC__ISSUER.",
            ) from exc
        if metadata.issuer.rstrip("/") != issuer:
            raise ProviderUnavailable(
                f"The discovery document names the issuer {metadata.issuer!r}, not {issuer!r}",
                hint="Set PEERPULSE_OIDC__ISSUER to the issuer exactly as the provider names it.",
            )
        with self._lock:
            self._metadata = (time.monotonic(), metadata)
        return metadata

    def start(self) -> LoginStart:
        """A fresh state, nonce and PKCE verifier, and the provider URL that carries them."""
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)
        with self._oauth() as client:
            url, _ = client.create_authorization_url(
                self.metadata().authorization_endpoint,
                state=state,
                code_verifier=verifier,
                nonce=nonce,
            )
        return LoginStart(url=url, state=state, nonce=nonce, code_verifier=verifier)

    def finish(self, code: str, *, nonce: str, code_verifier: str) -> VerifiedIdentity:
        """Exchange the code (with the PKCE verifier) and check the ID token that comes back."""
        metadata = self.metadata()
        try:
            with self._oauth() as client:
                token = client.fetch_token(
                    metadata.token_endpoint, code=code, code_verifier=code_verifier
                )
        except AuthlibOAuthError as exc:
            raise SignInRefused(
                f"The provider refused the sign-in code ({exc.error})",
                hint="Start the sign-in again.",
            ) from exc
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from exc
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise SignInRefused("The provider sent no ID token", hint="Check the scopes: openid.")
        claims = self.verify_id_token(id_token, nonce=nonce)
        return self._identity(claims, id_token, metadata.issuer)

    def verify_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        """The ID token's claims after every check; :class:`SignInRefused` otherwise."""
        metadata = self.metadata()
        try:
            decoded = jwt.decode(id_token, self._key_set(id_token), algorithms=metadata.algorithms)
            registry = jwt.JWTClaimsRegistry(
                leeway=self.settings.clock_skew_seconds,
                iss={"essential": True, "value": metadata.issuer},
                aud={"essential": True, "value": str(self.settings.client_id)},
                sub={"essential": True},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise SignInRefused(
                f"The provider's ID token was refused: {_reason(exc)}",
                hint="Start the sign-in again; if it keeps failing, tell your administrator.",
            ) from exc
        claims = dict(decoded.claims)
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.settings.client_id:
            raise SignInRefused(
                "The provider's ID token was refused: it was issued to another party (azp)",
                hint="Start the sign-in again.",
            )
        return claims

    def logout_url(self, *, id_token: str | None, post_logout_redirect_uri: str) -> str | None:
        """The provider's RP-initiated logout URL, where discovery offers one."""
        try:
            endpoint = self.metadata().end_session_endpoint
        except ProviderUnavailable:
            return None
        if not endpoint:
            return None
        params = {
            "client_id": str(self.settings.client_id),
            "post_logout_redirect_uri": post_logout_redirect_uri,
        }
        if id_token:
            params["id_token_hint"] = id_token
        return endpoint + ("&" if "?" in endpoint else "?") + urlencode(params)

    def _identity(self, claims: Mapping[str, Any], id_token: str, issuer: str) -> VerifiedIdentity:
        email = claims.get("email")
        name = (
            claims.get("name")
            or " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p)
            or claims.get("preferred_username")
            or email
            or str(claims["sub"])
        )
        return VerifiedIdentity(
            issuer=issuer,
            subject=str(claims["sub"]),
            name=str(name).strip()[:200],
            email=str(email) if email else None,
            claim_values=claim_values(claims.get(self.settings.role_claim)),
            id_token=id_token,
        )

    def _key_set(self, id_token: str) -> KeySet:
        """The provider's keys; read again once if the token names a key ID they lack."""
        keys = self._fetch_keys(refresh=False)
        kid = _header_kid(id_token)
        if kid is not None and all(key.kid != kid for key in keys.keys):
            keys = self._fetch_keys(refresh=True)
        return keys

    def _fetch_keys(self, *, refresh: bool) -> KeySet:
        with self._lock:
            cached = self._keys
        if cached and not refresh and time.monotonic() - cached[0] < METADATA_SECONDS:
            return cached[1]
        found = self._get_json(self.metadata().jwks_uri)
        try:
            keys = KeySet.import_key_set(found)  # type: ignore[arg-type]
        except (JoseError, ValueError, KeyError, TypeError) as exc:
            raise ProviderUnavailable("The provider's key set cannot be read") from exc
        with self._lock:
            self._keys = (time.monotonic(), keys)
        return keys

    def _oauth(self) -> Any:
        return OAuth2Client(
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret,
            token_endpoint_auth_method=self.settings.token_auth_method,
            scope=self.settings.scopes,
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            timeout=self.settings.timeout_seconds,
            transport=self._transport,
        )

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            with httpx.Client(
                timeout=self.settings.timeout_seconds, transport=self._transport
            ) as client:
                answer = client.get(url, headers={"Accept": "application/json"})
                answer.raise_for_status()
                found = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise _unreachable(exc) from exc
        if not isinstance(found, dict):
            raise ProviderUnavailable(f"The provider answered {url} with no JSON object")
        return found


def claim_values(value: object) -> tuple[str, ...]:
    """A role claim as a tuple of strings (a list, one string, or space-separated scopes)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return tuple(str(v) for v in value if isinstance(v, str | int))
    return ()


def grants(values: Iterable[str], mappings: Iterable[tuple[str, str, Role]]) -> dict[str, Role]:
    """The role per community slug that the claim values map to (the highest when several do).

    ``mappings`` are (claim value, community slug or ``*``, role); ``*`` means every community
    and is honoured only for the admin role.
    """
    held = set(values)
    found: dict[str, Role] = {}
    for value, community, role in mappings:
        if value not in held or (community == ALL_COMMUNITIES and role != Role.ADMIN):
            continue
        if community not in found or role.allows(found[community]):
            found[community] = role
    return found


def _signing_algorithms(listed: object) -> tuple[str, ...]:
    """The provider's ID-token algorithms, without ``none`` and the shared-secret HS family."""
    names = [str(a) for a in listed] if isinstance(listed, list) else []
    kept = tuple(a for a in names if a != "none" and not a.startswith("HS"))
    return kept or ("RS256",)


def _header_kid(id_token: str) -> str | None:
    try:
        header = jws.extract_compact(id_token.encode()).headers()
    except (JoseError, ValueError):
        return None
    kid = header.get("kid")
    return kid if isinstance(kid, str) else None


def _reason(exc: Exception) -> str:
    names = {
        "bad_signature": "its signature does not match the provider's keys",
        "expired_token": "it has expired",
        "invalid_claim": "a claim does not match",
        "missing_claim": "a required claim is missing",
        "invalid_token": "it was issued in the future",
    }
    error = getattr(exc, "error", "")
    description = getattr(exc, "description", "") or str(exc)
    return f"{names.get(error, error or 'malformed')} ({description})"


def _unreachable(exc: Exception) -> ProviderUnavailable:
    return ProviderUnavailable(
        f"The identity provider could not be reached: {exc}",
        hint="Try again in a minute; if it keeps failing, check PEERPULSE_OIDC__ISSUER.",
    )
