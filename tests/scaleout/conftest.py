"""Real Redis, real PostgreSQL and real worker subprocesses for the scale-out tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import POSTGRES_ADMIN_URL, ROOT

REDIS_URL = os.environ.get("PEERPULSE_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
SECRET = "scaleout-test-secret-key-long-enough-0123456789"


def _unreachable(service: str, exc: Exception) -> None:
    if os.environ.get("CI"):
        raise exc
    pytest.skip(f"{service} is not reachable: {exc}")


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A dedicated Redis database, emptied before and after the test."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        _unreachable(f"Redis at {REDIS_URL}", exc)
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def new_database() -> Iterator[Callable[[], str]]:
    """Creates fresh PostgreSQL databases on demand; all are dropped afterwards."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make() -> str:
        name = f"peerpulse_scaleout_{uuid.uuid4().hex[:10]}"
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception as exc:  # noqa: BLE001 - any connection failure means no server
            _unreachable(f"PostgreSQL at {POSTGRES_ADMIN_URL}", exc)
        made.append(name)
        return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    yield make
    from service.storage import db

    db.engine_for.cache_clear()
    with admin.connect() as connection:
        for name in made:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def worker_env(database_url: str, broker_url: str, data_dir: Path) -> dict[str, str]:
    """The environment of a worker (or CLI) subprocess on ``database_url`` and ``broker_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPULSE_")}
    env.update(
        PEERPULSE_ENVIRONMENT="test",
        PEERPULSE_DATABASE_URL=database_url,
        PEERPULSE_BROKER_URL=broker_url,
        PEERPULSE_SECRET_KEY=SECRET,
        PEERPULSE_DATA_DIR=str(data_dir),
        PEERPULSE_DIGEST_SCHEDULER="false",
        PEERPULSE_EMBEDDING_CHUNK_SIZE="16",  # several chunks: the fan-out runs too
        NUMBA_CACHE_DIR=str(ROOT / "data" / "numba-cache"),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    return env


class Workers:
    """``peerpulse worker`` subprocesses, each in its own process group, killed at the end."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, env: dict[str, str], *, concurrency: int = 1) -> subprocess.Popen[bytes]:
        """Start one worker; its log goes to ``log_dir/worker-N.log``."""
        log = (self.log_dir / f"worker-{len(self.running)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "worker", f"--concurrency={concurrency}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.running.append(process)
        return process

    @staticmethod
    def kill(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        """Signal the worker's whole process group (main process and job processes)."""
        if process.poll() is None:
            os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def logs(self) -> str:
        """Every worker's log, for failure messages."""
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in self.log_dir.glob("*.log"))

    def stop_all(self) -> None:
        """Stop what is still running: TERM, then KILL."""
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(process)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    """Starts worker subprocesses; stops every one of them after the test."""
    log_dir = tmp_path / "worker-logs"
    log_dir.mkdir()
    started = Workers(log_dir)
    yield started
    started.stop_all()
