"""A real OpenID provider for the tests, built from Authlib's server components.

Authlib's framework-agnostic :class:`~authlib.oauth2.rfc6749.AuthorizationServer` with the
authorization code grant, the PKCE extension (``CodeChallenge``), the OpenID Connect extension
(``OpenIDCode``, nonce required) and the RP-initiated logout endpoint, served by a small
Starlette app with uvicorn on a local port in a thread. It signs ID tokens with its own RSA key
and publishes discovery and JWKS like any provider. ``misbehave`` makes it issue a bad ID token
the way a broken or hostile provider would (a tampered payload, another audience, expired).
"""

from __future__ import annotations

import base64
import json
import secrets
import socket
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749 import AuthorizationServer, OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.models import AuthorizationCodeMixin, ClientMixin
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

CLIENT_ID = "peerpulse-test"
CLIENT_SECRET = "test-client-secret-0123456789"


@dataclass
class Client(ClientMixin):
    """A registered relying party."""

    client_id: str
    client_secret: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]

    @property
    def client_metadata(self) -> dict[str, Any]:
        return {"post_logout_redirect_uris": self.post_logout_redirect_uris}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = {"openid", "profile", "email", "groups"}
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    """An issued authorization code."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict[str, Any]
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class _Payload(OAuth2Payload):
    def __init__(self, lists: dict[str, list[str]]) -> None:
        self._lists = lists

    @property
    def data(self) -> dict[str, str]:
        return {key: values[0] for key, values in self._lists.items()}

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return defaultdict(list, self._lists)


class _Request(OAuth2Request):
    """An OAuth 2 request from a Starlette request whose form was read already."""

    def __init__(self, request: Request, form: list[tuple[str, str]]) -> None:
        super().__init__(request.method, str(request.url), headers=request.headers)
        self._args = dict(request.query_params)
        self._form = dict(form)
        lists: dict[str, list[str]] = defaultdict(list)
        for key, value in [*request.query_params.multi_items(), *form]:
            lists[key].append(value)
        self.payload = _Payload(dict(lists))

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class TestProvider:
    """The provider's state: its key, client, the signed-in user, and how it misbehaves."""

    __test__ = False  # not a test class

    def __init__(self, *, end_session: bool = True) -> None:
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig"})
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, Code] = {}
        self.user: dict[str, Any] = {
            "sub": "user-1",
            "name": "Jane Doe",
            "email": "jane@example.org",
            "groups": ["circle-committee"],
        }
        # None | tampered | wrong_audience | expired | unsigned
        self.misbehave: str | None = None
        self.expired_seconds = 3600
        self.auto_approve = True
        self.end_session = end_session
        self.ended: list[str] = []  # subjects whose provider session was ended
        self.token_requests: list[dict[str, str]] = []
        self.server = _Server(self)
        self._uvicorn: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def register(self, redirect_uri: str, post_logout_redirect_uri: str) -> None:
        """Register PeerPulse as a client (its callback and its page after logout)."""
        self.clients[CLIENT_ID] = Client(
            CLIENT_ID, CLIENT_SECRET, [redirect_uri], [post_logout_redirect_uri]
        )

    def public_jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False, alg="RS256")]}

    def discovery(self) -> dict[str, Any]:
        document = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"]
            + (["none"] if self.misbehave == "unsigned" else []),
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email", "groups"],
        }
        if self.end_session:
            document["end_session_endpoint"] = f"{self.issuer}/logout"
        return document

    def start(self) -> TestProvider:
        """Serve on the local port (uvicorn in a thread) until :meth:`stop`."""
        config = uvicorn.Config(
            _app(self), host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._uvicorn = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._uvicorn.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._uvicorn.started and time.monotonic() < deadline:
            time.sleep(0.05)
        if not self._uvicorn.started:
            raise RuntimeError("the test provider did not start")
        return self

    def stop(self) -> None:
        if self._uvicorn is not None and self._thread is not None:
            self._uvicorn.should_exit = True
            self._thread.join(timeout=10)


class _Grant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    @property
    def provider(self) -> TestProvider:
        return self.server.provider  # type: ignore[no-any-return]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.provider.codes[code] = Code(
            code=code,
            client_id=request.client.get_client_id(),
            redirect_uri=data.get("redirect_uri", ""),
            scope=request.scope or "",
            user=dict(request.user),
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        found = self.provider.codes.get(code)
        return found if found is not None and found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: Code) -> None:
        self.provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: Code) -> dict[str, Any]:
        return authorization_code.user


class _CodeChallenge(CodeChallenge):
    def get_authorization_code_challenge(self, authorization_code: Code) -> str | None:
        return authorization_code.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: Code) -> str | None:
        return authorization_code.code_challenge_method


class _OpenIDCode(OpenIDCode):
    def __init__(self, provider: TestProvider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return any(code.nonce == nonce for code in self.provider.codes.values())

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return self.provider.key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": str(self.provider.key.kid)}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.provider.issuer, "aud": [client.get_client_id()]}
        if self.provider.misbehave == "wrong_audience":
            claims["aud"] = ["another-application"]
        if self.provider.misbehave == "expired":
            claims["iat"] = now - self.provider.expired_seconds - 300
            claims["exp"] = now - self.provider.expired_seconds
        return claims

    def generate_user_info(self, user: dict[str, Any], scope: str) -> dict[str, Any]:
        return dict(user)

    def encode_id_token(self, token: dict[str, Any], request: OAuth2Request) -> str:
        encoded = super().encode_id_token(token, request)
        if self.provider.misbehave == "unsigned":  # alg "none", the payload as issued
            payload = str(encoded).split(".")[1]
            header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
            return f"{header}.{payload}."
        if self.provider.misbehave != "tampered":
            return str(encoded)
        header, payload, signature = str(encoded).split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["groups"] = ["circle-admins"]  # a raised role, signature left as it was
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return f"{header}.{forged}.{signature}"


class _EndSession(EndSessionEndpoint):
    def get_server_jwks(self) -> KeySet:
        return KeySet([self.server.provider.key])

    def end_session(self, end_session_request: Any) -> None:
        claims = end_session_request.id_token_claims or {}
        self.server.provider.ended.append(str(claims.get("sub")))


class _Server(AuthorizationServer):
    def __init__(self, provider: TestProvider) -> None:
        super().__init__(scopes_supported=["openid", "profile", "email", "groups"])
        self.provider = provider
        self.register_token_generator(
            "default", BearerTokenGenerator(lambda **_: generate_token(42))
        )
        self.register_grant(_Grant, [_CodeChallenge(required=True), _OpenIDCode(provider)])
        self.register_endpoint(_EndSession)

    def query_client(self, client_id: str) -> Client | None:
        return self.provider.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        return None

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        return request  # type: ignore[no-any-return]

    def create_json_request(self, request: Any) -> Any:
        raise NotImplementedError

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        if isinstance(body, dict):
            return JSONResponse(body, status_code=status, headers=dict(headers))
        return Response(body, status_code=status, headers=dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None


def _app(provider: TestProvider) -> Starlette:
    server = provider.server

    async def discovery(_: Request) -> Response:
        return JSONResponse(provider.discovery())

    async def jwks(_: Request) -> Response:
        return JSONResponse(provider.public_jwks())

    async def authorize(request: Request) -> Response:
        form = list((await request.form()).multi_items()) if request.method == "POST" else []
        oauth = _Request(request, [(k, str(v)) for k, v in form])
        if request.method == "GET" and not provider.auto_approve:
            return HTMLResponse(_login_page(provider, request))
        grant = server.get_consent_grant(oauth, end_user=provider.user)
        return server.create_authorization_response(oauth, grant_user=provider.user, grant=grant)

    async def token(request: Request) -> Response:
        form = [(k, str(v)) for k, v in (await request.form()).multi_items()]
        provider.token_requests.append(dict(form))
        return server.create_token_response(_Request(request, form))

    async def logout(request: Request) -> Response:
        done = server.create_endpoint_response("end_session", _Request(request, []))
        return done or HTMLResponse("<h1>Signed out of the test provider</h1>")

    return Starlette(
        routes=[
            Route("/.well-known/openid-configuration", discovery),
            Route("/jwks", jwks),
            Route("/authorize", authorize, methods=["GET", "POST"]),
            Route("/token", token, methods=["POST"]),
            Route("/logout", logout),
        ]
    )


def _login_page(provider: TestProvider, request: Request) -> str:
    fields = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
        for k, v in parse_qsl(request.url.query)
    )
    return (
        "<!doctype html><title>Test provider</title><h1>Test provider</h1>"
        f'<form method="post" action="/authorize">{fields}'
        f"<button>Continue as {escape(provider.user['name'])}</button></form>"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def decode_unverified(token: str) -> dict[str, Any]:
    """A JWT's claims without checking anything (for assertions about what was sent)."""
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))
