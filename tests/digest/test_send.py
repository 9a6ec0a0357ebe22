"""Digests through a real SMTP server: MIME structure, headers, content per role, SMTP options."""

from __future__ import annotations

import re
import shutil
import ssl
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import Engine

from service.config import Settings
from service.digest.schedule import send_due_digests, send_now
from service.digest.send import SmtpMailer, message_id
from service.storage import db
from service.storage.repositories import digest as repo
from tests.digest.conftest import (
    NOW,
    QUOTE,
    Inbox,
    make_recipient,
    parts,
    sample_community,
    start_server,
    with_smtp,
)


def test_received_message_is_text_then_html_in_utf8(
    engine: Engine, mail_settings: Settings, inbox: Inbox
) -> None:
    sample_community(engine)
    make_recipient(engine, "ana@example.org", timezone="Europe/London")

    outcomes = send_now(engine, mail_settings, "circle", now=NOW)

    assert [(o.email, o.status, o.period) for o in outcomes] == [
        ("ana@example.org", "sent", "2026-W41")
    ]
    [received] = inbox.received
    message = received.message
    assert received.rcpt_tos == ["ana@example.org"]
    assert received.mail_from == "digest@peerpulse.example"
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert [p.get_content_charset() for p in message.iter_parts()] == ["utf-8", "utf-8"]
    assert message["Subject"] == (
        "Admin Circle \u2014 PeerPulse week 41: 1 new theme, 1 rising, 1 fading"
    )
    encoded = rb"^Subject: Admin Circle =\?utf-8\?b\?4oCU\?= PeerPulse"  # RFC 2047, UTF-8
    assert re.search(encoded, received.raw, re.MULTILINE)
    body = parts(message)
    assert "Week 41, 5\u201311 October 2026" in body["text/plain"]
    assert "Calendar conflicts: 12 members" in body["text/plain"]
    assert "<strong>" in body["text/html"] and "Calendar conflicts" in body["text/html"]


def test_headers_carry_unsubscribe_and_a_stable_message_id(
    engine: Engine, mail_settings: Settings, inbox: Inbox
) -> None:
    sample_community(engine)
    recipient_id = make_recipient(engine, "ana@example.org")

    send_now(engine, mail_settings, "circle", now=NOW)

    message = inbox.received[0].message
    link = re.fullmatch(
        r"<(http://127\.0\.0\.1:8000/unsubscribe\?token=(\d+)\.[A-Za-z0-9_-]{43})>",
        message["List-Unsubscribe"],
    )
    assert link and int(link.group(2)) == recipient_id
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Unsubscribe: {link.group(1)}" in parts(message)["text/plain"]
    assert f'href="{link.group(1)}"' in parts(message)["text/html"]
    assert message["List-Id"] == "PeerPulse digest <circle.digest.peerpulse>"
    assert message["Auto-Submitted"] == "auto-generated"
    with db.transaction(engine) as session:
        logged = repo.find_send(session, recipient_id, "2026-W41")
    assert logged is not None and logged.status == "sent" and logged.sent_at is not None
    assert message["Message-ID"] == logged.message_id
    key, sender = mail_settings.secret_key, mail_settings.smtp.sender
    assert logged.message_id == message_id(key, recipient_id, "2026-W41", sender)
    assert logged.message_id != message_id(key, recipient_id, "2026-W42", sender)
    assert logged.message_id != message_id(key, recipient_id + 1, "2026-W41", sender)
    assert logged.message_id.endswith("@peerpulse.example>")


def test_each_role_gets_its_own_copy(engine: Engine, mail_settings: Settings, inbox: Inbox) -> None:
    sample_community(engine)
    make_recipient(engine, "fac@example.org", role="facilitator")
    make_recipient(engine, "com@example.org", role="committee")
    make_recipient(engine, "view@example.org", role="viewer")

    send_now(engine, mail_settings, "circle", now=NOW)

    texts = {
        address: parts(inbox.to(address)[0].message)
        for address in ("fac@example.org", "com@example.org", "view@example.org")
    }
    assert QUOTE in texts["fac@example.org"]["text/plain"]
    assert QUOTE in texts["com@example.org"]["text/html"]
    assert QUOTE not in texts["view@example.org"]["text/plain"]
    assert QUOTE not in texts["view@example.org"]["text/html"]
    for body in texts.values():
        assert "Parental leave cover: fewer than 5 responses" in body["text/plain"]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_login_is_used_when_configured(engine: Engine, settings: Settings) -> None:
    seen: list[bytes] = []

    def authenticator(_server: Any, _session: Any, _envelope: Any, _mech: str, data: Any) -> Any:
        seen.append(data.login)
        good = isinstance(data, LoginPassword) and data.password == b"s3cret"
        return AuthResult(success=good, handled=False)

    box = Inbox()
    controller = start_server(
        box, authenticator=authenticator, auth_required=True, auth_require_tls=False
    )
    try:
        sample_community(engine)
        recipient_id = make_recipient(engine, "ana@example.org")
        wrong = with_smtp(settings, port=box.port, username="digest", password="nope")
        assert send_due_digests(engine, wrong, NOW) == 0
        with db.transaction(engine) as session:
            failed = repo.find_send(session, recipient_id, "2026-W41")
        assert failed is not None and failed.status == "failed"
        assert "refused the session" in (failed.error or "")

        right = with_smtp(settings, port=box.port, username="digest", password="s3cret")
        assert send_due_digests(engine, right, NOW) == 1
    finally:
        controller.stop()
    assert seen and set(seen) == {b"digest"}  # smtplib tries PLAIN, then LOGIN
    assert len(box.received) == 1


def test_starttls_is_required_when_configured(
    engine: Engine, mail_settings: Settings, inbox: Inbox
) -> None:
    sample_community(engine)
    make_recipient(engine, "ana@example.org")
    plain_server = mail_settings.model_copy(
        update={"smtp": mail_settings.smtp.model_copy(update={"starttls": True})}
    )

    [outcome] = send_now(engine, plain_server, "circle", now=NOW)

    assert outcome.status == "failed" and "refused the session" in outcome.detail
    assert inbox.received == []  # never sent in the clear


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_starttls_delivers_over_tls(
    engine: Engine, settings: Settings, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    box = Inbox()
    controller = start_server(box, tls_context=server_tls, require_starttls=True)
    try:
        sample_community(engine)
        make_recipient(engine, "ana@example.org")
        make_recipient(engine, "bo@example.org")
        tls_settings = with_smtp(settings, port=box.port, starttls=True)
        trusting = ssl.create_default_context(cafile=str(cert))
        sent = send_due_digests(
            engine, tls_settings, NOW, mailer=SmtpMailer(tls_settings.smtp, tls_context=trusting)
        )
        plain = with_smtp(settings, port=box.port)
        refused = send_now(engine, plain, "circle", now=NOW.replace(day=12))
    finally:
        controller.stop()
    assert sent == 2 and len(box.received) == 2
    # Without STARTTLS this server refuses, so the two messages above did travel over TLS.
    assert [o.status for o in refused] == ["failed", "failed"]
