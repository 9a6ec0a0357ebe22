"""After a session: what it did with a topic members raised ("you said, we did").

A facilitator records, for a session, what was discussed and what will happen next; the API
(``service/api/routes/polls.py``), the agenda page and the CLI call :func:`record`. The next
digest and the next member poll show the latest session's outcomes.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.errors import InvalidInput
from service.storage import db
from service.storage.repositories import outcomes, reviews, suggestions
from service.storage.tables import Community

Text = Annotated[str, Field(max_length=4000)]


class OutcomeIn(BaseModel):
    """What a session did with one topic: a suggestion (or a topic named in ``said``), what was
    discussed and what will happen."""

    model_config = ConfigDict(extra="forbid")

    session_date: date
    suggestion_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    said: Annotated[str, Field(max_length=300)] = ""
    discussed: Text
    action: Text = ""

    @field_validator("said", "discussed", "action")
    @classmethod
    def _clean(cls, value: str) -> str:
        return " ".join(value.replace("\x00", "").split())


def record(engine: Engine, community: Community, body: OutcomeIn, *, author: str) -> dict[str, Any]:
    """Store the outcome (the topic's title is the suggestion's when one is named)."""
    if not body.discussed:
        raise InvalidInput(
            "Say what was discussed", hint="Write a sentence on what the session made of it."
        )

    def work(session: Session) -> dict[str, Any]:
        said = body.said
        if body.suggestion_id is not None:
            said = suggestions.get(session, community, body.suggestion_id).title
        if not said:
            raise InvalidInput(
                "Name the topic members raised",
                hint="Pick one of the session's suggestions, or write the topic in 'said'.",
            )
        row = outcomes.add(
            session,
            community,
            day=body.session_date,
            said=said,
            discussed=body.discussed,
            action=body.action,
            author=author,
            suggestion_id=body.suggestion_id,
        )
        if body.suggestion_id is not None:
            reviews.audit(
                session,
                community.id,
                actor=author,
                action="suggestion.outcome",
                suggestion_id=body.suggestion_id,
                detail={"outcome_id": row.id, "session_date": body.session_date.isoformat()},
            )
        return outcomes.as_dict(row)

    return db.write_with_retries(engine, work)
