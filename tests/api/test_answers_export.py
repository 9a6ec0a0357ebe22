"""GET …/answers.csv: the coded answers export, as facilitators get it and others do not."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from service.analysis.context import Context
from service.analysis.units import build_units
from service.auth.roles import Role
from service.coded_answers import COLUMNS
from service.storage import db
from service.storage.repositories import communities
from service.storage.repositories import units as unit_rows
from service.storage.tables import AnswerTheme, Unit
from tests.conftest import make_token
from tests.factories import theme_row

WORRY = "What keeps you up at night?"
NEXT = "What would you like the next session to cover?"
# (email, worry, next session); a Google Forms export in its own layout.
PEOPLE = [
    ("ana@example.org", "Month end close in the new expense tool.", "Calendar tips"),
    ("ben@example.org", "My boss Daniel Whitaker wants replies by 6am.", ""),
    ("cy@example.org", '=HYPERLINK("http://evil.example","click")', "Budgets"),
    ("di@example.org", "@SUM(A1) of everything I have to approve", "More on calendars"),
    ("ed@example.org", "- the reorg\n- the budget freeze", "Prioritising"),
    ("fa@example.org", "Une réorganisation est annoncée pour janvier.", "Copilot"),
]


def export_file(people: list[tuple[str, str, str]]) -> bytes:
    """The Google Forms CSV of ``people`` (one header row, CRLF, every field quoted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["Timestamp", "Email Address", WORRY, NEXT])
    for number, (email, worry, after) in enumerate(people):
        writer.writerow([f"9/{8 + number}/2026 10:15:00", email, worry, after])
    return buffer.getvalue().encode()


def upload(client: TestClient, headers: dict[str, str], people: list[Any], name: str) -> None:
    """Import the export of ``people`` into the community ``circle``."""
    response = client.post(
        "/api/v1/communities/circle/imports",
        headers=headers,
        files={"file": (name, export_file(people))},
    )
    assert response.status_code == 201, response.text


def written() -> list[tuple[int, str, str]]:
    """(data row, question, text) of every non-empty free-text answer in the file, in order."""
    return [
        (row, question, text)
        for row, person in enumerate(PEOPLE, start=1)
        for question, text in zip((WORRY, NEXT), person[1:], strict=True)
        if text
    ]


def cell(text: str) -> str:
    """How the export must show ``text``: a formula's first character neutralised."""
    return "'" + text if text.startswith(("=", "+", "-", "@")) else text


def read(body: str) -> list[dict[str, str]]:
    """The CSV's rows by column name, checking the header first."""
    rows = list(csv.reader(io.StringIO(body)))
    assert tuple(rows[0]) == COLUMNS
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]


def get(client: TestClient, headers: dict[str, str]) -> Any:
    """The export response."""
    return client.get("/api/v1/communities/circle/answers.csv", headers=headers)


def test_one_row_per_free_text_answer_with_its_file_row_and_redacted_text(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    upload(app_client, facilitator_headers, PEOPLE, "pulse.csv")
    response = get(app_client, facilitator_headers)
    assert response.status_code == 200
    rows = read(response.text)
    kept = [(r["source_row"], r["question"], r["answer"]) for r in rows if "6am" not in r["answer"]]
    assert kept == [(str(row), q, cell(t)) for row, q, t in written() if "6am" not in t]
    assert {r["import"] for r in rows} == {"pulse.csv"}
    redacted = next(r["answer"] for r in rows if "6am" in r["answer"])
    assert "Whitaker" not in redacted and "[PERSON]" in redacted
    assert "example.org" not in response.text  # no respondent column, no e-mail
    assert rows[0]["submitted_at"].startswith("2026-09-08")


def test_themes_come_from_units_until_answers_are_coded_and_a_committee_name_wins(
    app_client: TestClient, facilitator_headers: dict[str, str], models: Any
) -> None:
    upload(app_client, facilitator_headers, PEOPLE, "pulse.csv")
    engine: Engine = app_client.app.state.engine  # type: ignore[attr-defined]
    settings = app_client.app.state.settings  # type: ignore[attr-defined]
    with db.transaction(engine, write=True) as session:
        community_id = communities.get(session, "circle").id
    assert build_units(Context(engine, models, settings, community_id, "job")) > 0
    with db.transaction(engine, write=True) as session:
        money = theme_row(community_id, "expenses and budgets")
        calendar = theme_row(community_id, "calendar", name="Calendar clashes")
        session.add_all([money, calendar])
        session.flush()
        units = session.execute(select(Unit.id, Unit.text, Unit.response_id)).all()
        first = next(u for u in units if u.text.startswith("Month end"))
        tips = next(u for u in units if u.text == "Calendar tips")
        unit_rows.assign(session, {money.id: [first.id], calendar.id: [tips.id]})
        session.execute(update(Unit).where(Unit.id == first.id).values(concern_level=2))
        ids = (money.id, calendar.id, first.response_id, tips.response_id)
    rows = {r["answer"]: r for r in read(get(app_client, facilitator_headers).text)}
    assert (
        rows["Month end close in the new expense tool."]["themes"],
        rows["Calendar tips"]["themes"],
    ) == ("expenses and budgets", "Calendar clashes")
    assert rows["Month end close in the new expense tool."]["concern_level"] == "2"
    assert rows["Budgets"]["themes"] == rows["Budgets"]["concern_level"] == ""
    money_id, calendar_id, month_end, _ = ids
    with db.transaction(engine, write=True) as session:  # the theme stage codes answers
        for theme_id, score in ((calendar_id, 0.9), (money_id, 0.6)):
            session.add(
                AnswerTheme(
                    community_id=community_id, answer_id=month_end, theme_id=theme_id, score=score
                )
            )
    rows = {r["answer"]: r for r in read(get(app_client, facilitator_headers).text)}
    coded = rows["Month end close in the new expense tool."]
    assert coded["themes"] == "Calendar clashes | expenses and budgets"
    assert coded["theme_ids"] == f"{calendar_id} | {money_id}"
    assert rows["Calendar tips"]["themes"] == ""  # answer_themes now rules: not coded, no theme


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMMITTEE])
def test_below_facilitator_is_refused(app_client: TestClient, role: Role) -> None:
    headers = {"Authorization": f"Bearer {make_token(app_client, role, 'circle')}"}
    assert get(app_client, headers).status_code == 403


def test_a_community_under_the_minimum_group_gives_no_rows(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    upload(app_client, facilitator_headers, PEOPLE[:3], "small.csv")
    response = get(app_client, facilitator_headers)
    assert response.status_code == 200
    assert read(response.text) == []
