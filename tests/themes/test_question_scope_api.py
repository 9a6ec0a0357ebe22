"""The API themes list filters by question and shows the new theme fields (issue 18)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.storage import db
from service.storage.repositories import communities
from service.storage.tables import Question, ThemeSummarySentence
from tests.factories import theme_row


def _store(client: TestClient) -> tuple[int, int, int, int]:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine, write=True) as session:
        community = communities.get_or_create(session, "circle")
        question = Question(
            community_id=community.id, text="What keeps you up?", text_hash="q1", kind="free_text"
        )
        session.add(question)
        session.flush()
        wide = theme_row(community.id, "calendar", summary={"units": 9})
        parent = theme_row(
            community.id, "workload", question_id=question.id, level="parent", summary={"units": 8}
        )
        session.add_all([wide, parent])
        session.flush()
        fine = theme_row(
            community.id,
            "month end",
            question_id=question.id,
            parent_id=parent.id,
            summary={"units": 5},
        )
        fine.summary_sentences = [
            ThemeSummarySentence(position=0, text="Month end weighs.", answer_ids=[3, 4])
        ]
        session.add(fine)
        session.flush()
        return question.id, wide.id, parent.id, fine.id


def test_the_themes_list_filters_by_question(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    question_id, wide, parent, fine = _store(app_client)
    url = "/api/v1/communities/circle/themes"
    every = app_client.get(url, headers=facilitator_headers).json()
    assert {t["id"] for t in every} == {wide}  # without a question: the community-wide themes
    scoped = app_client.get(
        url, params={"question_id": question_id}, headers=facilitator_headers
    ).json()
    assert [t["id"] for t in scoped] == [fine]  # the fine level unless ?level=parent
    parents = app_client.get(
        url, params={"question_id": question_id, "level": "parent"}, headers=facilitator_headers
    ).json()
    assert [t["id"] for t in parents] == [parent]
    by_id = {t["id"]: t for t in scoped + parents}
    assert by_id[fine]["question"] == "What keeps you up?"
    assert by_id[fine]["parent_id"] == parent and by_id[fine]["level"] == "fine"
    assert by_id[parent]["level"] == "parent" and by_id[parent]["parent_id"] is None
    assert by_id[fine]["summary"] == [{"text": "Month end weighs.", "answer_ids": [3, 4]}]
    wide_theme = next(t for t in every if t["id"] == wide)
    assert wide_theme["question"] is None and wide_theme["question_id"] is None
    assert "label" in wide_theme and "weekly" in wide_theme  # the old keys stay


def test_an_unknown_question_lists_no_theme(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    _store(app_client)
    response = app_client.get(
        "/api/v1/communities/circle/themes",
        params={"question_id": 999},
        headers=facilitator_headers,
    )
    assert response.status_code == 200 and response.json() == []
