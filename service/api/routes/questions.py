"""The questions found in a community's imports, and a CSV of free-text answers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from service.api.security import FacilitatorCommunity, ViewerCommunity
from service.csvsafe import write_csv
from service.deps import SessionDep
from service.storage.tables import Answer, Question

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


@router.get("/answers.csv", response_class=Response)
def export_answers(community: FacilitatorCommunity, session: SessionDep) -> Response:
    """Free-text answers as CSV (no respondent column; formulas neutralised)."""
    rows = session.execute(
        select(Question.text, Answer.submitted_at, Answer.channel, Answer.text)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.community_id == community.id, Question.kind == "free_text")
        .order_by(Answer.submitted_at, Answer.id)
    )
    body = write_csv(["question", "submitted_at", "channel", "answer"], rows)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{community.slug}-answers.csv"'},
    )
