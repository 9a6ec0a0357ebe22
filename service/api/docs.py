"""``/docs``: Swagger UI served from an installed package, and the favicon.

FastAPI's own ``/docs`` loads Swagger UI from a CDN and starts it with an inline script, which
the Content-Security-Policy forbids; this page loads the files that the ``fastapi-offline``
package ships (Swagger UI 5, which reads OpenAPI 3.1) and starts them from our static JS.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"
STATIC = Path(__file__).parents[1] / "web" / "static"
_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>PeerPulse API</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    """The API documentation (Swagger UI over ``/openapi.json``)."""
    return HTMLResponse(_PAGE)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """The icon browsers ask for at the root."""
    return FileResponse(
        STATIC / "favicon.ico",
        media_type="image/x-icon",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def install(app: FastAPI) -> None:
    """Add ``/docs``, its assets and ``/favicon.ico`` to ``app``."""
    app.include_router(router)
    app.mount("/docs/assets", StaticFiles(directory=ASSETS), name="docs-assets")
