"""``peerpulse webhooks secret``: open a community's webhook for a survey tool."""

from __future__ import annotations

from typing import Annotated

import typer

from service.cli.common import fail, migrated_engine
from service.errors import PeerPulseError

webhooks_app = typer.Typer(
    help="Survey tools that post responses as they arrive.", no_args_is_help=True
)


@webhooks_app.command("secret")
def secret(
    community: Annotated[str, typer.Option("--community", help="Community slug")],
    tool: Annotated[str, typer.Option("--tool", help="typeform, surveymonkey or generic")],
) -> None:
    """Create (or replace) the webhook secret and print it with the URL to post to.

    The secret is derived from PEERPULSE_SECRET_KEY and a stored salt: the database holds no
    copy of it. Running this again revokes the previous secret.
    """
    from service.config import get_settings
    from service.integrations.service import create_secret, tool_named

    settings = get_settings()
    try:
        found = tool_named(tool)
        created = create_secret(migrated_engine(), settings, slug=community, tool=tool)
    except PeerPulseError as error:
        fail(error)
        return
    url = f"{settings.public_url.rstrip('/')}/api/v1/communities/{community}/webhooks/{tool}"
    print(f"url\t{url}")
    if created is None:
        print(
            f"{found.label} signs with your app's client ID and secret: set "
            "PEERPULSE_INTEGRATIONS__SURVEYMONKEY_CLIENT_ID, _CLIENT_SECRET and _ACCESS_TOKEN."
        )
        return
    print(f"secret\t{created}")
    print(f"header\t{found.signature_header}: sha256=BASE64(HMAC-SHA256(secret, raw body))")
