"""Render every :class:`PeerPulseError` (and request validation errors) as the same JSON body."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from service.errors import PeerPulseError


async def peerpulse_error(_request: Request, exc: PeerPulseError) -> JSONResponse:
    """Our own errors carry their status code and body."""
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return JSONResponse(exc.as_dict(), status_code=exc.status_code, headers=headers)


async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's validation errors, in our shape."""
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()))
    return JSONResponse(
        {
            "error": "The request is not valid",
            "detail": f"{where}: {first.get('msg', 'invalid')}",
            "location": {"row": None, "column": where or None},
            "hint": "Check the request against the API documentation at /docs.",
        },
        status_code=422,
    )


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(PeerPulseError, peerpulse_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
