"""FastAPI dependencies: settings, the engine and a request-scoped session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.config import Settings
from service.modelstore import ModelStore
from service.privacy.thresholds import Confidentiality
from service.storage import db


def settings_dep(request: Request) -> Settings:
    """The settings the app was built with."""
    return request.app.state.settings


def engine_dep(request: Request) -> Engine:
    """The engine the app opened in its lifespan."""
    return request.app.state.engine


def models_dep(request: Request) -> ModelStore:
    """The process's model store."""
    return request.app.state.models


def confidentiality_dep(request: Request) -> Confidentiality:
    """The confidentiality rules from the settings."""
    settings: Settings = request.app.state.settings
    return Confidentiality.from_settings(settings)


def session_dep(engine: Annotated[Engine, Depends(engine_dep)]) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back on error."""
    with db.transaction(engine) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(settings_dep)]
EngineDep = Annotated[Engine, Depends(engine_dep)]
# scope="function": the transaction commits before the response is sent, so a client that acts
# on the response at once (a browser following a redirect) always sees what the request wrote.
SessionDep = Annotated[Session, Depends(session_dep, scope="function")]
ModelsDep = Annotated[ModelStore, Depends(models_dep)]
ConfidentialityDep = Annotated[Confidentiality, Depends(confidentiality_dep)]
