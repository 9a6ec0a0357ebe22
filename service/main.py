"""The FastAPI application: ``uvicorn service.main:app`` or ``peerpulse serve``."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.middleware.gzip import GZipMiddleware

import service.analysis.stages  # noqa: F401 - registers the analysis job kind
from service.api import docs, handlers
from service.api.middleware import BodyGuard, SecurityHeaders
from service.api.router import api_router
from service.api.security import RateLimiter
from service.config import Settings, get_settings
from service.digest.schedule import start_scheduler, stop_scheduler
from service.errors import PeerPulseError
from service.jobs.runner import build_runner
from service.modelstore import ModelStore
from service.storage import db
from service.web import router as web
from service.web.common import error_page

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, models: ModelStore | None = None) -> FastAPI:
    """Build the app; the database is upgraded to the newest schema at start-up."""
    chosen = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = db.engine_for(chosen.database_url, chosen.database_pool)
        db.upgrade(engine)
        app.state.engine = engine
        if chosen.oidc.enabled:  # mappings set in the environment may have changed since
            _apply_sign_on_mappings(engine, chosen)
        app.state.runner = build_runner(engine, app.state.models, chosen)
        resume = getattr(app.state.runner, "resume", None)
        if resume is not None:
            resume()
        embedded = chosen.digest_scheduler and not chosen.broker_url
        app.state.digest_scheduler = start_scheduler(engine, chosen) if embedded else None
        yield
        stop_scheduler(app.state.digest_scheduler)
        shutdown = getattr(app.state.runner, "shutdown", None)
        if shutdown is not None:
            shutdown()

    app = FastAPI(
        title="PeerPulse",
        version="0.1.0",
        summary="What members of peer-learning communities talk and worry about.",
        lifespan=lifespan,
        docs_url=None,  # served by service.api.docs from an installed package, not a CDN
        redoc_url=None,
    )
    app.state.settings = chosen
    app.state.rate_limiter = RateLimiter()
    app.state.models = models or ModelStore(chosen)
    handlers.install(app, page=error_page)
    app.add_exception_handler(web.SignInRequired, web.signin_redirect)  # type: ignore[arg-type]
    app.include_router(api_router)
    app.include_router(web.router)
    docs.install(app)
    # The last added runs first: headers on every answer, then gzip, then the body guard.
    app.add_middleware(BodyGuard)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(SecurityHeaders)
    return app


def _apply_sign_on_mappings(engine: Engine, settings: Settings) -> None:
    """Give every linked account the roles today's mappings grant, and end the sessions they no
    longer allow (``peerpulse sso apply`` at start-up)."""
    from service.sso import accounts

    with db.transaction(engine, write=True) as session:
        ended = accounts.apply_mappings(session, settings)
    if ended:
        logger.info("sign-on mappings applied at start: %d session(s) ended", ended)


def app_from_environment() -> FastAPI:
    """The app of ``uvicorn service.main:app``; a refused setting stops the server at start.

    The error goes to stderr in the API's error format (naming the variable, its value and the
    allowed values), and the process exits with code 2, as the CLI does.
    """
    try:
        return create_app()
    except PeerPulseError as error:
        sys.stderr.write(json.dumps(error.as_dict(), ensure_ascii=False) + "\n")
        raise SystemExit(2) from error


app = app_from_environment()
