"""Committee actions are all-or-nothing and hold under concurrency, on SQLite and PostgreSQL.

A merge that fails in its last step leaves both suggestions as they were (on SQLite a request's
session commits each flush, so a merge outside one write unit kept its first half); a member
who double-clicks vote gets one vote, never a 500; concurrent edits of one suggestion keep
what each of them wrote.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.auth.roles import Role
from service.storage import db
from service.storage.repositories import reviews
from service.storage.tables import AuditEntry, Comment, Suggestion, Vote
from tests.agenda.conftest import headers, run_analysis
from tests.web.test_pages import ORIGIN, sign_in

BASE = "/api/v1/communities/circle"
TIMES = 20


def _state(client: TestClient, ids: list[int]) -> dict[str, Any]:
    """Everything a merge of ``ids`` could change, as plain values."""
    with db.transaction(client.app.state.engine) as session:  # type: ignore[attr-defined]
        rows = [session.get(Suggestion, i) for i in ids]
        return {
            "suggestions": [
                (r.title, r.status, r.merged_into, r.score, r.evidence, r.angles, r.theme_ids)
                for r in rows
            ],
            "votes": sorted(
                (v.suggestion_id, v.voter, v.value) for v in session.scalars(select(Vote))
            ),
            "comments": sorted((c.suggestion_id, c.text) for c in session.scalars(select(Comment))),
            "audit": len(list(session.scalars(select(AuditEntry)))),
        }


def test_a_merge_that_fails_in_its_last_step_leaves_both_suggestions_as_they_were(
    any_app_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = any_app_client
    made = run_analysis(client)
    first, second = made[0]["id"], made[1]["id"]
    committee = headers(client, Role.COMMITTEE)
    vote = client.post(f"{BASE}/suggestions/{second}/votes", headers=committee, json={"value": 1})
    assert vote.is_success
    assert client.post(
        f"{BASE}/suggestions/{second}/comments", headers=committee, json={"text": "Same topic"}
    ).is_success
    before = _state(client, [first, second])
    real_audit = reviews.audit

    def failing_audit(*args: Any, **kwargs: Any) -> None:
        if kwargs["action"] == "suggestion.merged_into":
            raise RuntimeError("the audit log is down")
        real_audit(*args, **kwargs)

    monkeypatch.setattr(reviews, "audit", failing_audit)
    with pytest.raises(RuntimeError, match="audit log is down"):
        client.post(
            f"{BASE}/suggestions/merge",
            headers=committee,
            json={"ids": [first, second], "title": "Both together"},
        )
    assert _state(client, [first, second]) == before
    monkeypatch.setattr(reviews, "audit", real_audit)
    merged = client.post(
        f"{BASE}/suggestions/merge", headers=committee, json={"ids": [first, second]}
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["votes"]["total"] == 1


def test_twenty_simultaneous_votes_of_one_member_all_succeed_and_count_once(
    any_app_client: TestClient,
) -> None:
    client = any_app_client
    target = run_analysis(client)[0]["id"]
    member = headers(client, Role.COMMITTEE)

    def click(value: int) -> int:
        url = f"{BASE}/suggestions/{target}/votes"
        return client.post(url, headers=member, json={"value": value}).status_code

    with ThreadPoolExecutor(max_workers=TIMES) as pool:
        answers = list(pool.map(click, [1 if i % 2 else -1 for i in range(TIMES)]))
    assert answers == [200] * TIMES
    with db.transaction(client.app.state.engine) as session:  # type: ignore[attr-defined]
        votes = list(session.scalars(select(Vote).where(Vote.suggestion_id == target)))
        logged = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "suggestion.vote")
        ).all()
    assert len(votes) == 1 and votes[0].value in (1, -1)
    assert len(logged) == TIMES
    listed = client.get(f"{BASE}/suggestions/{target}", headers=member).json()
    assert listed["my_vote"] == votes[0].value


def test_ten_members_double_clicking_at_once_get_one_vote_each(any_app_client: TestClient) -> None:
    client = any_app_client
    target = run_analysis(client)[0]["id"]
    members = [headers(client, Role.COMMITTEE) for _ in range(10)]
    clicks = [member for member in members for _ in range(4)]  # each member's 4 clicks together

    def click(member: dict[str, str]) -> int:
        url = f"{BASE}/suggestions/{target}/votes"
        return client.post(url, headers=member, json={"value": 1}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(click, clicks)) == [200] * len(clicks)
    shown = client.get(f"{BASE}/suggestions/{target}", headers=members[0]).json()
    assert shown["votes"] == {"up": 10, "down": 0, "total": 10}


def test_a_rename_and_an_angle_edit_at_once_both_stay_marked_as_edited(
    any_app_client: TestClient,
) -> None:
    client = any_app_client
    target = run_analysis(client)[0]["id"]
    member = headers(client, Role.COMMITTEE)
    url = f"{BASE}/suggestions/{target}"
    bodies = [
        {"title": f"Title {i}"} if i % 2 else {"angles": [f"Question {i}?"]} for i in range(TIMES)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(
            pool.map(lambda b: client.patch(url, headers=member, json=b).status_code, bodies)
        )
    assert codes == [200] * TIMES
    with db.transaction(client.app.state.engine) as session:  # type: ignore[attr-defined]
        row = session.get(Suggestion, target)
        assert row is not None
        assert row.evidence["edited"] == ["angles", "title"]
        renames = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "suggestion.rename")
        ).all()
    assert len(renames) == TIMES // 2


def test_a_board_merge_that_fails_in_its_last_step_changes_nothing(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = run_analysis(app_client)
    first, second = made[0]["id"], made[1]["id"]
    sign_in(app_client, Role.COMMITTEE)
    before = _state(app_client, [first, second])
    real_audit = reviews.audit

    def failing_audit(*args: Any, **kwargs: Any) -> None:
        if kwargs["action"] == "suggestion.merged_into":
            raise RuntimeError("the audit log is down")
        real_audit(*args, **kwargs)

    monkeypatch.setattr(reviews, "audit", failing_audit)
    with pytest.raises(RuntimeError, match="audit log is down"):
        app_client.post(
            "/c/circle/suggestions/merge",
            data={"first": first, "second": second, "title": "Both together", "confirm": "yes"},
            headers=ORIGIN,
            follow_redirects=False,
        )
    assert _state(app_client, [first, second]) == before
