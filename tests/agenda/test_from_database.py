"""The analysis job's call with nothing passed in: themes, units, segments and requests are read
from what an import and the theme stage stored."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from service.analysis.context import Context
from service.analysis.suggestions import build_suggestions, choice_answers
from service.analysis.units import build_units
from service.storage import db
from service.storage.repositories import communities
from service.storage.tables import Question, Unit
from tests.agenda.conftest import headers
from tests.factories import SUBJECTS, google_forms_csv, theme_row

TOPICS = "Which topics would you like to discuss at the next session?"
ROLES = ["Executive Assistant", "Office Manager", "Administrative Assistant"]


def _export() -> bytes:
    rows = []
    for subject, texts in SUBJECTS.items():
        for index, text in enumerate(texts):
            ticked = "Expense system, AI tools" if subject in ("expenses", "ai") else "AI tools"
            rows.append(
                {
                    "What is your role?": ROLES[index % 3],
                    "What's top of mind for you this week?": f"{text}.",
                    TOPICS: ticked,
                }
            )
    return google_forms_csv(rows * 2, email=False)


def test_everything_is_read_from_the_database(client: TestClient) -> None:
    from service.auth.roles import Role

    uploaded = client.post(
        "/api/v1/communities/circle/imports",
        headers=headers(client, Role.FACILITATOR),
        files={"file": ("pulse.csv", _export())},
    )
    assert uploaded.status_code == 201, uploaded.text
    app = client.app
    engine, settings = app.state.engine, app.state.settings  # type: ignore[attr-defined]
    with db.transaction(engine) as session:
        community_id = communities.get(session, "circle").id
        kinds = dict(session.execute(select(Question.text, Question.kind)).tuples().all())
    assert kinds[TOPICS] == "multi_choice"
    build_units(Context(engine, app.state.models, settings, community_id, "job-db"))  # type: ignore[attr-defined]
    with db.transaction(engine, write=True) as session:
        units = list(session.scalars(select(Unit).where(Unit.community_id == community_id)))
        for number, (subject, label) in enumerate(
            (("ai", "AI assistants"), ("expenses", "Expense system")), start=1
        ):
            theme = theme_row(
                id=number,
                community_id=community_id,
                label=label,
                keywords=[subject, "copilot" if subject == "ai" else "receipt"],
                centroid=b"",
                summary={
                    "units": 12,
                    "respondents": 12,
                    "trend": "steady",
                    "weekly": [],
                    "quotes": [],
                    "suppressed": False,
                },
            )
            session.add(theme)
            session.flush()
            for unit in units:
                if any(unit.text.startswith(t[:25]) for t in SUBJECTS[subject]):
                    unit.theme_id = theme.id
        answers = choice_answers(session, community_id)
    assert len(answers) == 48 and {a.question for a in answers} == {TOPICS}
    made = build_suggestions(engine, community_id, "job-db", settings=settings)
    assert [s["title"] for s in made] == ["AI assistants", "Expense system"]
    assert made[0]["theme_ids"] == [1] and len(made[0]["quotes"]) >= 2
    assert all(q["text"] in {u.text for u in units} for q in made[0]["quotes"])
    listed = client.get(
        "/api/v1/communities/circle/suggestions", headers=headers(client, Role.VIEWER)
    ).json()
    ai = listed[0]
    assert ai["evidence"]["requesters"] == 48  # everyone ticked "AI tools"
    assert "48 members asked to discuss it" in ai["why"]
    assert ai["evidence"]["breadth"] == 3  # roles read from the respondents
