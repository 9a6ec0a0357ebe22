"""``peerpulse analyze``: run an analysis job and follow its progress."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from service.cli.common import fail, migrated_engine
from service.config import get_settings
from service.errors import PeerPulseError
from service.storage import db


def analyze(
    community: Annotated[str, typer.Option("--community")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Find themes, worries and agenda suggestions (a job; with a broker, on the workers)."""
    import service.analysis.stages  # noqa: F401 - registers the analysis job kind
    from service.jobs import store
    from service.jobs.runner import execute
    from service.modelstore import ModelStore
    from service.storage.repositories import communities

    settings = get_settings()
    engine = migrated_engine()
    try:
        with db.transaction(engine) as session:
            target = communities.get(session, community)
        job_id, _created = store.create(engine, target.id, "analysis")
        if settings.broker_url:
            from service.jobs.celery_app import CeleryRunner

            CeleryRunner(settings).submit(job_id)
            job = _follow(engine, job_id, quiet=as_json)
        else:
            import threading

            worker = threading.Thread(
                target=execute, args=(engine, ModelStore(settings), settings, job_id), daemon=True
            )
            worker.start()
            job = _follow(engine, job_id, quiet=as_json, thread=worker)
    except PeerPulseError as error:
        fail(error)
        return
    if job.status != "succeeded":
        failure = {
            "error": "The analysis failed",
            "detail": job.error,
            "location": None,
            "hint": "Check the server (or worker) log; rerun `peerpulse analyze`.",
        }
        print(json.dumps(failure), file=sys.stderr)
        raise typer.Exit(code=1)
    result = job.result or {}
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    _print_summary(result)


def _follow(engine: Any, job_id: str, *, quiet: bool, thread: Any = None) -> Any:
    """Wait for a job, drawing a progress bar on stderr (and saying so if no worker takes it)."""
    import time

    from service.jobs import store

    waiting_since, hinted = time.monotonic(), False
    with typer.progressbar(length=100, label="analysing", file=sys.stderr, show_eta=False) as bar:
        shown = 0
        while True:
            job = store.get(engine, job_id)
            target = int(job.progress * 100)
            if not quiet and target > shown:
                bar.update(target - shown)
                shown = target
            if job.status in ("succeeded", "failed"):
                return job
            if thread is not None and not thread.is_alive() and job.status in store.ACTIVE:
                return store.get(engine, job_id)
            if thread is None and job.status == "queued" and not hinted:
                if time.monotonic() - waiting_since > 15:
                    hinted = True
                    print(
                        f"\njob {job_id} is queued; is a worker running (`peerpulse worker`)?",
                        file=sys.stderr,
                    )
            time.sleep(0.3)


def _print_summary(result: dict[str, Any]) -> None:
    themes = result.get("themes", [])
    print(f"{len(themes)} themes")
    for theme in themes:
        # Figures about a group under the minimum are withheld (None), as on the dashboard.
        trend = theme.get("trend") or "—"
        units = theme.get("units")
        respondents = theme.get("respondents")
        print(
            f"  [{trend:>7}] {theme['label']} — "
            f"{units if units is not None else 'few'} units, "
            f"{respondents if respondents is not None else 'few'} members"
        )
    for suggestion in result.get("suggestions", [])[:5]:
        print(f"  suggestion: {suggestion['title']} ({suggestion['format']})")
