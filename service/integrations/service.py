"""Survey webhooks in: check a delivery's signature, then store it as an import would.

A valid delivery becomes one flat JSON response (:mod:`service.integrations.payloads`) and goes
through :func:`service.intake.run_import`: redacted before anything is stored, pseudonymised,
and keyed on the tool's own response id, so a replayed or retried delivery stores nothing twice.
A delivery whose signature does not match is refused before its body is parsed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import httpx
from sqlalchemy import Engine

from service.config import Settings
from service.errors import InvalidInput, NotFound, PeerPulseError, Unauthorized
from service.intake import run_import
from service.integrations import payloads, signatures
from service.integrations.secrets import new_salt, webhook_secret
from service.privacy.redactor import Redactor
from service.storage import db
from service.storage.repositories import communities
from service.storage.repositories import integrations as repo

T = TypeVar("T")


class SurveyMonkeyReader(Protocol):
    """Reads a response and its survey's questions from SurveyMonkey's API."""

    def read(self, survey_id: str, response_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The response's ``details`` and the survey's ``details``."""
        ...


@dataclass(frozen=True)
class WebhookTool:
    """One survey tool that can post responses: how it signs, and how its payload reads."""

    name: str
    label: str
    signature_header: str
    derived_secret: bool = True


TOOLS: dict[str, WebhookTool] = {
    tool.name: tool
    for tool in (
        WebhookTool("typeform", "Typeform", "Typeform-Signature"),
        WebhookTool(
            "generic", "Generic JSON (Google Forms via Apps Script)", "X-PeerPulse-Signature"
        ),
        WebhookTool("surveymonkey", "SurveyMonkey", "Sm-Signature", derived_secret=False),
    )
}


def tool_named(name: str) -> WebhookTool:
    """The registered tool, or :class:`NotFound`."""
    tool = TOOLS.get(name)
    if tool is None:
        raise NotFound(f"No webhook for {name!r}", hint=f"Tools: {', '.join(sorted(TOOLS))}.")
    return tool


def create_secret(engine: Engine, settings: Settings, *, slug: str, tool: str) -> str | None:
    """Open the community's webhook for ``tool`` with a new secret, returned once to print.

    SurveyMonkey signs with the app's own client secret (``PEERPULSE_INTEGRATIONS__...``):
    None is returned for it, and the webhook is opened all the same.
    """
    found = tool_named(tool)
    salt = new_salt()
    with db.transaction(engine, write=True) as session:
        community = communities.get(session, slug)
        repo.set_secret(session, community, found.name, salt=salt)
        community_id = community.id
    if not found.derived_secret:
        return None
    return webhook_secret(settings.secret_key, community_id=community_id, tool=tool, salt=salt)


def receive(
    engine: Engine,
    settings: Settings,
    *,
    slug: str,
    tool: str,
    body: bytes,
    headers: Mapping[str, str],
    redactor: Redactor,
    reader: SurveyMonkeyReader | None = None,
) -> dict[str, Any]:
    """Verify and store one delivery; what it added (``responses_added`` 0 on a replay)."""
    found = tool_named(tool)
    _verify(engine, settings, found, slug=slug, body=body, headers=headers)
    payload = _json(body)
    if found.name == "surveymonkey":
        event = _shaped(payloads.surveymonkey_event, payload)
        if event is None:
            return {"community": slug, "tool": tool, "stored": False, "reason": "not a response"}
        details, survey = (reader or HttpSurveyMonkey(settings)).read(*event)
        flat = _shaped(lambda d: payloads.surveymonkey(d, survey), details)
    else:
        convert = payloads.typeform if found.name == "typeform" else payloads.generic
        flat = _shaped(convert, payload)
    summary = run_import(
        engine,
        settings,
        slug=slug,
        data=json.dumps([flat], ensure_ascii=False).encode(),
        filename=f"{tool}-webhook.json",
        format_name="jsonl",
        redactor=redactor,
    )
    return {
        "community": slug,
        "tool": tool,
        "stored": summary["responses_added"] > 0,
        "responses_added": summary["responses_added"],
        "duplicates_skipped": summary["duplicates_skipped"],
    }


def _verify(
    engine: Engine,
    settings: Settings,
    tool: WebhookTool,
    *,
    slug: str,
    body: bytes,
    headers: Mapping[str, str],
) -> None:
    refused = Unauthorized(
        f"The delivery's {tool.signature_header} does not match this community's {tool.label} "
        "webhook",
        hint="Create the secret with `peerpulse webhooks secret --community SLUG --tool "
        f"{tool.name}` and set it in the tool.",
    )
    with db.transaction(engine) as session:
        community = communities.find(session, slug)
        row = repo.find_secret(session, community, tool.name) if community else None
        if community is None or row is None:
            raise refused  # the same answer whether the community exists or not
        community_id, salt = community.id, row.salt
    lowered = {k.lower(): v for k, v in headers.items()}
    if tool.derived_secret:
        secret = webhook_secret(
            settings.secret_key, community_id=community_id, tool=tool.name, salt=salt
        )
        ok = signatures.sha256_matches(secret, body, lowered.get(tool.signature_header.lower()))
    else:
        config = settings.integrations
        ok = bool(config.surveymonkey_client_id and config.surveymonkey_client_secret)
        ok = ok and signatures.surveymonkey_matches(
            config.surveymonkey_client_id or "",
            config.surveymonkey_client_secret or "",
            body,
            api_key=lowered.get("sm-apikey"),
            signature=lowered.get("sm-signature"),
        )
    if not ok:
        raise refused


def _shaped(convert: Callable[[Any], T], payload: Any) -> T:
    """``convert(payload)``; a payload not in the documented shape is :class:`InvalidInput`."""
    try:
        return convert(payload)
    except (AttributeError, TypeError, KeyError, IndexError) as exc:
        raise InvalidInput(
            "The delivery is not in the tool's documented shape", detail=str(exc)
        ) from exc


def _json(body: bytes) -> Mapping[str, Any]:
    try:
        parsed = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput("The delivery is not JSON", detail=str(exc)) from exc
    if not isinstance(parsed, Mapping):
        raise InvalidInput("The delivery is not a JSON object")
    return parsed


class UpstreamFailed(PeerPulseError):
    """A tool's API did not answer as documented (the tool will retry the delivery)."""

    status_code = 502
    code = "upstream_failed"


class HttpSurveyMonkey:
    """SurveyMonkey's v3 API with the access token from the settings."""

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> None:
        self.config = settings.integrations
        self.transport = transport

    def read(self, survey_id: str, response_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """GET the response's details and the survey's details."""
        if not self.config.surveymonkey_access_token:
            raise UpstreamFailed(
                "No SurveyMonkey access token is set, so the response cannot be read",
                hint="Set PEERPULSE_INTEGRATIONS__SURVEYMONKEY_ACCESS_TOKEN.",
            )
        with httpx.Client(
            base_url=self.config.surveymonkey_api_url,
            headers={"Authorization": f"Bearer {self.config.surveymonkey_access_token}"},
            timeout=self.config.timeout_seconds,
            transport=self.transport,
        ) as client:
            details = _get(client, f"/v3/surveys/{survey_id}/responses/{response_id}/details")
            survey = _get(client, f"/v3/surveys/{survey_id}/details")
        return details, survey


def _get(client: httpx.Client, path: str) -> dict[str, Any]:
    try:
        answer = client.get(path)
        answer.raise_for_status()
        return dict(answer.json())
    except (httpx.HTTPError, ValueError, TypeError) as exc:
        raise UpstreamFailed(
            "SurveyMonkey's API did not return the response", detail=str(exc)
        ) from exc
