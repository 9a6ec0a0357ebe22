"""``peerpulse worker``: refuses what cannot be shared, and starts Celery with the options given."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.config import get_settings
from service.storage import db


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", "worker-cli-secret-key-long-enough-0123456789")
    monkeypatch.setenv("PEERPULSE_WORKER_THREADS", "")  # restored after the test
    get_settings.cache_clear()
    db.engine_for.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
    db.engine_for.cache_clear()


def test_worker_refuses_without_a_broker(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PEERPULSE_BROKER_URL", raising=False)
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'w.db'}")
    result = runner.invoke(app, ["worker"])
    assert result.exit_code == 2
    error = json.loads(result.stderr)
    assert "PEERPULSE_BROKER_URL" in error["error"] and "redis://" in error["hint"]


def test_worker_refuses_a_sqlite_database(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PEERPULSE_BROKER_URL", "redis://127.0.0.1:6379/11")
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'w.db'}")
    result = runner.invoke(app, ["worker"])
    assert result.exit_code == 2
    error = json.loads(result.stderr)
    assert "SQLite" in error["error"] and "postgresql://" in error["hint"]
    assert not (tmp_path / "w.db").exists()  # refused before touching the database


def test_worker_starts_celery_with_the_options_given(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    new_database: Callable[[], str],
    redis_url: str,
) -> None:
    url = new_database()
    monkeypatch.setenv("PEERPULSE_BROKER_URL", redis_url)
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", url)
    from service.jobs import celery_app

    started: list[list[str]] = []
    monkeypatch.setattr(celery_app.celery_app, "worker_main", started.append)
    result = runner.invoke(
        app, ["worker", "--concurrency", "2", "--queues", "analyses,embeddings", "--threads", "1"]
    )
    assert result.exit_code == 0, result.output
    (argv,) = started
    assert argv[0] == "worker"
    assert {"--concurrency=2", "--queues=analyses,embeddings", "--pool=prefork"} <= set(argv)
    assert os.environ["PEERPULSE_WORKER_THREADS"] == "1"
    engine = db.make_engine(url)
    with engine.connect() as connection:  # migrated before the workers start
        assert connection.exec_driver_sql("SELECT count(*) FROM jobs").scalar() == 0
    engine.dispose()
