"""No digest twice: crashes around the claim, concurrent senders, failures and retries."""

from __future__ import annotations

import threading
from email.message import EmailMessage

import pytest
from sqlalchemy import Engine

from service.config import Settings
from service.digest import service
from service.digest.schedule import send_due_digests, send_now
from service.digest.send import DeliveryFailed, SmtpMailer
from service.storage import db
from service.storage.repositories import communities
from service.storage.repositories import digest as repo
from tests.digest.conftest import (
    NOW,
    Inbox,
    free_port,
    make_recipient,
    sample_community,
    with_smtp,
)


class Crash(BaseException):
    """The process dying (not an error the code could handle)."""


class CrashAfterSending:
    """Delivers for real, then the process dies before the send is marked."""

    def __init__(self, settings: Settings) -> None:
        self.real = SmtpMailer(settings.smtp)

    def send(self, message: EmailMessage) -> None:
        self.real.send(message)
        raise Crash


def _status(engine: Engine, recipient_id: int, period: str = "2026-W41") -> str | None:
    with db.transaction(engine) as session:
        logged = repo.find_send(session, recipient_id, period)
    return logged.status if logged else None


def test_crash_after_claim_sends_nothing_on_rerun(
    engine: Engine, mail_settings: Settings, inbox: Inbox
) -> None:
    sample_community(engine)
    recipient_id = make_recipient(engine, "ana@example.org")

    with pytest.raises(Crash):
        send_due_digests(engine, mail_settings, NOW, mailer=CrashAfterSending(mail_settings))
    assert _status(engine, recipient_id) == "claimed"

    assert send_due_digests(engine, mail_settings, NOW) == 0  # the restart
    assert send_due_digests(engine, mail_settings, NOW.replace(hour=23)) == 0
    assert len(inbox.received) == 1
    assert _status(engine, recipient_id) == "claimed"  # at most once: left for a person


def test_crash_before_claim_sends_exactly_once_on_rerun(
    engine: Engine, mail_settings: Settings, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample_community(engine)
    recipient_id = make_recipient(engine, "ana@example.org")

    def crash(*_args: object, **_kwargs: object) -> None:
        raise Crash

    with monkeypatch.context() as patched:
        patched.setattr(repo, "claim_send", crash)
        with pytest.raises(Crash):
            send_due_digests(engine, mail_settings, NOW)
    assert _status(engine, recipient_id) is None
    assert inbox.received == []

    assert send_due_digests(engine, mail_settings, NOW) == 1
    assert send_due_digests(engine, mail_settings, NOW) == 0
    assert len(inbox.received) == 1
    assert _status(engine, recipient_id) == "sent"


def test_two_concurrent_senders_send_one_message_each(
    any_engine: Engine, settings: Settings, inbox: Inbox
) -> None:
    sample_community(any_engine)
    addresses = [f"member{n}@example.org" for n in range(4)]
    for address in addresses:
        make_recipient(any_engine, address)
    url = any_engine.url.render_as_string(hide_password=False)
    mail = with_smtp(settings, port=inbox.port, timeout_seconds=10.0)
    start = threading.Barrier(2)
    results: list[int] = []

    def scheduler_process() -> None:
        engine = db.make_engine(url)  # a separate process has its own engine
        try:
            start.wait()
            results.append(send_due_digests(engine, mail, NOW))
        finally:
            engine.dispose()

    threads = [threading.Thread(target=scheduler_process) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(results) == 4 and len(results) == 2
    assert sorted(r.rcpt_tos[0] for r in inbox.received) == addresses


def test_concurrent_claims_have_one_winner(any_engine: Engine) -> None:
    sample_community(any_engine)
    recipient_id = make_recipient(any_engine, "ana@example.org")
    url = any_engine.url.render_as_string(hide_password=False)
    start = threading.Barrier(6)
    won: list[int | None] = []

    def claim() -> None:
        engine = db.make_engine(url)
        try:
            start.wait()
            won.append(service._claim(engine, recipient_id, "2026-W41", "<id@example.org>"))
        finally:
            engine.dispose()

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(won) == 6 and sum(1 for w in won if w is not None) == 1


def test_unreachable_server_fails_and_the_next_check_retries(
    engine: Engine, settings: Settings, inbox: Inbox
) -> None:
    sample_community(engine)
    recipient_id = make_recipient(engine, "ana@example.org")
    nowhere = with_smtp(settings, port=free_port())

    assert send_due_digests(engine, nowhere, NOW) == 0
    assert _status(engine, recipient_id) == "failed"

    working = with_smtp(settings, port=inbox.port)
    assert send_due_digests(engine, working, NOW) == 1
    assert send_due_digests(engine, working, NOW) == 0
    assert len(inbox.received) == 1 and _status(engine, recipient_id) == "sent"


def test_timeout_while_handing_over_is_never_retried(
    engine: Engine, settings: Settings, inbox: Inbox
) -> None:
    sample_community(engine)
    recipient_id = make_recipient(engine, "ana@example.org")
    inbox.delay = 1.5  # the server keeps the message but answers after the client gave up
    impatient = with_smtp(settings, port=inbox.port, timeout_seconds=0.5)

    assert send_due_digests(engine, impatient, NOW) == 0
    with db.transaction(engine) as session:
        logged = repo.find_send(session, recipient_id, "2026-W41")
    assert logged is not None and logged.status == "claimed"
    assert "may have arrived" in (logged.error or "")

    inbox.delay = 0.0
    assert send_due_digests(engine, with_smtp(settings, port=inbox.port), NOW) == 0
    assert len(inbox.received) == 1  # it did arrive: a retry would have doubled it


def test_unsubscribed_and_other_weeks(
    engine: Engine, mail_settings: Settings, inbox: Inbox
) -> None:
    sample_community(engine)
    ana = make_recipient(engine, "ana@example.org")
    bo = make_recipient(engine, "bo@example.org")
    with db.transaction(engine, write=True) as session:
        found = repo.find_recipient(session, communities.get(session, "circle"), "BO@example.org")
        assert found is not None and repo.unsubscribe(session, found)

    assert send_due_digests(engine, mail_settings, NOW) == 1
    assert send_due_digests(engine, mail_settings, NOW.replace(day=12)) == 1  # next week
    assert [r.rcpt_tos for r in inbox.received] == [["ana@example.org"]] * 2
    assert _status(engine, ana, "2026-W42") == "sent" and _status(engine, bo) is None


def test_a_mailer_failure_is_recorded_with_its_reason(
    engine: Engine, mail_settings: Settings
) -> None:
    sample_community(engine)
    recipient_id = make_recipient(engine, "ana@example.org")

    class Refusing:
        def send(self, message: EmailMessage) -> None:
            raise DeliveryFailed("refused", uncertain=False, detail="550 no such user")

    [outcome] = send_now(engine, mail_settings, "circle", mailer=Refusing(), now=NOW)
    assert (outcome.status, outcome.detail) == ("failed", "refused")
    with db.transaction(engine) as session:
        logged = repo.find_send(session, recipient_id, "2026-W41")
    assert logged is not None and "550 no such user" in (logged.error or "")
