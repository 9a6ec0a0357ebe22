"""The ``peerpulse`` command line (Typer): one module per command group, assembled here."""

from __future__ import annotations

import typer

from service.cli import (
    admin,
    agenda,
    analyze,
    codebook,
    export,
    goals,
    ingest,
    polls,
    server,
    sso,
)
from service.cli import report as report_cli
from service.cli import webhooks as webhooks_cli
from service.cli.common import fail
from service.config import get_settings
from service.digest.cli import digest_app, recipients_app
from service.errors import PeerPulseError

app = typer.Typer(
    help="PeerPulse: themes and worries in peer-learning feedback.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """Errors are printed to stderr as JSON and exit with code 2."""
    try:
        get_settings()  # a refused setting stops every command before it starts
    except PeerPulseError as error:
        fail(error)


app.command()(ingest.ingest)
app.command()(analyze.analyze)
app.command()(server.worker)
app.command()(server.serve)
app.command()(report_cli.report)
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.communities_app, name="communities")
app.add_typer(admin.users_app, name="users")
app.add_typer(admin.tokens_app, name="tokens")
app.add_typer(admin.respondents_app, name="respondents")
app.add_typer(recipients_app, name="recipients")
app.add_typer(digest_app, name="digest")
app.add_typer(goals.goals_app, name="goals")
app.add_typer(ingest.roster_app, name="roster")
app.add_typer(export.export_app, name="export")
app.add_typer(webhooks_cli.webhooks_app, name="webhooks")
app.add_typer(agenda.agenda_app, name="agenda")
app.add_typer(polls.poll_app, name="poll")
app.add_typer(sso.sso_app, name="sso")
app.add_typer(codebook.codebook_app, name="codebook")
