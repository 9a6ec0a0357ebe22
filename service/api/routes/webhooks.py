"""Survey webhooks in: a tool posts each new response, signed with the community's secret."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from service.deps import EngineDep, ModelsDep, SettingsDep
from service.integrations.service import receive

router = APIRouter(prefix="/api/v1/communities/{slug}/webhooks", tags=["webhooks"])


class DeliveryOut(BaseModel):
    """What a delivery stored: nothing when it was a replay or not a response."""

    community: str
    tool: str
    stored: bool
    responses_added: int = 0
    duplicates_skipped: int = 0
    reason: str | None = None


@router.post("/{tool}", status_code=status.HTTP_202_ACCEPTED, response_model=DeliveryOut)
async def deliver(
    slug: str,
    tool: str,
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    models: ModelsDep,
) -> dict[str, Any]:
    """Store one response a survey tool posted (no token: the body's signature is checked).

    Typeform signs with ``Typeform-Signature``, the generic form post with
    ``X-PeerPulse-Signature`` (both ``sha256=`` and the base64 HMAC-SHA256 of the raw body),
    SurveyMonkey with ``Sm-Apikey`` and ``Sm-Signature``. A wrong signature answers 401 and
    stores nothing; a replay answers 202 with ``stored: false``.
    """
    body = await request.body()
    return await run_in_threadpool(
        lambda: receive(
            engine,
            settings,
            slug=slug,
            tool=tool,
            body=body,
            headers=dict(request.headers),
            redactor=models.redactor,
        )
    )
