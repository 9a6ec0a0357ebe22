"""The ``peerpulse`` command line (Typer)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from service.auth.roles import Role
from service.config import get_settings
from service.digest.cli import digest_app, recipients_app
from service.errors import InvalidInput, Location, PeerPulseError
from service.storage import db

app = typer.Typer(
    help="PeerPulse: themes and worries in peer-learning feedback.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
communities_app = typer.Typer(help="Communities (tenants).", no_args_is_help=True)
users_app = typer.Typer(help="Web users.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(communities_app, name="communities")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
respondents_app = typer.Typer(help="Respondents (right to erasure).", no_args_is_help=True)
app.add_typer(respondents_app, name="respondents")
app.add_typer(recipients_app, name="recipients")
app.add_typer(digest_app, name="digest")
goals_app = typer.Typer(help="The community's purpose and goals.", no_args_is_help=True)
app.add_typer(goals_app, name="goals")


@goals_app.command("add")
def goals_add(
    text: Annotated[str, typer.Argument(help="The goal, in a sentence")],
    community: Annotated[str, typer.Option("--community")],
    owner: Annotated[str, typer.Option("--owner", help="sponsor|staff|members|partner")] = "staff",
) -> None:
    """Add a goal to a community."""
    from service.storage.repositories import communities, goals

    try:
        with db.transaction(_engine(), write=True) as session:
            goal = goals.add(session, communities.get_or_create(session, community), text, owner)
            print(f"goal {goal.id} ({goal.owner}): {goal.text}")
    except PeerPulseError as error:
        _fail(error)


@goals_app.command("import")
def goals_import(
    path: Annotated[Path, typer.Argument(help="CSV with owner,text[,target_date] columns")],
    community: Annotated[str, typer.Option("--community")],
) -> None:
    """Add the goals of a CSV file (all or nothing; goals already there are skipped)."""
    from service.storage.repositories import communities, goals

    try:
        items = _read_goals(path)
        with db.transaction(_engine(), write=True) as session:
            target = communities.get_or_create(session, community)
            added, skipped = goals.add_missing(session, target, items)
        print(f"{path.name}: {added} goal(s) added, {skipped} already there")
    except PeerPulseError as error:
        _fail(error)


def _read_goals(path: Path) -> list[tuple[str, str, Any]]:
    """``(text, owner, target_date)`` per row, or an error naming the row and column."""
    import csv
    from datetime import datetime

    from service.storage.repositories.goals import check_owner

    if not path.is_file():
        raise _missing(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        if not {"owner", "text"} <= set(header):
            raise InvalidInput(
                f"{path.name}: the header needs the columns owner and text",
                location=Location(row=1),
                hint="Write a header row: owner,text,target_date (target_date may be empty).",
            )
        items = []
        for number, row in enumerate(reader, start=2):
            try:
                owner = check_owner((row.get("owner") or "").strip())
                due = (row.get("target_date") or "").strip()
                when = datetime.fromisoformat(due) if due else None
            except (PeerPulseError, ValueError) as exc:
                column = "target_date" if isinstance(exc, ValueError) else "owner"
                raise InvalidInput(
                    f"{path.name}: row {number}, column {column}: {exc}",
                    location=Location(row=number, column=header.index(column) + 1),
                    hint="Owners are sponsor, staff, members or partner; dates are YYYY-MM-DD.",
                ) from exc
            text = (row.get("text") or "").strip()
            if not text:
                raise InvalidInput(
                    f"{path.name}: row {number}, column text: the goal has no text",
                    location=Location(row=number, column=header.index("text") + 1),
                    hint="Describe the goal in a sentence, or delete the row.",
                )
            items.append((text, owner, when))
    return items


@goals_app.command("list")
def goals_list(community: Annotated[str, typer.Option("--community")]) -> None:
    """List a community's goals."""
    from service.storage.repositories import communities, goals

    try:
        with db.transaction(_engine()) as session:
            for goal in goals.list_for(session, communities.get(session, community)):
                print(f"{goal.id}\t{goal.owner}\t{goal.text}")
    except PeerPulseError as error:
        _fail(error)


roster_app = typer.Typer(help="The community's member roster.", no_args_is_help=True)
app.add_typer(roster_app, name="roster")


@roster_app.command("import")
def roster_import(
    path: Annotated[
        Path, typer.Argument(help="members.csv: email, role, level, experience, department, joined")
    ],
    community: Annotated[str, typer.Option("--community")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Load the roster (for response rates and turnover)."""
    from service.storage.importer import run_roster_import

    try:
        if not path.is_file():
            raise _missing(path)
        result = run_roster_import(
            _engine(),
            get_settings(),
            slug=community,
            data=path.read_bytes(),
            filename=path.name,
            create_community=True,
        )
    except PeerPulseError as error:
        _fail(error)
        return
    print(
        json.dumps(result)
        if as_json
        else f"{path.name}: {result['members']} members ({result['members_added']} new)"
    )


def _fail(error: PeerPulseError) -> None:
    print(json.dumps(error.as_dict(), ensure_ascii=False), file=sys.stderr)
    raise typer.Exit(code=2)


def _engine() -> Any:
    engine = db.engine_for(get_settings().database_url)
    db.upgrade(engine)
    return engine


@app.callback()
def main() -> None:
    """Errors are printed to stderr as JSON and exit with code 2."""


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    settings = get_settings()
    db.upgrade(db.engine_for(settings.database_url))
    print(f"database at {db.engine_for(settings.database_url).url!r} is up to date")


@app.command()
def ingest(
    path: Annotated[Path, typer.Argument(help="The exported file")],
    community: Annotated[str, typer.Option("--community", help="Community slug")],
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="auto|google_forms|surveymonkey|"  # noqa: A002
            "qualtrics|ms_forms|typeform|checkins|csv|jsonl",
        ),
    ] = "auto",
    mapping: Annotated[Path | None, typer.Option("--mapping", help="MAPPING.json")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Import one export file into a community (created on first use)."""
    from service.ingest.service import parse_mapping
    from service.modelstore import ModelStore
    from service.storage.importer import run_import

    try:
        if not path.is_file():
            raise _missing(path)
        mapping_doc = parse_mapping(mapping.read_text(encoding="utf-8")) if mapping else None
        settings = get_settings()
        data = path.read_bytes()
        result = run_import(
            _engine(),
            settings,
            slug=community,
            data=data,
            filename=path.name,
            format_name=format,
            mapping=mapping_doc,
            create_community=True,
            redactor=ModelStore(settings).redactor,
        )
    except PeerPulseError as error:
        _fail(error)
        return
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(
        f"{path.name}: {result['format']}, {result['responses_added']} responses added, "
        f"{result['duplicates_skipped']} duplicates skipped, {result['respondents']} respondents"
    )
    for warning in result["warnings"]:
        print(f"  warning: {warning}")


def _missing(path: Path) -> PeerPulseError:
    from service.errors import InvalidInput

    return InvalidInput(f"No file at {path}", hint="Check the path.")


@communities_app.command("create")
def communities_create(
    slug: str, name: Annotated[str | None, typer.Option("--name")] = None
) -> None:
    """Create a community."""
    from service.storage.repositories import communities

    try:
        with db.transaction(_engine(), write=True) as session:
            created = communities.create(session, slug, name)
            print(f"created community {created.slug}")
    except PeerPulseError as error:
        _fail(error)


@communities_app.command("list")
def communities_list() -> None:
    """List communities."""
    from service.storage.repositories import communities

    with db.transaction(_engine()) as session:
        for community in communities.list_all(session):
            print(f"{community.slug}\t{community.name}")


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Option("--username")],
    password: Annotated[
        str,
        typer.Option(
            "--password",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="PEERPULSE_NEW_USER_PASSWORD",
        ),
    ],
    role: Annotated[str, typer.Option("--role")] = "viewer",
    community: Annotated[str | None, typer.Option("--community")] = None,
) -> None:
    """Create a web user; an admin needs no community, other roles need one."""
    from service.storage.repositories import auth, communities

    try:
        chosen = auth.parse_role(role)
        with db.transaction(_engine(), write=True) as session:
            user = auth.create_user(session, username, password, is_admin=chosen == Role.ADMIN)
            if community:
                auth.add_membership(
                    session, user, communities.get_or_create(session, community), chosen
                )
            elif chosen != Role.ADMIN:
                from service.errors import InvalidInput

                raise InvalidInput("Only admins may be created without --community")
        print(f"created user {username} ({chosen.value})")
    except PeerPulseError as error:
        _fail(error)


@tokens_app.command("create")
def tokens_create(
    role: Annotated[str, typer.Option("--role")],
    community: Annotated[str | None, typer.Option("--community")] = None,
    name: Annotated[str, typer.Option("--name")] = "",
) -> None:
    """Create an API token and print it alone on stdout (it is not shown again)."""
    from service.storage.repositories import auth, communities

    try:
        chosen = auth.parse_role(role)
        with db.transaction(_engine(), write=True) as session:
            target = communities.get_or_create(session, community) if community else None
            token = auth.create_token(session, role=chosen, community=target, name=name)
    except PeerPulseError as error:
        _fail(error)
        return
    print(token)


@tokens_app.command("list")
def tokens_list(
    community: Annotated[
        str | None, typer.Option("--community", help="Only this community")
    ] = None,
    include_ended: Annotated[
        bool, typer.Option("--all", help="Also web sessions that have ended")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON array")] = False,
) -> None:
    """List API tokens and live web sessions (ids and prefixes; never the tokens)."""
    from service.errors import NotFound
    from service.storage.repositories import auth, communities

    try:
        with db.transaction(_engine()) as session:
            target = communities.find(session, community) if community else None
            if community and target is None:
                raise NotFound(
                    f"No community {community!r}", hint="See `peerpulse communities list`."
                )
            listed = auth.list_tokens(
                session,
                community_id=target.id if target else None,
                include_ended_sessions=include_ended,
            )
    except PeerPulseError as error:
        _fail(error)
        return
    if as_json:
        print(json.dumps([token.as_dict() for token in listed], ensure_ascii=False))
        return
    print("id\tprefix\tkind\trole\tcommunity\tname\tcreated\texpires\trevoked")
    for t in listed:
        times = [
            f"{v:%Y-%m-%d %H:%M}" if v else "-" for v in (t.created_at, t.expires_at, t.revoked_at)
        ]
        fields = [str(t.id), t.prefix, t.kind, t.role, t.community or "*", t.name or "-", *times]
        print("\t".join(fields))


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(help="The id `tokens list` shows")],
) -> None:
    """Revoke a token (and every web session opened with it) at once."""
    from service.storage.repositories import auth

    try:
        with db.transaction(_engine(), write=True) as session:
            revoked = auth.revoke_by_id(session, token_id)
    except PeerPulseError as error:
        _fail(error)
        return
    print(f"revoked token {revoked.id} ({revoked.prefix}…, {revoked.kind}, {revoked.role})")


@respondents_app.command("forget")
def respondents_forget(
    key: Annotated[str, typer.Argument(help="E-mail, id:TOOL_ID, or the stored respondent key")],
    community: Annotated[
        str | None, typer.Option("--community", help="Only this community")
    ] = None,
) -> None:
    """Delete a respondent's responses and everything derived from them (every community)."""
    from service.storage.repositories import communities, respondents

    settings = get_settings()
    resolved = respondents.resolve_key(settings.secret_key, key)
    try:
        with db.transaction(_engine(), write=True) as session:
            targets = [communities.get(session, community)] if community else None
            removed = respondents.forget_everywhere(session, resolved, targets)
    except PeerPulseError as error:
        _fail(error)
        return
    for slug, counts in removed.items():
        print(f"{slug}: {counts['responses']} responses and {counts['answers']} answers removed")


@app.command()
def analyze(
    community: Annotated[str, typer.Option("--community")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Find themes, worries and agenda suggestions (a job; with a broker, on the workers)."""
    import service.jobs.analysis  # noqa: F401 - registers the analysis job kind
    from service.jobs import store
    from service.jobs.runner import execute
    from service.modelstore import ModelStore
    from service.storage.repositories import communities

    settings = get_settings()
    engine = _engine()
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
        _fail(error)
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
        print(
            f"  [{theme['trend']:>7}] {theme['label']} — {theme['units']} units, "
            f"{theme['respondents'] if theme['respondents'] is not None else 'few'} members"
        )
    for suggestion in result.get("suggestions", [])[:5]:
        print(f"  suggestion: {suggestion['title']} ({suggestion['format']})")


@app.command()
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
        _engine()  # migrate once, before the job processes start
    except PeerPulseError as error:
        _fail(error)
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


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
) -> None:
    """Serve the API and web pages."""
    import uvicorn

    print(f"PeerPulse is serving at http://{host}:{port}/", flush=True)
    uvicorn.run("service.main:app", host=host, port=port, log_level="info")


if __name__ == "__main__":
    app()
