"""A worker killed mid-analysis: the next worker finishes it, with the undisturbed result.

Real Redis, real PostgreSQL, real models, real ``peerpulse worker`` and ``peerpulse analyze``
subprocesses. The same export is analysed twice, in two fresh databases: once in-process
(embedded mode, undisturbed) and once through the broker, where the worker running the job is
SIGKILLed in the middle and a new worker is started.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from service.auth.roles import Role
from service.config import Settings
from service.intake import run_import
from service.jobs import store
from service.jobs.runner import execute
from service.main import create_app
from service.modelstore import ModelStore
from service.storage import db
from service.storage.repositories import communities
from service.storage.tables import EmbeddingCache, Job, Theme, Unit
from tests.conftest import ROOT, make_token
from tests.factories import themed_export
from tests.scaleout.conftest import SECRET, Workers, worker_env


def _settings(url: str, data_dir: Path, broker_url: str | None = None) -> Settings:
    return Settings(
        environment="test",
        database_url=url,
        broker_url=broker_url,
        secret_key=SECRET,
        data_dir=data_dir,
        digest_scheduler=False,
        embedding_chunk_size=16,
    )


def _prepared(settings: Settings, models: ModelStore) -> Engine:
    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)
    run_import(
        engine,
        settings,
        slug="circle",
        data=themed_export(weeks=2),
        filename="pulse.csv",
        create_community=True,
        redactor=models.redactor,
    )
    return engine


def _stored(engine: Engine) -> dict[str, Any]:
    """What the analysis left in the database, independent of row ids."""
    with db.transaction(engine) as session:
        count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
        themes = {t.id: tuple(t.keywords) for t in session.scalars(select(Theme))}
        assigned = sorted(
            (text, themes.get(theme_id, ()))
            for text, theme_id in session.execute(select(Unit.text, Unit.theme_id))
        )
        return {
            "units": count(Unit),
            "embeddings": count(EmbeddingCache),
            "themes": count(Theme),
            "jobs": count(Job),
            "assignments": assigned,
        }


def _comparable(result: dict[str, Any]) -> dict[str, Any]:
    """The job's result without what names this particular run."""
    text = json.dumps(result, sort_keys=True).replace(result["run_id"], "RUN")
    return json.loads(text)


def _wait_until_mid_job(client: TestClient, headers: dict[str, str], engine: Engine) -> dict:
    """Poll ``GET /api/v1/jobs/{id}`` until the job is past its first stage; return that view."""
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        with db.transaction(engine) as session:
            job_id = session.scalar(select(Job.id))
        if job_id is not None:
            view = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
            if view["status"] == "running" and view["progress"] >= 0.1:
                return view
            assert view["status"] in ("queued", "running"), view
        time.sleep(0.1)
    raise AssertionError("the first worker never got into the job")


def test_a_worker_killed_mid_job_ends_like_an_undisturbed_run(
    new_database: Callable[[], str],
    redis_url: str,
    workers: Workers,
    models: ModelStore,
    tmp_path: Path,
) -> None:
    scaled = _settings(new_database(), tmp_path, redis_url)
    reference = _settings(new_database(), tmp_path)
    scaled_engine = _prepared(scaled, models)
    reference_engine = _prepared(reference, models)
    env = worker_env(scaled.database_url, redis_url, tmp_path)

    first = workers.start(env)
    analyze = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "analyze", "--community", "circle", "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with TestClient(create_app(scaled, models)) as client:
            headers = {"Authorization": f"Bearer {make_token(client, Role.FACILITATOR, 'circle')}"}
            before = _wait_until_mid_job(client, headers, scaled_engine)
            workers.kill(first, signal.SIGKILL)
            after = client.get(f"/api/v1/jobs/{before['id']}", headers=headers).json()
            assert after["status"] == "running" and 0 < after["progress"] < 1, after
            workers.start(env)

            with db.transaction(reference_engine) as session:
                community_id = communities.get(session, "circle").id
            reference_id, _ = store.create(reference_engine, community_id, "analysis")
            assert execute(reference_engine, models, reference, reference_id) == "ran"

            out, err = analyze.communicate(timeout=240)
            assert analyze.returncode == 0, err + workers.logs()
            final = client.get(f"/api/v1/jobs/{before['id']}", headers=headers).json()
    finally:
        if analyze.poll() is None:
            analyze.kill()
            analyze.communicate()

    assert final["status"] == "succeeded" and final["progress"] == 1.0
    assert final["attempts"] == 2  # killed once, then run to the end once
    undisturbed = store.get(reference_engine, reference_id)
    assert undisturbed.status == "succeeded", undisturbed.error
    assert _stored(scaled_engine) == _stored(reference_engine)
    printed = json.loads(out)
    assert printed == final["result"]
    assert _comparable(printed) == _comparable(undisturbed.result)
    assert printed["units"] == 48 and len(printed["themes"]) >= 3
    scaled_engine.dispose()
    reference_engine.dispose()
