"""API tokens: created, listed and revoked by an admin.

A community-bound admin manages its community's tokens; a global admin manages every token,
including the global ones (through ``/api/v1/tokens``). Revoking a token also ends every web
session opened with it; the token and its sessions get 401 from the next request on.
"""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from service.api.params import RowId
from service.api.security import AdminCommunity, AdminDep
from service.auth.roles import Role
from service.auth.schemas import TokenInfo
from service.deps import SessionDep
from service.errors import NotFound
from service.storage.repositories import auth, communities

router = APIRouter(tags=["tokens"])
_COMMUNITY = "/api/v1/communities/{slug}/tokens"


class TokenIn(BaseModel):
    """A token to create."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    name: str = Field(default="", max_length=200)


class TokenOut(BaseModel):
    """The new token: shown this once, stored only as a hash."""

    token: str
    role: Role
    community: str


@router.post(_COMMUNITY, status_code=status.HTTP_201_CREATED)
def create_token(body: TokenIn, community: AdminCommunity, session: SessionDep) -> TokenOut:
    """Create a token bound to this community (admin)."""
    token = auth.create_token(session, role=body.role, community=community, name=body.name)
    return TokenOut(token=token, role=body.role, community=community.slug)


@router.get(_COMMUNITY)
def list_community_tokens(community: AdminCommunity, session: SessionDep) -> list[TokenInfo]:
    """This community's tokens and live web sessions, never the tokens themselves (admin)."""
    return auth.list_tokens(session, community_id=community.id)


@router.delete(_COMMUNITY + "/{token_id}")
def revoke_community_token(
    token_id: RowId, community: AdminCommunity, session: SessionDep
) -> TokenInfo:
    """Revoke one of this community's tokens and its web sessions (admin; 404 for others)."""
    return auth.revoke_by_id(session, token_id, community_id=community.id)


@router.get("/api/v1/tokens")
def list_tokens(
    principal: AdminDep, session: SessionDep, community: str | None = None
) -> list[TokenInfo]:
    """Every token the admin may manage: all for a global admin, else its community's."""
    if community is not None:
        found = communities.find(session, community)
        if found is None or not principal.can_reach(found.id):
            raise NotFound(f"No community {community!r}", hint="Check the slug and your token.")
        return auth.list_tokens(session, community_id=found.id)
    if principal.community_id is not None:
        return auth.list_tokens(session, community_id=principal.community_id)
    return auth.list_tokens(session)


@router.delete("/api/v1/tokens/{token_id}")
def revoke_token(token_id: RowId, principal: AdminDep, session: SessionDep) -> TokenInfo:
    """Revoke a token and its web sessions (a community-bound admin: its community's only)."""
    return auth.revoke_by_id(session, token_id, community_id=principal.community_id)
