"""Liveness: the only endpoint that answers without credentials."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from service.deps import EngineDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(engine: EngineDep) -> dict[str, str]:
    """Report that the service and its database answer."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok"}
