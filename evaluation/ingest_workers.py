"""Two ``peerpulse worker`` processes for the ingest benchmark's "workers" run.

Workers share PostgreSQL (SQLite is refused) and a Redis database; the benchmark creates a fresh
database for the run, starts the workers, waits until each has loaded its models (timed apart,
as the embedded run's model load is), and reads their peak resident memory from ``/proc``
before stopping them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evaluation.datasets import ROOT

POSTGRES_ADMIN = os.environ.get(
    "PEERPULSE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS = os.environ.get("PEERPULSE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
_READY = "worker ready on"
_WORKER = ("-m", "service.cli", "worker", "--concurrency=1", "--threads=1")


@contextmanager
def database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database, dropped afterwards."""
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"peerpulse_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        from service.storage import db

        engine = db.make_engine(url)
        db.upgrade(engine)  # once: two workers starting at once would both create the tables
        engine.dispose()
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Workers:
    """``count`` single-process workers on ``env``, run from ``cwd`` (the code measured; its
    ``service`` package comes first); their logs go under ``log_dir``."""

    def __init__(
        self, env: dict[str, str], log_dir: Path, *, cwd: Path = ROOT, count: int = 2
    ) -> None:
        self.env, self.log_dir, self.count, self.cwd = env, log_dir, count, cwd
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, timeout: float = 600) -> float:
        """Start the workers and wait until each has loaded its models; returns the seconds."""
        import redis

        redis.Redis.from_url(self.env["PEERPULSE_BROKER_URL"]).flushdb()
        started = time.perf_counter()
        for number in range(self.count):
            with (self.log_dir / f"worker-{number}.log").open("wb") as log:
                self.processes.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "service.cli",
                            "worker",
                            "--concurrency=1",
                            "--threads=1",
                        ],
                        cwd=self.cwd,
                        env=self.env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        while time.perf_counter() - started < timeout:
            if self._ready() >= self.count:
                return time.perf_counter() - started
            if any(p.poll() is not None for p in self.processes):
                break
            time.sleep(1)
        raise SystemExit(f"the workers did not start:\n{self.logs()}")

    def _ready(self) -> int:
        return sum(
            path.read_text(errors="replace").count(_READY)
            for path in self.log_dir.glob("worker-*.log")
        )

    def peak_rss_mb(self) -> int:
        """The workers' peak resident memory, every process of their groups summed."""
        groups = {p.pid for p in self.processes}
        total_kb = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) not in groups:  # the process group
                    continue
                status = (stat.parent / "status").read_text()
            except (OSError, IndexError, ValueError):
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    total_kb += int(line.split()[1])
        return round(total_kb / 1024)

    def stop(self) -> None:
        """TERM each worker's group, then KILL what is left."""
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def logs(self) -> str:
        """The end of every worker's log."""
        return "\n".join(
            p.read_text(errors="replace")[-2000:] for p in self.log_dir.glob("worker-*.log")
        )
