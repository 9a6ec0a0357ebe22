"""Communities: the tenants."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from service.api.security import AdminDep, PrincipalDep, ViewerCommunity
from service.deps import SessionDep
from service.storage.repositories import communities
from service.storage.tables import Community

router = APIRouter(prefix="/api/v1/communities", tags=["communities"])


class CommunityIn(BaseModel):
    """A community to create."""

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


def _out(community: Community, counts: dict[str, int] | None = None) -> CommunityOut:
    return CommunityOut(
        slug=community.slug, name=community.name, created_at=community.created_at, **(counts or {})
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def create_community(body: CommunityIn, session: SessionDep, _admin: AdminDep) -> CommunityOut:
    """Create a community (admin)."""
    return _out(communities.create(session, body.slug, body.name))


@router.get("")
def list_communities(session: SessionDep, principal: PrincipalDep) -> list[CommunityOut]:
    """The communities the caller may see."""
    return [_out(c) for c in communities.list_all(session) if principal.can_reach(c.id)]


@router.get("/{slug}")
def get_community(community: ViewerCommunity, session: SessionDep) -> CommunityOut:
    """One community with its counts."""
    return _out(community, communities.stats(session, community))
