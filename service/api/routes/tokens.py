"""API tokens, created by an admin for a community and a role."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from service.api.security import AdminCommunity
from service.auth.roles import Role
from service.deps import SessionDep
from service.storage.repositories import auth

router = APIRouter(prefix="/api/v1/communities/{slug}/tokens", tags=["tokens"])


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


@router.post("", status_code=status.HTTP_201_CREATED)
def create_token(body: TokenIn, community: AdminCommunity, session: SessionDep) -> TokenOut:
    """Create a token bound to this community (admin)."""
    token = auth.create_token(session, role=body.role, community=community, name=body.name)
    return TokenOut(token=token, role=body.role, community=community.slug)
