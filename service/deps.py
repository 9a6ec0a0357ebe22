"""FastAPI dependencies: settings, the engine and a request-scoped session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.config import Settings
from service.storage import db


def settings_dep(request: Request) -> Settings:
    """The settings the app was built with."""
    return request.app.state.settings


def engine_dep(request: Request) -> Engine:
    """The engine the app opened in its lifespan."""
    return request.app.state.engine


def session_dep(engine: Annotated[Engine, Depends(engine_dep)]) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back on error."""
    with db.transaction(engine) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(settings_dep)]
EngineDep = Annotated[Engine, Depends(engine_dep)]
SessionDep = Annotated[Session, Depends(session_dep)]
