"""Administration: ``db``, ``communities``, ``users``, ``tokens`` and ``respondents``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from service.auth.roles import Role
from service.cli.common import fail, migrated_engine
from service.config import get_settings
from service.errors import PeerPulseError
from service.storage import db

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
communities_app = typer.Typer(help="Communities (tenants).", no_args_is_help=True)
users_app = typer.Typer(help="Web users.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens.", no_args_is_help=True)
respondents_app = typer.Typer(help="Respondents (right to erasure).", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    settings = get_settings()
    db.upgrade(db.engine_for(settings.database_url))
    print(f"database at {db.engine_for(settings.database_url).url!r} is up to date")


@communities_app.command("create")
def communities_create(
    slug: str, name: Annotated[str | None, typer.Option("--name")] = None
) -> None:
    """Create a community."""
    from service.storage.repositories import communities

    try:
        with db.transaction(migrated_engine(), write=True) as session:
            created = communities.create(session, slug, name)
            print(f"created community {created.slug}")
    except PeerPulseError as error:
        fail(error)


@communities_app.command("list")
def communities_list() -> None:
    """List communities."""
    from service.storage.repositories import communities

    with db.transaction(migrated_engine()) as session:
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
        with db.transaction(migrated_engine(), write=True) as session:
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
        fail(error)


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
        with db.transaction(migrated_engine(), write=True) as session:
            target = communities.get_or_create(session, community) if community else None
            token = auth.create_token(session, role=chosen, community=target, name=name)
    except PeerPulseError as error:
        fail(error)
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
        with db.transaction(migrated_engine()) as session:
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
        fail(error)
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
        with db.transaction(migrated_engine(), write=True) as session:
            revoked = auth.revoke_by_id(session, token_id)
    except PeerPulseError as error:
        fail(error)
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
        with db.transaction(migrated_engine(), write=True) as session:
            targets = [communities.get(session, community)] if community else None
            removed = respondents.forget_everywhere(session, resolved, targets)
    except PeerPulseError as error:
        fail(error)
        return
    for slug, counts in removed.items():
        print(f"{slug}: {counts['responses']} responses and {counts['answers']} answers removed")
