"""Include every router; nothing else lives here."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.routes import (
    analyses,
    answers,
    codebook,
    communities,
    digest,
    goals,
    health,
    imports,
    metrics,
    outcomes,
    polls,
    questions,
    respondents,
    segments,
    suggestions,
    themes,
    tokens,
    webhooks,
)

api_router = APIRouter()
for module in (
    health,
    communities,
    imports,
    questions,
    answers,
    respondents,
    segments,
    tokens,
    metrics,
    analyses,
    goals,
    themes,
    codebook,
    digest,
    suggestions,
    outcomes,
    polls,
    webhooks,
):
    api_router.include_router(module.router)
api_router.include_router(themes.concerns_router)
