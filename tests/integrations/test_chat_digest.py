"""The digest in Slack and Teams channels: each service's documented payload, the content
rules of the recipient's role, and the same at-most-once send log as e-mail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from service.cli import app
from service.config import Settings, get_settings
from service.digest.schedule import send_now
from service.digest.send import SmtpMailer
from service.storage import db
from service.storage.repositories import communities, integrations
from service.storage.repositories import digest as repo
from tests.digest.conftest import NOW, QUOTE, SECRET_QUOTE, sample_community
from tests.integrations.conftest import Hit, Receiver

SLACK_PATH = "/services/T0001/B0001/abcdefghijklmnopqrstuvwx"
TEAMS_PATH = "/webhookb2/1111-2222@3333/IncomingWebhook/4444/5555"


def slack_problem(body: Any) -> str | None:
    """What Slack's incoming webhooks would refuse in ``body`` (None when it is well formed)."""
    if not isinstance(body.get("text"), str) or not body["text"]:
        return "text is the required fallback"
    blocks = body.get("blocks")
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= 50:
        return "blocks: 1 to 50"
    header = blocks[0]
    if header.get("type") != "header" or header["text"].get("type") != "plain_text":
        return "the first block is a plain_text header"
    if len(header["text"]["text"]) > 150:
        return "header text over 150"
    for block in blocks[1:]:
        if block["type"] == "section":
            text = block.get("text") or {}
            if text.get("type") != "mrkdwn" or not 0 < len(text.get("text", "")) <= 3000:
                return "a section's mrkdwn text is 1-3000 characters"
        elif block["type"] != "context":
            return f"unexpected block {block['type']}"
    return None


def teams_problem(body: Any) -> str | None:
    """What a Teams incoming webhook would refuse in ``body``."""
    if body.get("type") != "message" or len(body.get("attachments") or []) != 1:
        return "a message with one attachment"
    attachment = body["attachments"][0]
    if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive":
        return "an Adaptive Card attachment"
    card = attachment.get("content") or {}
    if card.get("type") != "AdaptiveCard" or not card.get("version"):
        return "content is an AdaptiveCard with a version"
    if not card.get("body") or any(
        b.get("type") != "TextBlock" or not b.get("text") for b in card["body"]
    ):
        return "the body is TextBlocks with text"
    return None


def check(hit: Hit) -> str | None:
    if hit.headers.get("Content-Type") != "application/json":
        return "not JSON"
    if hit.path.startswith("/services/"):
        return slack_problem(hit.json())
    return teams_problem(hit.json())


@pytest.fixture
def chat(receiver: Receiver) -> Receiver:
    """Slack answers ``ok``, Teams ``1``, as they do; malformed bodies get 400."""
    receiver.routes = {f"POST {SLACK_PATH}": (200, "ok"), f"POST {TEAMS_PATH}": (200, "1")}
    receiver.check = check
    return receiver


def add_channel(engine: Engine, channel: str, url: str, role: str = "facilitator") -> int:
    with db.transaction(engine, write=True) as session:
        recipient = integrations.add_channel(
            session,
            communities.get(session, "circle"),
            channel=channel,
            url=url,
            role=role,
            weekday=0,
            hour=8,
            timezone="UTC",
        )
        recipient.created_at = NOW.replace(tzinfo=None, day=1)
        return recipient.id


def text_of(hit: Hit) -> str:
    body = hit.json()
    if "blocks" in body:
        return "\n".join(b["text"]["text"] for b in body["blocks"] if b["type"] != "context")
    return "\n".join(b["text"] for b in body["attachments"][0]["content"]["body"])


def test_slack_and_teams_get_their_documented_shapes_once(
    engine: Engine, settings: Settings, chat: Receiver
) -> None:
    sample_community(engine)
    add_channel(engine, "slack", chat.base + SLACK_PATH)
    add_channel(engine, "teams", chat.base + TEAMS_PATH, role="viewer")
    mailer = SmtpMailer(settings.smtp)  # no e-mail recipient: never used
    outcomes = send_now(engine, settings, "circle", mailer=mailer, now=NOW)
    assert sorted(o.status for o in outcomes) == ["sent", "sent"]
    assert len(chat.hits) == 2
    slack = next(h for h in chat.hits if h.path == SLACK_PATH)
    teams = next(h for h in chat.hits if h.path == TEAMS_PATH)
    assert slack_problem(slack.json()) is None
    assert teams_problem(teams.json()) is None
    assert slack.json()["blocks"][0]["text"]["text"].startswith("Admin Circle")
    # the content rules of each channel's role: quotes for the facilitator channel only
    assert QUOTE in text_of(slack)
    assert QUOTE not in text_of(teams)
    for hit in (slack, teams):
        assert SECRET_QUOTE not in text_of(hit)
        assert "fewer than 5 responses" in text_of(hit)
        assert "/unsubscribe?token=" in hit.body.decode()
    again = send_now(engine, settings, "circle", mailer=mailer, now=NOW)
    assert [o.status for o in again] == ["skipped", "skipped"]
    assert len(chat.hits) == 2  # at most once, by the same send log


def test_a_refused_post_is_logged_failed_and_retried(
    engine: Engine, settings: Settings, chat: Receiver
) -> None:
    sample_community(engine)
    chat.routes[f"POST {SLACK_PATH}"] = (404, "no_service")
    recipient_id = add_channel(engine, "slack", chat.base + SLACK_PATH)
    (failed,) = send_now(engine, settings, "circle", now=NOW)
    assert failed.status == "failed"
    with db.transaction(engine) as session:
        (row,) = repo.sends_for(session, recipient_id)
        assert (row.status, "no_service" in (row.error or "")) == ("failed", True)
    chat.routes[f"POST {SLACK_PATH}"] = (200, "ok")
    (retried,) = send_now(engine, settings, "circle", now=NOW)
    assert retried.status == "sent"
    assert len(chat.hits) == 2


def test_a_connection_dropped_after_posting_is_never_posted_again(
    engine: Engine, settings: Settings, chat: Receiver
) -> None:
    sample_community(engine)
    chat.routes[f"POST {TEAMS_PATH}"] = (0, "")  # reads the post, then drops the connection
    recipient_id = add_channel(engine, "teams", chat.base + TEAMS_PATH)
    (outcome,) = send_now(engine, settings, "circle", now=NOW)
    assert outcome.status == "uncertain"
    chat.routes[f"POST {TEAMS_PATH}"] = (200, "1")
    (later,) = send_now(engine, settings, "circle", now=NOW)
    assert later.status == "skipped"
    assert len(chat.hits) == 1
    with db.transaction(engine) as session:
        assert [r.status for r in repo.sends_for(session, recipient_id)] == ["claimed"]


def test_an_unreachable_webhook_fails_safely(engine: Engine, settings: Settings) -> None:
    sample_community(engine)
    add_channel(engine, "slack", "http://127.0.0.1:9/services/T/B/x")  # discard port: refused
    (outcome,) = send_now(engine, settings, "circle", now=NOW)
    assert outcome.status == "failed"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", url)
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", "cli-test-secret-key-long-enough-0123456789")
    get_settings.cache_clear()
    db.engine_for.cache_clear()
    engine = db.engine_for(url)
    db.upgrade(engine)
    sample_community(engine)
    yield CliRunner()
    get_settings.cache_clear()
    db.engine_for.cache_clear()


def test_cli_adds_channels_without_printing_their_urls(cli: CliRunner) -> None:
    url = "https://hooks.slack.com/services/T0001/B0001/secretpart"
    base = ["recipients", "add", "--community", "circle"]
    added = cli.invoke(app, [*base, "--slack-webhook", url, "--role", "viewer"])
    assert added.exit_code == 0, added.output
    assert added.output.startswith("added slack:")
    assert "secretpart" not in added.output
    teams = cli.invoke(app, [*base, "--teams-webhook", "https://contoso.webhook.office.com/x"])
    assert teams.exit_code == 0, teams.output
    listed = cli.invoke(app, ["recipients", "list", "--community", "circle"])
    assert listed.output.count("slack:") == 1
    assert listed.output.count("teams:") == 1
    assert "secretpart" not in listed.output
    twice = cli.invoke(app, [*base, "--slack-webhook", url])
    assert twice.exit_code == 2
    assert "already receives" in twice.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--email", "a@example.org", "--slack-webhook", "https://hooks.slack.com/x"],
            "exactly one",
        ),
        ([], "exactly one"),
        (["--slack-webhook", "http://hooks.slack.com/services/x"], "Not an https webhook URL"),
        (["--teams-webhook", "javascript:alert(1)"], "Not an https webhook URL"),
    ],
)
def test_cli_refuses_ambiguous_or_insecure_channels(
    cli: CliRunner, args: list[str], message: str
) -> None:
    result = cli.invoke(app, ["recipients", "add", "--community", "circle", *args])
    assert result.exit_code == 2
    assert message in result.output
