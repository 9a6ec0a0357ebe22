"""``peerpulse worker`` (Celery) and ``peerpulse serve`` (the API and web pages)."""

from __future__ import annotations

from typing import Annotated

import typer

from service.cli.common import fail, migrated_engine
from service.config import get_settings
from service.errors import PeerPulseError
from service.storage import db


def worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", min=1, help="Jobs this worker runs at once")
    ] = 1,
    queues: Annotated[
        str | None, typer.Option("--queues", "-Q", help="Comma-separated queues (default: all)")
    ] = None,
    loglevel: Annotated[str, typer.Option("--loglevel", "-l")] = "info",
    threads: Annotated[
        int | None,
        typer.Option(
            "--threads", min=1, help="Torch threads per job process (default: cores / concurrency)"
        ),
    ] = None,
    pool: Annotated[str, typer.Option("--pool", help="prefork|solo|threads")] = "prefork",
    beat: Annotated[
        bool, typer.Option("--beat", help="Also send the weekly digests (run it on one worker)")
    ] = False,
) -> None:
    """Run a Celery worker: analyses, embedding chunks and digests from PEERPULSE_BROKER_URL."""
    import os

    from service.errors import InvalidInput

    settings = get_settings()
    try:
        if not settings.broker_url:
            raise InvalidInput(
                "PEERPULSE_BROKER_URL is not set",
                hint="Set it to the shared Redis, e.g. PEERPULSE_BROKER_URL=redis://127.0.0.1:6379/0;"
                " without a broker, jobs run inside `peerpulse serve` and need no worker.",
            )
        if db.make_engine(settings.database_url).dialect.name == "sqlite":
            raise InvalidInput(
                "Workers need a database they can share; PEERPULSE_DATABASE_URL is SQLite",
                hint="Point PEERPULSE_DATABASE_URL at PostgreSQL, "
                "e.g. postgresql://peerpulse@db-host/peerpulse.",
            )
        migrated_engine()  # migrate once, before the job processes start
    except PeerPulseError as error:
        fail(error)
        return
    os.environ["PEERPULSE_WORKER_THREADS"] = str(
        threads or max(1, (os.cpu_count() or 1) // concurrency)
    )
    from service.jobs.celery_app import celery_app

    argv = [
        "worker",
        f"--concurrency={concurrency}",
        f"--loglevel={loglevel}",
        f"--pool={pool}",
        f"--hostname=peerpulse-{os.getpid()}@%h",
        "--without-gossip",
        "--without-mingle",
    ]
    if queues:
        argv.append(f"--queues={queues}")
    if beat:
        argv.append("--beat")
    celery_app.worker_main(argv)


def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
) -> None:
    """Serve the API and web pages."""
    import uvicorn

    print(f"PeerPulse is serving at http://{host}:{port}/", flush=True)
    uvicorn.run("service.main:app", host=host, port=port, log_level="info")
