"""A community shaped by hand: answers, three themes with their answers, a worry, a goal gap and a
goal's alignment that quote the themes by their generated labels."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.auth.roles import Role
from service.storage import db
from service.storage.tables import Answer, AnswerTheme, Goal, Unit
from tests.conftest import make_token
from tests.factories import SUBJECTS, answered, theme_row
from tests.web.conftest import live_server  # noqa: F401 - the live server fixture

LABELS = {
    "calendar": "Calendar and double",
    "expenses": "Expense and receipts",
    "ai": "Ai and tool",
}


@dataclass(frozen=True)
class Shaped:
    client: TestClient
    themes: dict[str, int]  # subject -> theme id
    answers: dict[str, list[int]]  # subject -> answer ids
    committee: dict[str, str]
    viewer: dict[str, str]
    facilitator: dict[str, str]


def _headers(client: TestClient, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(client, role, 'circle')}"}


@pytest.fixture
def shaped(app_client: TestClient) -> Shaped:
    """The shaped community on SQLite."""
    return shape(app_client)


@pytest.fixture
def shaped_anywhere(any_app_client: TestClient) -> Shaped:
    """The shaped community on SQLite and on PostgreSQL in turn."""
    return shape(any_app_client)


def shape(app_client: TestClient) -> Shaped:
    """Store the shaped community through the app's engine."""
    engine = app_client.app.state.engine  # type: ignore[attr-defined]
    models = app_client.app.state.models  # type: ignore[attr-defined]
    subjects = ["calendar", "expenses", "ai"]
    texts = [text for s in subjects for text in SUBJECTS[s]]
    community_id = answered(engine, models.redactor, texts)
    with db.transaction(engine, write=True) as session:
        answers = list(
            session.scalars(
                select(Answer.id).where(Answer.community_id == community_id).order_by(Answer.id)
            )
        )
        goal = Goal(community_id=community_id, text="Calm calendars", owner="staff")
        session.add(goal)
        session.flush()
        ids, by_subject = {}, {}
        for n, subject in enumerate(subjects):
            label = LABELS[subject]
            summary: dict = {
                "units": 6,
                "respondents": 6,
                "share": 0.33,
                "trend": "rising",
                "weekly": [{"week": "2026-W36", "count": 1}, {"week": "2026-W37", "count": 6}],
            }
            if subject == "calendar":
                summary["concern"] = {
                    "label": label,
                    "rank": 1,
                    "reason": f"6 members worried about \u201c{label}\u201d this week.",
                }
                summary["goal_gap"] = {
                    "label": label,
                    "members": 6,
                    "share_of_members": 0.33,
                    "trend": "rising",
                    "reason": f"\u201c{label}\u201d is rising, and no goal covers it.",
                }
            theme = theme_row(community_id, label, summary=summary)
            session.add(theme)
            session.flush()
            ids[subject] = theme.id
            mine = answers[6 * n : 6 * n + 6]
            by_subject[subject] = mine
            for answer in mine:
                session.add(
                    AnswerTheme(
                        community_id=community_id, answer_id=answer, theme_id=theme.id, score=0.6
                    )
                )
            for unit in session.scalars(select(Unit).where(Unit.response_id.in_(mine))):
                unit.theme_id = theme.id
        goal.alignment = {
            "id": goal.id,
            "themes": [{"id": ids["calendar"], "label": LABELS["calendar"], "similarity": 0.5}],
            "gap": None,
            "members": 6,
            "barrier_share": None,
            "progress_share": None,
            "concern_share": None,
            "trend": "steady",
            "weekly": [],
            "quotes": [],
            "barriers": [],
            "progress": [],
            "reason": f"Members write about it in \u201c{LABELS['calendar']}\u201d.",
        }
    return Shaped(
        app_client,
        ids,
        by_subject,
        _headers(app_client, Role.COMMITTEE),
        _headers(app_client, Role.VIEWER),
        _headers(app_client, Role.FACILITATOR),
    )
