"""Survey webhooks in: each tool's documented payload, signed as the tool signs it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from service.cli import app
from service.config import IntegrationSettings, Settings, get_settings
from service.integrations.service import create_secret
from service.main import create_app
from service.modelstore import ModelStore
from service.storage import db
from service.storage.repositories import communities
from service.storage.tables import Answer, Submission
from tests.integrations.conftest import (
    Hit,
    Receiver,
    generic_payload,
    surveymonkey_event,
    typeform_payload,
)

PHONE_TEXT = "The calendar clinic helped; call me on 07700 900123 if you need notes."
CLIENT_ID = "sm-client-id-123"
CLIENT_SECRET = "sm-client-secret-456"
ACCESS_TOKEN = "sm-access-token-789"


def signed(secret: str, body: bytes) -> str:
    """``sha256=BASE64(HMAC-SHA256(secret, body))``, written out as Typeform documents it."""
    return (
        "sha256="
        + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    )


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, indent=1).encode()


def stored(client: TestClient) -> tuple[int, list[str]]:
    """The community's submissions and its answers' texts."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine) as session:
        community = communities.get(session, "circle")
        count = session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.community_id == community.id)
        )
        texts = session.scalars(
            select(Answer.text).where(Answer.community_id == community.id, Answer.text.is_not(None))
        )
        return int(count or 0), [str(t) for t in texts]


def secret_for(client: TestClient, tool: str) -> str | None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine, write=True) as session:
        communities.get_or_create(session, "circle")
    return create_secret(engine, client.app.state.settings, slug="circle", tool=tool)  # type: ignore[attr-defined]


def test_typeform_delivery_is_stored_redacted_once(app_client: TestClient) -> None:
    secret = secret_for(app_client, "typeform")
    assert secret is not None and secret.startswith("whsec_")
    body = body_of(typeform_payload("a3a12ec67a1365927098a606107fac15", PHONE_TEXT))
    headers = {"Typeform-Signature": signed(secret, body), "Content-Type": "application/json"}
    first = app_client.post(
        "/api/v1/communities/circle/webhooks/typeform", content=body, headers=headers
    )
    assert first.status_code == 202, first.text
    assert first.json()["stored"] is True
    count, texts = stored(app_client)
    assert count == 1
    helped = [t for t in texts if "calendar clinic helped" in t]
    assert len(helped) == 1
    assert "07700 900123" not in helped[0]  # redacted before it was stored
    replay = app_client.post(
        "/api/v1/communities/circle/webhooks/typeform", content=body, headers=headers
    )
    assert replay.status_code == 202
    assert replay.json() | {"community": "", "tool": ""} == {
        "community": "",
        "tool": "",
        "stored": False,
        "responses_added": 0,
        "duplicates_skipped": 1,
        "reason": None,
    }
    assert stored(app_client)[0] == 1


@pytest.mark.parametrize(
    "signature",
    [None, "sha256=", "sha256=AAAA", "wrong-secret", "signed-other-body"],
)
def test_typeform_bad_signature_is_401_and_stores_nothing(
    app_client: TestClient, signature: str | None
) -> None:
    secret = secret_for(app_client, "typeform")
    assert secret is not None
    body = body_of(typeform_payload("b3a12ec67a1365927098a606107fac16", "Useful session."))
    headers = {"Content-Type": "application/json"}
    if signature == "wrong-secret":
        headers["Typeform-Signature"] = signed("whsec_not-the-secret", body)
    elif signature == "signed-other-body":
        headers["Typeform-Signature"] = signed(secret, body.replace(b"Useful", b"Useless"))
    elif signature is not None:
        headers["Typeform-Signature"] = signature
    answer = app_client.post(
        "/api/v1/communities/circle/webhooks/typeform", content=body, headers=headers
    )
    assert answer.status_code == 401
    assert "does not match" in answer.json()["error"]
    assert stored(app_client)[0] == 0


def test_a_community_without_a_webhook_and_an_unknown_one_answer_alike(
    app_client: TestClient,
) -> None:
    secret = secret_for(app_client, "generic")  # generic only: typeform is not opened
    assert secret is not None
    body = body_of(typeform_payload("c3", "Fine."))
    headers = {"Typeform-Signature": signed(secret, body)}
    closed = app_client.post(
        "/api/v1/communities/circle/webhooks/typeform", content=body, headers=headers
    )
    unknown = app_client.post(
        "/api/v1/communities/nowhere/webhooks/typeform", content=body, headers=headers
    )
    assert closed.status_code == unknown.status_code == 401
    assert closed.json()["error"] == unknown.json()["error"]
    assert (
        app_client.post("/api/v1/communities/circle/webhooks/formstack", content=body).status_code
        == 404
    )


def test_generic_post_is_signed_like_typeform(app_client: TestClient) -> None:
    secret = secret_for(app_client, "generic")
    assert secret is not None
    body = body_of(generic_payload("row-17", "Peer coaching on budgets was the most useful part."))
    url = "/api/v1/communities/circle/webhooks/generic"
    assert (
        app_client.post(
            url, content=body, headers={"Typeform-Signature": signed(secret, body)}
        ).status_code
        == 401
    )
    answer = app_client.post(
        url, content=body, headers={"X-PeerPulse-Signature": signed(secret, body)}
    )
    assert answer.status_code == 202
    assert answer.json()["responses_added"] == 1
    assert any("Peer coaching on budgets" in t for t in stored(app_client)[1])


def test_a_new_secret_revokes_the_old_one(app_client: TestClient) -> None:
    old = secret_for(app_client, "typeform")
    new = secret_for(app_client, "typeform")
    assert old and new and old != new
    body = body_of(typeform_payload("d4", "Good."))
    url = "/api/v1/communities/circle/webhooks/typeform"
    assert (
        app_client.post(
            url, content=body, headers={"Typeform-Signature": signed(old, body)}
        ).status_code
        == 401
    )
    assert (
        app_client.post(
            url, content=body, headers={"Typeform-Signature": signed(new, body)}
        ).status_code
        == 202
    )


SURVEY = {
    "id": "405000111",
    "title": "Weekly pulse",
    "pages": [
        {
            "id": "1",
            "questions": [
                {
                    "id": "q1",
                    "family": "open_ended",
                    "subtype": "essay",
                    "headings": [{"heading": "What helped you most this week?"}],
                    "answers": {},
                },
                {
                    "id": "q2",
                    "family": "single_choice",
                    "subtype": "vertical",
                    "headings": [{"heading": "Which session did you attend?"}],
                    "answers": {
                        "choices": [
                            {"id": "c1", "text": "Calendar clinic"},
                            {"id": "c2", "text": "Expense panel"},
                        ]
                    },
                },
            ],
        }
    ],
}
RESPONSE = {
    "id": "R114",
    "survey_id": "405000111",
    "date_created": "2026-10-06T10:58:00+00:00",
    "date_modified": "2026-10-06T11:00:00+00:00",
    "custom_variables": {"member_id": "m-303"},
    "pages": [
        {
            "id": "1",
            "questions": [
                {"id": "q1", "answers": [{"text": "The expense panel saved me hours of chasing."}]},
                {"id": "q2", "answers": [{"choice_id": "c2"}]},
            ],
        }
    ],
}


@pytest.fixture
def monkey_client(
    settings: Settings, models: ModelStore, receiver: Receiver
) -> Iterator[TestClient]:
    """An app whose SurveyMonkey API is the local receiver."""
    receiver.routes = {
        "GET /v3/surveys/405000111/responses/R114/details": (200, RESPONSE),
        "GET /v3/surveys/405000111/details": (200, SURVEY),
    }

    def bearer(hit: Hit) -> str | None:
        wanted = f"Bearer {ACCESS_TOKEN}"
        return None if hit.headers.get("Authorization") == wanted else "no bearer token"

    receiver.check = bearer
    integrations = IntegrationSettings(
        surveymonkey_client_id=CLIENT_ID,
        surveymonkey_client_secret=CLIENT_SECRET,
        surveymonkey_access_token=ACCESS_TOKEN,
        surveymonkey_api_url=receiver.base,
    )
    db.engine_for.cache_clear()
    with TestClient(
        create_app(settings.model_copy(update={"integrations": integrations}), models)
    ) as client:
        yield client
    db.engine_for.cache_clear()


def sm_signature(body: bytes, client_id: str = CLIENT_ID) -> str:
    """SurveyMonkey's documented signature: base64 HMAC-SHA1 keyed "API_KEY&API_SECRET"."""
    key = f"{client_id}&{CLIENT_SECRET}".encode()
    return base64.b64encode(hmac.new(key, body, hashlib.sha1).digest()).decode()


def test_surveymonkey_callback_reads_the_response_and_stores_it_once(
    monkey_client: TestClient, receiver: Receiver
) -> None:
    assert secret_for(monkey_client, "surveymonkey") is None  # the app's own secret signs
    body = body_of(surveymonkey_event("R114"))
    url = "/api/v1/communities/circle/webhooks/surveymonkey"
    headers = {"Sm-Apikey": CLIENT_ID, "Sm-Signature": sm_signature(body)}
    answer = monkey_client.post(url, content=body, headers=headers)
    assert answer.status_code == 202, answer.text
    assert answer.json()["responses_added"] == 1
    assert [h.path for h in receiver.hits] == [
        "/v3/surveys/405000111/responses/R114/details",
        "/v3/surveys/405000111/details",
    ]
    count, texts = stored(monkey_client)
    assert count == 1
    assert "The expense panel saved me hours of chasing." in texts
    again = monkey_client.post(url, content=body, headers=headers)
    assert again.json()["duplicates_skipped"] == 1
    assert stored(monkey_client)[0] == 1


@pytest.mark.parametrize("wrong", ["api-key", "signature"])
def test_surveymonkey_wrong_key_or_signature_is_401_and_reads_nothing(
    monkey_client: TestClient, receiver: Receiver, wrong: str
) -> None:
    secret_for(monkey_client, "surveymonkey")
    body = body_of(surveymonkey_event("R114"))
    headers = {
        "Sm-Apikey": "someone-else" if wrong == "api-key" else CLIENT_ID,
        "Sm-Signature": sm_signature(body, "someone-else")
        if wrong == "signature"
        else sm_signature(body),
    }
    answer = monkey_client.post(
        "/api/v1/communities/circle/webhooks/surveymonkey", content=body, headers=headers
    )
    assert answer.status_code == 401
    assert receiver.hits == []
    assert stored(monkey_client)[0] == 0


def test_cli_prints_a_secret_that_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, models: ModelStore
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", url)
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", "cli-test-secret-key-long-enough-0123456789")
    get_settings.cache_clear()
    db.engine_for.cache_clear()
    try:
        runner = CliRunner()
        engine = db.engine_for(url)
        db.upgrade(engine)
        with db.transaction(engine, write=True) as session:
            communities.get_or_create(session, "circle")
        result = runner.invoke(
            app, ["webhooks", "secret", "--community", "circle", "--tool", "typeform"]
        )
        assert result.exit_code == 0, result.output
        lines = dict(line.split("\t", 1) for line in result.output.splitlines() if "\t" in line)
        assert lines["url"].endswith("/api/v1/communities/circle/webhooks/typeform")
        secret = lines["secret"]
        assert secret not in (tmp_path / "cli.db").read_bytes().decode("latin-1")
        settings = get_settings()
        db.engine_for.cache_clear()
        body = body_of(typeform_payload("e5", "Helpful."))
        with TestClient(create_app(settings, models)) as client:
            answer = client.post(
                "/api/v1/communities/circle/webhooks/typeform",
                content=body,
                headers={"Typeform-Signature": signed(secret, body)},
            )
        assert answer.status_code == 202
        unknown = runner.invoke(
            app, ["webhooks", "secret", "--community", "circle", "--tool", "formstack"]
        )
        assert unknown.exit_code == 2
    finally:
        get_settings.cache_clear()
        db.engine_for.cache_clear()


@pytest.mark.parametrize(
    "payload",
    [
        {"event_type": "form_response", "form_response": {"token": "t1", "answers": "oops"}},
        {"event_type": "form_response", "form_response": {"token": "t2", "definition": []}},
        {"event_type": "form_response", "form_response": {"token": ""}},
        {"event_type": "form_submitted"},
    ],
)
def test_a_signed_delivery_in_another_shape_is_refused_and_stores_nothing(
    app_client: TestClient, payload: dict[str, Any]
) -> None:
    secret = secret_for(app_client, "typeform")
    assert secret is not None
    body = body_of(payload)
    answer = app_client.post(
        "/api/v1/communities/circle/webhooks/typeform",
        content=body,
        headers={"Typeform-Signature": signed(secret, body)},
    )
    assert answer.status_code == 422
    assert stored(app_client)[0] == 0


def test_a_question_titled_like_a_column_role_stays_a_question(app_client: TestClient) -> None:
    secret = secret_for(app_client, "generic")
    assert secret is not None
    payload = generic_payload("row-1", "Budget clinic.")
    payload["answers"] = {"Email": "Send me the notes of the budget clinic, please."}
    body = body_of(payload)
    answer = app_client.post(
        "/api/v1/communities/circle/webhooks/generic",
        content=body,
        headers={"X-PeerPulse-Signature": signed(secret, body)},
    )
    assert answer.json()["responses_added"] == 1
    # a column named "Email" would be read as the respondent's identifier, not as an answer
    assert "Send me the notes of the budget clinic, please." in stored(app_client)[1]
