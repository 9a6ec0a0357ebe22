"""A job's lease on PostgreSQL: one live runner at a time, free again when its holder dies."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from service.config import Settings
from service.jobs import store
from service.jobs.runner import execute, job_kind, job_lease, orphaned
from service.storage import db
from service.storage.repositories import communities
from tests.conftest import ROOT

CALLS: list[str] = []


@job_kind("scaleout-probe")
def _probe(engine: Engine, models: Any, settings: Settings, job: Any, progress: Any) -> dict:
    CALLS.append(job.id)
    progress(0.5, "probing")
    return {"probed": job.id}


@pytest.fixture
def pg_engine(new_database: Callable[[], str]) -> Iterator[Engine]:
    engine = db.make_engine(new_database())
    db.upgrade(engine)
    yield engine
    engine.dispose()


def _job(engine: Engine) -> str:
    with db.transaction(engine, write=True) as session:
        community = communities.get_or_create(session, "circle")
        session.flush()
        community_id = community.id
    return store.create(engine, community_id, "scaleout-probe")[0]


def test_a_job_held_by_a_live_worker_is_not_run_twice(pg_engine: Engine) -> None:
    job_id = _job(pg_engine)
    settings = Settings(environment="test")
    with job_lease(pg_engine, job_id) as held:
        assert held
        assert execute(pg_engine, None, settings, job_id) == "busy"  # type: ignore[arg-type]
        assert store.get(pg_engine, job_id).status == "queued"
    assert execute(pg_engine, None, settings, job_id) == "ran"  # type: ignore[arg-type]
    assert execute(pg_engine, None, settings, job_id) == "done"  # type: ignore[arg-type]
    assert CALLS.count(job_id) == 1
    assert store.get(pg_engine, job_id).result == {"probed": job_id}


HOLD = """
import sys, time
from service.jobs.runner import job_lease
from service.storage import db
with job_lease(db.make_engine(sys.argv[1]), sys.argv[2]) as held:
    print(held, flush=True)
    time.sleep(120)
"""


def _wait_for(condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_killed_holders_job_is_orphaned_and_runs_again(pg_engine: Engine) -> None:
    job_id = _job(pg_engine)
    store.claim(pg_engine, job_id)  # "running", as a worker leaves it when it dies
    url = pg_engine.url.render_as_string(hide_password=False)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, url, job_id], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "True"
        assert orphaned(pg_engine) == []  # its holder is alive
        settings = Settings(environment="test")
        assert execute(pg_engine, None, settings, job_id) == "busy"  # type: ignore[arg-type]
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        assert _wait_for(lambda: orphaned(pg_engine) == [job_id])
        assert execute(pg_engine, None, settings, job_id) == "ran"  # type: ignore[arg-type]
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait(timeout=10)
    job = store.get(pg_engine, job_id)
    assert (job.status, job.attempts, CALLS.count(job_id)) == ("succeeded", 2, 1)
    assert orphaned(pg_engine) == []
