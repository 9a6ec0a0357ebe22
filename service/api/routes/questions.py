"""The questions found in a community's imports (their answers: routes/answers.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from service.api.security import ViewerCommunity
from service.deps import SessionDep
from service.storage.tables import Question

router = APIRouter(prefix="/api/v1/communities/{slug}", tags=["questions"])


class QuestionOut(BaseModel):
    """A stored question."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    text: str
    kind: str
    segment: str | None
    choices: list[Any]


@router.get("/questions", response_model=list[QuestionOut])
def list_questions(community: ViewerCommunity, session: SessionDep) -> list[Any]:
    """Every stored question with its kind."""
    return list(
        session.scalars(
            select(Question).where(Question.community_id == community.id).order_by(Question.id)
        )
    )
