"""Communities: the tenants."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from service.api.security import AdminDep, PrincipalDep, ViewerCommunity
from service.deps import ConfidentialityDep, SessionDep
from service.errors import Forbidden
from service.storage.repositories import communities
from service.storage.tables import Community

router = APIRouter(prefix="/api/v1/communities", tags=["communities"])


class CommunityIn(BaseModel):
    """A community to create."""

    model_config = ConfigDict(extra="forbid")

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", examples=["admin-circle"])
    name: str | None = Field(default=None, max_length=200)


class CommunityOut(BaseModel):
    """A community as the API shows it."""

    slug: str
    name: str
    created_at: datetime
    respondents: int | None = None
    responses: int | None = None
    imports: int | None = None
    counted_as: str | None = None
    suppressed: bool | None = None
    note: str | None = None


def _out(community: Community, counts: dict[str, Any] | None = None) -> CommunityOut:
    return CommunityOut(
        slug=community.slug, name=community.name, created_at=community.created_at, **(counts or {})
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def create_community(body: CommunityIn, session: SessionDep, admin: AdminDep) -> CommunityOut:
    """Create a community (a global admin: a token created without ``--community``)."""
    if admin.community_id is not None:
        raise Forbidden(
            "Only a global admin may create communities; this admin token is bound to one",
            hint="Use an admin token created without --community.",
        )
    return _out(communities.create(session, body.slug, body.name))


@router.get("")
def list_communities(session: SessionDep, principal: PrincipalDep) -> list[CommunityOut]:
    """The communities the caller may see."""
    return [_out(c) for c in communities.list_all(session) if principal.can_reach(c.id)]


@router.get("/{slug}")
def get_community(
    community: ViewerCommunity, session: SessionDep, privacy: ConfidentialityDep
) -> CommunityOut:
    """One community with its counts (withheld while it has fewer members than the minimum)."""
    return _out(community, communities.summary(session, community, privacy))
