"""``peerpulse sso``: which of the identity provider's groups give which roles."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.orm import Session

from service.auth.oidc import ALL_COMMUNITIES
from service.auth.roles import Role
from service.cli.common import fail, migrated_engine
from service.config import get_settings
from service.errors import InvalidInput, NotFound, PeerPulseError
from service.sso import accounts
from service.storage import db
from service.storage.repositories import auth, communities, sso
from service.storage.tables import Community

sso_app = typer.Typer(help="Single sign-on: claim values to communities and roles.")

CommunityOption = Annotated[
    str, typer.Option("--community", help="The community's slug, or * for every community.")
]
ClaimOption = Annotated[
    str, typer.Option("--claim-value", help="A value of the role claim, e.g. a group name.")
]


@sso_app.command("map")
def sso_map(
    community: CommunityOption,
    claim_value: ClaimOption,
    role: Annotated[str, typer.Option("--role")],
) -> None:
    """Give people whose role claim holds CLAIM_VALUE a role in a community."""
    try:
        chosen = auth.parse_role(role)
        if community == ALL_COMMUNITIES and chosen != Role.ADMIN:
            raise InvalidInput("Only the admin role may span every community (--community *)")
        with db.transaction(migrated_engine(), write=True) as session:
            sso.set_mapping(session, claim_value, _community(session, community), chosen)
            ended = accounts.apply_mappings(session, get_settings())
        print(f"{claim_value} -> {chosen.value} in {community}; {ended} session(s) ended")
    except PeerPulseError as error:
        fail(error)


@sso_app.command("unmap")
def sso_unmap(community: CommunityOption, claim_value: ClaimOption) -> None:
    """Remove a mapping; the sessions it allowed end at once."""
    try:
        with db.transaction(migrated_engine(), write=True) as session:
            if not sso.remove_mapping(session, claim_value, _community(session, community)):
                raise NotFound(
                    f"No mapping of {claim_value!r} in {community}",
                    hint="List them with `peerpulse sso list`.",
                )
            ended = accounts.apply_mappings(session, get_settings())
        print(f"{claim_value} no longer maps to {community}; {ended} session(s) ended")
    except PeerPulseError as error:
        fail(error)


@sso_app.command("list")
def sso_list() -> None:
    """The mappings: from the settings, then those added here."""
    settings = get_settings()
    with db.transaction(migrated_engine()) as session:
        for value, slug, role in accounts.all_mappings(session, settings):
            print(f"{value}\t{slug}\t{role.value}")


@sso_app.command("apply")
def sso_apply() -> None:
    """Apply the mappings to everyone who signed in before (after changing the settings)."""
    with db.transaction(migrated_engine(), write=True) as session:
        ended = accounts.apply_mappings(session, get_settings())
    print(f"{ended} session(s) ended")


def _community(session: Session, slug: str) -> Community | None:
    if slug == ALL_COMMUNITIES:
        return None
    found = communities.find(session, slug)
    if found is None:
        raise NotFound(
            f"No community {slug!r}", hint="Create it with `peerpulse communities create`."
        )
    return found
