"""Render every error in one shape: ``{"error", "detail", "location", "hint"}``.

Our own :class:`PeerPulseError`, FastAPI's validation errors, Starlette's HTTP errors (an unknown
address is 404, a wrong method 405) and anything unexpected (500) all answer in it; browsers on
the dashboard's pages get the HTML error page instead.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from service.api.middleware import SECURITY_HEADERS
from service.errors import InvalidInput, PeerPulseError

PageRenderer = Callable[[Request, int, str, str | None], Response]
_MESSAGES = {
    400: (
        "The request could not be read",
        "Check the body against the API documentation at /docs.",
    ),
    404: ("There is nothing at this address", "Check the path against the API documentation."),
    405: ("This address does not take that method", "The Allow header lists the methods it does."),
}


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


async def unstorable_value(_request: Request, exc: DataError) -> JSONResponse:
    """A value the database refuses (PostgreSQL: a NUL character, a number out of range): 422."""
    reason = str(getattr(exc, "orig", exc)).splitlines()[0] if str(exc) else "invalid value"
    error = InvalidInput(
        "The request holds a value that cannot be stored",
        detail=reason,
        hint="Remove control characters such as NUL (\\u0000) and keep numbers in range.",
    )
    return JSONResponse(error.as_dict(), status_code=error.status_code)


async def internal_error(_request: Request, _exc: Exception) -> JSONResponse:
    """An unexpected failure: a generic body (the traceback goes to the server's log only)."""
    return JSONResponse(
        _body("Internal server error", "The server failed to answer this request.", None),
        status_code=500,
        headers=SECURITY_HEADERS,  # sent from outside the middleware that adds them elsewhere
    )


def http_error_handler(
    page: PageRenderer | None,
) -> Callable[[Request, Exception], object]:
    """Starlette's HTTP errors: JSON in our shape, or ``page`` for a browser outside the API."""

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message, hint = _MESSAGES.get(status, ("The request failed", None))
        detail = exc.detail if isinstance(exc, HTTPException) else None
        extra = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
        if page is not None and _wants_page(request):
            response = page(request, status, message, hint)
        else:
            body = _body(message, f"{request.method} {request.url.path}: {detail}", hint)
            response = JSONResponse(body, status_code=status)
        response.headers.update(extra)
        return response

    return http_error


def _wants_page(request: Request) -> bool:
    path = request.url.path
    api = path.startswith(("/api/", "/healthz", "/openapi.json", "/docs"))
    return not api and "text/html" in request.headers.get("accept", "")


def _body(message: str, detail: str, hint: str | None) -> dict[str, object]:
    return {
        "error": message,
        "detail": detail,
        "location": {"row": None, "column": None},
        "hint": hint,
    }


def install(app: FastAPI, page: PageRenderer | None = None) -> None:
    """Register the handlers on ``app``; ``page`` renders the dashboard's HTML error page."""
    app.add_exception_handler(PeerPulseError, peerpulse_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, http_error_handler(page))  # type: ignore[arg-type]
    app.add_exception_handler(DataError, unstorable_value)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, internal_error)
