"""Redaction on workers: real Redis, real PostgreSQL, a real ``peerpulse worker`` subprocess.

The same export is imported twice, into two fresh databases: in-process (embedded mode) and
with a broker, where its chunks are redacted by the worker. The stored rows are the same, and
no message published to the broker, nor anything left in Redis, holds an answer's text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
from celery import signals
from sqlalchemy import Engine, select

from service.config import Settings
from service.intake import run_import
from service.jobs.celery_app import redaction_fan_out
from service.modelstore import ModelStore
from service.storage import db
from service.storage.tables import Answer, StagedChunk, StagedImport
from tests.factories import google_forms_csv
from tests.scaleout.conftest import SECRET, Workers, worker_env

WELL = "What went well?"
ROLE = "What is your role?"
ANSWERS = [
    {WELL: "Priya Sharma sorted the travel approvals for me", ROLE: "EA to Sarah Jones"},
    {WELL: "The board pack went out on time", ROLE: "Office manager"},
    {WELL: "email me at tom.novak@corp.example if the rota changes", ROLE: "PA"},
    {WELL: "Quiet week, the offsite budget is agreed", ROLE: "EA to Sarah Jones"},
    {WELL: "Kwame Mensah covered the front desk on Friday", ROLE: "PA"},
    {WELL: "Nothing", ROLE: "Office manager"},
    {WELL: "call Olga on 07700 900123 about the minutes", ROLE: "PA"},
]
RAW = ("Priya", "Sharma", "Sarah Jones", "tom.novak", "Kwame", "Mensah", "Olga", "07700")
PLAIN = ("travel approvals", "board pack went out", "offsite budget", "front desk")


def _settings(url: str, data_dir: Path, broker_url: str | None = None) -> Settings:
    return Settings(
        environment="test",
        database_url=url,
        broker_url=broker_url,
        secret_key=SECRET,
        data_dir=data_dir,
        digest_scheduler=False,
    )


def _stored(engine: Engine) -> list[str]:
    with db.transaction(engine) as session:
        return sorted(text or "" for text in session.scalars(select(Answer.text)))


def test_workers_redact_the_chunks_and_the_broker_never_sees_the_text(
    new_database: Callable[[], str],
    redis_url: str,
    workers: Workers,
    models: ModelStore,
    tmp_path: Path,
    monkeypatch,
) -> None:
    import service.intake_fanout as fanout

    monkeypatch.setattr(fanout, "FAN_OUT_ROWS", 2)  # four chunks for seven rows
    export = google_forms_csv(ANSWERS)
    reference = _settings(new_database(), tmp_path)
    scaled = _settings(new_database(), tmp_path, redis_url)
    reference_engine = db.make_engine(reference.database_url)
    scaled_engine = db.make_engine(scaled.database_url)
    for engine in (reference_engine, scaled_engine):
        db.upgrade(engine)
    expected = run_import(
        reference_engine,
        reference,
        slug="circle",
        data=export,
        filename="pulse.csv",
        create_community=True,
        redactor=models.redactor,
    )

    published: list[str] = []

    def capture(body: Any = None, headers: Any = None, **_kwargs: Any) -> None:
        published.append(json.dumps([body, headers], default=str))

    signals.before_task_publish.connect(capture, weak=False)
    told: list[tuple[int, int]] = []
    workers.start(worker_env(scaled.database_url, redis_url, tmp_path))
    try:
        result = run_import(
            scaled_engine,
            scaled,
            slug="circle",
            data=export,
            filename="pulse.csv",
            create_community=True,
            redactor=None,  # this process cannot redact: the worker must
            fan_out=redaction_fan_out(scaled),
            progress=lambda done, total: told.append((done, total)),
        )
    finally:
        signals.before_task_publish.disconnect(capture)

    assert {k: v for k, v in result.items() if k != "id"} == {
        k: v for k, v in expected.items() if k != "id"
    }
    assert _stored(scaled_engine) == _stored(reference_engine)
    stored = " ".join(_stored(scaled_engine))
    assert "[PERSON]" in stored and "[EMAIL]" in stored and "travel approvals" in stored
    assert not [raw for raw in RAW if raw in stored]
    assert told[-1] == (7, 7) and [d for d, _ in told] == sorted(d for d, _ in told)

    assert len(published) == 4  # one message per chunk, each naming a chunk id only
    messages = " ".join(published)
    assert "peerpulse.redact_chunk" in messages
    assert not [text for text in (*RAW, *PLAIN) if text in messages]
    client = redis.Redis.from_url(redis_url)
    left = " ".join(
        repr(client.dump(key)) for key in client.scan_iter()
    )  # the result backend's entries and anything else in the broker's database
    assert not [text for text in (*RAW, *PLAIN) if text in left]
    with db.transaction(scaled_engine) as session:
        assert session.scalars(select(StagedChunk)).all() == []
        run = session.scalars(select(StagedImport)).one()
        assert run.status == "done" and run.redaction is None and run.rows_redacted == 7
    reference_engine.dispose()
    scaled_engine.dispose()
